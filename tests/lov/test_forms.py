import pytest
from django import forms

from apps.lov.forms import LOVSelectionsModelForm, LOVValueCreateFormMixin, lov_choice_field_for
from apps.projects.lists.models import TaskStatus, TaskStatusSelection


class StatusCreateForm(LOVValueCreateFormMixin, forms.ModelForm):
    class Meta:
        model = TaskStatus
        fields = ["name"]


class StatusSelectionsForm(LOVSelectionsModelForm):
    class Meta:
        model = TaskStatusSelection


def selected_names(tenant):
    return sorted(v.name for v in TaskStatusSelection.objects.selected_values_for_tenant(tenant))


def test_create_form_makes_a_custom_value_of_the_given_tenant(acme):
    form = StatusCreateForm({"name": "  Escalated "}, lov_tenant=acme)

    assert form.is_valid(), form.errors
    value = form.save()

    assert (value.name, value.lov_tenant, value.value_type) == ("Escalated", acme, "custom")


def test_create_form_reports_a_duplicate_on_the_name_with_nothing_written(acme):
    before = TaskStatus.objects.count()
    form = StatusCreateForm({"name": "done"}, lov_tenant=acme)

    assert not form.is_valid()
    assert "already in this list" in form.errors["name"][0]
    assert TaskStatus.objects.count() == before


def test_selection_form_offers_only_the_tenants_values(acme, globex):
    TaskStatus.objects.create_for_tenant(globex, "Globex secret")

    form = StatusSelectionsForm(lov_tenant=acme)

    labels = [label for _, label in form.fields["lov_selections"].choices]
    assert "Globex secret" not in labels
    assert "Blocked" in labels


def test_selection_form_keeps_mandatory_values_after_a_post_that_omits_them(acme):
    blocked = TaskStatus.objects.get(name="Blocked")

    form = StatusSelectionsForm({"lov_selections": [blocked.pk]}, lov_tenant=acme)
    assert form.is_valid(), form.errors
    form.save()

    assert selected_names(acme) == ["Blocked", "Done", "In progress", "To do"]


def test_empty_post_is_valid_and_keeps_the_mandatory_values(acme):
    TaskStatusSelection.objects.create(lov_tenant=acme, lov_value=TaskStatus.objects.get(name="Blocked"))

    form = StatusSelectionsForm({}, lov_tenant=acme)
    assert form.is_valid(), form.errors
    form.save()

    assert selected_names(acme) == ["Done", "In progress", "To do"]


def test_forged_post_of_another_tenants_value_is_a_form_error(acme, globex):
    secret = TaskStatus.objects.create_for_tenant(globex, "Globex secret")

    form = StatusSelectionsForm({"lov_selections": [secret.pk]}, lov_tenant=acme)

    assert not form.is_valid()
    assert "lov_selections" in form.errors
    assert not TaskStatusSelection.objects.filter(lov_value=secret).exists()


def test_save_never_touches_another_tenants_selection(acme, globex):
    blocked = TaskStatus.objects.get(name="Blocked")
    TaskStatusSelection.objects.create(lov_tenant=globex, lov_value=blocked)

    form = StatusSelectionsForm({"lov_selections": []}, lov_tenant=acme)
    assert form.is_valid()
    form.save()

    assert TaskStatusSelection.objects.filter(lov_tenant=globex, lov_value=blocked).exists()


def test_mandatory_checkboxes_render_checked_and_disabled(acme):
    html = str(StatusSelectionsForm(lov_tenant=acme)["lov_selections"])

    todo = TaskStatus.objects.get(name="To do")
    assert f'value="{todo.pk}"' in html
    option = html.split(f'value="{todo.pk}"')[1].split(">")[0]
    assert "disabled" in option and "checked" in option


def test_selection_form_names_its_list_by_the_value_model_attribute_too(acme):
    class ByAttribute(LOVSelectionsModelForm):
        lov_value_model = TaskStatus

    assert "Blocked" in [label for _, label in ByAttribute(lov_tenant=acme).fields["lov_selections"].choices]


def test_selection_form_without_its_list_says_how_to_name_it(acme):
    class Unnamed(LOVSelectionsModelForm):
        pass

    with pytest.raises(TypeError, match="class Meta: model = <selection model>"):
        Unnamed(lov_tenant=acme)


def test_create_form_with_tenant_and_type_fields_ignores_a_forged_tenant(acme, globex):
    class FullForm(LOVValueCreateFormMixin, forms.ModelForm):
        class Meta:
            model = TaskStatus
            fields = ["name", "lov_tenant", "value_type"]

    form = FullForm({"name": "Escalated", "lov_tenant": globex.pk, "value_type": "mandatory"}, lov_tenant=acme)

    assert form.is_valid(), form.errors
    value = form.save()
    assert (value.lov_tenant, value.value_type) == (acme, "custom")


def test_choice_field_of_a_new_record_starts_at_the_declared_first_value(acme):
    class TaskStatusForm(forms.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["status"] = lov_choice_field_for(model=TaskStatus, tenant=acme, current=None, empty_label=None)

    html = str(TaskStatusForm()["status"])

    first = html.split("<option")[1]
    assert "To do" in first and "selected" in first

"""Export and import of tenant bundles: exact copies, all-or-nothing refusals, dry runs, history."""

import copy

import pytest
from django.contrib.auth.models import Group
from django_tenants.utils import schema_context

from apps.bundles.plan import CHANGED, NEW, REMOVED
from apps.bundles.schema import BUNDLE_VERSION
from apps.bundles.services import BundleRefused, bundle_export, bundle_import, bundle_plan, configuration_of
from apps.notifications.models import NotificationSetting
from apps.preferences.models import GlobalPreference, PreferenceChange
from apps.projects.lists.models import JobTitle, JobTitleSelection, TaskStatus, TaskStatusSelection


def _state(tenant):
    """Return everything an import could write for `tenant`, to show that nothing was."""
    with schema_context(tenant.schema_name):
        return (
            sorted(GlobalPreference.objects.values_list("section", "name", "raw_value")),
            PreferenceChange.objects.count(),
            sorted(NotificationSetting.objects.values_list("scope", "group__name", "notification_type__name", "value")),
            sorted(Group.objects.values_list("name", flat=True)),
            sorted(JobTitle.objects.filter(lov_tenant=tenant).values_list("name", "deleted")),
            sorted(JobTitleSelection.objects.filter(lov_tenant=tenant).values_list("lov_value__name", flat=True)),
            sorted(_curation(JobTitleSelection, tenant)),
            sorted(_curation(TaskStatusSelection, tenant)),
        )


def _curation(selection_model, tenant):
    """Return the tenant's positions and labels of one list."""
    rows = selection_model.objects.filter(lov_tenant=tenant)
    return rows.values_list("lov_value__name", "lov_position", "lov_label")


def test_export_holds_every_section_of_the_configuration(configured_acme):
    document = bundle_export(tenant=configured_acme)

    assert document["version"] == BUNDLE_VERSION
    assert document["source"]["tenant"] == "acme"
    assert document["preferences"] == {"general__max_upload_mb": 50, "general__title": "Acme portal"}
    assert document["live_settings"] == {"SESSION_EXPIRE_SECONDS": 1800}
    assert document["notifications"] == {
        "tenant": {"weekly_digest": {"email": False}},
        "groups": {"Sales": {"task_assigned": {"sms": True}}, "Support": {"weekly_digest": {"in_app": False}}},
    }
    assert document["lists"]["job-titles"] == {
        "custom": ["Chief widget officer"],
        "selected": ["Chief widget officer", "Engineer"],
        "order": ["Engineer", "Chief widget officer", "Manager", "Team member"],
        "labels": {},
    }
    assert document["lists"]["task-statuses"] == {
        "custom": ["Parked"],
        "selected": [],
        "order": ["To do", "In progress", "Done"],
        "labels": {"Done": "Finished"},
    }


def test_a_bundle_imported_into_globex_reproduces_acme_exactly_key_by_key(configured_acme, globex):
    source = bundle_export(tenant=configured_acme)

    plan = bundle_import(tenant=globex, document=source, actor="oscar")

    target = configuration_of(bundle_export(tenant=globex))
    expected = configuration_of(source)
    assert target.keys() == expected.keys()
    for section in expected:
        assert target[section] == expected[section], section
    assert target["lists"]["job-titles"]["order"][0] == "Engineer"  # acme's own order, not the name order
    assert target["lists"]["task-statuses"]["labels"] == {"Done": "Finished"}
    with schema_context("globex"):
        done = TaskStatus.objects.get(name="Done")
        assert done.name == "Done"  # the shared value keeps its name
        statuses = TaskStatusSelection.objects.selected_values_for_tenant(globex)
        assert [value.lov_display for value in statuses] == ["To do", "In progress", "Finished"]
    assert plan.changes  # it did something
    with schema_context("globex"):
        assert set(Group.objects.values_list("name", flat=True)) >= {"Sales", "Support"}


def test_import_writes_through_the_services_with_source_bundle(configured_acme, globex):
    bundle_import(tenant=globex, document=bundle_export(tenant=configured_acme), actor="oscar")

    with schema_context("globex"):
        changes = PreferenceChange.objects.filter(source="bundle")
        assert set(changes.values_list("name", flat=True)) == {"title", "max_upload_mb", "session_expire_seconds"}
        assert set(changes.values_list("changed_by", flat=True)) == {"oscar"}


def test_importing_a_tenants_own_bundle_changes_nothing(configured_acme):
    before = _state(configured_acme)

    plan = bundle_import(tenant=configured_acme, document=bundle_export(tenant=configured_acme))

    assert plan.changes == []
    assert _state(configured_acme) == before


def test_a_bundle_replaces_the_parts_it_holds_and_the_diff_says_old_and_new(configured_acme):
    document = configuration_of(bundle_export(tenant=configured_acme))
    document["preferences"] = {"general__title": "Acme renamed"}
    document["notifications"]["groups"] = {"Sales": {"task_assigned": {"sms": False}}}
    document["lists"]["job-titles"] = {"custom": ["Chief widget officer", "Tea maker"], "selected": ["Tea maker"]}
    del document["live_settings"]  # a section left out is left alone

    plan = bundle_plan(tenant=configured_acme, document=document)

    changes = {change.path: change for change in plan.changes}
    assert plan.valid
    assert (changes["/preferences/general__title"].kind, changes["/preferences/general__title"].old) == (
        CHANGED,
        "Acme portal",
    )
    assert changes["/preferences/general__title"].new == "Acme renamed"
    assert changes["/preferences/general__max_upload_mb"].kind == REMOVED
    assert changes["/notifications/groups/Sales/task_assigned/sms"].kind == CHANGED
    assert changes["/notifications/groups/Support/weekly_digest/in_app"].kind == REMOVED
    assert changes["/lists/job-titles/custom/Tea maker"].kind == NEW
    assert changes["/lists/job-titles/selected/Engineer"].kind == REMOVED
    assert not any(path.startswith("/live_settings") for path in changes)

    bundle_import(tenant=configured_acme, document=document)

    after = bundle_export(tenant=configured_acme)
    assert after["preferences"] == {"general__title": "Acme renamed"}
    assert after["live_settings"] == {"SESSION_EXPIRE_SECONDS": 1800}
    assert after["notifications"]["groups"] == {"Sales": {"task_assigned": {"sms": False}}}
    assert after["lists"]["job-titles"] == {
        "custom": ["Chief widget officer", "Tea maker"],
        "selected": ["Tea maker"],
        "order": ["Manager", "Team member", "Tea maker"],  # no order given: the kept places hold, new ones follow
        "labels": {},
    }


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda d: d["preferences"].update(general__nope="x"), "/preferences/general__nope"),
        (lambda d: d["preferences"].update(general__max_upload_mb="lots"), "/preferences/general__max_upload_mb"),
        (lambda d: d["live_settings"].update(SESSION_EXPIRE_SECONDS=10**9), "/live_settings/SESSION_EXPIRE_SECONDS"),
        (lambda d: d["live_settings"].update(MAINTENANCE_MODE=True), "/live_settings/MAINTENANCE_MODE"),
        (lambda d: d["notifications"]["tenant"].update(no_such={"email": True}), "/notifications/tenant/no_such"),
        (
            lambda d: d["notifications"]["tenant"].update(weekly_digest={"pigeon": True}),
            "/notifications/tenant/weekly_digest/pigeon",
        ),
        (
            lambda d: d["notifications"]["tenant"].update(security_alert={"email": False}),
            "/notifications/tenant/security_alert",
        ),
        (lambda d: d["lists"].update(planets={"custom": []}), "/lists/planets"),
        (lambda d: d["lists"]["job-titles"]["selected"].append("Astronaut"), "/lists/job-titles/selected/2"),
        (lambda d: d["lists"]["job-titles"]["custom"].append("Engineer"), "/lists/job-titles/custom/1"),
        (lambda d: d["lists"]["job-titles"]["custom"].append("chief WIDGET officer"), "/lists/job-titles/custom/1"),
        (lambda d: d["lists"]["task-statuses"]["custom"].append("x" * 101), "/lists/task-statuses/custom/1"),
        (lambda d: d["lists"]["job-titles"]["selected"].append("Manager"), "/lists/job-titles/selected/2"),
        (lambda d: d["notifications"]["groups"].update({"x" * 151: {}}), "/notifications/groups/" + "x" * 151),
        (lambda d: d.update(colour="blue"), "/colour"),
        (lambda d: d["lists"]["job-titles"].update(colours=[]), "/lists/job-titles/colours"),
        (lambda d: d["lists"]["job-titles"]["order"].append("Astronaut"), "/lists/job-titles/order/4"),
        (lambda d: d["lists"]["job-titles"]["order"].append("Intern"), "/lists/job-titles/order/4"),
        (lambda d: d["lists"]["job-titles"]["order"].append("engineer"), "/lists/job-titles/order/4"),
        (lambda d: d["lists"]["job-titles"]["order"].append(""), "/lists/job-titles/order/4"),
        (lambda d: d["lists"]["task-statuses"]["labels"].update(Nope="x"), "/lists/task-statuses/labels/Nope"),
        (lambda d: d["lists"]["task-statuses"]["labels"].update(Blocked="x"), "/lists/task-statuses/labels/Blocked"),
        (lambda d: d["lists"]["task-statuses"]["labels"].update(done="Closed"), "/lists/task-statuses/labels/done"),
        (
            lambda d: d["lists"]["task-statuses"]["labels"].update({"To do": "Finished"}),
            "/lists/task-statuses/labels/To do",
        ),
        (
            lambda d: d["lists"]["task-statuses"]["labels"].update({"To do": "In progress"}),
            "/lists/task-statuses/labels/To do",
        ),
        (
            lambda d: d["lists"]["job-titles"]["labels"].update({"Chief widget officer": "CWO"}),
            "/lists/job-titles/labels/Chief widget officer",
        ),
        (lambda d: d["lists"]["task-statuses"]["labels"].update(Done="x" * 101), "/lists/task-statuses/labels/Done"),
        (lambda d: d.update(version=99), "/version"),
        (
            lambda d: d["notifications"]["tenant"]["weekly_digest"].update(email="no"),
            "/notifications/tenant/weekly_digest/email",
        ),
    ],
)
def test_a_bundle_with_one_invalid_entry_changes_nothing_and_names_the_entry(configured_acme, globex, edit, path):
    document = copy.deepcopy(bundle_export(tenant=configured_acme))
    edit(document)
    before = _state(globex)

    with pytest.raises(BundleRefused) as refused:
        bundle_import(tenant=globex, document=document, actor="oscar")

    assert list(refused.value.plan.refused) == [path]
    assert path in str(refused.value)
    assert _state(globex) == before


def test_the_dry_run_writes_nothing_and_shows_what_would_change(configured_acme, globex):
    before = _state(globex)

    plan = bundle_import(tenant=globex, document=bundle_export(tenant=configured_acme), dry_run=True)

    assert plan.valid
    paths = {change.path: change.kind for change in plan.changes}
    assert paths["/preferences/general__title"] == NEW
    assert paths["/notifications/groups/Sales"] == NEW  # the group is created
    assert paths["/lists/job-titles/custom/Chief widget officer"] == NEW
    assert paths["/lists/job-titles/order"] == CHANGED
    assert paths["/lists/task-statuses/labels/Done"] == NEW
    changes = {change.path: change for change in plan.changes}
    assert changes["/lists/job-titles/order"].new == ["Engineer", "Chief widget officer", "Manager", "Team member"]
    assert (changes["/lists/task-statuses/labels/Done"].old, changes["/lists/task-statuses/labels/Done"].new) == (
        None,
        "Finished",
    )
    assert _state(globex) == before


def test_the_dry_run_lists_every_refused_entry(configured_acme, globex):
    document = bundle_export(tenant=configured_acme)
    document["preferences"]["general__nope"] = 1
    document["lists"]["planets"] = {}

    plan = bundle_import(tenant=globex, document=document, dry_run=True)

    assert not plan.valid
    assert set(plan.refused) == {"/preferences/general__nope", "/lists/planets"}


def test_a_refusal_at_write_time_undoes_the_writes_before_it(configured_acme, globex, monkeypatch):
    from apps.bundles.sections import lists

    def refuse(**kwargs):
        raise ValueError("taken meanwhile")

    monkeypatch.setattr(lists, "lov_custom_value_create", refuse)
    before = _state(globex)

    with pytest.raises(BundleRefused) as refused:
        bundle_import(tenant=globex, document=bundle_export(tenant=configured_acme))

    assert "/lists/job-titles/custom/Chief widget officer" in refused.value.plan.refused
    assert _state(globex) == before
    assert not TaskStatus.objects.filter(lov_tenant=globex).exists()


def test_defaults_of_a_notification_removed_from_the_code_are_neither_exported_nor_cleared(configured_acme):
    from apps.notifications.models import NotificationType

    with schema_context("acme"):
        NotificationType.objects.filter(name="weekly_digest").update(is_active=False)

    document = bundle_export(tenant=configured_acme)
    bundle_import(tenant=configured_acme, document=document)

    assert document["notifications"] == {"tenant": {}, "groups": {"Sales": {"task_assigned": {"sms": True}}}}
    with schema_context("acme"):
        assert NotificationSetting.objects.filter(notification_type__name="weekly_digest").count() == 2


def test_a_bundle_reorders_and_relabels_a_list_all_at_once(configured_acme):
    document = configuration_of(bundle_export(tenant=configured_acme))
    document["lists"]["task-statuses"]["order"] = ["Done", "To do"]
    document["lists"]["task-statuses"]["labels"] = {"To do": "Finished"}  # the label moves from "Done"

    plan = bundle_plan(tenant=configured_acme, document=document)

    changes = {change.path: change for change in plan.changes}
    assert changes["/lists/task-statuses/order"].old == ["To do", "In progress", "Done"]
    assert changes["/lists/task-statuses/order"].new == ["Done", "To do", "In progress"]
    assert (changes["/lists/task-statuses/labels/Done"].kind, changes["/lists/task-statuses/labels/Done"].old) == (
        REMOVED,
        "Finished",
    )
    assert changes["/lists/task-statuses/labels/To do"].kind == NEW

    bundle_import(tenant=configured_acme, document=document)

    statuses = TaskStatusSelection.objects.selected_values_for_tenant(configured_acme)
    assert [value.lov_display for value in statuses] == ["Done", "Finished", "In progress"]

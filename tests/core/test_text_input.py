"""Control characters are refused in every form's free text and the preferences API; choices refuse ""."""

import importlib
import pkgutil

import pytest
from django import forms
from django.conf import settings
from django_tenants.utils import schema_context

import apps
from apps.core.inputs import GuardedTextForm, TextValidator, guard_text_field
from apps.preferences.models import GlobalPreference, PreferenceChange, UserPreference
from apps.preferences.site.models import SitePreferenceChange
from apps.projects.lists.models import TaskStatus
from apps.projects.models import Task
from apps.tenants.models import Tenant
from tests.conftest import client_for

ESC = "\x1b[31mred\x1b[0m"


@pytest.mark.parametrize("text", ["a\x1bb", "a\x00b", "a\x07b", "a\x7fb", "a\x85b", "a\x9bb"])
def test_control_characters_are_refused_in_any_text(text):
    for validator in (TextValidator(), TextValidator(multiline=True)):
        with pytest.raises(forms.ValidationError):
            validator(text)


@pytest.mark.parametrize("text", ["a\nb", "a\rb", "a\r\nb", "a\tb", "a\u2028b"])
def test_line_breaks_and_tabs_are_refused_in_single_line_text_only(text):
    with pytest.raises(forms.ValidationError):
        TextValidator()(text)
    if text != "a\u2028b":
        TextValidator(multiline=True)(text)


def test_plain_text_of_any_script_passes():
    for text in ("Acme Corporation", "Zürich, 東京, Ελλάδα ✓", "50 % off; <b>not html</b>"):
        TextValidator()(text)


def test_the_guard_adds_itself_once_and_skips_passwords_and_non_text_fields():
    text, area = forms.CharField(), forms.CharField(widget=forms.Textarea)
    password, number = forms.CharField(widget=forms.PasswordInput), forms.IntegerField()

    for field in (text, area, password, number, text):
        guard_text_field(field)

    assert [v for v in text.validators if isinstance(v, TextValidator)] == [TextValidator()]
    assert [v for v in area.validators if isinstance(v, TextValidator)] == [TextValidator(multiline=True)]
    assert not [v for v in password.validators + number.validators if isinstance(v, TextValidator)]


def test_every_form_of_the_portal_guards_its_text():
    for module in pkgutil.walk_packages(apps.__path__, "apps."):
        if ".migrations" not in module.name and module.name.rsplit(".", 1)[-1] in {"forms", "admin"}:
            importlib.import_module(module.name)
    portal_forms = [
        form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.startswith("apps.") and form.__module__ != "apps.core.inputs"
    ]

    unguarded = [
        f"{form.__module__}.{form.__qualname__}" for form in portal_forms if not issubclass(form, GuardedTextForm)
    ]

    assert portal_forms
    assert not unguarded


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


# --- every path that wrote control characters before ---------------------------------------------------
def test_a_task_title_with_escape_codes_is_a_form_error_and_nothing_is_written(acme, acme_member, client_of):
    status = TaskStatus.objects.get(name="To do")
    client = client_of(acme_member, acme)

    escaped = client.post("/projects/", {"title": ESC, "status": status.pk})
    two_lines = client.post("/projects/", {"title": "One\r\nTwo", "status": status.pk})

    for response in (escaped, two_lines):
        assert response.status_code == 200
        assert "invalid-feedback" in response.content.decode()
    with schema_context("acme"):
        assert not Task.objects.exists()


def test_a_tenant_name_with_a_line_break_is_refused(tenants, superadmin):
    before = Tenant.objects.count()

    response = client_for("localhost", superadmin).post(
        "/console/tenants/new/", {"name": "Umbrella\r\nSet-Cookie: x", "subdomain": "umbrella"}
    )

    assert response.status_code == 200
    assert "Enter one line" in response.content.decode()
    assert Tenant.objects.count() == before


def test_list_values_with_control_characters_are_refused_on_add_and_rename(acme, acme_owner, client_of):
    client = client_of(acme_owner, acme)
    before = TaskStatus.objects.count()
    existing = TaskStatus.objects.get(name="Done")

    added = client.post("/owner/lists/task-statuses/values/new/", {"name": ESC}, HTTP_HX_REQUEST="true")
    added_custom = client.post("/owner/lists/task-statuses/values/new/", {"name": "Ok"}, HTTP_HX_REQUEST="true")
    custom = TaskStatus.objects.get(name="Ok")
    renamed = client.post(
        f"/owner/lists/task-statuses/values/{custom.pk}/rename/",
        {f"value-{custom.pk}-name": "Two\nlines"},
        HTTP_HX_REQUEST="true",
    )

    assert "invalid-feedback" in added.content.decode() and added_custom.status_code == 200
    assert "invalid-feedback" in renamed.content.decode()
    assert TaskStatus.objects.count() == before + 1
    custom.refresh_from_db()
    assert custom.name == "Ok" and existing.name == "Done"


def test_the_portal_title_refuses_escape_codes_on_the_page_and_through_the_api(acme, acme_owner, client_of):
    client = client_of(acme_owner, acme)

    page = client.post("/owner/preferences/field/general__title/", {"general__title": ESC}, HTTP_HX_REQUEST="true")
    api = client.put("/api/preferences/global/general__title/", {"value": "A\nB"}, content_type="application/json")

    assert page.status_code == 200 and "invalid-feedback" in page.content.decode()
    assert api.status_code == 400 and "general__title" in api.json()["errors"]
    with schema_context("acme"):
        assert not GlobalPreference.objects.exists() and not PreferenceChange.objects.exists()


def test_the_maintenance_message_keeps_its_lines_but_refuses_escape_codes(superadmin, on_commit_callbacks):
    console = client_for("localhost", superadmin)
    url = "/console/settings/MAINTENANCE_MESSAGE/"

    refused = console.post(url, {"maintenance_message-value": f"Back soon {ESC}"}, HTTP_HX_REQUEST="true")
    assert "invalid-feedback" in refused.content.decode()
    assert not SitePreferenceChange.objects.exists()

    with on_commit_callbacks(execute=True):
        saved = console.post(url, {"maintenance_message-value": "Back soon.\r\nThe team"}, HTTP_HX_REQUEST="true")
    assert "invalid-feedback" not in saved.content.decode()
    assert settings.MAINTENANCE_MESSAGE == "Back soon.\r\nThe team"


@pytest.fixture
def on_commit_callbacks(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.mark.parametrize("key", ["appearance__theme", "locale__time_zone"])
def test_an_empty_choice_is_refused_through_the_api_and_the_form(acme, acme_member, client_of, key):
    client = client_of(acme_member, acme)

    api = client.put(f"/api/preferences/user/{key}/", {"value": ""}, content_type="application/json")
    page = client.post(f"/preferences/field/{key}/", {key: ""}, HTTP_HX_REQUEST="true")
    listing = {item["key"]: item for item in client.get("/api/preferences/user/").json()}

    assert api.status_code == 400 and api.json()["errors"][key] == ["Choose one of the options."]
    assert page.status_code == 200 and "Choose one of the options." in page.content.decode()
    assert listing[key]["is_default"] is True and listing[key]["value"] == listing[key]["default"]
    with schema_context("acme"):
        assert not UserPreference.objects.exists()

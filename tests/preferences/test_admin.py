"""The Django admin of stored preferences: typed fields, the engine's validation, writes through the service."""

import zoneinfo
from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.preferences.models import GlobalPreference, PreferenceChange, UserPreference
from apps.preferences.registries import global_preferences_registry, site_preferences_registry
from apps.preferences.services import preferences_set
from apps.preferences.signals import preference_updated
from apps.preferences.site.models import SitePreference, SitePreferenceChange
from apps.preferences.types import BooleanPreference
from tests.conftest import PASSWORD, client_for

ADMIN = "/admin/preferences/"


class MaintenanceMode(BooleanPreference):
    section = "operations"
    name = "maintenance_mode"
    default = False


@pytest.fixture
def acme_staff(acme):
    with schema_context("acme"):
        return get_user_model().objects.create_superuser("staffer", "staffer@example.com", PASSWORD)


@pytest.fixture
def acme_admin(acme, acme_staff):
    return client_for("acme.localhost", acme_staff, acme)


@pytest.fixture
def site_preference() -> Iterator[str]:
    site_preferences_registry.register(MaintenanceMode)
    yield "operations__maintenance_mode"
    site_preferences_registry.unregister("operations__maintenance_mode")


def _stored_global(key, value):
    with schema_context("acme"):
        global_preferences_registry.manager()[key] = value
        section, name = key.split("__")
        return GlobalPreference.objects.get(section=section, name=name)


def _history_count():
    with schema_context("acme"):
        return PreferenceChange.objects.count()


def test_change_form_shows_the_preferences_typed_field(acme_admin, acme_member):
    week_start = _stored_global("locale__week_start", "sunday")
    with schema_context("acme"):
        acme_member.preferences["appearance__compact_tables"] = True
        compact = UserPreference.objects.get(name="compact_tables")

    choice_page = acme_admin.get(f"{ADMIN}globalpreference/{week_start.pk}/change/").content.decode()
    boolean_page = acme_admin.get(f"{ADMIN}userpreference/{compact.pk}/change/").content.decode()

    assert '<select name="value"' in choice_page
    assert '<option value="sunday" selected>Sunday</option>' in choice_page
    assert '<textarea name="raw_value"' not in choice_page
    assert 'type="checkbox" name="value"' in boolean_page and "checked" in boolean_page


def test_invalid_value_is_refused_and_nothing_is_written(acme_admin):
    row = _stored_global("general__max_upload_mb", 20)
    history = _history_count()

    response = acme_admin.post(f"{ADMIN}globalpreference/{row.pk}/change/", {"value": "501"})

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 500." in response.content.decode()
    with schema_context("acme"):
        assert GlobalPreference.objects.get(pk=row.pk).raw_value == "20"
    assert _history_count() == history


def test_the_preferences_own_validate_runs_in_the_admin(acme_admin):
    row = _stored_global("general__support_email", "help@acme.test")

    response = acme_admin.post(f"{ADMIN}globalpreference/{row.pk}/change/", {"value": "nobody"})

    assert "Enter an email address such as help@example.com." in response.content.decode()
    with schema_context("acme"):
        assert GlobalPreference.objects.get(pk=row.pk).raw_value == '"help@acme.test"'


def test_admin_save_goes_through_the_service(acme_admin, django_capture_on_commit_callbacks):
    row = _stored_global("locale__week_start", "sunday")
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["name"], kwargs["old_value"], kwargs["new_value"]))

    preference_updated.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = acme_admin.post(f"{ADMIN}globalpreference/{row.pk}/change/", {"value": "saturday"})
    finally:
        preference_updated.disconnect(receiver)

    assert response.status_code == 302
    assert received == [("week_start", "sunday", "saturday")]
    with schema_context("acme"):
        change = PreferenceChange.objects.first()
        assert (change.name, change.source, change.changed_by) == ("week_start", "admin", "staffer")
        assert (change.old_raw_value, change.new_raw_value) == ('"sunday"', '"saturday"')
        assert global_preferences_registry.manager()["locale__week_start"] == "saturday"


def test_deleting_a_row_resets_the_preference_through_the_service(acme_admin):
    row = _stored_global("general__title", "Acme portal")

    response = acme_admin.post(f"{ADMIN}globalpreference/{row.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    with schema_context("acme"):
        assert not GlobalPreference.objects.exists()
        change = PreferenceChange.objects.first()
        assert (change.source, change.old_raw_value, change.new_raw_value) == ("admin", '"Acme portal"', None)
        assert global_preferences_registry.manager()["general__title"] == ""


def test_adding_rows_is_disabled(acme_admin):
    assert acme_admin.get(f"{ADMIN}globalpreference/add/").status_code == 403


def test_changelist_shows_decoded_values_and_filters_by_section(acme_admin):
    _stored_global("general__max_upload_mb", 30)
    _stored_global("locale__week_start", "sunday")

    everything = acme_admin.get(f"{ADMIN}globalpreference/").content.decode()
    general = acme_admin.get(f"{ADMIN}globalpreference/?section=general").content.decode()

    assert "general__max_upload_mb" in everything and "locale__week_start" in everything
    assert "general__max_upload_mb" in general and "locale__week_start" not in general
    assert '<td class="field-value_display">30</td>' in everything


def test_user_preferences_are_searchable_by_username(acme_admin, acme_member, acme_owner):
    with schema_context("acme"):
        acme_member.preferences["appearance__theme"] = "dark"
        acme_owner.preferences["appearance__theme"] = "light"

    page = acme_admin.get(f"{ADMIN}userpreference/?q=alice").content.decode()

    assert "alice" in page and "olivia" not in page


def test_undeclared_rows_are_shown_read_only_and_deletable(acme_admin):
    with schema_context("acme"):
        row = GlobalPreference.objects.create(section="legacy", name="fax_number", raw_value='"555"')

    listing = acme_admin.get(f"{ADMIN}globalpreference/").content.decode()
    change_page = acme_admin.get(f"{ADMIN}globalpreference/{row.pk}/change/").content.decode()
    deleted = acme_admin.post(f"{ADMIN}globalpreference/{row.pk}/delete/", {"post": "yes"})

    assert "legacy__fax_number" in listing and "no longer declared" in listing
    assert 'name="value"' not in change_page and 'name="_save"' not in change_page
    assert deleted.status_code == 302
    with schema_context("acme"):
        assert not GlobalPreference.objects.exists()
        change = PreferenceChange.objects.get(name="fax_number")
        assert (change.source, change.new_raw_value) == ("admin", None)


def test_history_admin_is_read_only_and_filters_by_source(acme_admin):
    _stored_global("general__title", "One")
    with schema_context("acme"):
        change = PreferenceChange.objects.get()

    by_source = acme_admin.get(f"{ADMIN}preferencechange/?source__exact=manager&scope__exact=global").content.decode()
    other_source = acme_admin.get(f"{ADMIN}preferencechange/?source__exact=api").content.decode()
    detail = acme_admin.get(f"{ADMIN}preferencechange/{change.pk}/change/").content.decode()

    assert "general__title" in by_source and "general__title" not in other_source
    assert 'name="_save"' not in detail
    assert acme_admin.post(f"{ADMIN}preferencechange/{change.pk}/delete/", {"post": "yes"}).status_code == 403


def test_site_preferences_are_edited_in_the_public_admin(
    tenants, superadmin, site_preference, django_capture_on_commit_callbacks
):
    site_preferences_registry.manager()[site_preference] = True
    row = SitePreference.objects.get(name="maintenance_mode")
    client = client_for("localhost", superadmin)

    form = client.get(f"/admin/preferences_site/sitepreference/{row.pk}/change/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/preferences_site/sitepreference/{row.pk}/change/", {})  # unticked

    assert 'type="checkbox" name="value"' in form
    assert response.status_code == 302
    assert site_preferences_registry.manager()[site_preference] is False
    change = SitePreferenceChange.objects.first()
    assert (change.source, change.changed_by, change.new_raw_value) == ("admin", "root-admin", "false")


def test_site_preferences_are_not_shown_in_a_tenants_admin(acme_admin, site_preference):
    site_preferences_registry.manager()[site_preference] = True
    row = SitePreference.objects.get(name="maintenance_mode")

    index = acme_admin.get("/admin/")
    change = acme_admin.get(f"/admin/preferences_site/sitepreference/{row.pk}/change/")

    assert index.status_code == 200
    assert "Site preferences" not in index.content.decode() and "Global preferences" in index.content.decode()
    assert change.status_code in (403, 404)


def test_tenant_scopes_are_not_shown_in_the_public_admin(tenants, superadmin):
    client = client_for("localhost", superadmin)

    index = client.get("/admin/")

    assert index.status_code == 200
    assert "Site preferences" in index.content.decode() and "Global preferences" not in index.content.decode()
    assert client.get("/admin/preferences/globalpreference/").status_code in (403, 404)


def test_change_form_carries_the_stored_text_it_was_opened_with(acme_admin):
    row = _stored_global("general__max_upload_mb", 20)

    page = acme_admin.get(f"{ADMIN}globalpreference/{row.pk}/change/").content.decode()

    assert '<input type="hidden" name="seen_raw" value="20"' in page


def test_a_stale_admin_save_is_refused_in_place_and_writes_nothing(acme_admin, acme_staff, acme_owner):
    with schema_context("acme"):
        preferences_set(
            store=acme_staff.preferences.store(), values={"locale__time_zone": "Asia/Tokyo"}, actor=acme_staff
        )
    row = _stored_global("general__max_upload_mb", 20)
    opened = acme_admin.get(f"{ADMIN}globalpreference/{row.pk}/change/")
    seen = opened.context["adminform"].form["seen_raw"].value()
    with schema_context("acme"):  # someone else, while the form is open
        preferences_set(
            store=global_preferences_registry.store(),
            values={"general__max_upload_mb": 42},
            actor=acme_owner,
            source="form",
        )
        changed = GlobalPreference.objects.get(pk=row.pk)
    history = _history_count()

    response = acme_admin.post(f"{ADMIN}globalpreference/{row.pk}/change/", {"value": "99", "seen_raw": seen})

    at = timezone.localtime(changed.updated_at, zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["value"] == [
        f"changed by olivia at {at:%H:%M} — now 42; your value was not saved"
    ]
    assert f"changed by olivia at {at:%H:%M} — now 42; your value was not saved" in response.content.decode()
    with schema_context("acme"):
        assert GlobalPreference.objects.get(pk=row.pk).raw_value == "42"
    assert _history_count() == history


def test_an_admin_save_based_on_the_current_value_is_written(acme_admin):
    row = _stored_global("general__max_upload_mb", 20)

    response = acme_admin.post(f"{ADMIN}globalpreference/{row.pk}/change/", {"value": "30", "seen_raw": "20"})

    assert response.status_code == 302
    with schema_context("acme"):
        assert GlobalPreference.objects.get(pk=row.pk).raw_value == "30"


def test_a_value_changed_between_the_forms_check_and_the_write_is_not_saved(acme_staff, acme_owner, rf):
    row = _stored_global("general__max_upload_mb", 20)
    model_admin = admin.site._registry[GlobalPreference]
    request = rf.post(f"{ADMIN}globalpreference/{row.pk}/change/")
    request.user, request.session = acme_staff, {}
    request._messages = FallbackStorage(request)
    with schema_context("acme"):
        form = model_admin.get_form(request, row, change=True)({"value": "99", "seen_raw": "20"}, instance=row)
        assert form.is_valid()  # checked while the value was still 20
        preferences_set(
            store=global_preferences_registry.store(), values={"general__max_upload_mb": 42}, actor="olivia"
        )
        history = PreferenceChange.objects.count()

        model_admin.save_model(request, row, form, change=True)
        response = model_admin.response_change(request, row)

        assert GlobalPreference.objects.get(pk=row.pk).raw_value == "42"
        assert PreferenceChange.objects.count() == history
    assert (response.status_code, response["Location"]) == (302, request.path)
    (message,) = [str(m) for m in request._messages]
    assert message.startswith("general__max_upload_mb: changed by olivia at ")
    assert message.endswith(" — now 42; your value was not saved")


def test_a_secret_site_value_is_masked_and_read_only_in_the_public_admin(tenants, superadmin):
    site_preferences_registry.manager()["email__email_host_password"] = "hunter2"
    site_preferences_registry.manager()["email__email_host_password"] = "hunter3"
    row = SitePreference.objects.get(name="email_host_password")
    client = client_for("localhost", superadmin)

    pages = [
        client.get("/admin/preferences_site/sitepreference/"),
        client.get(f"/admin/preferences_site/sitepreference/{row.pk}/change/"),
        client.get("/admin/preferences_site/sitepreferencechange/"),
    ]
    change = SitePreferenceChange.objects.filter(name="email_host_password").first()
    pages.append(client.get(f"/admin/preferences_site/sitepreferencechange/{change.pk}/change/"))

    for page in pages:
        assert page.status_code == 200
        assert "hunter" not in page.content.decode()
        assert "••••••••" in page.content.decode()
    assert 'name="value"' not in pages[1].content.decode()

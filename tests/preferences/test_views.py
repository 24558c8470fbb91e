"""The portal's preferences pages: my preferences, the organisation's preferences, history and revert."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.preferences import types
from apps.preferences.models import GlobalPreference, PreferenceChange, UserPreference
from apps.preferences.registries import global_preferences_registry, user_preferences_registry
from apps.preferences.services import preferences_set
from apps.preferences.signals import preference_updated
from apps.tenants.models import Tenant
from tests.conftest import client_for, make_user

HOST = "acme.localhost"
HTMX = {"HTTP_HX_REQUEST": "true"}
STALE = "your value was not saved."
# Cold, first request of the process: tenant by domain and search_path, site and tenant snapshots, session,
# user, profile (role), the inbox badge, and the user's stored values (read once per request for their time
# zone, then shared by my page). None per preference.
MY_PAGE_QUERIES = 12
ORGANISATION_PAGE_QUERIES = 12


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    """Run the test body in acme's schema."""
    with schema_context(acme.schema_name):
        yield acme


@pytest.fixture
def alice(in_acme: Tenant) -> Any:
    return make_user(in_acme, "alice")


@pytest.fixture
def olivia(in_acme: Tenant) -> Any:
    return make_user(in_acme, "olivia", owner=True)


@pytest.fixture
def as_alice(alice: Any, in_acme: Tenant) -> Any:
    return client_for(HOST, alice, in_acme)


@pytest.fixture
def as_olivia(olivia: Any, in_acme: Tenant) -> Any:
    return client_for(HOST, olivia, in_acme)


@pytest.fixture
def updates() -> Iterator[list[dict[str, Any]]]:
    """Collect preference_updated signals."""
    received: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    preference_updated.connect(receiver, weak=False, dispatch_uid="test-views-updates")
    yield received
    preference_updated.disconnect(dispatch_uid="test-views-updates")


def _reload(user: Any) -> Any:
    """Return a fresh copy of `user` (a fresh `user.preferences`, read from the database)."""
    return type(user).objects.get(pk=user.pk)


def _field_post(client: Any, name: str, key: str, value: Any, seen: str = "", *, reset: bool = False) -> Any:
    url = reverse(f"preferences:{name}-reset" if reset else f"preferences:{name}-field", args=[key])
    data = {f"{key}__seen": seen}
    if value is not None:
        data[key] = value
    return client.post(url, data, **HTMX)


def _plain_form_data(response: Any) -> dict[str, Any]:
    """Return what a browser without JavaScript would post back for the page's form, unchanged."""
    form = response.context["form"]
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


# --- my preferences: the page ------------------------------------------------------------------------
def test_page_shows_a_tab_per_section_and_the_first_sections_fields(as_alice: Any) -> None:
    response = as_alice.get(reverse("preferences:user"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="?section=appearance"' in html and 'href="?section=locale"' in html
    assert "Language and region" in html
    assert 'name="appearance__items_per_page"' in html
    assert 'name="appearance__items_per_page__seen"' in html
    assert 'hx-post="/preferences/field/appearance__items_per_page/"' in html
    assert 'name="locale__time_zone"' not in html


def test_tab_link_with_htmx_answers_only_the_panel_of_that_section(as_alice: Any) -> None:
    response = as_alice.get(reverse("preferences:user") + "?section=locale", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="preferences-panel"')
    assert "<html" not in html
    assert 'name="locale__time_zone"' in html


def test_unknown_section_is_not_found(as_alice: Any) -> None:
    response = as_alice.get(reverse("preferences:user") + "?section=nope")

    assert response.status_code == 404


def test_member_sees_the_preferences_link_but_not_the_owners(as_alice: Any) -> None:
    html = as_alice.get(reverse("home")).content.decode()

    assert f'href="{reverse("preferences:user")}"' in html
    assert reverse("preferences:global") not in html
    assert reverse("preferences:history") not in html


# --- my preferences: one field at a time ------------------------------------------------------------
def test_field_save_with_htmx_stores_the_value_and_answers_the_field_saved(
    alice: Any, as_alice: Any, updates: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _field_post(as_alice, "user", "appearance__items_per_page", "50")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="inline-appearance__items_per_page"')
    assert 'data-testid="saved"' in html
    assert 'data-testid="badge">your value<' in html
    assert 'value="50"' in html
    assert _reload(alice).preferences["appearance__items_per_page"] == 50
    (change,) = PreferenceChange.objects.all()
    assert (change.changed_by, change.source, change.new_raw_value) == ("alice", "form", "50")
    assert [(u["name"], u["old_value"], u["new_value"]) for u in updates] == [("items_per_page", 25, 50)]


def test_invalid_value_shows_the_error_in_place_and_writes_nothing(
    as_alice: Any, updates: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _field_post(as_alice, "user", "appearance__items_per_page", "2")

    html = response.content.decode()
    assert response.status_code == 200
    assert "is-invalid" in html and "invalid-feedback" in html
    assert "greater than or equal to 5" in html
    assert 'value="2"' in html  # what the user typed stays, so they can correct it
    assert 'data-testid="saved"' not in html
    assert not UserPreference.objects.exists()
    assert not PreferenceChange.objects.exists()
    assert updates == []


def test_reset_puts_the_default_back_and_records_it(alice: Any, as_alice: Any) -> None:
    alice.preferences["appearance__theme"] = "dark"
    seen = alice.preferences.raw("appearance__theme")

    response = _field_post(as_alice, "user", "appearance__theme", None, seen, reset=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="saved"' in html
    assert 'data-testid="badge">default<' in html
    assert "Use inherited" not in html
    assert _reload(alice).preferences.raw("appearance__theme") is None
    latest = PreferenceChange.objects.first()
    assert (latest.old_raw_value, latest.new_raw_value, latest.changed_by, latest.source) == (
        '"dark"',
        None,
        "alice",
        "form",
    )


def test_an_own_value_offers_use_inherited_naming_the_inherited_value(alice: Any, as_alice: Any) -> None:
    alice.preferences["appearance__theme"] = "dark"

    html = as_alice.get(reverse("preferences:user")).content.decode()

    assert html.count('data-testid="badge">your value<') == 1
    assert "inherited: Follow my device (default)" in html
    assert 'formaction="/preferences/field/appearance__theme/reset/"' in html
    assert ">Use inherited<" in html


def test_stale_save_is_refused_with_the_message_and_the_current_value(alice: Any, as_alice: Any) -> None:
    # alice opened the page while the default applied; then she changed it in another tab.
    _reload(alice).preferences["appearance__items_per_page"] = 40

    response = _field_post(as_alice, "user", "appearance__items_per_page", "60", seen="")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"Changed by system at \d\d:\d\d — now 40; " + STALE, html)
    assert "is-invalid" in html
    assert 'value="60"' in html  # her value stays in the control, ready to apply again
    assert ">Apply my value again<" in html
    assert 'name="appearance__items_per_page__seen" value="40"' in html
    assert _reload(alice).preferences["appearance__items_per_page"] == 40
    assert PreferenceChange.objects.count() == 1


def test_stale_reset_is_refused_and_shows_the_current_value(alice: Any, as_alice: Any) -> None:
    alice.preferences["appearance__theme"] = "dark"
    _reload(alice).preferences["appearance__theme"] = "light"

    response = _field_post(as_alice, "user", "appearance__theme", None, seen='"dark"', reset=True)

    html = response.content.decode()
    assert "— now Light; " + STALE in html
    reset = "/preferences/field/appearance__theme/reset/"
    assert f'formaction="{reset}" hx-post="{reset}">Use inherited again' in html
    assert 'name="appearance__theme__seen" value="&quot;light&quot;"' in html
    assert '<option value="light" selected>' in html
    assert _reload(alice).preferences["appearance__theme"] == "light"


def test_plain_post_saves_the_changed_values_and_redirects_with_a_message(alice: Any, as_alice: Any) -> None:
    page = as_alice.get(reverse("preferences:user") + "?section=appearance")
    data = {**_plain_form_data(page), "appearance__theme": "dark", "appearance__compact_tables": "on"}

    response = as_alice.post(reverse("preferences:user") + "?section=appearance", data, follow=True)

    assert response.redirect_chain == [("/preferences/?section=appearance", 302)]
    assert "Appearance: 2 changes saved." in response.content.decode()
    fresh = _reload(alice).preferences
    assert (fresh["appearance__theme"], fresh["appearance__compact_tables"]) == ("dark", True)
    assert fresh.raw("appearance__items_per_page") is None  # unchanged fields are not stored
    assert PreferenceChange.objects.count() == 2


def test_plain_post_with_an_invalid_value_shows_the_page_with_the_error(as_alice: Any) -> None:
    page = as_alice.get(reverse("preferences:user"))
    data = {**_plain_form_data(page), "appearance__theme": "dark", "appearance__items_per_page": "1000"}

    response = as_alice.post(reverse("preferences:user") + "?section=appearance", data)

    assert response.status_code == 200
    assert "less than or equal to 200" in response.content.decode()
    assert not UserPreference.objects.exists()  # all or nothing: the valid theme is not stored either


def test_reset_without_javascript_redirects_back_to_the_section(alice: Any, as_alice: Any) -> None:
    alice.preferences["locale__time_zone"] = "Asia/Tokyo"

    response = as_alice.post(
        reverse("preferences:user-reset", args=["locale__time_zone"]),
        {"locale__time_zone__seen": '"Asia/Tokyo"'},
        follow=True,
    )

    assert response.redirect_chain == [("/preferences/?section=locale", 302)]
    assert "Time zone is back to its default." in response.content.decode()
    assert _reload(alice).preferences["locale__time_zone"] == "UTC"


def test_field_endpoint_without_htmx_saves_and_redirects_back(alice: Any, as_alice: Any) -> None:
    url = reverse("preferences:user-field", args=["locale__time_zone"])

    response = as_alice.post(url, {"locale__time_zone": "Europe/Paris", "locale__time_zone__seen": ""}, follow=True)

    assert response.redirect_chain == [("/preferences/?section=locale", 302)]
    assert "Time zone saved." in response.content.decode()
    assert _reload(alice).preferences["locale__time_zone"] == "Europe/Paris"


def test_field_endpoint_without_htmx_redirects_with_the_error_as_a_message(alice: Any, as_alice: Any) -> None:
    url = reverse("preferences:user-field", args=["appearance__items_per_page"])

    response = as_alice.post(
        url, {"appearance__items_per_page": "2", "appearance__items_per_page__seen": ""}, follow=True
    )

    assert response.redirect_chain == [("/preferences/?section=appearance", 302)]
    assert "Items per page was not saved: Ensure this value is greater than or equal to 5." in response.content.decode()
    assert not UserPreference.objects.exists()


def test_field_endpoint_without_htmx_refuses_a_stale_save_with_the_kits_message(alice: Any, as_alice: Any) -> None:
    _reload(alice).preferences["appearance__items_per_page"] = 40
    url = reverse("preferences:user-field", args=["appearance__items_per_page"])

    response = as_alice.post(
        url, {"appearance__items_per_page": "60", "appearance__items_per_page__seen": ""}, follow=True
    )

    assert "Items per page was not saved: Changed by system at" in response.content.decode()
    assert _reload(alice).preferences["appearance__items_per_page"] == 40


def test_plain_post_of_a_tab_refuses_a_stale_field_in_place_and_writes_nothing(alice: Any, as_alice: Any) -> None:
    page = as_alice.get(reverse("preferences:user") + "?section=appearance")
    _reload(alice).preferences["appearance__items_per_page"] = 40
    data = {**_plain_form_data(page), "appearance__theme": "dark", "appearance__items_per_page": "60"}
    data["appearance__items_per_page__seen"] = ""  # what the page showed: the default

    response = as_alice.post(reverse("preferences:user") + "?section=appearance", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "— now 40; " + STALE in html
    assert 'name="appearance__items_per_page__seen" value="40"' in html
    fresh = _reload(alice).preferences
    assert (fresh["appearance__theme"], fresh["appearance__items_per_page"]) == ("auto", 40)  # all or nothing


def test_preferences_without_a_section_get_their_own_tab(alice: Any, as_alice: Any, test_preferences: None) -> None:
    page = as_alice.get(reverse("preferences:user"))
    other = as_alice.get(reverse("preferences:user") + "?section=-")
    saved = _field_post(as_alice, "user", "motto", "seize the day")

    assert 'href="?section=-"' in page.content.decode()
    assert 'name="motto"' in other.content.decode()
    assert 'data-testid="saved"' in saved.content.decode()
    assert _reload(alice).preferences["motto"] == "seize the day"


def test_user_cannot_change_another_users_preferences(alice: Any, as_alice: Any, in_acme: Tenant) -> None:
    bob = make_user(in_acme, "bob")

    _field_post(as_alice, "user", "appearance__theme", "dark")
    response = client_for(HOST, bob, in_acme).get(reverse("preferences:user"))

    assert UserPreference.objects.get().user == alice
    assert _reload(bob).preferences["appearance__theme"] == "auto"
    assert '<option value="auto" selected>' in response.content.decode()


# --- access control ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/preferences/"),
        ("post", "/preferences/field/appearance__theme/"),
        ("get", "/owner/preferences/"),
        ("post", "/owner/preferences/field/general__title/"),
        ("get", "/owner/history/"),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(in_acme: Tenant, method: str, url: str) -> None:
    response = getattr(client_for(HOST), method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/owner/preferences/"),
        ("get", "/owner/preferences/?section=general"),
        ("post", "/owner/preferences/field/general__title/"),
        ("post", "/owner/preferences/field/general__title/reset/"),
        ("get", "/owner/history/"),
    ],
)
def test_members_may_not_open_the_owners_pages(as_alice: Any, method: str, url: str) -> None:
    response = getattr(as_alice, method)(url, {"general__title": "Hacked"} if method == "post" else None)

    assert response.status_code == 403
    assert not GlobalPreference.objects.exists()


def test_a_section_permission_opens_that_section_only(alice: Any, in_acme: Tenant) -> None:
    alice.user_permissions.add(Permission.objects.get(codename="change_section_locale"))
    client = client_for(HOST, alice, in_acme)

    page = client.get(reverse("preferences:global"))
    saved = _field_post(client, "global", "locale__week_start", "sunday")
    other_tab = client.get(reverse("preferences:global") + "?section=general")
    other_field = _field_post(client, "global", "general__title", "Mine now")

    assert page.status_code == 200
    assert 'name="locale__week_start"' in page.content.decode()
    assert "?section=general" not in page.content.decode()
    assert 'data-testid="saved"' in saved.content.decode()
    assert global_preferences_registry.manager()["locale__week_start"] == "sunday"
    assert (other_tab.status_code, other_field.status_code) == (403, 403)
    assert global_preferences_registry.manager()["general__title"] == ""
    assert client.get(reverse("preferences:history")).status_code == 403


@pytest.fixture
def guarded_preference() -> Iterator[str]:
    """A temporary tenant preference that also needs a permission owners do not hold by their role."""

    class AuditMode(types.BooleanPreference):
        section = "general"
        name = "audit_mode"
        default = False
        permission = "auth.delete_user"

    global_preferences_registry.register(AuditMode)
    yield "general__audit_mode"
    global_preferences_registry.unregister("general__audit_mode")


def test_a_preference_needing_a_permission_the_owner_lacks_is_read_only(
    as_olivia: Any, guarded_preference: str
) -> None:
    page = as_olivia.get(reverse("preferences:global") + "?section=general")
    field = _field_post(as_olivia, "global", guarded_preference, "on")
    plain = as_olivia.post(
        reverse("preferences:global") + "?section=general", {**_plain_form_data(page), guarded_preference: "on"}
    )

    html = page.content.decode()
    assert re.search(r'<input type="checkbox" name="general__audit_mode"[^>]* disabled', html)
    assert "You may not change this value." in html
    assert f'hx-post="/owner/preferences/field/{guarded_preference}/"' not in html
    assert field.status_code == 403
    assert plain.status_code == 302  # the disabled field is ignored, the rest saves (nothing changed)
    assert global_preferences_registry.manager()[guarded_preference] is False


# --- the organisation's preferences ---------------------------------------------------------------------
def test_owner_saves_a_tenant_preference_field(
    as_olivia: Any, updates: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _field_post(as_olivia, "global", "general__title", "Acme Intranet")

    assert 'data-testid="saved"' in response.content.decode()
    assert global_preferences_registry.manager()["general__title"] == "Acme Intranet"
    change = PreferenceChange.objects.get()
    assert (change.scope, change.changed_by, change.source) == ("global", "olivia", "form")
    assert [u["new_value"] for u in updates] == ["Acme Intranet"]


def test_owner_sees_a_custom_validation_error_in_place(as_olivia: Any) -> None:
    response = _field_post(as_olivia, "global", "general__support_email", "nobody")

    assert "Enter an email address such as help@example.com." in response.content.decode()
    assert not GlobalPreference.objects.exists()


def test_owner_stale_save_names_who_changed_it_and_keeps_her_value(
    olivia: Any, as_olivia: Any, in_acme: Tenant
) -> None:
    bob = make_user(in_acme, "bob", owner=True)
    _set_global(bob, "general__title", "Bob's portal")

    response = _field_post(as_olivia, "global", "general__title", "Olivia's portal", seen="")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"Changed by bob at \d\d:\d\d — now Bob&#x27;s portal; " + STALE, html)
    assert 'value="Olivia&#x27;s portal"' in html
    assert global_preferences_registry.manager()["general__title"] == "Bob's portal"

    # Applying her value again posts it with the version she was just shown.
    again = _field_post(as_olivia, "global", "general__title", "Olivia's portal", seen='"Bob\'s portal"')

    assert 'data-testid="saved"' in again.content.decode()
    assert global_preferences_registry.manager()["general__title"] == "Olivia's portal"


def test_unknown_key_is_not_found(as_olivia: Any) -> None:
    assert _field_post(as_olivia, "global", "general__nope", "x").status_code == 404


# --- history and revert ----------------------------------------------------------------------------
def _set_global(actor: Any, key: str, value: Any) -> None:
    preferences_set(store=global_preferences_registry.store(), values={key: value}, actor=actor, source="manager")


def test_history_lists_every_scope_newest_first_with_readable_values(alice: Any, olivia: Any, as_olivia: Any) -> None:
    _set_global(olivia, "locale__week_start", "sunday")
    preferences_set(
        store=alice.preferences.store(), values={"appearance__compact_tables": True}, actor=alice, source="manager"
    )

    response = as_olivia.get(reverse("preferences:history"))

    html = response.content.decode()
    rows = response.context["rows"]
    assert [row.change.key for row in rows] == ["appearance__compact_tables", "locale__week_start"]
    assert [(row.owner, row.old_display, row.new_display) for row in rows] == [
        ("alice", "default (off)", "on"),
        ("Organisation", "default (Monday)", "Sunday"),
    ]
    assert html.count(">Revert<") == 1  # only the tenant-wide change can be reverted
    assert "First day of the week" in html


def test_history_shows_undecodable_values_as_stored(olivia: Any, as_olivia: Any) -> None:
    PreferenceChange.objects.create(
        scope="global", section="locale", name="week_start", old_raw_value='"friday"', new_raw_value="oops",
        changed_by="system",
    )  # fmt: skip

    (row,) = as_olivia.get(reverse("preferences:history")).context["rows"]

    assert (row.old_display, row.new_display) == ('"friday"', "oops")


def test_history_filters_by_scope_and_key(alice: Any, olivia: Any, as_olivia: Any) -> None:
    _set_global(olivia, "locale__week_start", "sunday")
    _set_global(olivia, "general__title", "Acme")
    alice.preferences["locale__time_zone"] = "Asia/Tokyo"

    by_scope = as_olivia.get(reverse("preferences:history"), {"scope": "user"}).context["rows"]
    by_key = as_olivia.get(reverse("preferences:history"), {"q": "locale__"}, **HTMX)

    assert [row.change.key for row in by_scope] == ["locale__time_zone"]
    assert [row.change.key for row in by_key.context["rows"]] == ["locale__time_zone", "locale__week_start"]
    assert "<html" not in by_key.content.decode()


def test_history_paginates(olivia: Any, as_olivia: Any) -> None:
    for size in range(1, 28):
        _set_global(olivia, "general__max_upload_mb", size)

    first = as_olivia.get(reverse("preferences:history"))
    second = as_olivia.get(reverse("preferences:history"), {"page": 2})

    assert len(first.context["rows"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    assert [row.new_display for row in second.context["rows"]] == ["2", "1"]


def test_history_is_empty_with_a_hint(as_olivia: Any) -> None:
    html = as_olivia.get(reverse("preferences:history")).content.decode()

    assert "No preference has been changed yet." in html


def test_revert_confirmation_names_what_will_be_set_back(olivia: Any, as_olivia: Any) -> None:
    _set_global(olivia, "general__title", "Acme")
    _set_global(olivia, "general__title", "Acme Intranet")
    change = PreferenceChange.objects.first()

    html = as_olivia.get(reverse("preferences:history-revert", args=[change.pk])).content.decode()

    assert "Revert Portal title?" in html
    assert 'data-testid="revert-target">Acme</strong>' in html
    assert "Set back to Acme" in html


def test_owner_reverts_a_change_from_history(
    olivia: Any, as_olivia: Any, updates: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    _set_global(olivia, "general__max_upload_mb", 20)
    _set_global(olivia, "general__max_upload_mb", 99)
    change = PreferenceChange.objects.first()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_olivia.post(reverse("preferences:history-revert", args=[change.pk]), follow=True)

    assert response.redirect_chain == [("/owner/history/", 302)]
    assert "Largest upload (MB) is back to 20." in response.content.decode()
    assert global_preferences_registry.manager()["general__max_upload_mb"] == 20
    latest = PreferenceChange.objects.first()
    assert (latest.old_raw_value, latest.new_raw_value, latest.source, latest.changed_by) == (
        "99",
        "20",
        "revert",
        "olivia",
    )
    assert [(u["old_value"], u["new_value"]) for u in updates] == [(99, 20)]


def test_stale_revert_is_refused_like_the_kit_and_can_be_forced(olivia: Any, as_olivia: Any, in_acme: Tenant) -> None:
    _set_global(olivia, "general__max_upload_mb", 20)
    _set_global(olivia, "general__max_upload_mb", 99)
    change = PreferenceChange.objects.first()
    _set_global(make_user(in_acme, "bob", owner=True), "general__max_upload_mb", 50)  # changed again since

    refused = as_olivia.post(reverse("preferences:history-revert", args=[change.pk]))
    assert global_preferences_registry.manager()["general__max_upload_mb"] == 50
    assert PreferenceChange.objects.count() == 3
    forced = as_olivia.post(reverse("preferences:history-revert", args=[change.pk]), {"force": "1"})

    html = refused.content.decode()
    assert refused.status_code == 200
    assert re.search(r"Changed by bob at \d\d:\d\d — now 50; " + STALE, html)
    assert "Revert anyway: set back to 20" in html
    assert forced.status_code == 302
    assert global_preferences_registry.manager()["general__max_upload_mb"] == 20


def test_a_users_change_cannot_be_reverted_from_history(alice: Any, as_olivia: Any) -> None:
    alice.preferences["appearance__theme"] = "dark"
    change = PreferenceChange.objects.get()

    response = as_olivia.post(reverse("preferences:history-revert", args=[change.pk]))

    assert response.status_code == 404
    assert _reload(alice).preferences["appearance__theme"] == "dark"


def test_members_may_not_revert(olivia: Any, as_alice: Any) -> None:
    _set_global(olivia, "general__title", "Acme")
    change = PreferenceChange.objects.get()

    response = as_alice.post(reverse("preferences:history-revert", args=[change.pk]))

    assert response.status_code == 403
    assert global_preferences_registry.manager()["general__title"] == "Acme"


# --- a constant number of queries ------------------------------------------------------------------------
def _register_extra(registry: Any, section: str, count: int, request: pytest.FixtureRequest) -> None:
    """Declare `count` temporary preferences of several types in `section`; removed again after the test."""
    defaults: list[tuple[type, Any]] = [
        (types.IntegerPreference, 7),
        (types.StringPreference, "x"),
        (types.BooleanPreference, True),
    ]
    for index in range(count):
        kind, default = defaults[index % len(defaults)]
        attrs = {"section": section, "name": f"extra_{index}", "default": default}
        registry.register(type(f"Extra{index}", (kind,), attrs))
        request.addfinalizer(lambda key=f"{section}__extra_{index}": registry.unregister(key))


@pytest.mark.parametrize("extra", [0, 30])
def test_my_preferences_page_makes_a_constant_number_of_queries(
    alice: Any, as_alice: Any, extra: int, request: pytest.FixtureRequest, django_assert_max_num_queries: Any
) -> None:
    _register_extra(user_preferences_registry, "appearance", extra, request)
    alice.preferences["appearance__theme"] = "dark"

    with django_assert_max_num_queries(MY_PAGE_QUERIES):
        response = as_alice.get(reverse("preferences:user"))

    assert response.content.decode().count('class="inline-field"') == 3 + extra


@pytest.mark.parametrize("extra", [0, 30])
def test_organisation_page_makes_a_constant_number_of_queries(
    olivia: Any,
    as_olivia: Any,
    extra: int,
    request: pytest.FixtureRequest,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _register_extra(global_preferences_registry, "general", extra, request)
    with django_capture_on_commit_callbacks(execute=True):  # as if committed: the snapshot is trusted again
        _set_global(olivia, "general__title", "Acme")

    with django_assert_max_num_queries(ORGANISATION_PAGE_QUERIES):
        response = as_olivia.get(reverse("preferences:global") + "?section=general")

    assert response.content.decode().count('class="inline-field"') == 3 + extra


def test_sections_managed_by_a_page_of_their_own_are_not_organisation_tabs(acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, acme)

    page = client.get("/owner/preferences/")
    hidden = client.get("/owner/preferences/?section=livesettings")

    assert "section=general" in page.content.decode()
    assert "section=livesettings" not in page.content.decode()
    assert hidden.status_code == 403  # it exists, but is not edited here


def test_a_live_setting_of_the_tenant_is_not_saved_through_the_organisation_page(acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, acme)
    url = reverse("preferences:global-field", args=["livesettings__session_expire_seconds"])

    plain = client.post(url, {"livesettings__session_expire_seconds": "600"})
    htmx = client.post(url, {"livesettings__session_expire_seconds": "600"}, **HTMX)
    reset = client.post(reverse("preferences:global-reset", args=["livesettings__session_expire_seconds"]))

    # Refused before writing (it used to write, then redirect to a tab that answers 403); /owner/settings/ edits it.
    assert (plain.status_code, htmx.status_code, reset.status_code) == (403, 403, 403)
    with schema_context("acme"):
        assert not GlobalPreference.objects.exists()
        assert not PreferenceChange.objects.exists()

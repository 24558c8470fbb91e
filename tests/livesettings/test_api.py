"""The live settings REST API: superadmins' site values, owners' tenant overrides, errors, access, schema."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tenants.utils import schema_context

from apps.livesettings.registry import live_settings_registry
from apps.livesettings.services import live_setting_set, tenant_override_set
from apps.preferences.cache import clear_local
from apps.preferences.models import GlobalPreference, PreferenceChange
from apps.preferences.site.models import SitePreference, SitePreferenceChange
from tests.conftest import client_for, make_user

JSON = "application/json"
HOURS_8 = 8 * 3600


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def api(superadmin):
    return client_for("localhost", superadmin)


@pytest.fixture
def owner_api(acme, acme_owner):
    return client_for("acme.localhost", acme_owner, acme)


def _put(client, path, body, method="put", **headers):
    return getattr(client, method)(path, json.dumps(body), content_type=JSON, **headers)


def _site_state():
    """Return everything the site stores about live settings: rows and history."""
    rows = sorted(SitePreference.objects.values_list("section", "name", "raw_value"))
    history = list(SitePreferenceChange.objects.order_by("id").values_list("id", "new_raw_value"))
    return rows, history


def _tenant_state(schema="acme"):
    with schema_context(schema):
        rows = sorted(GlobalPreference.objects.values_list("section", "name", "raw_value"))
        history = list(PreferenceChange.objects.order_by("id").values_list("id", "new_raw_value"))
        return rows, history


# --- public domain: the site's values ---------------------------------------------------------------------
def test_superadmin_lists_every_live_setting_with_value_default_bounds_and_last_change(
    api, on_commit, django_assert_max_num_queries
):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900, actor="root-admin")

    # Domain, 2 search paths, session, user, the site snapshot (reloaded after the change), last changes.
    with django_assert_max_num_queries(7):
        response = api.get("/api/livesettings/")

    assert response.status_code == 200
    items = {item["name"]: item for item in response.json()}
    assert set(items) == {preference.setting for preference in live_settings_registry}
    expiry = items["SESSION_EXPIRE_SECONDS"]
    assert expiry["value"] == 900 and expiry["default"] == HOURS_8 and expiry["is_default"] is False
    assert (expiry["minimum"], expiry["maximum"], expiry["unit"]) == (60, 30 * 86400, "seconds")
    assert (expiry["section"], expiry["type"], expiry["verbose_name"]) == ("sessions", "integer", "Session expiry")
    assert expiry["tenant_overridable"] is True and expiry["tenant_override"] == "lower"
    assert expiry["changed_by"] == "root-admin" and expiry["changed_at"]
    assert "How long a signed-in session lasts" in expiry["help_text"]
    mode = items["MAINTENANCE_MODE"]
    assert mode["value"] is False and mode["is_default"] is True and mode["type"] == "boolean"
    assert mode["tenant_overridable"] is False and mode["tenant_override"] == "none"
    assert mode["changed_by"] is None and mode["changed_at"] is None
    assert mode["confirmation"]["value"] is True and "Every page of every tenant" in mode["confirmation"]["message"]
    assert items["MAINTENANCE_MESSAGE"]["max_length"] == 1000 and items["MAINTENANCE_MESSAGE"]["minimum"] is None


def test_superadmin_retrieves_one_setting_by_name(api):
    response = api.get("/api/livesettings/SESSION_EXPIRE_GRACE_SECONDS/")

    assert response.status_code == 200
    assert response.json()["name"] == "SESSION_EXPIRE_GRACE_SECONDS"
    assert (response.json()["value"], response.json()["maximum"]) == (60, 600)


def test_put_sets_the_live_value_with_history_by_the_requesting_superadmin(api, on_commit):
    with on_commit():
        response = _put(api, "/api/livesettings/SESSION_EXPIRE_SECONDS/", {"value": 1800})

    assert response.status_code == 200
    assert response.json()["value"] == 1800 and response.json()["is_default"] is False
    assert response.json()["changed_by"] == "root-admin"
    assert settings.SESSION_EXPIRE_SECONDS == 1800
    change = SitePreferenceChange.objects.get()
    assert (change.changed_by, change.source, change.new_raw_value) == ("root-admin", "api", "1800")


def test_patch_sets_the_value_too(api, on_commit):
    with on_commit():
        response = _put(api, "/api/livesettings/MAINTENANCE_MESSAGE/", {"value": "Back at noon."}, method="patch")

    assert response.status_code == 200 and response.json()["value"] == "Back at noon."
    assert settings.MAINTENANCE_MESSAGE == "Back at noon."


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("SESSION_EXPIRE_SECONDS", 59, "Enter a duration between 1 minute and 30 days."),
        ("SESSION_EXPIRE_SECONDS", 30 * 86400 + 1, "Enter a duration between 1 minute and 30 days."),
        ("SESSION_EXPIRE_SECONDS", 10**30, "Enter a duration between 1 minute and 30 days."),
        ("SESSION_EXPIRE_SECONDS", "soon", "Enter a duration: a number and a unit, such as 2 hours."),
        ("SESSION_EXPIRE_SECONDS", 90.5, "Enter a duration: a number and a unit, such as 2 hours."),
        ("SESSION_EXPIRE_SECONDS", True, "Enter a duration: a number and a unit, such as 2 hours."),
        ("SESSION_EXPIRE_SECONDS", [600], "Enter a duration: a number and a unit, such as 2 hours."),
        ("SESSION_EXPIRE_SECONDS", None, "Enter a value."),
        ("SESSION_EXPIRE_SECONDS", "", "Enter a value."),
        ("MAINTENANCE_MODE", "perhaps", "Enter true or false (also on/off, yes/no, 1/0)."),
        ("MAINTENANCE_MODE", 1, "Enter true or false."),
        ("MAINTENANCE_MESSAGE", "   ", "Enter the message people should see."),
        ("MAINTENANCE_MESSAGE", "x" * 1_000_000, "Ensure this value has at most 1000 characters (it has 1000000)."),
        ("MAINTENANCE_MESSAGE", 42, "Enter text (a JSON string)."),
        ("MAINTENANCE_MESSAGE", {"text": "hi"}, "Enter text (a JSON string)."),
        ("DEFAULT_FROM_EMAIL", "not an address", "Enter a valid email address."),
        (
            "DEFAULT_FROM_EMAIL",
            "a" * 300 + "@example.com",
            "Ensure this value has at most 254 characters (it has 312).",
        ),
    ],
)
def test_bad_values_answer_400_with_the_message_and_write_nothing(api, on_commit, setting, value, message):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=1200)
        live_setting_set(setting="MAINTENANCE_MESSAGE", value="Back soon.")
    before = _site_state()
    old_value = getattr(settings, setting)

    with on_commit():
        response = _put(api, f"/api/livesettings/{setting}/", {"value": value})

    assert response.status_code == 400
    assert message in response.json()["errors"]["value"], response.json()
    assert _site_state() == before
    assert getattr(settings, setting) == old_value


def test_a_body_larger_than_djangos_upload_limit_is_refused_before_parsing(api):
    # DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) stops it: Django's plain 400 page, not the API's error format.
    response = _put(api, "/api/livesettings/MAINTENANCE_MESSAGE/", {"value": "x" * 5_000_000})

    assert response.status_code == 400
    assert _site_state() == ([], [])
    assert settings.MAINTENANCE_MESSAGE.startswith("The portal is down for maintenance.")


def test_a_body_without_value_is_refused(api):
    response = _put(api, "/api/livesettings/SESSION_EXPIRE_SECONDS/", {"seconds": 600})

    assert response.status_code == 400
    assert response.json() == {"errors": {"value": ["This field is required."]}}
    assert _site_state() == ([], [])


def test_a_form_encoded_body_is_refused(api):
    response = api.put("/api/livesettings/SESSION_EXPIRE_SECONDS/", "value=600", content_type="text/plain")

    assert response.status_code == 415
    assert settings.SESSION_EXPIRE_SECONDS == HOURS_8


def test_unknown_names_answer_404_and_write_nothing(api):
    responses = [
        api.get("/api/livesettings/SECRET_KEY/"),
        _put(api, "/api/livesettings/SECRET_KEY/", {"value": "x"}),
        api.delete("/api/livesettings/SECRET_KEY/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert responses[1].json()["detail"].startswith("SECRET_KEY is not a live setting. Live settings: SESSION_")
    assert _site_state() == ([], [])


def test_maintenance_mode_on_needs_an_explicit_confirmation(api, on_commit):
    with on_commit():
        unconfirmed = _put(api, "/api/livesettings/MAINTENANCE_MODE/", {"value": True})

    assert unconfirmed.status_code == 400
    (message,) = unconfirmed.json()["errors"]["confirm"]
    assert message.startswith("Every page of every tenant will answer")
    assert message.endswith('Send "confirm": true with the value to go ahead.')
    assert _site_state() == ([], [])
    assert settings.MAINTENANCE_MODE is False

    with on_commit():
        confirmed = _put(api, "/api/livesettings/MAINTENANCE_MODE/", {"value": True, "confirm": True})

    assert confirmed.status_code == 200 and confirmed.json()["value"] is True
    assert settings.MAINTENANCE_MODE is True


def test_a_bad_value_is_reported_before_the_confirmation(api):
    response = _put(api, "/api/livesettings/MAINTENANCE_MODE/", {"value": "perhaps"})

    assert response.status_code == 400 and list(response.json()["errors"]) == ["value"]


def test_turning_maintenance_mode_off_needs_no_confirmation(api, on_commit):
    with on_commit():
        live_setting_set(setting="MAINTENANCE_MODE", value=True)
        response = _put(api, "/api/livesettings/MAINTENANCE_MODE/", {"value": False})

    assert response.status_code == 200
    assert settings.MAINTENANCE_MODE is False


def test_delete_goes_back_to_the_settings_py_value(api, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=900)
    assert settings.SESSION_EXPIRE_SECONDS == 900

    with on_commit():
        response = api.delete("/api/livesettings/SESSION_EXPIRE_SECONDS/")

    assert response.status_code == 200
    assert response.json()["value"] == HOURS_8 and response.json()["is_default"] is True
    assert settings.SESSION_EXPIRE_SECONDS == HOURS_8
    assert not SitePreference.objects.exists()
    latest = SitePreferenceChange.objects.order_by("-id").first()
    assert (latest.new_raw_value, latest.source, latest.changed_by) == (None, "api", "root-admin")


def test_only_superadmins_use_the_site_api(db, tenants):
    staff = make_user(None, "helpdesk")  # a public-schema user who is not a superuser
    staff_api = client_for("localhost", staff)
    anonymous = client_for("localhost")

    answers = [
        staff_api.get("/api/livesettings/"),
        staff_api.get("/api/livesettings/SESSION_EXPIRE_SECONDS/"),
        _put(staff_api, "/api/livesettings/SESSION_EXPIRE_SECONDS/", {"value": 120}),
        staff_api.delete("/api/livesettings/SESSION_EXPIRE_SECONDS/"),
    ]
    anonymous_answers = [
        anonymous.get("/api/livesettings/"),
        _put(anonymous, "/api/livesettings/SESSION_EXPIRE_SECONDS/", {"value": 120}),
    ]

    assert [r.status_code for r in answers] == [403, 403, 403, 403]
    assert answers[0].json()["detail"] == "Only superadmins may manage the site's live settings."
    assert all(r.status_code in (401, 403) for r in anonymous_answers)
    assert _site_state() == ([], [])
    assert settings.SESSION_EXPIRE_SECONDS == HOURS_8


def test_tenant_domains_have_no_site_api(owner_api):
    assert owner_api.get("/api/livesettings/").status_code == 404
    assert _put(owner_api, "/api/livesettings/SESSION_EXPIRE_SECONDS/", {"value": 120}).status_code == 404
    assert _site_state() == ([], [])


# --- tenant domains: the tenant's overrides ---------------------------------------------------------------
def test_owner_lists_the_overridable_settings_with_site_value_bounds_and_own_value(owner_api, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=3600)

    response = owner_api.get("/api/livesettings/overrides/")

    assert response.status_code == 200
    items = {item["name"]: item for item in response.json()}
    assert set(items) == {preference.setting for preference in live_settings_registry.overridable()}
    assert "MAINTENANCE_MODE" not in items
    expiry = items["SESSION_EXPIRE_SECONDS"]
    assert (expiry["site_value"], expiry["override"], expiry["effective"]) == (3600, None, 3600)
    # "lower": the site's value caps the bound an owner may choose.
    assert (expiry["minimum"], expiry["maximum"], expiry["tenant_override"]) == (60, 3600, "lower")


def test_owner_sets_a_shorter_value_for_their_tenant_only(owner_api, globex, on_commit):
    with on_commit():
        response = _put(owner_api, "/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/", {"value": 600})

    assert response.status_code == 200
    assert (response.json()["override"], response.json()["effective"]) == (600, 600)
    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == 600
        change = PreferenceChange.objects.get()
        assert (change.name, change.changed_by, change.source) == ("session_expire_seconds", "olivia", "api")
    for other in ("globex", "public"):
        with schema_context(other):
            assert settings.SESSION_EXPIRE_SECONDS == HOURS_8
    assert _site_state() == ([], [])


def test_owner_retrieves_one_override(owner_api, on_commit):
    with schema_context("acme"), on_commit():
        tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=900)

    response = owner_api.get("/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/")

    assert response.status_code == 200 and response.json()["override"] == 900


def test_a_value_longer_than_the_site_value_is_refused_with_the_consoles_message(owner_api, on_commit):
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=3600)
    with schema_context("acme"), on_commit():
        tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=1200)
    before = _tenant_state()

    with on_commit():
        refused = _put(owner_api, "/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/", {"value": 3601})
    console = owner_api.post(
        "/owner/settings/SESSION_EXPIRE_SECONDS/", {"session_expire_seconds-value": "3601"}, HTTP_HX_REQUEST="true"
    )

    assert refused.status_code == 400
    assert refused.json() == {"errors": {"value": ["May not be more than the site's value, 1 hour."]}}
    assert "May not be more than the site&#x27;s value, 1 hour." in console.content.decode()
    assert _tenant_state() == before
    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == 1200


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (30, "Enter a duration between 1 minute and 30 days."),
        ("soon", "Enter a duration: a number and a unit, such as 2 hours."),
        (None, "Enter a value."),
        ("9" * 100_000, "Enter a duration: a number and a unit, such as 2 hours."),
    ],
)
def test_invalid_overrides_are_refused_and_nothing_is_written(owner_api, value, message):
    response = _put(owner_api, "/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/", {"value": value})

    assert response.status_code == 400
    assert response.json()["errors"]["value"] == [message]
    assert _tenant_state() == ([], [])
    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == HOURS_8


def test_delete_clears_the_override_so_the_site_value_applies(owner_api, on_commit):
    with schema_context("acme"), on_commit():
        tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=600)

    with on_commit():
        response = owner_api.delete("/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/")

    assert response.status_code == 200
    assert (response.json()["override"], response.json()["effective"]) == (None, HOURS_8)
    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == HOURS_8
        assert not GlobalPreference.objects.exists()


def test_settings_owners_may_not_override_and_unknown_names_answer_404(owner_api):
    responses = [
        owner_api.get("/api/livesettings/overrides/MAINTENANCE_MODE/"),
        _put(owner_api, "/api/livesettings/overrides/MAINTENANCE_MODE/", {"value": True}),
        owner_api.delete("/api/livesettings/overrides/MAINTENANCE_MODE/"),
        _put(owner_api, "/api/livesettings/overrides/SECRET_KEY/", {"value": "x"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert responses[1].json() == {"detail": "Tenant owners may not change MAINTENANCE_MODE."}
    assert _tenant_state() == ([], [])
    assert settings.MAINTENANCE_MODE is False


def test_members_and_anonymous_visitors_may_not_use_the_override_api(acme, acme_member):
    member = client_for("acme.localhost", acme_member, acme)
    anonymous = client_for("acme.localhost")

    answers = [
        member.get("/api/livesettings/overrides/"),
        _put(member, "/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/", {"value": 120}),
        member.delete("/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/"),
    ]
    anonymous_answer = _put(anonymous, "/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/", {"value": 120})

    assert [r.status_code for r in answers] == [403, 403, 403]
    assert anonymous_answer.status_code in (401, 403)
    assert _tenant_state() == ([], [])
    with schema_context("acme"):
        assert settings.SESSION_EXPIRE_SECONDS == HOURS_8


def test_another_tenants_owner_cannot_reach_this_tenants_overrides(acme, globex_owner, globex):
    # A session of globex is unknown on acme's domain: the request is anonymous there.
    cookie = client_for("globex.localhost", globex_owner, globex).cookies
    intruder = client_for("acme.localhost")
    intruder.cookies = cookie

    response = _put(intruder, "/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/", {"value": 120})

    assert response.status_code in (401, 403)
    assert _tenant_state() == ([], [])


# --- the OpenAPI schema -----------------------------------------------------------------------------------
def test_the_tenant_schema_documents_the_override_api(owner_api):
    response = owner_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert {"put", "patch", "delete", "get"} <= set(paths["/api/livesettings/overrides/{name}/"])


def test_the_public_api_generates_a_schema_without_warnings(tmp_path):
    output = tmp_path / "schema.yaml"

    call_command("spectacular", urlconf="portal.urls_public", fail_on_warn=True, file=str(output), stderr=StringIO())

    text = output.read_text()
    assert "/api/livesettings/{name}/:" in text and "operationId: livesettings_update" in text


# --- ETag and If-Match -----------------------------------------------------------------------------------
EXPIRY = "/api/livesettings/SESSION_EXPIRE_SECONDS/"
OWN_EXPIRY = "/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/"


def test_site_value_etag_changes_after_a_write_and_a_matching_if_match_succeeds(api, on_commit):
    read = api.get(EXPIRY)["ETag"]

    with on_commit():
        first = _put(api, EXPIRY, {"value": 1800}, HTTP_IF_MATCH=read)
    with on_commit():
        second = _put(api, EXPIRY, {"value": 900}, method="patch", HTTP_IF_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"] != read
    assert second.status_code == 200 and second["ETag"] not in (read, first["ETag"])
    assert api.get(EXPIRY)["ETag"] == second["ETag"]
    assert settings.SESSION_EXPIRE_SECONDS == 900


def test_a_stale_if_match_on_the_site_value_is_412_with_the_current_value_and_nothing_written(api, on_commit):
    read = api.get(EXPIRY)["ETag"]
    with on_commit():
        live_setting_set(setting="SESSION_EXPIRE_SECONDS", value=3600, actor="other-admin")
    before = _site_state()

    with on_commit():
        put = _put(api, EXPIRY, {"value": 1800}, HTTP_IF_MATCH=read)
        delete = api.delete(EXPIRY, HTTP_IF_MATCH=read)

    assert [put.status_code, delete.status_code] == [412, 412]
    assert list(put.json()["errors"]) == ["if_match"]
    assert put.json()["current"]["value"] == 3600 and put.json()["current"]["changed_by"] == "other-admin"
    assert put["ETag"] == delete["ETag"] == api.get(EXPIRY)["ETag"] != read
    assert _site_state() == before
    assert settings.SESSION_EXPIRE_SECONDS == 3600


def test_the_site_value_is_checked_under_the_writes_lock_even_when_the_read_was_stale(api):
    """A row stored behind the snapshot's back stands for a write landing between the read and the lock."""
    read = api.get(EXPIRY)["ETag"]  # warms this process's snapshot of the site's values
    SitePreference.objects.create(section="sessions", name="session_expire_seconds", raw_value="1200")

    response = _put(api, EXPIRY, {"value": 1800}, HTTP_IF_MATCH=read)
    clear_local()  # what the racing writer's commit does to every process: its version token moves

    assert response.status_code == 412
    assert not SitePreferenceChange.objects.exists()
    assert SitePreference.objects.get().raw_value == "1200"
    retry = _put(api, EXPIRY, {"value": 1800}, HTTP_IF_MATCH=read)
    assert retry.status_code == 412 and retry.json()["current"]["value"] == 1200 and retry["ETag"] != read


def test_the_site_list_has_an_etag_of_every_stored_value(api, on_commit):
    before = api.get("/api/livesettings/")["ETag"]
    with on_commit():
        live_setting_set(setting="MAINTENANCE_MESSAGE", value="Back soon.")

    assert api.get("/api/livesettings/")["ETag"] not in (before, None)


def test_a_stale_if_match_on_an_override_is_412_and_a_matching_one_succeeds(owner_api, on_commit):
    read = owner_api.get(OWN_EXPIRY)["ETag"]
    with schema_context("acme"), on_commit():
        tenant_override_set(setting="SESSION_EXPIRE_SECONDS", value=1200, actor="oscar")
    before = _tenant_state()

    with on_commit():
        refused = _put(owner_api, OWN_EXPIRY, {"value": 600}, HTTP_IF_MATCH=read)
        refused_delete = owner_api.delete(OWN_EXPIRY, HTTP_IF_MATCH=read)
    after_refusal = _tenant_state()
    with on_commit():
        accepted = _put(owner_api, OWN_EXPIRY, {"value": 600}, HTTP_IF_MATCH=refused["ETag"])
    with on_commit():
        cleared = owner_api.delete(OWN_EXPIRY, HTTP_IF_MATCH=accepted["ETag"])

    assert [refused.status_code, refused_delete.status_code] == [412, 412]
    assert refused.json()["current"]["override"] == 1200 and refused["ETag"] != read
    assert after_refusal == before
    assert accepted.status_code == 200 and accepted.json()["override"] == 600 and accepted["ETag"] != refused["ETag"]
    assert cleared.status_code == 200 and cleared.json()["override"] is None and cleared["ETag"] == read
    assert owner_api.get("/api/livesettings/overrides/")["ETag"]


# --- the public domain's own OpenAPI schema and docs ------------------------------------------------------
def test_the_public_schema_lists_the_live_settings_api_and_no_tenant_path(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert set(schema["paths"]) == {
        "/api/livesettings/",
        "/api/livesettings/{name}/",
        "/api/livesettings/custom/",
        "/api/livesettings/custom/{name}/",
    }
    assert schema["info"]["title"] == "Portal site API"
    assert "If-Match" in [p["name"] for p in schema["paths"]["/api/livesettings/{name}/"]["put"]["parameters"]]


def test_the_public_docs_page_renders_for_a_superadmin_from_local_files(api):
    response = api.get("/api/docs/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "swagger-ui-bundle.js" in body and "/static/drf_spectacular_sidecar/" in body
    assert "cdn." not in body and "unpkg" not in body
    # Its start-up script is a file of its own (the Content-Security-Policy allows no inline script).
    assert '<script src="/api/docs/?script="></script>' in body
    script = api.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in script.content.decode()


def test_the_public_schema_and_docs_are_for_superadmins_only(tenants):
    staff = client_for("localhost", make_user(None, "public-staff"))
    anonymous = client_for("localhost")

    assert staff.get("/api/schema/").status_code == 403
    assert anonymous.get("/api/schema/").status_code in (401, 403)
    assert staff.get("/api/docs/").status_code == 403
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"] == "/accounts/login/?next=/api/docs/"


# --- committed writes, as in production -------------------------------------------------------------------
def test_with_committed_writes_the_answer_shows_the_new_value_not_the_requests_snapshot(committed_tenants):
    # Outside a test transaction each write commits at once, while the request's snapshots were pinned before it.
    root = make_user(None, "root-admin", superuser=True)
    olivia = make_user(committed_tenants["acme"], "olivia", owner=True)
    site = client_for("localhost", root)
    owner = client_for("acme.localhost", olivia, committed_tenants["acme"])
    assert site.get("/api/livesettings/SESSION_EXPIRE_SECONDS/").json()["value"] == HOURS_8

    set_site = _put(site, "/api/livesettings/SESSION_EXPIRE_SECONDS/", {"value": 3600})
    set_own = _put(owner, "/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/", {"value": 600})
    cleared = owner.delete("/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/")
    reset = site.delete("/api/livesettings/SESSION_EXPIRE_SECONDS/")

    assert (set_site.json()["value"], set_site.json()["changed_by"]) == (3600, "root-admin")
    assert (set_own.json()["override"], set_own.json()["effective"], set_own.json()["maximum"]) == (600, 600, 3600)
    assert (cleared.json()["override"], cleared.json()["effective"]) == (None, 3600)
    assert reset.json()["value"] == HOURS_8 and reset.json()["is_default"] is True
    assert site.get("/api/livesettings/SESSION_EXPIRE_SECONDS/").json()["value"] == HOURS_8
    assert reset["ETag"] == site.get("/api/livesettings/SESSION_EXPIRE_SECONDS/")["ETag"] != set_site["ETag"]
    assert (
        set_own["ETag"] != cleared["ETag"] == owner.get("/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/")["ETag"]
    )


def test_a_secret_is_set_through_the_api_and_answered_masked(api, on_commit):
    with on_commit():
        response = _put(api, "/api/livesettings/EMAIL_HOST_PASSWORD/", {"value": "hunter2"})

    assert response.status_code == 200
    body = response.json()
    assert (body["secret"], body["value"], body["effective"]) == (True, "••••••••", "••••••••")
    assert "hunter2" not in json.dumps(api.get("/api/livesettings/").json())
    assert settings.EMAIL_HOST_PASSWORD == "hunter2"


def test_a_locked_setting_names_its_variable_and_refuses_writes(api, monkeypatch):
    monkeypatch.setenv("LIVE_SETTING_MAINTENANCE_RETRY_AFTER_SECONDS", "1200")

    body = api.get("/api/livesettings/MAINTENANCE_RETRY_AFTER_SECONDS/").json()
    refused = _put(api, "/api/livesettings/MAINTENANCE_RETRY_AFTER_SECONDS/", {"value": 900})

    assert (body["locked_by"], body["effective"], body["value"]) == (
        "LIVE_SETTING_MAINTENANCE_RETRY_AFTER_SECONDS",
        1200,
        600,
    )
    assert refused.status_code == 400
    assert "LIVE_SETTING_MAINTENANCE_RETRY_AFTER_SECONDS" in refused.json()["errors"]["value"][0]


# --- custom settings --------------------------------------------------------------------------------------
def _post(client, path, body, **headers):
    return client.post(path, json.dumps(body), content_type=JSON, **headers)


def test_a_custom_setting_is_created_edited_and_deleted_through_the_api(api, on_commit):
    body = {"name": "PARTNER_LIMIT", "type": "integer", "value": 10, "help_text": "Calls per minute."}
    with on_commit():
        created = _post(api, "/api/livesettings/custom/", body)

    assert created.status_code == 201, created.content
    assert (created.json()["name"], created.json()["value"], created.json()["custom"]) == ("PARTNER_LIMIT", 10, True)
    assert settings.PARTNER_LIMIT == 10
    with on_commit():
        edited = _put(api, "/api/livesettings/PARTNER_LIMIT/", {"value": 20})
    assert edited.status_code == 200 and settings.PARTNER_LIMIT == 20
    assert "PARTNER_LIMIT" in {item["name"] for item in api.get("/api/livesettings/").json()}
    with on_commit():
        deleted = api.delete("/api/livesettings/custom/PARTNER_LIMIT/", HTTP_IF_MATCH=edited["ETag"])
    assert deleted.status_code == 204
    assert not hasattr(settings, "PARTNER_LIMIT")
    assert api.get("/api/livesettings/PARTNER_LIMIT/").status_code == 404


def test_a_refused_custom_setting_answers_the_error_envelope(api):
    refused_name = _post(api, "/api/livesettings/custom/", {"name": "DATABASES", "type": "json", "value": {}})
    refused_value = _post(api, "/api/livesettings/custom/", {"name": "PARTNER_ON", "type": "boolean", "value": "?"})

    assert refused_name.status_code == 400 and "name" in refused_name.json()["errors"]
    assert refused_value.status_code == 400 and "value" in refused_value.json()["errors"]
    assert api.get("/api/livesettings/PARTNER_ON/").status_code == 404


def test_built_in_settings_cannot_be_deleted_as_custom_ones(api):
    assert api.delete("/api/livesettings/custom/MAINTENANCE_MODE/").status_code == 404


def test_a_stale_if_match_on_create_is_412_and_creates_nothing(api):
    body = {"name": "PARTNER_LIMIT", "type": "integer", "value": 10}

    refused = _post(api, "/api/livesettings/custom/", body, HTTP_IF_MATCH='"stale"')

    assert refused.status_code == 412
    assert "PARTNER_LIMIT" not in live_settings_registry


def test_a_duration_is_written_in_iso_8601_and_answered_in_seconds_and_iso_8601(api, on_commit):
    with on_commit():
        response = _put(api, EXPIRY, {"value": "PT2H"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["value"] == 7200 and body["unit"] == "seconds"  # seconds, as the API always answered
    assert body["iso8601"] == {
        "value": "PT2H",
        "default": "PT8H",
        "effective": "PT2H",
        "minimum": "PT1M",
        "maximum": "P30D",
    }
    assert settings.SESSION_EXPIRE_SECONDS == 7200
    maintenance = api.get("/api/livesettings/MAINTENANCE_MODE/").json()
    assert maintenance["iso8601"] is None

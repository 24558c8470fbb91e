"""The REST API of global and own user preferences: roles, JSON values, validation, tokens, tenants."""

import json

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from apps.preferences.models import GlobalPreference, PreferenceChange, UserPreference
from apps.preferences.registries import global_preferences_registry
from apps.preferences.signals import preference_updated
from tests.conftest import client_for

JSON = "application/json"


def _by_key(items):
    return {item["key"]: item for item in items}


def _global_values(schema):
    with schema_context(schema):
        return dict(GlobalPreference.objects.values_list("name", "raw_value"))


def test_owner_lists_every_global_preference_with_value_default_and_schema(acme, acme_owner):
    with schema_context("acme"):
        global_preferences_registry.manager()["general__title"] = "Acme portal"

    response = client_for("acme.localhost", acme_owner, acme).get("/api/preferences/global/")

    assert response.status_code == 200
    items = _by_key(response.json())
    assert list(items) == global_preferences_registry.keys()
    title = items["general__title"]
    assert title["value"] == "Acme portal" and title["default"] == "" and title["is_default"] is False
    assert title["verbose_name"] == "Portal title" and title["section"] == "general"
    assert title["schema"]["maxLength"] == 80
    upload = items["general__max_upload_mb"]
    assert upload["value"] == 10 and upload["is_default"] is True
    assert upload["schema"] == {
        "type": "integer",
        "title": "Largest upload (MB)",
        "default": 10,
        "minimum": 1,
        "maximum": 500,
    }
    assert items["locale__week_start"]["schema"]["enum"] == ["monday", "sunday", "saturday"]


def test_owner_retrieves_one_key(acme, acme_owner):
    response = client_for("acme.localhost", acme_owner, acme).get("/api/preferences/global/locale__week_start/")

    assert response.status_code == 200
    assert response.json()["value"] == "monday" and response.json()["is_default"] is True


def test_owner_updates_one_key_with_history_and_signal(acme, acme_owner, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["section"], kwargs["name"], kwargs["old_value"], kwargs["new_value"]))

    preference_updated.connect(receiver)
    client = client_for("acme.localhost", acme_owner, acme)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.put(
                "/api/preferences/global/general__max_upload_mb/", json.dumps({"value": 50}), content_type=JSON
            )
    finally:
        preference_updated.disconnect(receiver)

    assert response.status_code == 200
    assert response.json()["value"] == 50 and response.json()["is_default"] is False
    assert received == [("general", "max_upload_mb", 10, 50)]
    with schema_context("acme"):
        change = PreferenceChange.objects.get(name="max_upload_mb")
        assert (change.source, change.changed_by, change.new_raw_value) == ("api", "olivia", "50")
        assert global_preferences_registry.manager()["general__max_upload_mb"] == 50


def test_patch_of_one_key_sets_it_too(acme, acme_owner):
    response = client_for("acme.localhost", acme_owner, acme).patch(
        "/api/preferences/global/locale__week_start/", json.dumps({"value": "sunday"}), content_type=JSON
    )

    assert response.status_code == 200 and response.json()["value"] == "sunday"


def test_invalid_value_is_400_with_the_field_message_and_nothing_written(acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, acme)

    too_big = client.put(
        "/api/preferences/global/general__max_upload_mb/", json.dumps({"value": 501}), content_type=JSON
    )
    bad_email = client.put(
        "/api/preferences/global/general__support_email/", json.dumps({"value": "nobody"}), content_type=JSON
    )
    not_a_choice = client.put(
        "/api/preferences/global/locale__week_start/", json.dumps({"value": "friday"}), content_type=JSON
    )

    assert too_big.status_code == 400
    assert too_big.json() == {"errors": {"general__max_upload_mb": ["Ensure this value is less than or equal to 500."]}}
    assert bad_email.status_code == 400
    assert bad_email.json()["errors"]["general__support_email"] == ["Enter an email address such as help@example.com."]
    assert not_a_choice.status_code == 400 and "friday" in not_a_choice.json()["errors"]["locale__week_start"][0]
    assert _global_values("acme") == {}
    with schema_context("acme"):
        assert not PreferenceChange.objects.exists()


def test_a_body_without_value_is_400(acme, acme_owner):
    response = client_for("acme.localhost", acme_owner, acme).put(
        "/api/preferences/global/general__title/", json.dumps({"valeur": "x"}), content_type=JSON
    )

    assert response.status_code == 400
    assert response.json() == {"errors": {"value": ["This field is required."]}}


def test_bulk_update_writes_every_value(acme, acme_owner):
    body = {"values": {"general__title": "Acme", "general__max_upload_mb": 20, "locale__week_start": "monday"}}

    response = client_for("acme.localhost", acme_owner, acme).patch(
        "/api/preferences/global/", json.dumps(body), content_type=JSON
    )

    assert response.status_code == 200
    assert response.json()["changed"] == ["general__title", "general__max_upload_mb"]  # week_start was already monday
    assert [item["value"] for item in response.json()["preferences"]] == ["Acme", 20, "monday"]
    assert _global_values("acme") == {"title": '"Acme"', "max_upload_mb": "20"}


def test_bulk_update_is_all_or_nothing(acme, acme_owner):
    body = {"values": {"general__title": "Acme", "general__max_upload_mb": 0, "general__support_email": "x"}}

    response = client_for("acme.localhost", acme_owner, acme).patch(
        "/api/preferences/global/", json.dumps(body), content_type=JSON
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"general__max_upload_mb", "general__support_email"}
    assert _global_values("acme") == {}


def test_bulk_update_with_an_unknown_key_is_400_and_writes_nothing(acme, acme_owner):
    body = {"values": {"general__title": "Acme", "general__colour": "red"}}

    response = client_for("acme.localhost", acme_owner, acme).patch(
        "/api/preferences/global/", json.dumps(body), content_type=JSON
    )

    assert response.status_code == 400
    assert response.json() == {"errors": {"general__colour": ["No such preference."]}}
    assert _global_values("acme") == {}


def test_delete_resets_to_the_default(acme, acme_owner):
    with schema_context("acme"):
        global_preferences_registry.manager()["general__title"] = "Acme portal"

    response = client_for("acme.localhost", acme_owner, acme).delete("/api/preferences/global/general__title/")

    assert response.status_code == 200
    assert response.json()["value"] == "" and response.json()["is_default"] is True
    assert _global_values("acme") == {}
    with schema_context("acme"):
        assert PreferenceChange.objects.filter(name="title", new_raw_value=None, source="api").exists()


def test_unknown_key_is_404(acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, acme)

    assert client.get("/api/preferences/global/general__colour/").status_code == 404
    assert client.put("/api/preferences/global/nope/", json.dumps({"value": 1}), content_type=JSON).status_code == 404
    assert client.delete("/api/preferences/user/appearance__nope/").status_code == 404


def test_members_may_not_read_or_change_global_preferences(acme, acme_member):
    client = client_for("acme.localhost", acme_member, acme)

    listing = client.get("/api/preferences/global/")
    update = client.put("/api/preferences/global/general__title/", json.dumps({"value": "Hi"}), content_type=JSON)
    bulk = client.patch("/api/preferences/global/", json.dumps({"values": {"general__title": "x"}}), content_type=JSON)
    schema = client.get("/api/preferences/global/schema/")

    assert [listing.status_code, update.status_code, bulk.status_code, schema.status_code] == [403, 403, 403, 403]
    assert _global_values("acme") == {}


def test_anonymous_requests_are_refused(acme):
    response = client_for("acme.localhost").get("/api/preferences/user/")

    assert response.status_code in (401, 403)


def test_member_reads_and_changes_own_preferences(acme, acme_member, acme_owner):
    client = client_for("acme.localhost", acme_member, acme)

    update = client.put("/api/preferences/user/appearance__theme/", json.dumps({"value": "dark"}), content_type=JSON)
    listing = client.get("/api/preferences/user/")

    assert update.status_code == 200 and update.json()["value"] == "dark"
    items = _by_key(listing.json())
    assert items["appearance__theme"]["value"] == "dark" and items["appearance__theme"]["is_default"] is False
    assert items["appearance__compact_tables"]["value"] is False
    with schema_context("acme"):
        assert list(UserPreference.objects.values_list("user__username", "name")) == [("alice", "theme")]
        assert acme_owner.preferences["appearance__theme"] == "auto"


def test_own_preferences_bulk_update_and_type_checks(acme, acme_member):
    client = client_for("acme.localhost", acme_member, acme)

    refused = client.patch(
        "/api/preferences/user/",
        json.dumps({"values": {"appearance__compact_tables": "yes", "appearance__items_per_page": 50}}),
        content_type=JSON,
    )
    accepted = client.patch(
        "/api/preferences/user/",
        json.dumps({"values": {"appearance__compact_tables": True, "appearance__items_per_page": 50}}),
        content_type=JSON,
    )

    assert refused.status_code == 400
    assert refused.json() == {"errors": {"appearance__compact_tables": ["Enter true or false."]}}
    assert accepted.status_code == 200
    assert sorted(accepted.json()["changed"]) == ["appearance__compact_tables", "appearance__items_per_page"]


def test_registry_json_schema_endpoints(acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, acme)

    global_schema = client.get("/api/preferences/global/schema/").json()
    user_schema = client.get("/api/preferences/user/schema/").json()

    assert global_schema["type"] == "object" and "general__title" in global_schema["properties"]
    assert user_schema["properties"]["appearance__items_per_page"]["maximum"] == 200


def test_token_auth_works_for_a_tenant_user(acme, acme_member):
    with schema_context("acme"):
        token = Token.objects.create(user=acme_member)

    response = client_for("acme.localhost").put(
        "/api/preferences/user/appearance__theme/",
        json.dumps({"value": "light"}),
        content_type=JSON,
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )

    assert response.status_code == 200 and response.json()["value"] == "light"


def test_a_tenant_token_is_refused_on_another_tenants_domain(acme, globex, acme_owner, make_person):
    make_person(globex, "olivia", owner=True)  # the same username in another tenant
    with schema_context("acme"):
        token = Token.objects.create(user=acme_owner)
        global_preferences_registry.manager()["general__title"] = "Acme secret title"

    on_globex = client_for("globex.localhost").get("/api/preferences/global/", HTTP_AUTHORIZATION=f"Token {token.key}")
    on_acme = client_for("acme.localhost").get("/api/preferences/global/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert on_globex.status_code in (401, 403)
    assert "Acme secret title" not in on_globex.content.decode()
    assert on_acme.status_code == 200


def test_global_values_are_per_tenant_through_the_api(acme, globex, acme_owner, make_person):
    globex_owner = make_person(globex, "gina", owner=True)
    acme_client = client_for("acme.localhost", acme_owner, acme)
    globex_client = client_for("globex.localhost", globex_owner, globex)

    acme_client.put("/api/preferences/global/general__title/", json.dumps({"value": "Acme"}), content_type=JSON)
    on_globex = globex_client.get("/api/preferences/global/general__title/")
    acme_session_on_globex = client_for("globex.localhost", acme_owner, acme).get("/api/preferences/global/")

    assert on_globex.json()["value"] == "" and on_globex.json()["is_default"] is True
    assert acme_session_on_globex.status_code in (401, 403)
    assert _global_values("globex") == {}


def test_openapi_schema_documents_the_preference_endpoints(acme, acme_owner):
    response = client_for("acme.localhost", acme_owner, acme).get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path in (
        "/api/preferences/global/",
        "/api/preferences/global/{key}/",
        "/api/preferences/global/schema/",
        "/api/preferences/user/",
        "/api/preferences/user/{key}/",
        "/api/preferences/user/schema/",
    ):
        assert path in paths
    assert paths["/api/preferences/global/"]["patch"]["operationId"] == "preferences_global_bulk_update"


def test_openapi_generation_of_this_app_has_no_warnings_or_errors(capsys):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator(urlconf="apps.preferences.api_urls").get_schema(request=None, public=True)

    assert not GENERATOR_STATS, capsys.readouterr().err


def _preference_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries if '"preferences_' in q["sql"]]


def test_listing_reads_global_values_from_the_snapshot_and_user_values_in_one_query(
    acme, acme_owner, django_capture_on_commit_callbacks
):
    with schema_context("acme"), django_capture_on_commit_callbacks(execute=True):
        global_preferences_registry.manager().update({"general__title": "Acme", "general__max_upload_mb": 20})
        acme_owner.preferences.update({"appearance__theme": "dark", "appearance__items_per_page": 50})
    client = client_for("acme.localhost", acme_owner, acme)
    client.get("/api/preferences/global/")  # warms this process's snapshots

    global_queries = _preference_queries(client, "/api/preferences/global/")
    user_queries = _preference_queries(client, "/api/preferences/user/")

    # The only preference query of either request is the user's own values, loaded once per request (by the
    # time-zone middleware, and shared with the view): never one for the tenant-wide values.
    assert len(global_queries) == 1 and "preferences_userpreference" in global_queries[0]
    assert len(user_queries) == 1 and "preferences_userpreference" in user_queries[0]


# --- ETag and If-Match ----------------------------------------------------------------------------------------
TITLE = "/api/preferences/global/general__title/"


def _put_title(client, value, **headers):
    return client.put(TITLE, json.dumps({"value": value}), content_type=JSON, **headers)


def test_get_answers_an_etag_that_changes_after_a_write_and_a_matching_if_match_succeeds(acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, acme)
    first = client.get(TITLE)["ETag"]

    saved = _put_title(client, "Acme", HTTP_IF_MATCH=first)
    again = _put_title(client, "Acme portal", HTTP_IF_MATCH=saved["ETag"])

    assert saved.status_code == 200 and saved["ETag"] != first
    assert client.get(TITLE)["ETag"] == again["ETag"] != saved["ETag"]
    assert again.status_code == 200 and again.json()["value"] == "Acme portal"
    assert _global_values("acme") == {"title": '"Acme portal"'}


def test_stale_if_match_is_412_with_the_current_value_and_nothing_written(acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, acme)
    read = client.get(TITLE)["ETag"]
    with schema_context("acme"):
        global_preferences_registry.manager()["general__title"] = "Changed by someone else"
        changes = PreferenceChange.objects.count()

    response = _put_title(client, "Mine", HTTP_IF_MATCH=read)

    assert response.status_code == 412
    assert list(response.json()["errors"]) == ["if_match"]
    assert response.json()["current"]["value"] == "Changed by someone else"
    assert response["ETag"] == client.get(TITLE)["ETag"] != read
    assert _global_values("acme") == {"title": '"Changed by someone else"'}
    with schema_context("acme"):
        assert PreferenceChange.objects.count() == changes


def test_if_match_is_checked_under_the_writes_lock_even_when_the_read_was_stale(acme, acme_owner):
    """A value stored behind the snapshot's back stands for a write that lands between the read and the lock."""
    client = client_for("acme.localhost", acme_owner, acme)
    read = client.get(TITLE)["ETag"]  # warms this process's snapshot of acme's values
    with schema_context("acme"):
        GlobalPreference.objects.create(section="general", name="title", raw_value='"Racing writer"')

    response = _put_title(client, "Mine", HTTP_IF_MATCH=read)

    assert response.status_code == 412
    assert response.json()["current"]["value"] == "Racing writer"
    assert response["ETag"] != read
    assert _global_values("acme") == {"title": '"Racing writer"'}


def test_delete_with_a_stale_if_match_is_412_and_keeps_the_value(acme, acme_member):
    client = client_for("acme.localhost", acme_member, acme)
    theme = "/api/preferences/user/appearance__theme/"
    read = client.get(theme)["ETag"]
    client.put(theme, json.dumps({"value": "dark"}), content_type=JSON)

    refused = client.delete(theme, HTTP_IF_MATCH=read)
    reset = client.delete(theme, HTTP_IF_MATCH=refused["ETag"])

    assert refused.status_code == 412 and refused.json()["current"]["value"] == "dark"
    assert reset.status_code == 200 and reset.json()["is_default"] is True
    with schema_context("acme"):
        assert not UserPreference.objects.exists()


def test_if_match_star_or_none_writes_whatever_is_stored(acme, acme_owner):
    client = client_for("acme.localhost", acme_owner, acme)
    _put_title(client, "First")

    assert _put_title(client, "Second", HTTP_IF_MATCH="*").status_code == 200
    assert _put_title(client, "Third").status_code == 200
    assert _global_values("acme") == {"title": '"Third"'}


def test_bulk_update_honours_the_lists_etag(acme, acme_member):
    client = client_for("acme.localhost", acme_member, acme)
    listing = client.get("/api/preferences/user/")
    body = json.dumps({"values": {"appearance__theme": "dark", "appearance__items_per_page": 50}})
    client.put("/api/preferences/user/appearance__compact_tables/", json.dumps({"value": True}), content_type=JSON)

    refused = client.patch("/api/preferences/user/", body, content_type=JSON, HTTP_IF_MATCH=listing["ETag"])
    current = client.get("/api/preferences/user/")["ETag"]
    accepted = client.patch("/api/preferences/user/", body, content_type=JSON, HTTP_IF_MATCH=refused["ETag"])

    assert refused.status_code == 412
    assert _by_key(refused.json()["current"])["appearance__compact_tables"]["value"] is True
    assert refused["ETag"] == current != listing["ETag"]
    assert accepted.status_code == 200 and accepted["ETag"] == client.get("/api/preferences/user/")["ETag"] != current
    with schema_context("acme"):
        assert sorted(UserPreference.objects.values_list("name", flat=True)) == [
            "compact_tables",
            "items_per_page",
            "theme",
        ]


def test_openapi_schema_documents_if_match_and_etag(acme, acme_owner):
    paths = client_for("acme.localhost", acme_owner, acme).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    detail = paths["paths"]["/api/preferences/global/{key}/"]

    assert "If-Match" in [p["name"] for p in detail["put"]["parameters"]]
    assert "ETag" in detail["get"]["responses"]["200"]["headers"]
    assert "412" in detail["delete"]["responses"]


def test_a_uuid_keyed_row_is_set_and_read_through_the_api(acme, acme_owner, badge_model, key_preferences):
    with schema_context("acme"):
        gold = badge_model._default_manager.create(label="gold")
    client = client_for("acme.localhost", acme_owner, acme)

    response = client.put(
        "/api/preferences/global/testing__favourite_badge/", json.dumps({"value": str(gold.pk)}), content_type=JSON
    )

    assert response.status_code == 200, response.content
    assert response.json()["value"] == str(gold.pk)
    assert client.get("/api/preferences/global/testing__favourite_badge/").json()["value"] == str(gold.pk)


def test_a_section_permission_opens_that_section_of_the_api_as_on_the_page(acme, acme_member):
    with schema_context("acme"):
        acme_member.user_permissions.add(Permission.objects.get(codename="change_section_locale"))
    client = client_for("acme.localhost", acme_member, acme)

    listing = client.get("/api/preferences/global/")
    saved = client.put("/api/preferences/global/locale__week_start/", {"value": "sunday"}, content_type=JSON)
    bulk = client.patch("/api/preferences/global/", {"values": {"locale__week_start": "monday"}}, content_type=JSON)
    other_read = client.get("/api/preferences/global/general__title/")
    other_write = client.put("/api/preferences/global/general__title/", {"value": "Mine now"}, content_type=JSON)
    other_bulk = client.patch("/api/preferences/global/", {"values": {"general__title": "Mine"}}, content_type=JSON)

    assert listing.status_code == 200
    assert {item["section"] for item in listing.json()} == {"locale"}
    assert saved.status_code == 200 and saved.json()["value"] == "sunday"
    assert bulk.status_code == 200 and bulk.json()["changed"] == ["locale__week_start"]
    assert [other_read.status_code, other_write.status_code, other_bulk.status_code] == [403, 403, 403]
    assert _global_values("acme") == {"week_start": '"monday"'}

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.accounts.backends import PortalBackend
from apps.preferences.services import preferences_set


def test_get_user_reads_the_user_profile_and_preferences_in_one_query(acme, acme_owner):
    with schema_context("acme"):
        preferences_set(store=acme_owner.preferences.store(), values={"locale__time_zone": "Europe/Paris"})
        _warm_tenant_snapshot(acme_owner)

        with CaptureQueriesContext(connection) as queries:
            user = PortalBackend().get_user(acme_owner.pk)
            role = user.profile.role
            zone = user.preferences["locale__time_zone"]

    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]
    assert (role, zone) == ("owner", "Europe/Paris")
    assert len(statements) == 1


def _warm_tenant_snapshot(user) -> None:
    # User preferences inherit the organisation's defaults, which live in the tenant's snapshot: a request finds
    # it warm, so warm it here too (the test is about the user's own row, not the snapshot).
    type(user).objects.get(pk=user.pk).preferences["locale__time_zone"]


def test_get_user_of_someone_without_stored_preferences_reads_the_defaults(acme, acme_member):
    with schema_context("acme"):
        _warm_tenant_snapshot(acme_member)
    with schema_context("acme"), CaptureQueriesContext(connection) as queries:
        user = PortalBackend().get_user(acme_member.pk)
        zone = user.preferences["locale__time_zone"]

    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]
    assert zone == acme_member.preferences.registry.get("locale__time_zone").get_default()
    assert len(statements) == 1


def test_get_user_refuses_inactive_and_unknown_users(acme, acme_member):
    with schema_context("acme"):
        acme_member.is_active = False
        acme_member.save()

        assert PortalBackend().get_user(acme_member.pk) is None
        assert PortalBackend().get_user(999_999) is None


def test_get_user_on_the_public_schema_reads_superadmins_without_profiles(superadmin):
    assert PortalBackend().get_user(superadmin.pk).username == "root-admin"


def test_get_user_compiled_once_reads_each_tenant_s_own_user_and_values(acme, globex, acme_member, globex_member):
    # The query is compiled on first use and reused: in another schema it reads that schema's rows.
    with schema_context("acme"):
        preferences_set(store=acme_member.preferences.store(), values={"locale__time_zone": "Europe/Paris"})
    with schema_context("globex"):
        preferences_set(store=globex_member.preferences.store(), values={"locale__time_zone": "Asia/Tokyo"})

    read = {}
    for schema, member in (("acme", acme_member), ("globex", globex_member), ("acme", acme_member)):
        with schema_context(schema):
            user = PortalBackend().get_user(member.pk)
            read.setdefault(schema, set()).add((user.username, user.profile.pk, user.preferences["locale__time_zone"]))

    assert read == {
        "acme": {(acme_member.username, acme_member.profile.pk, "Europe/Paris")},
        "globex": {(globex_member.username, globex_member.profile.pk, "Asia/Tokyo")},
    }

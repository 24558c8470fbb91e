"""`manage.py preferences get|set|export|import` and `manage.py checkpreferences`."""

import io
import json
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from apps.preferences.models import GlobalPreference, PreferenceChange, UserPreference
from apps.preferences.registries import global_preferences_registry, site_preferences_registry
from apps.preferences.site.models import SitePreference, SitePreferenceChange
from apps.preferences.types import IntegerPreference


class SessionMinutes(IntegerPreference):
    section = "security"
    name = "session_minutes"
    default = 60
    field_kwargs = {"min_value": 5}


@pytest.fixture
def site_preference() -> Iterator[str]:
    site_preferences_registry.register(SessionMinutes)
    yield "security__session_minutes"
    site_preferences_registry.unregister("security__session_minutes")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("preferences", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _stored(schema: str) -> dict[str, str]:
    with schema_context(schema):
        return {row.key: row.raw_value for row in GlobalPreference.objects.all()}


def test_get_prints_the_value_as_json(acme):
    with schema_context("acme"):
        global_preferences_registry.manager()["general__title"] = "Acme"

    assert run("get", "general__title", "--tenant", "acme").strip() == '"Acme"'
    assert run("get", "general__max_upload_mb", "--tenant", "acme").strip() == "10"


def test_set_validates_writes_and_records_the_command_as_source(acme):
    output = run("set", "general__max_upload_mb", "42", "--tenant", "acme")

    assert "general__max_upload_mb: 10 -> 42" in output
    assert _stored("acme") == {"general__max_upload_mb": "42"}
    with schema_context("acme"):
        assert PreferenceChange.objects.get().source == "command"
        assert PreferenceChange.objects.get().changed_by == "system"


def test_set_refuses_an_invalid_value_and_writes_nothing(acme):
    with pytest.raises(CommandError, match=r"less than or equal to 500\..*Nothing was written"):
        run("set", "general__max_upload_mb", "900", "--tenant", "acme")
    with pytest.raises(CommandError, match="not JSON"):
        run("set", "general__title", "Acme", "--tenant", "acme")

    assert _stored("acme") == {}


def test_set_of_an_unknown_key_names_the_close_matches(acme):
    with pytest.raises(CommandError, match="Did you mean general__title"):
        run("set", "general__titel", '"x"', "--tenant", "acme")


def test_scope_needs_its_owner(acme):
    with pytest.raises(CommandError, match="needs --user"):
        run("get", "appearance__theme", "--scope", "user", "--tenant", "acme")
    with pytest.raises(CommandError, match="No ready tenant 'nowhere'"):
        run("get", "general__title", "--tenant", "nowhere")
    with pytest.raises(CommandError, match="No user 'ghost'"):
        run("get", "appearance__theme", "--tenant", "acme", "--user", "ghost")


def test_user_scope_get_and_set(acme, acme_member):
    run("set", "appearance__theme", '"dark"', "--tenant", "acme", "--user", "alice")

    assert run("get", "appearance__theme", "--tenant", "acme", "--user", "alice").strip() == '"dark"'
    with schema_context("acme"):
        assert list(UserPreference.objects.values_list("user__username", "raw_value")) == [("alice", '"dark"')]


def test_site_scope_get_and_set(tenants, site_preference):
    run("set", site_preference, "15", "--scope", "site")

    assert run("get", site_preference).strip() == "15"
    assert SitePreference.objects.get(name="session_minutes").raw_value == "15"
    assert SitePreferenceChange.objects.get().source == "command"


def test_export_prints_stored_values_or_all_of_them(acme):
    with schema_context("acme"):
        global_preferences_registry.manager()["locale__week_start"] = "sunday"

    stored = json.loads(run("export", "--tenant", "acme"))
    everything = json.loads(run("export", "--tenant", "acme", "--all"))

    assert stored == {"locale__week_start": "sunday"}
    assert list(everything) == global_preferences_registry.keys()
    assert everything["locale__week_start"] == "sunday" and everything["general__max_upload_mb"] == 10


def test_export_then_import_into_another_tenant_round_trips(acme, globex, tmp_path):
    with schema_context("acme"):
        global_preferences_registry.manager().update(
            {"general__title": "Shared title", "general__max_upload_mb": 99, "locale__week_start": "saturday"}
        )
    exported = tmp_path / "acme.json"
    exported.write_text(run("export", "--tenant", "acme"))

    output = run("import", str(exported), "--tenant", "globex")

    assert "3 changed, 0 unchanged" in output
    assert _stored("globex") == _stored("acme")
    assert "0 changed, 3 unchanged" in run("import", str(exported), "--tenant", "globex")


def test_import_reads_standard_input(acme, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"general__title": "From stdin"}'))

    run("import", "-", "--tenant", "acme")

    assert _stored("acme") == {"general__title": '"From stdin"'}


def test_import_is_all_or_nothing(acme, tmp_path):
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({"general__title": "Fine", "general__support_email": "not-an-address"}))
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({"general__title": "Fine", "general__fax": "555"}))
    not_an_object = tmp_path / "list.json"
    not_an_object.write_text("[1, 2]")

    with pytest.raises(CommandError, match="general__support_email: Enter an email address"):
        run("import", str(invalid), "--tenant", "acme")
    with pytest.raises(CommandError, match="Unknown preferences: general__fax"):
        run("import", str(unknown), "--tenant", "acme")
    with pytest.raises(CommandError, match="one JSON object"):
        run("import", str(not_an_object), "--tenant", "acme")
    with pytest.raises(CommandError, match="Cannot read"):
        run("import", str(tmp_path / "missing.json"), "--tenant", "acme")

    assert _stored("acme") == {}
    with schema_context("acme"):
        assert not PreferenceChange.objects.exists()


@pytest.fixture
def leftovers(acme, globex, acme_member):
    """Rows a removed preference left behind, and a value whose choice was removed, in several schemas."""
    with schema_context("acme"):
        GlobalPreference.objects.create(section="legacy", name="fax_number", raw_value='"555"')
        GlobalPreference.objects.create(section="locale", name="week_start", raw_value='"friday"')
        GlobalPreference.objects.create(section="general", name="title", raw_value='"Kept"')
        UserPreference.objects.create(user=acme_member, section="appearance", name="sidebar", raw_value="true")
    with schema_context("globex"):
        GlobalPreference.objects.create(section="legacy", name="motd", raw_value='"hi"')
    SitePreference.objects.create(section="legacy", name="banner", raw_value='"old"')


def _checkpreferences(*args: str) -> str:
    out = io.StringIO()
    call_command("checkpreferences", *args, stdout=out)
    return out.getvalue()


def test_checkpreferences_reports_undeclared_and_undecodable_rows(leftovers):
    output = _checkpreferences()

    assert "public: site legacy__banner (undeclared)" in output
    assert "acme: global legacy__fax_number (undeclared)" in output
    assert "acme: user of alice appearance__sidebar (undeclared)" in output
    assert "acme: global locale__week_start (undecodable" in output
    assert "globex: global legacy__motd (undeclared)" in output
    assert "general__title" not in output
    assert "4 undeclared, 0 orphaned, 1 undecodable." in output
    assert SitePreference.objects.count() == 1 and len(_stored("acme")) == 3  # a report deletes nothing


def test_checkpreferences_delete_removes_only_undeclared_rows_and_counts_them(leftovers):
    output = _checkpreferences("--delete")

    assert "Deleted 4 row(s)." in output
    assert not SitePreference.objects.exists()
    assert _stored("acme") == {"locale__week_start": '"friday"', "general__title": '"Kept"'}
    assert _stored("globex") == {}
    with schema_context("acme"):
        assert not UserPreference.objects.exists()
        assert set(PreferenceChange.objects.values_list("name", "source", "new_raw_value")) == {
            ("fax_number", "command", None),
            ("sidebar", "command", None),
        }
    assert "0 undeclared" in _checkpreferences()


def test_checkpreferences_of_one_tenant(leftovers):
    output = _checkpreferences("--tenant", "globex")

    assert "globex: global legacy__motd (undeclared)" in output
    assert "acme" not in output and "public" not in output
    assert "Checked 1 schema(s): 1 undeclared" in output

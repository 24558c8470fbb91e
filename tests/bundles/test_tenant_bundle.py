"""`manage.py tenant_bundle export|import`."""

import json

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from apps.bundles.services import bundle_export, configuration_of
from apps.preferences.models import GlobalPreference


def test_export_writes_the_bundle_to_a_file(configured_acme, tmp_path):
    target = tmp_path / "acme.json"

    call_command("tenant_bundle", "export", "acme", "-o", str(target))

    assert configuration_of(json.loads(target.read_text())) == configuration_of(bundle_export(tenant=configured_acme))


def test_import_dry_run_prints_the_diff_and_writes_nothing(configured_acme, globex, tmp_path, capsys):
    source = tmp_path / "acme.json"
    call_command("tenant_bundle", "export", "acme", "-o", str(source))

    call_command("tenant_bundle", "import", "globex", str(source), "--dry-run")

    out = capsys.readouterr().out
    assert 'new      /preferences/general__title: "" → "Acme portal"' in out
    assert "Dry run: nothing was written." in out
    with schema_context("globex"):
        assert not GlobalPreference.objects.exists()


def test_import_applies_the_bundle(configured_acme, globex, tmp_path):
    source = tmp_path / "acme.json"
    call_command("tenant_bundle", "export", "acme", "-o", str(source))

    call_command("tenant_bundle", "import", "globex", str(source))

    assert configuration_of(bundle_export(tenant=globex)) == configuration_of(json.loads(source.read_text()))


def test_a_refused_import_fails_naming_the_entry_and_writes_nothing(configured_acme, globex, tmp_path, capsys):
    document = bundle_export(tenant=configured_acme)
    document["lists"]["planets"] = {}
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(document))

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("tenant_bundle", "import", "globex", str(source))

    assert "refused  /lists/planets: planets is not a list of values." in capsys.readouterr().err
    with schema_context("globex"):
        assert not GlobalPreference.objects.exists()


def test_an_unknown_tenant_is_refused(tenants):
    with pytest.raises(CommandError, match="No ready tenant"):
        call_command("tenant_bundle", "export", "nope")

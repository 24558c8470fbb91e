import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context, schema_exists

from apps.core.roles import is_owner
from apps.tenants.models import Tenant


def test_add_tenant_creates_a_ready_tenant_with_its_owner(tenants, capsys):
    call_command("add_tenant", "hooli", "Hooli", "--owner-username", "gavin", "--owner-password", "a-long-password-1")

    output = capsys.readouterr().out
    assert "[100%] Ready" in output
    assert "hooli.localhost" in output
    assert Tenant.objects.get(schema_name="hooli").state == Tenant.State.READY
    with schema_context("hooli"):
        from django.contrib.auth import get_user_model

        gavin = get_user_model().objects.get(username="gavin")
        assert gavin.check_password("a-long-password-1")
        assert is_owner(gavin)


def test_add_tenant_with_a_taken_subdomain_says_why_and_creates_nothing(tenants):
    count = Tenant.objects.count()

    with pytest.raises(CommandError, match='subdomain: The subdomain "acme" is already taken'):
        call_command("add_tenant", "acme", "Another Acme")

    assert Tenant.objects.count() == count


def test_add_tenant_with_an_invalid_subdomain_creates_no_schema(tenants):
    with pytest.raises(CommandError, match="Nothing was created"):
        call_command("add_tenant", "Bad_Name", "Bad")

    assert not schema_exists("bad_name")


def test_migrate_tenants_skips_a_tenant_without_a_complete_schema(tenants, capsys):
    Tenant.objects.create(schema_name="broken", name="Broken", state=Tenant.State.FAILED)

    call_command("migrate_tenants", verbosity_migrate=0)

    output = capsys.readouterr().out
    assert "Skipping broken" in output
    assert "Migrated 0 of 2 tenant schema(s)" in output

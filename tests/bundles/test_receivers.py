"""A new tenant started from another tenant's configuration, from the console and from add_tenant."""

from django.core.management import call_command

from apps.bundles.services import bundle_export, configuration_of
from apps.tenants.models import Tenant
from tests.conftest import client_for


def test_the_console_creates_a_tenant_from_acmes_configuration(
    configured_acme, superadmin, django_capture_on_commit_callbacks
):
    client = client_for("localhost", superadmin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/console/tenants/new/", {"name": "Initech", "subdomain": "initech", "copy_from": "acme"}
        )

    assert response.status_code == 302
    initech = Tenant.objects.get(schema_name="initech")
    assert initech.state == Tenant.State.READY
    assert configuration_of(bundle_export(tenant=initech)) == configuration_of(bundle_export(tenant=configured_acme))


def test_the_create_form_offers_ready_tenants_and_keeps_reporting_every_error(tenants, superadmin):
    client = client_for("localhost", superadmin)

    page = client.get("/console/tenants/new/")
    response = client.post(
        "/console/tenants/new/", {"name": "Dup", "subdomain": "acme", "copy_from": "nope", "owner_email": "bad"}
    )

    assert 'name="copy_from"' in page.content.decode() and ">Acme Corporation<" in page.content.decode()
    form = response.context["form"]
    assert {"subdomain", "copy_from", "owner_email"} <= set(form.errors)


def test_add_tenant_copies_a_configuration(configured_acme, capsys):
    call_command("add_tenant", "hooli", "Hooli", "--copy-from", "acme")

    hooli = Tenant.objects.get(schema_name="hooli")
    assert configuration_of(bundle_export(tenant=hooli)) == configuration_of(bundle_export(tenant=configured_acme))

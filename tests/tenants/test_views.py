from apps.tenants.models import Tenant, TenantEvent
from tests.conftest import client_for


def test_console_lists_tenants_with_domains_user_counts_and_state(acme, globex, superadmin, make_person):
    make_person(acme, "a1")
    make_person(acme, "a2")

    response = client_for("localhost", superadmin).get("/console/tenants/")

    items = {item["tenant"].schema_name: item for item in response.context["items"]}
    assert response.status_code == 200
    assert items["acme"]["users"] == 2 and items["globex"]["users"] == 0
    assert "acme.localhost" in response.content.decode()


def test_console_filter_answers_htmx_with_the_results_fragment_only(acme, globex, superadmin):
    response = client_for("localhost", superadmin).get("/console/tenants/?q=glob", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert "Globex" in body and "Acme" not in body
    assert "<nav" not in body  # a fragment, not the page


def test_console_creates_a_tenant_and_reports_progress_until_ready(
    tenants, superadmin, django_capture_on_commit_callbacks
):
    client = client_for("localhost", superadmin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/console/tenants/new/", {"name": "Umbrella", "subdomain": "umbrella"})

    tenant = Tenant.objects.get(schema_name="umbrella")
    assert response.status_code == 302 and response["Location"] == f"/console/tenants/{tenant.pk}/"
    progress = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert 'data-state="ready"' in progress.content.decode()
    assert "every 1s" not in progress.content.decode()  # polling stops once ready


def test_progress_fragment_polls_while_provisioning(tenants, superadmin):
    tenant = Tenant.objects.create(schema_name="slowco", name="SlowCo", state=Tenant.State.PROVISIONING, progress=40)

    response = client_for("localhost", superadmin).get(f"/console/tenants/{tenant.pk}/", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'aria-valuenow="40"' in body


def test_console_create_form_shows_errors_and_creates_nothing(tenants, superadmin):
    count = Tenant.objects.count()

    response = client_for("localhost", superadmin).post("/console/tenants/new/", {"name": "Dup", "subdomain": "acme"})

    assert response.status_code == 200
    assert "already taken" in response.content.decode()
    assert Tenant.objects.count() == count


def test_deactivate_and_delete_from_the_console_are_logged(tenants, superadmin, acme, globex):
    client = client_for("localhost", superadmin)

    client.post(f"/console/tenants/{acme.pk}/deactivate/")
    refused = client.post(f"/console/tenants/{globex.pk}/delete/", {"confirm_subdomain": "nope"})

    acme.refresh_from_db()
    assert not acme.is_active
    assert refused.status_code == 302 and Tenant.objects.filter(pk=globex.pk).exists()
    assert TenantEvent.objects.filter(tenant_schema="acme", action="deactivated", actor="root-admin").exists()


def test_console_actions_need_post(tenants, superadmin, acme):
    response = client_for("localhost", superadmin).get(f"/console/tenants/{acme.pk}/deactivate/")

    assert response.status_code == 405

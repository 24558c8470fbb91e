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


def test_console_create_form_reports_every_error_in_one_round(tenants, superadmin):
    count = Tenant.objects.count()

    response = client_for("localhost", superadmin).post(
        "/console/tenants/new/",
        {"name": "Dup", "subdomain": "acme", "owner_username": "bad name!", "owner_email": "not-an-email"},
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert "already taken" in " ".join(form.errors["subdomain"])
    assert form.errors["owner_username"]  # not a valid username
    assert form.errors["owner_email"]
    assert "both a username and a password" in " ".join(form.non_field_errors())
    assert Tenant.objects.count() == count


def test_console_create_form_reports_a_weak_owner_password_beside_a_taken_subdomain(tenants, superadmin):
    response = client_for("localhost", superadmin).post(
        "/console/tenants/new/",
        {"name": "Dup", "subdomain": "globex", "owner_username": "pepper", "owner_password": "123"},
    )

    body = response.content.decode()
    assert "The subdomain &quot;globex&quot; is already taken." in body
    assert "This password is too short" in body


def test_a_mismatched_deletion_keeps_the_dialog_open_and_says_why(tenants, superadmin, globex):
    client = client_for("localhost", superadmin)

    response = client.post(f"/console/tenants/{globex.pk}/delete/", {"confirm_subdomain": "acme"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="delete-modal"' in body and "data-open-on-load" in body  # rendered open, no JavaScript needed
    assert "Type the tenant&#x27;s subdomain exactly to confirm the deletion." in body
    assert "is-invalid" in body
    assert Tenant.objects.filter(pk=globex.pk).exists()


def test_an_empty_deletion_confirmation_is_refused_in_the_dialog(tenants, superadmin, globex):
    response = client_for("localhost", superadmin).post(f"/console/tenants/{globex.pk}/delete/", {})

    assert response.status_code == 200
    assert "Type the tenant&#x27;s subdomain to confirm the deletion." in response.content.decode()
    assert Tenant.objects.filter(pk=globex.pk).exists()


def test_a_mismatched_deletion_over_htmx_answers_the_dialog_only(tenants, superadmin, globex):
    client = client_for("localhost", superadmin)

    response = client.post(
        f"/console/tenants/{globex.pk}/delete/", {"confirm_subdomain": "nope"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps 200s only
    assert body.lstrip().startswith('<form class="modal-content"') and "<nav" not in body
    assert "exactly to confirm the deletion" in body


def test_a_matching_deletion_over_htmx_redirects_the_browser_to_the_list(tenants, superadmin):
    tenant = Tenant.objects.create(schema_name="doomed", name="Doomed", state=Tenant.State.FAILED)

    response = client_for("localhost", superadmin).post(
        f"/console/tenants/{tenant.pk}/delete/", {"confirm_subdomain": "doomed"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200 and response["HX-Redirect"] == "/console/tenants/"
    assert not Tenant.objects.filter(pk=tenant.pk).exists()


def test_the_delete_link_opens_the_dialog_without_javascript(tenants, superadmin, globex):
    client = client_for("localhost", superadmin)

    closed = client.get(f"/console/tenants/{globex.pk}/").content.decode()
    opened = client.get(f"/console/tenants/{globex.pk}/?confirm=delete").content.decode()

    assert 'href="?confirm=delete"' in closed and "data-open-on-load" not in closed
    assert "data-open-on-load" in opened


def test_deactivate_and_delete_from_the_console_are_logged(tenants, superadmin, acme, globex):
    client = client_for("localhost", superadmin)

    client.post(f"/console/tenants/{acme.pk}/deactivate/")
    refused = client.post(f"/console/tenants/{globex.pk}/delete/", {"confirm_subdomain": "nope"})

    acme.refresh_from_db()
    assert not acme.is_active
    # A mismatch is refused in the open dialog (see the typed-confirmation tests below), and nothing is deleted.
    assert refused.status_code == 200 and Tenant.objects.filter(pk=globex.pk).exists()
    assert TenantEvent.objects.filter(tenant_schema="acme", action="deactivated", actor="root-admin").exists()


def test_console_actions_need_post(tenants, superadmin, acme):
    response = client_for("localhost", superadmin).get(f"/console/tenants/{acme.pk}/deactivate/")

    assert response.status_code == 405

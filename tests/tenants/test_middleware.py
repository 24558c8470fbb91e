from apps.tenants.services import tenant_deactivate
from tests.conftest import client_for


def test_tenant_subdomain_serves_that_tenants_site(acme, acme_member):
    client = client_for("acme.localhost", acme_member, acme)

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["portal_tenant"].schema_name == "acme"
    assert "Acme Corporation" in response.content.decode()


def test_bare_domain_and_loopback_address_serve_the_public_console(tenants):
    for host in ("localhost", "127.0.0.1"):
        response = client_for(host).get("/console/")

        assert response.status_code == 302, host
        assert response["Location"].startswith("/accounts/login/"), host


def test_unknown_host_gets_the_styled_404_page(tenants):
    response = client_for("nowhere.localhost").get("/")

    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_deactivated_tenant_answers_404(acme):
    tenant_deactivate(tenant=acme, actor="test")

    response = client_for("acme.localhost").get("/accounts/login/")

    assert response.status_code == 404

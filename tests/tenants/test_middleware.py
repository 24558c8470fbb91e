from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context

from apps.tenants.services import tenant_deactivate
from tests.conftest import PASSWORD, client_for, make_user


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


#
def test_users_and_groups_of_acme_are_invisible_from_globex_and_public(acme, globex):
    make_user(acme, "acme-person", groups=("Acme group",))

    for schema in ("globex", "public"):
        with schema_context(schema):
            assert not get_user_model().objects.filter(username="acme-person").exists(), schema
            assert not Group.objects.filter(name="Acme group").exists(), schema
    with schema_context("acme"):
        assert get_user_model().objects.filter(username="acme-person").exists()


def test_logging_in_on_acme_does_not_log_in_on_globex(acme, globex):
    make_user(acme, "traveller")
    make_user(globex, "traveller")  # the same username, a different person
    client = client_for("acme.localhost")

    assert client.post("/accounts/login/", {"username": "traveller", "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200

    # The same browser (cookie jar) on globex: the acme session id means nothing there.
    client.defaults["HTTP_HOST"] = "globex.localhost"
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    with schema_context("acme"):
        assert Session.objects.count() == 1
    with schema_context("globex"):
        assert Session.objects.count() == 0
    with schema_context("public"):
        assert Session.objects.count() == 0


def test_host_names_match_whatever_their_case_and_a_trailing_dot(acme, acme_member):
    for host in ("ACME.LocalHost", "acme.localhost.", "Acme.LOCALHOST.:8000"):
        client = client_for(host, acme_member, acme)

        response = client.get("/")

        assert response.status_code == 200, host
        assert response.context["portal_tenant"].schema_name == "acme", host


def test_the_bare_domain_matches_in_upper_case_with_a_trailing_dot(tenants):
    response = client_for("LOCALHOST.").get("/console/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

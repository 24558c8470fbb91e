from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD, client_for, make_user


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

"""Login throttling: wrong passwords lock a username and an address out, until reset or the window ends."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import schema_context

from apps.livesettings.services import live_setting_set
from tests.conftest import PASSWORD, make_user

ELSEWHERE = "10.0.0.2"

# (host, login path, schema): a tenant's login, the console's and the public admin's.
LOGINS = {
    "tenant": ("acme.localhost", "/accounts/login/", "acme"),
    "console": ("localhost", "/accounts/login/", "public"),
    "admin": ("localhost", "/admin/login/", "public"),
}


def person(where: str, tenants, username: str):
    if LOGINS[where][2] == "public":
        return make_user(None, username, superuser=True)
    return make_user(tenants["acme"], username)


def sign_in(where: str, username: str, password: str, address: str = "127.0.0.1") -> tuple[int, bool, str]:
    """Post the login form; return the status, whether it signed in, and the page's text."""
    host, path, _ = LOGINS[where]
    client = Client(HTTP_HOST=host, REMOTE_ADDR=address)
    response = client.post(path, {"username": username, "password": password, "next": "/"})
    return response.status_code, "_auth_user_id" in client.session, response.content.decode()


def guess(where: str, username: str, times: int | None = None, address: str = "127.0.0.1") -> list[int]:
    """Try wrong passwords; return the statuses (the form again, until the last one locks)."""
    statuses = []
    for _ in range(times or settings.AXES_FAILURE_LIMIT):
        status, signed_in, _ = sign_in(where, username, "wrong-guess", address)
        assert not signed_in
        statuses.append(status)
    return statuses


@pytest.mark.parametrize("where", sorted(LOGINS))
def test_the_right_password_is_refused_with_the_lockout_page_after_too_many_wrong_ones(where, tenants):
    person(where, tenants, "victim")
    statuses = guess(where, "victim")

    status, signed_in, page = sign_in(where, "victim", PASSWORD)
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]

    assert (status, signed_in) == (429, False)
    assert "Too many failed sign-ins" in page
    assert "paused for 15 minutes" in page


@pytest.mark.parametrize("where", sorted(LOGINS))
def test_the_lock_holds_the_username_from_anywhere_and_the_address_for_anyone(where, tenants):
    person(where, tenants, "victim")
    person(where, tenants, "bystander")
    guess(where, "victim")

    assert sign_in(where, "victim", PASSWORD, ELSEWHERE)[:2] == (429, False)  # the username, elsewhere
    assert sign_in(where, "bystander", PASSWORD)[:2] == (429, False)  # the address, another username
    assert sign_in(where, "bystander", PASSWORD, ELSEWHERE)[:2] == (302, True)  # neither: unaffected


def test_one_wrong_password_less_than_the_limit_still_signs_in(tenants):
    person("tenant", tenants, "victim")
    guess("tenant", "victim", settings.AXES_FAILURE_LIMIT - 1)

    assert sign_in("tenant", "victim", PASSWORD)[:2] == (302, True)


def test_a_lockout_on_one_tenant_is_not_a_lockout_on_another_or_the_console(tenants):
    person("tenant", tenants, "victim")
    make_user(tenants["globex"], "victim")
    guess("tenant", "victim")

    client = Client(HTTP_HOST="globex.localhost")
    response = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})

    assert response.status_code == 302
    with schema_context("public"):
        assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("where", sorted(LOGINS))
def test_axes_reset_unlocks(where, tenants):
    person(where, tenants, "victim")
    guess(where, "victim")

    with schema_context(LOGINS[where][2]):
        call_command("axes_reset", verbosity=0)

    assert sign_in(where, "victim", PASSWORD)[:2] == (302, True)


def test_the_lockout_window_is_a_live_setting(tenants):
    person("tenant", tenants, "victim")
    live_setting_set(setting="LOGIN_LOCKOUT_SECONDS", value=120)
    guess("tenant", "victim")

    status, _, page = sign_in("tenant", "victim", PASSWORD)
    with schema_context("acme"):
        # Two minutes later (the attempts moved back in time, not the clock): the window is over.
        for attempt in AccessAttempt.objects.all():
            attempt.attempt_time -= timedelta(seconds=121)
            attempt.save()

    assert (status, "paused for 2 minutes" in page) == (429, True)
    assert sign_in("tenant", "victim", PASSWORD)[:2] == (302, True)


def test_a_superadmin_unlocks_from_the_public_admin(tenants, superadmin):
    person("console", tenants, "victim")
    guess("console", "victim")
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(superadmin)
    [attempt] = AccessAttempt.objects.filter(username="victim")

    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert sign_in("console", "victim", PASSWORD)[:2] == (302, True)


def test_an_owner_sees_who_is_locked_and_unlocks_them(tenants, client_of):
    acme = tenants["acme"]
    owner = make_user(acme, "olivia", owner=True)
    victim = person("tenant", tenants, "victim")
    guess("tenant", "victim")
    client = client_of(owner, acme)

    page = client.get("/owner/people/").content.decode()
    response = client.post(f"/owner/people/{victim.pk}/unlock/")

    assert page.count("Locked after failed sign-ins") == 1
    assert response.status_code == 302
    assert "Locked after failed sign-ins" not in client.get("/owner/people/").content.decode()
    assert sign_in("tenant", "victim", PASSWORD)[:2] == (302, True)


def test_a_member_cannot_unlock(tenants, client_of):
    acme = tenants["acme"]
    member = make_user(acme, "mallory")
    victim = person("tenant", tenants, "victim")
    guess("tenant", "victim")

    response = client_of(member, acme).post(f"/owner/people/{victim.pk}/unlock/")

    assert response.status_code == 403
    assert sign_in("tenant", "victim", PASSWORD)[:2] == (429, False)

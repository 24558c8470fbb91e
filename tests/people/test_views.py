"""The people pages and the invitation accept page, through the test client on acme's domain."""

import re

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from apps.accounts.models import Profile
from apps.accounts.services import group_ensure
from apps.people import services
from apps.people.models import Invitation
from tests.support.people import client_for, make_user

LINK = re.compile(r"https?://[^/\s]+(?P<path>/invitations/[\w-]+/)")


def test_an_owner_invites_by_the_form_and_the_emailed_link_signs_the_person_in(
    acme, acme_owner, smtp_server, django_capture_on_commit_callbacks
):
    owner = client_for("acme.localhost", acme_owner, acme)
    with schema_context("acme"):
        sales = group_ensure("Sales")

    with django_capture_on_commit_callbacks(execute=True):
        answer = owner.post(
            "/owner/people/invite/", {"email": "sam@example.com", "role": "member", "groups": [sales.pk]}
        )
    assert answer.status_code == 302
    listing = owner.get("/owner/people/").content.decode()
    assert "sam@example.com" in listing and "Invited" in listing

    [message] = smtp_server.wait_for(1)
    path = LINK.search(message.get_body(("plain",)).get_content())["path"]
    visitor = client_for("acme.localhost")
    assert "Join" in visitor.get(path).content.decode()
    refused = visitor.post(path, {"first_name": "Sam", "password1": "short", "password2": "short"})
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()

    accepted = visitor.post(path, {"first_name": "Sam", "password1": "a-good-pass-77", "password2": "a-good-pass-77"})
    assert accepted.status_code == 302 and accepted["Location"] == "/"
    assert visitor.get("/").status_code == 200  # signed in
    assert visitor.get(path).status_code == 302  # used, by the signed-in person: the dashboard
    again = client_for("acme.localhost").get(path)
    assert again.status_code == 410 and "already used" in again.content.decode()


def test_a_signed_in_person_opening_someone_elses_invitation_is_told_to_log_out(acme, acme_owner, acme_member):
    with schema_context("acme"):
        sent = services.invitation_send(actor=acme_owner, email="else@example.com")
    answer = client_for("acme.localhost", acme_member, acme).get(f"/invitations/{sent.token}/")
    assert answer.status_code == 409 and "log out first" in answer.content.decode()


def test_an_added_person_sees_the_password_once_and_must_change_it(acme, acme_owner):
    owner = client_for("acme.localhost", acme_owner, acme)
    answer = owner.post("/owner/people/add/", {"email": "dan@example.com", "first_name": "Dan", "role": "member"})
    password = re.search(r'data-testid="one-time-password">([^<]+)<', answer.content.decode())[1]

    person = client_for("acme.localhost")
    assert person.post("/accounts/login/", {"username": "dan@example.com", "password": password}).status_code == 302
    assert person.get("/")["Location"] == "/accounts/password/"
    changed = person.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": "dans-own-pass-1", "new_password2": "dans-own-pass-1"},
    )
    assert changed.status_code == 302
    assert person.get("/").status_code == 200


def test_owners_change_roles_and_deactivate_but_never_the_last_owner(acme, acme_owner, acme_member):
    owner = client_for("acme.localhost", acme_owner, acme)
    member = client_for("acme.localhost", acme_member, acme)

    owner.post(f"/owner/people/{acme_owner.pk}/role/", {"role": "member"})
    assert "needs an active owner" in owner.get("/owner/people/").content.decode()
    confirm = owner.get(f"/owner/people/{acme_member.pk}/active/").content.decode()
    assert "signed out everywhere" in confirm
    owner.post(f"/owner/people/{acme_member.pk}/active/", {"active": "0"})

    assert member.get("/preferences/").status_code == 302  # the open session is refused
    assert owner.get("/owner/people/?state=deactivated").content.decode().count('data-testid="person-') == 1
    with schema_context("acme"):
        assert not get_user_model().objects.get(pk=acme_member.pk).is_active


def test_filters_and_pagination_keep_each_other(acme, acme_owner):
    for name in ("ann", "bob", "cat", "dan", "eve", "fay"):
        make_user(acme, name, groups=("Sales",))
    make_user(acme, "dee")
    with schema_context("acme"):
        sales = group_ensure("Sales").pk
        acme_owner.preferences["appearance__items_per_page"] = 5  # the owner's page size: the smallest
    owner = client_for("acme.localhost", acme_owner, acme)

    first = owner.get(f"/owner/people/?group={sales}&role=member").content.decode()

    assert f"?group={sales}&amp;role=member&amp;page=2" in first
    second = owner.get(f"/owner/people/?group={sales}&role=member&page=2").content.decode()
    assert 'data-testid="person-fay"' in second and "dee" not in second


@pytest.mark.parametrize("count", [5, 200])
def test_the_people_page_costs_the_same_queries_for_5_and_200_people(
    acme, acme_owner, count, django_assert_max_num_queries
):
    with schema_context("acme"):
        sales = group_ensure("Sales")
        users = get_user_model().objects.bulk_create(
            [get_user_model()(username=f"p{index:03}", email=f"p{index}@example.com") for index in range(count)]
        )
        Profile.objects.bulk_create([Profile(user=user) for user in users])
        sales.user_set.add(*users)
        for index in range(3):
            services.invitation_send(actor=acme_owner, email=f"inv{index}@example.com", groups=[sales])
    owner = client_for("acme.localhost", acme_owner, acme)
    owner.get("/owner/people/")  # warm the per-process snapshots

    with django_assert_max_num_queries(22):
        assert owner.get("/owner/people/").status_code == 200
    with django_assert_max_num_queries(16):
        assert owner.get("/api/people/").status_code == 200


def test_members_and_other_tenants_cannot_reach_acmes_people(acme, globex, acme_member, globex_owner, acme_owner):
    with schema_context("acme"):
        invitation = services.invitation_send(actor=acme_owner, email="x@example.com").invitation
    assert client_for("acme.localhost", acme_member, acme).get("/owner/people/").status_code == 403
    other = client_for("globex.localhost", globex_owner, globex)
    assert other.post(f"/owner/people/invitations/{invitation.pk}/revoke/").status_code == 404
    with schema_context("acme"):
        assert Invitation.objects.get(pk=invitation.pk).is_open


def test_the_history_page_lists_people_changes_beside_preferences_filtered_by_kind(acme, acme_owner, acme_member):
    owner = client_for("acme.localhost", acme_owner, acme)
    owner.post(f"/owner/people/{acme_member.pk}/role/", {"role": "owner"})
    with schema_context("acme"):
        services.invitation_send(actor=acme_owner, email="hist@example.com")

    everything = owner.get("/owner/history/").content.decode()
    people_only = owner.get("/owner/history/?kind=person").content.decode()
    preferences_only = owner.get("/owner/history/?kind=preferences").content.decode()

    assert "person.role_changed" in everything and "invitation.sent" in everything
    assert "role: member" in everything and "History of preferences" in everything
    assert "person.role_changed" in people_only and "invitation.sent" not in people_only
    assert 'data-testid="audit"' not in preferences_only


def test_a_superadmin_sees_people_and_owners_and_invites_a_new_owner_from_the_console(
    acme, acme_owner, acme_member, superadmin, smtp_server, django_capture_on_commit_callbacks
):
    console = client_for("localhost", superadmin)
    page = console.get(f"/console/tenants/{acme.pk}/").content.decode()
    assert re.search(r'data-testid="tenant-people">\s*2<', page)
    assert acme_owner.get_username() in re.search(r'data-testid="tenant-owners">(.*?)</dd>', page)[1]

    with django_capture_on_commit_callbacks(execute=True):
        sent = console.post(f"/console/tenants/{acme.pk}/invite-owner/", {"email": "rescue@example.com"})
    assert sent.status_code == 302
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "rescue@example.com" and "Superadmin" in message["Subject"]
    with schema_context("acme"):
        invitation = Invitation.objects.get(email="rescue@example.com")
        assert invitation.role == "owner" and invitation.invited_by is None
    again = console.post(f"/console/tenants/{acme.pk}/invite-owner/", {"email": "rescue@example.com"})
    assert again.status_code == 400 and "already invited" in again.content.decode()

"""apps.people.services and the role/activity services of apps.accounts: invitations, adding, the last owner."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from apps.accounts.services import group_ensure, person_active_set, person_role_change
from apps.audit.models import AuditEntry
from apps.notifications.models import Delivery
from apps.people import services
from apps.people.models import Invitation
from tests.support.concurrency import run_at_once
from tests.support.people import client_for, make_user

LINK = re.compile(r"https?://\S+/invitations/(?P<token>[\w-]+)/")


def test_an_invitation_creates_an_invited_person_and_emails_a_link_through_the_outbox(
    acme, acme_owner, smtp_server, django_capture_on_commit_callbacks
):
    with schema_context("acme"), django_capture_on_commit_callbacks(execute=True):
        sales = group_ensure("Sales")
        sent = services.invitation_send(
            actor=acme_owner, email=" New.Person@Example.com ", groups=[sales], tenant_name="Acme"
        )

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "new.person@example.com"
    assert "Acme" in message["Subject"]
    token = LINK.search(message.get_body(("plain",)).get_content())["token"]
    assert token == sent.token
    with schema_context("acme"):
        invitation = Invitation.objects.get()
        assert invitation.token_hash != token  # only the hash is stored
        person = invitation.user
        assert (person.username, person.is_active, person.has_usable_password()) == (
            "new.person@example.com",
            False,
            False,
        )
        assert list(person.groups.values_list("name", flat=True)) == ["Sales"]
        assert Delivery.objects.get(user=person).status == Delivery.Status.SENT
        entry = AuditEntry.objects.get(action="invitation.sent")
        assert (entry.actor_id, entry.target_label, entry.new["groups"]) == (acme_owner.pk, invitation.email, ["Sales"])


def test_accepting_activates_the_person_once(acme, acme_owner):
    with schema_context("acme"):
        sent = services.invitation_send(actor=acme_owner, email="ina@example.com")
        user = services.invitation_accept(
            token=sent.token, first_name="Ina", last_name="Vite", password="long-enough-9"
        )

        assert user.is_active and user.check_password("long-enough-9") and user.get_full_name() == "Ina Vite"
        assert AuditEntry.objects.filter(action="invitation.accepted", actor=user).exists()
        with pytest.raises(services.InvitationUnusable) as used:
            services.invitation_accept(token=sent.token, first_name="X", last_name="", password="long-enough-9")
        assert used.value.state == "accepted"


def test_accepting_applies_django_password_validators(acme, acme_owner):
    with schema_context("acme"):
        sent = services.invitation_send(actor=acme_owner, email="weak@example.com")
        with pytest.raises(ValidationError) as weak:
            services.invitation_accept(token=sent.token, first_name="W", last_name="", password="123")

        assert "password" in weak.value.message_dict
        assert not get_user_model().objects.get(username="weak@example.com").is_active


def test_expired_revoked_and_replaced_links_say_why(acme, acme_owner):
    with schema_context("acme"):
        expired = services.invitation_send(actor=acme_owner, email="late@example.com")
        Invitation.objects.filter(pk=expired.invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        revoked = services.invitation_send(actor=acme_owner, email="gone@example.com")
        services.invitation_revoke(actor=acme_owner, invitation=revoked.invitation)
        resent = services.invitation_send(actor=acme_owner, email="again@example.com")
        fresh = services.invitation_resend(actor=acme_owner, invitation=resent.invitation)

        states = {}
        for name, token in [("expired", expired.token), ("revoked", revoked.token), ("replaced", resent.token)]:
            with pytest.raises(services.InvitationUnusable) as refused:
                services.invitation_for_token(token)
            states[name] = refused.value.state

        assert states == {"expired": "expired", "revoked": "revoked", "replaced": "unknown"}
        assert services.invitation_for_token(fresh.token).send_count == 2
        # The revoked placeholder is gone, so the address can be invited again.
        assert not get_user_model().objects.filter(username="gone@example.com").exists()
        services.invitation_send(actor=acme_owner, email="gone@example.com")
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert {"invitation.sent", "invitation.resent", "invitation.revoked"} <= actions


def test_an_address_is_invited_once_and_never_when_already_a_person(acme, acme_owner, acme_member):
    with schema_context("acme"):
        services.invitation_send(actor=acme_owner, email="once@example.com")
        with pytest.raises(ValidationError, match="already invited"):
            services.invitation_send(actor=acme_owner, email="ONCE@example.com")
        with pytest.raises(ValidationError, match="already a person"):
            services.invitation_send(actor=acme_owner, email=acme_member.email)


def test_a_person_added_directly_gets_a_one_time_password_to_change(acme, acme_owner):
    with schema_context("acme"):
        added = services.person_add(actor=acme_owner, email="direct@example.com", first_name="Dee")

        assert added.user.check_password(added.password)
        assert added.user.profile.must_change_password
        assert AuditEntry.objects.get(action="person.added").target_id == str(added.user.pk)

        added.user.set_password("my-own-password-1")
        added.user.save()
        added.user.profile.refresh_from_db()
        assert not added.user.profile.must_change_password


def test_the_last_active_owner_can_be_neither_demoted_nor_deactivated(acme, acme_owner, acme_member):
    with schema_context("acme"):
        with pytest.raises(ValidationError, match="needs an active owner"):
            person_role_change(actor=acme_owner, person=acme_owner, role="member")
        with pytest.raises(ValidationError, match="needs an active owner"):
            person_active_set(actor=acme_owner, person=acme_owner, active=False)

        person_role_change(actor=acme_owner, person=acme_member, role="owner")
        person_role_change(actor=acme_owner, person=acme_owner, role="member")

        assert list(AuditEntry.objects.filter(action="person.role_changed").values_list("old", "new")) == [
            ({"role": "owner"}, {"role": "member"}),
            ({"role": "member"}, {"role": "owner"}),
        ]


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner(committed_tenants):
    first = make_user(committed_tenants["acme"], "first", owner=True)
    second = make_user(committed_tenants["acme"], "second", owner=True)

    def demote(pair):
        actor, person = pair
        try:
            person_role_change(actor=actor, person=person, role="member")
        except ValidationError:
            return "refused"
        return "demoted"

    outcomes = run_at_once(demote, [(first, second), (second, first)], schema="acme")

    assert sorted(outcomes) == ["demoted", "refused"]
    with schema_context("acme"):
        assert get_user_model().objects.filter(profile__role="owner", is_active=True).count() == 1


@pytest.mark.parametrize(
    "engine",
    ["apps.accounts.sessions", "django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"],
)
def test_deactivating_ends_sessions_and_tokens_at_once(acme, acme_owner, acme_member, settings, engine):
    settings.SESSION_ENGINE = engine
    member_client = client_for("acme.localhost", acme_member, acme)
    owner_client = client_for("acme.localhost", acme_owner, acme)
    with schema_context("acme"):
        token = Token.objects.create(user=acme_member)
    assert member_client.get("/").status_code == 200

    with schema_context("acme"):
        person_active_set(actor=acme_owner, person=acme_member, active=False)
        remaining = [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(acme_member.pk)]
        assert remaining == [] and not Token.objects.filter(pk=token.pk).exists()
        assert AuditEntry.objects.get(action="person.deactivated").target_id == str(acme_member.pk)

    assert member_client.get("/").status_code == 302  # back to the login page
    api = client_for("acme.localhost").get("/api/people/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.status_code == 401
    assert owner_client.get("/").status_code == 200  # nobody else is signed out

    with schema_context("acme"):
        person_active_set(actor=acme_owner, person=acme_member, active=True)
        assert get_user_model().objects.get(pk=acme_member.pk).is_active

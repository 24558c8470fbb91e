"""Writes about a tenant's people: invite, resend, revoke, accept, add directly.

Every function is one transaction that validates, writes, records an audit entry and (for invitations) writes
the email into the notifications outbox, which delivers it after commit. Role changes and (de)activation live
in apps.accounts.services (`person_role_change`, `person_active_set`), next to the rule they keep.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts.services import Actor, member_create, person_label
from apps.audit.services import audit_record
from apps.core.roles import Role
from apps.notifications.links import site_url
from apps.notifications.services import notification_send
from apps.people.models import Invitation
from apps.people.tokens import one_time_password, token_hash, token_new

INVITATION_NOTIFICATION = "invitation"
INVITATION_VALID_FOR = timedelta(days=7)


class InvitationUnusable(Exception):
    """Raised when an invitation link cannot be used; `state` says why (expired, revoked, accepted, unknown)."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


@dataclass(frozen=True)
class Sent:
    """A sent invitation and the raw token of its link (only ever in the email; tests read it from here)."""

    invitation: Invitation
    token: str


def _email_normalize(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter a valid email address."}) from None
    return email


def _role_check(role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": f"Choose owner or member, not {role!r}."})


def _person_taken(email: str) -> None:
    if get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise ValidationError({"email": f"{email} is already a person of this organisation."})


def _invitation_mail(
    invitation: Invitation, token: str, *, actor: Actor, tenant_name: str, on_behalf_of: str = ""
) -> None:
    inviter = person_label(actor) if actor is not None and actor.is_authenticated else on_behalf_of
    notification_send(
        name=INVITATION_NOTIFICATION,
        users=[invitation.user],
        context={
            # The tenants' urlconf, also when the console (on the public domain's urlconf) sends an invitation.
            "url": site_url(reverse("people:invitation-accept", args=[token], urlconf=settings.ROOT_URLCONF)),
            "inviter": inviter,
            "tenant_name": tenant_name,
            "role_label": str(Role(invitation.role).label),
            "expires": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M %Z"),
        },
    )


def _audit_invitation(actor: Actor, action: str, invitation: Invitation, **values: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="invitation",
        target_id=invitation.pk,
        target_label=invitation.email,
        **values,
    )


@transaction.atomic
def invitation_send(
    *,
    actor: Actor,
    email: str,
    role: str = Role.MEMBER,
    groups: list[Group] | None = None,
    tenant_name: str = "",
    on_behalf_of: str = "",
) -> Sent:
    """Invite `email` with `role` into `groups`: an inactive person ("invited"), the invitation and its email.

    `on_behalf_of` names an inviter who is not a person of this tenant (a superadmin, from the console).
    """
    email = _email_normalize(email)
    _role_check(role)
    if Invitation.objects.filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True).exists():
        raise ValidationError({"email": f"{email} is already invited: resend the invitation instead."})
    _person_taken(email)
    groups = list(groups or [])
    user = member_create(username=email, email=email, is_owner=role == Role.OWNER, groups=groups, is_active=False)
    token = token_new()
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        user=user,  # type: ignore[misc]  # the tenant's user model, typed as the base class here
        invited_by=actor if actor is not None and actor.is_authenticated else None,
        token_hash=token_hash(token),
        created_at=now,
        sent_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    invitation.groups.set(groups)
    _audit_invitation(
        actor,
        "invitation.sent",
        invitation,
        new={
            "email": email,
            "role": role,
            "groups": sorted(group.name for group in groups),
            **({"by": on_behalf_of} if on_behalf_of else {}),
        },
    )
    _invitation_mail(invitation, token, actor=actor, tenant_name=tenant_name, on_behalf_of=on_behalf_of)
    return Sent(invitation, token)


def _open_invitation_lock(invitation: Invitation) -> Invitation:
    locked = Invitation.objects.select_for_update(of=("self",)).select_related("user").get(pk=invitation.pk)
    if not locked.is_open:
        raise ValidationError(f"The invitation of {locked.email} is {locked.get_state_display().lower()}.")
    return locked


@transaction.atomic
def invitation_resend(*, actor: Actor, invitation: Invitation, tenant_name: str = "") -> Sent:
    """Send a pending or expired invitation again with a new link (the old one stops working) and a new expiry."""
    invitation = _open_invitation_lock(invitation)
    token = token_new()
    now = timezone.now()
    old_expiry = invitation.expires_at
    invitation.token_hash = token_hash(token)
    invitation.sent_at = now
    invitation.send_count += 1
    invitation.expires_at = now + INVITATION_VALID_FOR
    invitation.save(update_fields=["token_hash", "sent_at", "send_count", "expires_at"])
    _audit_invitation(
        actor,
        "invitation.resent",
        invitation,
        old={"expires_at": old_expiry.isoformat()},
        new={"expires_at": invitation.expires_at.isoformat()},
    )
    _invitation_mail(invitation, token, actor=actor, tenant_name=tenant_name)
    return Sent(invitation, token)


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    """Revoke an open invitation: its link stops working and the invited (never active) person is removed."""
    invitation = _open_invitation_lock(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    placeholder = invitation.user
    # The invited person never signed in; removing them lets the address be invited again later.
    if placeholder is not None and not placeholder.is_active and placeholder.last_login is None:
        invitation.user = None
        invitation.save(update_fields=["user"])
        placeholder.delete()
    _audit_invitation(actor, "invitation.revoked", invitation, old={"state": "pending"}, new={"state": "revoked"})
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """Return the invitation a link's token names, or raise InvitationUnusable saying why it cannot be used."""
    invitation = Invitation.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.state != Invitation.State.PENDING:
        raise InvitationUnusable(invitation.state)
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, first_name: str, last_name: str, password: str) -> Any:
    """Activate the invited person with their name and password (Django's validators); return the user.

    The invitation row is locked, so a link opened twice at once is used once.
    """
    found = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.state != Invitation.State.PENDING:
        raise InvitationUnusable(invitation.state)
    user = get_user_model().objects.select_for_update().get(pk=invitation.user_id or 0)
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.is_active = True
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _audit_invitation(user, "invitation.accepted", invitation, old={"state": "pending"}, new={"state": "accepted"})
    return user


@dataclass(frozen=True)
class Added:
    """A person added directly and the one-time password to hand them (shown once, never stored in clear)."""

    user: Any
    password: str


@transaction.atomic
def person_add(
    *,
    actor: Actor,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = Role.MEMBER,
    groups: list[Group] | None = None,
) -> Added:
    """Add an active person with a one-time password they must change at their first sign-in."""
    email = _email_normalize(email)
    _role_check(role)
    _person_taken(email)
    password = one_time_password()
    groups = list(groups or [])
    user = member_create(
        username=email,
        email=email,
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_owner=role == Role.OWNER,
        groups=groups,
        must_change_password=True,
    )
    audit_record(
        actor=actor,
        action="person.added",
        target_type="person",
        target_id=user.pk,
        target_label=person_label(user),
        new={"email": email, "role": role, "groups": sorted(group.name for group in groups)},
    )
    return Added(user, password)

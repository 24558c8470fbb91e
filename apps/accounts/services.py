"""Creating the people and groups of the active tenant schema, changing roles, (de)activating people.

The rule every role or activity change keeps: the tenant always has at least one active owner. It is checked
under a row lock on the active owners (`_active_owners_lock`), so two owners demoting each other at the same
moment cannot both succeed.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from apps.accounts.models import Profile
from apps.audit.services import audit_record

Actor = AbstractBaseUser | AnonymousUser | None

LAST_OWNER_MESSAGE = "The organisation needs an active owner: make someone else an owner first."


@transaction.atomic
def member_create(
    *,
    username: str,
    email: str = "",
    password: str | None = None,
    password_hash: str | None = None,
    is_owner: bool = False,
    first_name: str = "",
    last_name: str = "",
    phone_number: str = "",
    groups: list[Group] | None = None,
    is_active: bool = True,
    must_change_password: bool = False,
) -> AbstractBaseUser:
    """Create a user of the active tenant with their profile. Give `password` or a ready `password_hash`."""
    user_model = get_user_model()
    user = user_model(username=username, email=email, first_name=first_name, last_name=last_name, is_active=is_active)
    if password_hash is not None:
        user.password = password_hash
    elif password is not None:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    Profile.objects.create(
        user=user,
        role=Profile.Role.OWNER if is_owner else Profile.Role.MEMBER,
        phone_number=phone_number,
        must_change_password=must_change_password,
    )
    if groups:
        user.groups.add(*groups)
    return user


def group_ensure(name: str) -> Group:
    """Return the group called `name` in the active tenant, creating it if needed."""
    group, _ = Group.objects.get_or_create(name=name)
    return group


@dataclass(frozen=True)
class NewMember:
    """One person for `members_bulk_create`."""

    username: str
    email: str
    first_name: str = ""
    last_name: str = ""
    is_owner: bool = False
    groups: tuple[Group, ...] = field(default_factory=tuple)


@transaction.atomic
def members_bulk_create(
    *, people: Sequence[NewMember], batch_size: int = 500, on_batch: Callable[[int], None] | None = None
) -> list[AbstractBaseUser]:
    """Create many users of the active tenant with their profiles and groups, a few queries per batch.

    Nobody gets a password: each gets an unusable one (no hashing, so thousands take seconds). The caller has
    validated the people (unique usernames and emails); `on_batch(done)` is called after each batch.
    """
    user_model = get_user_model()
    through = user_model.groups.through
    created: list[AbstractBaseUser] = []
    for start in range(0, len(people), batch_size):
        batch = people[start : start + batch_size]
        users = [
            user_model(
                username=person.username,
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                password=make_password(None),
            )
            for person in batch
        ]
        user_model.objects.bulk_create(users)  # PostgreSQL returns the new ids
        Profile.objects.bulk_create(
            [
                Profile(user=user, role=Profile.Role.OWNER if person.is_owner else Profile.Role.MEMBER)
                for user, person in zip(users, batch, strict=True)
            ]
        )
        through.objects.bulk_create(
            [
                through(user=user, group=group)
                for user, person in zip(users, batch, strict=True)
                for group in person.groups
            ]
        )
        created.extend(users)
        if on_batch is not None:
            on_batch(len(created))
    return created


def person_label(user: Any) -> str:
    """Return how a person reads in the audit trail and messages: their name and username."""
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


def _active_owners_lock() -> set[int]:
    """Lock the active owners' profile and user rows; return their user ids.

    Both tables are locked (no `of=`): a role change writes the profile, a deactivation the user, and PostgreSQL
    re-checks a locked row's condition after the lock is granted, so a waiting change sees the other's outcome.
    """
    rows = Profile.objects.select_for_update().filter(role=Profile.Role.OWNER, user__is_active=True)
    return set(rows.values_list("user_id", flat=True))


def person_for_update(person: Any) -> tuple[set[int], Any]:
    """Lock the active owners, then `person`; return the owners' ids and the person as stored now.

    Every role or activity change takes the locks in this order (so two never deadlock); a caller that checks a
    precondition first (the API's If-Match) calls it inside its transaction, then the service.
    """
    owners = _active_owners_lock()
    return owners, get_user_model().objects.select_for_update(of=("self",)).select_related("profile").get(pk=person.pk)


@transaction.atomic
def person_role_change(*, actor: Actor, person: Any, role: str) -> Any:
    """Make `person` an owner or a member; refuse to demote the last active owner. Return the person."""
    if role not in Profile.Role.values:
        raise ValidationError({"role": f"Choose owner or member, not {role!r}."})
    owners, person = person_for_update(person)
    profile = person.profile
    old = profile.role
    if old == role:
        return person
    if old == Profile.Role.OWNER and owners == {person.pk}:
        raise ValidationError({"role": LAST_OWNER_MESSAGE})
    profile.role = role
    profile.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="person.role_changed",
        target_type="person",
        target_id=person.pk,
        target_label=person_label(person),
        old={"role": old},
        new={"role": role},
    )
    return person


@transaction.atomic
def person_active_set(*, actor: Actor, person: Any, active: bool) -> Any:
    """Deactivate or reactivate `person`. Deactivating ends their sessions and API tokens at once.

    The last active owner cannot be deactivated. Return the person.
    """
    owners, person = person_for_update(person)
    if person.is_active == active:
        return person
    if not active and owners == {person.pk}:
        raise ValidationError({"active": LAST_OWNER_MESSAGE})
    person.is_active = active
    person.save(update_fields=["is_active"])
    if not active:
        user_sessions_end(person)
        Token.objects.filter(user=person).delete()
    audit_record(
        actor=actor,
        action="person.reactivated" if active else "person.deactivated",
        target_type="person",
        target_id=person.pk,
        target_label=person_label(person),
        old={"active": not active},
        new={"active": active},
    )
    return person


def user_sessions_end(user: Any) -> int:
    """Delete every unexpired session of `user` in the active schema; return how many.

    Sessions are not indexed by user, so each stored session is decoded (a tenant has few). Each is deleted
    through the configured engine's SessionStore: the portal's (apps.accounts.sessions) deletes the row, then
    the cached copy (again after the commit), and if Redis cannot delete it, makes every cached copy stale
    once Redis answers again; `cached_db` drops the cached copy. Whatever this misses (a signed-cookie
    session) is refused anyway: Django's ModelBackend treats an inactive user's session as anonymous.
    """
    engine = import_module(settings.SESSION_ENGINE)
    user_id = str(user.pk)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == user_id:
            engine.SessionStore(session_key=session.session_key).delete()
            ended += 1
    return ended

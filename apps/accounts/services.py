"""Creating the people and groups of the active tenant schema."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from apps.accounts.models import Profile


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
) -> AbstractBaseUser:
    """Create a user of the active tenant with their profile. Give `password` or a ready `password_hash`."""
    user_model = get_user_model()
    user = user_model(username=username, email=email, first_name=first_name, last_name=last_name)
    if password_hash is not None:
        user.password = password_hash
    elif password is not None:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    Profile.objects.create(
        user=user, role=Profile.Role.OWNER if is_owner else Profile.Role.MEMBER, phone_number=phone_number
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

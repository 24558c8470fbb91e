"""Creating the people and groups of the active tenant schema."""

from django.contrib.auth import get_user_model
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

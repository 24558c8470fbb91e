"""Reads about a tenant's people and invitations, each a fixed number of queries whatever the count."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models import CharField as CharFieldType

from apps.core.roles import Role
from apps.people.models import Invitation

STATES = [("active", "Active"), ("invited", "Invited"), ("deactivated", "Deactivated")]
STATE_VALUES = {value for value, _ in STATES}


def _open_invitation() -> Exists:
    return Exists(Invitation.objects.filter(user=OuterRef("pk"), accepted_at__isnull=True, revoked_at__isnull=True))


def people_list(*, query: str = "", group_id: int | None = None, role: str = "", state: str = "") -> QuerySet[Any]:
    """Return the tenant's people with profile, groups (prefetched) and `state`, filtered, by username."""
    people = (
        get_user_model()
        .objects.select_related("profile")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .annotate(
            state=Case(
                When(is_active=True, then=Value("active")),
                When(_open_invitation(), then=Value("invited")),
                default=Value("deactivated"),
                output_field=CharFieldType(),
            )
        )
        .order_by("username")
    )
    if query:
        people = people.filter(
            Q(username__icontains=query)
            | Q(email__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    if group_id is not None:
        people = people.filter(groups__pk=group_id)
    if role in Role.values:
        people = people.filter(profile__role=role)
    if state in STATE_VALUES:
        people = people.filter(state=state)
    return people


def person_get(*, pk: int) -> Any:
    """Return one person of the tenant with the same annotations as the list (DoesNotExist if none)."""
    return people_list().get(pk=pk)


def invitation_list(*, state: str = "") -> QuerySet[Invitation]:
    """Return the tenant's invitations, newest first, with who sent them and their groups."""
    invitations = Invitation.objects.select_related("invited_by").prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name"))
    )
    if state == "open":
        invitations = invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    return invitations


def groups_all() -> QuerySet[Group]:
    """Return the tenant's groups by name (the filters' and forms' choices)."""
    return Group.objects.order_by("name")

"""The sign-in backend: Django's ModelBackend, reading the signed-in user in one query.

Every signed-in request loads its user (AuthenticationMiddleware → `get_user`), then reads the role from
the profile and the user's own preferences: three queries. Here the profile comes with the user
(`select_related`), and other apps may add what they read on every request to the same query through
`signed_in_user_extend` (the preferences engine adds the user's stored values), so the signed-in user costs
one SQL statement. That query is compiled once per process and connection (`PreparedQuery`): building it
through the ORM cost several times what PostgreSQL takes to answer it.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet

from apps.core.prepared import PreparedQuery
from apps.core.tenancy import on_public_schema

QueryExtension = Callable[[QuerySet[Any]], QuerySet[Any]]
_extensions: list[QueryExtension] = []


def signed_in_user_extend(extension: QueryExtension) -> QueryExtension:
    """Register a function that adds to the query loading a tenant's signed-in user (usable as a decorator).

    It receives the user queryset and returns it with its own annotations or joins; called in each tenant
    request, not on the public schema (whose users have no profiles or preferences).
    """
    if extension not in _extensions:
        _extensions.append(extension)
    return extension


def signed_in_user_queryset() -> QuerySet[Any]:
    """Return the queryset `get_user` reads the signed-in user from on the current schema."""
    queryset = get_user_model()._default_manager.all()
    if on_public_schema():
        return queryset
    queryset = queryset.select_related("profile")
    for extension in _extensions:
        queryset = extension(queryset)
    return queryset


_signed_in_user = PreparedQuery(lambda pk: signed_in_user_queryset().filter(pk=pk).order_by())


class PortalBackend(ModelBackend):
    """ModelBackend whose `get_user` reads the user, their profile and the registered extras in one query."""

    def get_user(self, user_id: Any) -> Any:
        UserModel = get_user_model()
        pk_field = UserModel._meta.pk
        assert pk_field is not None
        # The same query as `signed_in_user_queryset().get(pk=user_id)`, compiled once: what it is compiled
        # from depends on the schema kind, the user model and the registered extensions.
        key = (on_public_schema(), UserModel, tuple(_extensions))
        users = _signed_in_user.models(pk_field.get_prep_value(user_id), key=key)
        if not users:
            return None
        user = users[0]
        return user if self.user_can_authenticate(user) else None

"""Every role check of the portal, for pages and for the API, side by side.

- A *superadmin* is an active superuser of the public schema, on the public domain.
- A tenant *owner* is an active user of a tenant whose profile's role is `Role.OWNER`; everyone else there is
  a *member*.

The role is read from the user (`user.profile.role`), so this module needs no other app: `Role` gives
`apps.accounts.models.Profile.role` its choices.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from apps.core.tenancy import on_public_schema

RoleCheck = Callable[[Any], bool]
View = Callable[..., HttpResponse]


class Role(models.TextChoices):
    """A tenant user's role, stored on their profile."""

    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_superadmin(user: Any) -> bool:
    """Return whether `user` is a superadmin: an active superuser, on the public domain."""
    return bool(on_public_schema() and _active(user) and user.is_superuser)


def is_owner(user: Any) -> bool:
    """Return whether `user` is an active owner of the tenant whose schema is active."""
    if on_public_schema() or not _active(user):
        return False  # Profiles live in tenant schemas only.
    # A missing profile raises RelatedObjectDoesNotExist, an AttributeError, which getattr turns into None.
    profile = getattr(user, "profile", None)
    return profile is not None and profile.role == Role.OWNER


# --- pages --------------------------------------------------------------------------------------------------
def _deny(request: HttpRequest, message: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(message)


SUPERADMIN_PAGE_MESSAGE = "Only superadmins may use the console."
OWNER_PAGE_MESSAGE = "Only the tenant's owners may open this page."


def _guard(view: View, check: RoleCheck, message: str) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not check(request.user):
            return _deny(request, message)
        return view(request, *args, **kwargs)

    return wrapper


def superadmin_required(view: View) -> View:
    """Let superadmins through; send anonymous visitors to log in and answer 403 to everyone else."""
    return _guard(view, is_superadmin, SUPERADMIN_PAGE_MESSAGE)


def owner_required(view: View) -> View:
    """Let owners through; send anonymous visitors to log in and answer 403 to members."""
    return _guard(view, is_owner, OWNER_PAGE_MESSAGE)


class _RoleRequiredMixin(AccessMixin):
    role_message: str

    def has_role(self, user: Any) -> bool:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.has_role(request.user):
            return _deny(request, self.role_message)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class SuperadminRequiredMixin(_RoleRequiredMixin):
    """Class-based counterpart of `superadmin_required`."""

    role_message = SUPERADMIN_PAGE_MESSAGE

    def has_role(self, user: Any) -> bool:
        return is_superadmin(user)


class OwnerRequiredMixin(_RoleRequiredMixin):
    """Class-based counterpart of `owner_required`."""

    role_message = OWNER_PAGE_MESSAGE

    def has_role(self, user: Any) -> bool:
        return is_owner(user)


# --- the API ------------------------------------------------------------------------------------------------
class _RolePermission(BasePermission):
    """REST framework permission for one role; a view may say what it guards in `permission_denied_message`."""

    message: str

    def has_role(self, user: Any) -> bool:
        raise NotImplementedError

    def has_permission(self, request: Request, view: Any) -> bool:
        # A DRF Request proxies the HttpRequest; its user is the one DRF authenticated (session or token).
        if self.has_role(request.user):
            return True
        self.message = getattr(view, "permission_denied_message", None) or self.message
        return False


class IsSuperadmin(_RolePermission):
    """Superadmins only (the API counterpart of `superadmin_required`)."""

    message = "Only superadmins may do this."

    def has_role(self, user: Any) -> bool:
        return is_superadmin(user)


class IsTenantOwner(_RolePermission):
    """The tenant's owners only (the API counterpart of `owner_required`)."""

    message = "Only the tenant's owners may do this."

    def has_role(self, user: Any) -> bool:
        return is_owner(user)

"""The tenant owner role: an owner manages their tenant; a member may not."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from apps.accounts.models import Profile
from apps.core.tenancy import on_public_schema


def is_owner(user: Any) -> bool:
    """Return whether `user` is an active owner of the tenant whose schema is active."""
    if on_public_schema():
        return False  # Profiles live in tenant schemas only.
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    try:
        return bool(user.profile.role == Profile.Role.OWNER)
    except ObjectDoesNotExist:
        return False


def _deny(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied("Only the tenant's owners may open this page.")


def owner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let owners through; send anonymous visitors to log in and answer 403 to members."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_owner(request.user):
            return _deny(request)
        return view(request, *args, **kwargs)

    return wrapper


class OwnerRequiredMixin(AccessMixin):
    """Class-based counterpart of `owner_required`."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_owner(request.user):
            return _deny(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class IsTenantOwner(BasePermission):
    """REST framework permission: the tenant's owners only (the API counterpart of `owner_required`)."""

    message = "Only the tenant's owners may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_owner(request.user)

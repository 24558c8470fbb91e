"""The superadmin role: a superuser of the public schema, on the public domain."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from apps.core.tenancy import on_public_schema


def is_superadmin(request: HttpRequest) -> bool:
    """Return whether the request comes from a superadmin on the public domain."""
    user = getattr(request, "user", None)
    return bool(
        on_public_schema() and user is not None and user.is_authenticated and user.is_active and user.is_superuser
    )


def _deny(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied("Only superadmins may use the console.")


def superadmin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let superadmins through; send anonymous visitors to log in and answer 403 to everyone else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_superadmin(request):
            return _deny(request)
        return view(request, *args, **kwargs)

    return wrapper


class SuperadminRequiredMixin(AccessMixin):
    """Class-based counterpart of `superadmin_required`."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_superadmin(request):
            return _deny(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

"""Send a person who must change their password (added with a one-time password) to the change page first."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from apps.core.tenancy import on_public_schema

# Pages a person who must change their password may still open: the change itself, logging out, static files.
_ALLOWED_URL_NAMES = {"password_change", "password_change_done", "logout", "healthz", "favicon"}


class PasswordChangeRequiredMiddleware:
    """Redirect every page (and refuse every API call) until `Profile.must_change_password` is cleared.

    The profile is already loaded for the request (roles read it), so this costs no query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., HttpResponse], args: object, kwargs: object):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or on_public_schema():
            return None  # profiles live in tenant schemas only
        profile = getattr(user, "profile", None)
        if profile is None or not profile.must_change_password:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in _ALLOWED_URL_NAMES:
            return None
        if request.path.startswith("/static/"):
            return None
        messages.info(request, "Choose a password of your own before you go on: the one you were given works once.")
        return redirect(reverse("password_change"))

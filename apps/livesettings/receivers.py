"""Signal receivers of this app."""

from typing import Any

from django.http import HttpRequest

from apps.livesettings.sessions import session_started


def start_session_clock(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Record the login time in the new session, which expiry counts from."""
    if request is not None and hasattr(request, "session"):
        session_started(request.session)

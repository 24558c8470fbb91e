"""The session expiry warning: its status (polled without counting as activity) and "stay signed in"."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from apps.core.htmx import HtmxHttpRequest
from apps.livesettings import sessions

WIDGET = "livesettings/_session_widget.html"


@login_required
@require_GET
def session_status(request: HttpRequest) -> HttpResponse:
    """Render the expiry warning as it stands now (the middleware already logged out an expired session)."""
    return render(request, f"{WIDGET}#widget", {})


@login_required
@require_POST
def session_extend(request: HtmxHttpRequest) -> HttpResponse:
    """Restart the session's expiry clock ("stay signed in") and show the page again."""
    at = sessions.now()
    policy = sessions.ExpiryPolicy.current()
    sessions.session_extend(request.session, policy=policy, at=at)
    request.livesettings_session = sessions.session_check(  # type: ignore[attr-defined]
        request.session, policy=policy, at=at, record_activity=False
    )
    request.livesettings_now = at  # type: ignore[attr-defined]
    if request.htmx:
        return render(request, f"{WIDGET}#widget", {})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)

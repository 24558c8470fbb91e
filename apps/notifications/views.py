"""Members' pages: the notification matrix, the inbox, and the one-click unsubscribe page (no login)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from apps.core.htmx import render_page
from apps.core.inputs import id_param
from apps.notifications import services
from apps.notifications.forms import UserMatrixForm, cell_field_name
from apps.notifications.links import unsubscribe_token_read
from apps.notifications.models import NotificationSetting
from apps.notifications.registry import registry
from apps.notifications.selectors import inbox_list, inbox_unread_count, matrix_cell, user_matrix

PREFERENCES = "notifications/preferences.html"
INBOX = "notifications/inbox.html"


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Show the user's matrix; a plain POST stores only the cells that changed (or resets one)."""
    backends, rows = user_matrix(request.user)
    if request.method == "POST":
        if "inherit" in request.POST:
            notification, _, backend = request.POST["inherit"].rpartition("__")
            services.preference_clear(
                scope=NotificationSetting.Scope.USER, notification=notification, backend=backend, user=request.user
            )
            messages.success(request, "The setting is inherited again.")
            return redirect("notifications:preferences")
        form = UserMatrixForm(request.POST, rows=rows)
        if form.is_valid():
            changes = form.changes()
            with transaction.atomic():
                for notification, prefs in changes.items():
                    services.user_preferences_update(user=request.user, notification=notification, prefs=prefs)
            count = sum(len(prefs) for prefs in changes.values())
            messages.success(request, f"Saved {count} change{'s' if count != 1 else ''}." if count else "No changes.")
            return redirect("notifications:preferences")
    else:
        form = UserMatrixForm(rows=rows)
    return render(request, PREFERENCES, {"backends": backends, "rows": rows, "form": form})


@login_required
@require_POST
def preference_cell(request: HttpRequest) -> HttpResponse:
    """Save or reset one cell (htmx) and return it re-rendered with its new source."""
    notification = request.POST.get("notification", "")
    backend = request.POST.get("backend", "")
    if notification not in registry or backend not in registry.get(notification).backends:
        return HttpResponseBadRequest("Unknown notification or backend.")
    try:
        if request.POST.get("action") == "inherit":
            services.preference_clear(
                scope=NotificationSetting.Scope.USER, notification=notification, backend=backend, user=request.user
            )
        else:
            value = request.POST.get(cell_field_name(notification, backend)) in ("on", "true", "True")
            services.user_preferences_update(user=request.user, notification=notification, prefs={backend: value})
    except (ValueError, PermissionDenied) as exc:
        return HttpResponseBadRequest(str(exc))
    _, rows = user_matrix(request.user)
    cell = matrix_cell(rows, notification=notification, backend=backend)
    if cell is None:
        # Saved, but no longer offered to this user (a required permission was revoked since the page loaded).
        return HttpResponse('<span class="text-body-secondary">Saved. You no longer receive this notification.</span>')
    return render(request, f"{PREFERENCES}#cell", {"cell": cell, "saved": True})


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """List the user's in-app notifications, newest first."""
    page = Paginator(inbox_list(request.user), 20).get_page(request.GET.get("page"))
    context = {"page": page, "unread": inbox_unread_count(request.user)}
    return render_page(request, INBOX, context, partial="messages")


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark one message (`message`) or all messages read."""
    message_id = id_param(request.POST.get("message"))
    ids = [message_id] if message_id is not None else None
    services.inbox_mark_read(user=request.user, message_ids=ids)
    if not getattr(request, "htmx", False):
        return redirect("notifications:inbox")
    page = Paginator(inbox_list(request.user), 20).get_page(request.GET.get("page"))
    response = render(request, f"{INBOX}#messages", {"page": page, "unread": inbox_unread_count(request.user)})
    # The navbar badge listens for this event and refreshes itself.
    return trigger_client_event(response, "inbox-changed")


@login_required
@require_GET
def inbox_count(request: HttpRequest) -> HttpResponse:
    """Return the navbar badge (polled by htmx)."""
    return render(request, "notifications/_navbar_inbox.html#badge", {"unread": inbox_unread_count(request.user)})


@csrf_exempt  # mail clients post the one-click request (RFC 8058) without a CSRF token; the token authorises it
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm (GET) and apply (POST) an unsubscribe link without logging in; refuse bad or expired tokens."""
    try:
        target = unsubscribe_token_read(token)
        declaration = registry.get(target.notification)
        user = get_user_model().objects.get(pk=target.user_id, is_active=True)
    except signing.SignatureExpired:
        return _unsubscribe_refused(request, "This unsubscribe link has expired.")
    except (signing.BadSignature, LookupError, get_user_model().DoesNotExist):
        return _unsubscribe_refused(request, "This unsubscribe link is not valid.")
    context = {"declaration": declaration, "backend": target.backend, "done": False}
    if declaration.mandatory:
        return _unsubscribe_refused(request, f"“{declaration.display_name}” is mandatory and cannot be turned off.")
    if request.method == "POST":
        try:
            services.user_preferences_update(user=user, notification=declaration.name, prefs={target.backend: False})
        except (ValueError, PermissionDenied):
            return _unsubscribe_refused(request, "This link can no longer change your settings.")
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)


def _unsubscribe_refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "notifications/unsubscribe.html", {"error": reason}, status=400)

"""Owners' pages: group and tenant defaults, the deliveries log with retry, and a test send."""

from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.roles import owner_required
from apps.core.htmx import render_page
from apps.core.inputs import parse_id
from apps.notifications import services
from apps.notifications.forms import DeliveryFilterForm, ScopeMatrixForm, TestNotificationForm, cell_field_name
from apps.notifications.models import Delivery, NotificationSetting
from apps.notifications.registry import registry
from apps.notifications.selectors import backends_by_name, deliveries_filter, matrix_cell, scope_matrix

DEFAULTS = "notifications/owner_defaults.html"
DELIVERIES = "notifications/owner_deliveries.html"
Scope = NotificationSetting.Scope


def _scope(request: HttpRequest) -> Group | None:
    raw = request.GET.get("group") or request.POST.get("group")
    if not raw:
        return None
    group_id = parse_id(raw)
    if group_id is None:
        raise Http404("No such group.")  # a malformed id names no group, like an unknown one
    return get_object_or_404(Group, pk=group_id)


def _store(group: Group | None, notification: str, prefs: dict[str, bool | None]) -> None:
    """Store on/off cells and clear the ones set back to inherit, for one scope."""
    values = {backend: value for backend, value in prefs.items() if value is not None}
    for backend, value in prefs.items():
        if value is None:
            scope = Scope.GROUP if group is not None else Scope.TENANT
            services.preference_clear(scope=scope, notification=notification, backend=backend, group=group)
    if not values:
        return
    if group is not None:
        services.group_preferences_update(group=group, notification=notification, prefs=values)
    else:
        services.tenant_defaults_update(notification=notification, prefs=values)


@owner_required
@require_http_methods(["GET", "POST"])
def defaults(request: HttpRequest) -> HttpResponse:
    """Show (and save, as a plain POST) the defaults of a group or of the tenant."""
    group = _scope(request)
    backends, rows = scope_matrix(group=group)
    if request.method == "POST":
        form = ScopeMatrixForm(request.POST, rows=rows)
        if form.is_valid():
            with transaction.atomic():
                for notification, prefs in form.changes().items():
                    _store(group, notification, prefs)
            messages.success(request, "Defaults saved.")
            url = reverse("notifications:owner")
            return redirect(f"{url}?group={group.pk}" if group else url)
    else:
        form = ScopeMatrixForm(rows=rows)
    context = {
        "backends": backends,
        "rows": rows,
        "form": form,
        "group": group,
        "groups": Group.objects.order_by("name"),
    }
    return render(request, DEFAULTS, context)


@owner_required
@require_POST
def defaults_cell(request: HttpRequest) -> HttpResponse:
    """Save one cell of a group's or the tenant's defaults (htmx) and return it."""
    group = _scope(request)
    notification = request.POST.get("notification", "")
    backend = request.POST.get("backend", "")
    raw = request.POST.get(cell_field_name(notification, backend), "")
    if (
        notification not in registry
        or backend not in registry.get(notification).backends
        or raw not in ("", "on", "off")
    ):
        return HttpResponseBadRequest("Unknown notification, backend or value.")
    try:
        _store(group, notification, {backend: None if raw == "" else raw == "on"})
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    _, rows = scope_matrix(group=group)
    cell = matrix_cell(rows, notification=notification, backend=backend)
    if cell is None:
        raise Http404("This cell is not part of the matrix.")
    return render(request, f"{DEFAULTS}#cell", {"cell": cell, "group": group, "saved": True})


@owner_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    """List deliveries with filters; failed rows offer a retry."""
    filters = DeliveryFilterForm(request.GET)
    filters.is_valid()
    rows = deliveries_filter(**{k: v or "" for k, v in filters.cleaned_data.items()})
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "query_string": query.urlencode(),
        "backends": list(backends_by_name()),
        "notifications": registry.all(),
        "test_form": TestNotificationForm(),
    }
    return render_page(request, DELIVERIES, context, partial="results")


@owner_required
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed delivery again."""
    delivery = get_object_or_404(Delivery, pk=pk)
    try:
        services.delivery_retry(delivery=delivery)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Delivery #{delivery.pk} is queued again.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("notifications:deliveries")
    return redirect(back)


@owner_required
@require_POST
def send_test(request: HttpRequest) -> HttpResponse:
    """Send the chosen notification to one person now."""
    form = TestNotificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a notification and a recipient.")
        return redirect("notifications:deliveries")
    with transaction.atomic():
        rows = services.notification_send(
            name=form.cleaned_data["notification"],
            users=[form.cleaned_data["recipient"]],
            context={"title": "Test notification", "sent_by": request.user.get_username()},
        )
    messages.success(request, f"{len(rows)} deliver{'y' if len(rows) == 1 else 'ies'} queued; see the log below.")
    return redirect("notifications:deliveries")

"""Owners' pages: group and tenant defaults, the deliveries log with retry, and a test send."""

from django.contrib import messages
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import GROUP_ORDER
from apps.core.htmx import render_page
from apps.core.inline import ERROR, IDLE, SAVED, STALE, InlineField, StaleEdit, inline_response, posted_version
from apps.core.inputs import parse_id
from apps.core.pagination import paginate
from apps.core.roles import owner_required
from apps.notifications import services
from apps.notifications.forms import (
    DeliveryFilterForm,
    Refusal,
    ScopeMatrixForm,
    TestNotificationForm,
    cell_expected,
    cell_field_name,
    cell_version,
    matrix_rows,
)
from apps.notifications.models import Backend, Delivery, NotificationSetting
from apps.notifications.registry import registry
from apps.notifications.resolution import inherited_words
from apps.notifications.selectors import Cell, Row, backends_by_name, deliveries_filter, matrix_cell, scope_matrix
from apps.notifications.services import StaleSettingError
from apps.notifications.timing import held_label

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


def _page_url(group: Group | None) -> str:
    url = reverse("notifications:owner")
    return f"{url}?group={group.pk}" if group else url


def _inherit_label(group: Group | None) -> str:
    return "Not set" if group is not None else "Notification default"


def _store(
    group: Group | None, notification: str, backend: str, value: bool | None, expected: dict[str, bool | None] | None
) -> None:
    """Store one on/off cell of a scope, or clear it (None) so it inherits; refuse it if it moved since `expected`."""
    if value is None:
        scope = Scope.GROUP if group is not None else Scope.TENANT
        services.preference_clear(
            scope=scope, notification=notification, backend=backend, group=group, expected=expected
        )
    elif group is not None:
        services.group_preferences_update(
            group=group, notification=notification, prefs={backend: value}, expected=expected
        )
    else:
        services.tenant_defaults_update(notification=notification, prefs={backend: value}, expected=expected)


@owner_required
@require_http_methods(["GET", "POST"])
def defaults(request: HttpRequest) -> HttpResponse:
    """Show (and save, as a plain POST) the defaults of a group or of the tenant.

    A cell that moved since the page was shown, or that cannot be saved, is refused and shown in place.
    """
    group = _scope(request)
    backends, rows = scope_matrix(group=group)
    fresh = ScopeMatrixForm(rows=rows, inherit_label=_inherit_label(group))
    if request.method != "POST":
        return _page(request, group, backends, rows, fresh)
    form = ScopeMatrixForm(request.POST, rows=rows, inherit_label=_inherit_label(group))
    if not form.is_valid():
        return _page(request, group, backends, rows, fresh, posted=form, refused={key: [] for key in form.errors})
    refused: dict[str, Refusal] = {}
    saved: set[str] = set()
    for notification, prefs in form.changes().items():
        for backend, value in prefs.items():
            name = cell_field_name(notification, backend)
            try:
                _store(group, notification, backend, value, cell_expected(backend, posted_version(request, name)))
            except StaleSettingError as exc:
                refused[name] = exc
            except ValueError as exc:
                refused[name] = [str(exc)]
            else:
                saved.add(name)
    if not refused:
        messages.success(request, "Defaults saved.")
        return redirect(_page_url(group))
    messages.error(request, f"{len(refused)} change{'s were' if len(refused) != 1 else ' was'} not saved; see below.")
    backends, rows = scope_matrix(group=group)
    fresh = ScopeMatrixForm(rows=rows, inherit_label=_inherit_label(group))
    return _page(request, group, backends, rows, fresh, posted=form, refused=refused, saved=saved)


@owner_required
@require_POST
def defaults_cell(request: HttpRequest) -> HttpResponse:
    """Save one cell of a group's or the tenant's defaults and answer it (htmx), or go back to the page."""
    group = _scope(request)
    notification = request.GET.get("notification") or request.POST.get("notification", "")
    backend = request.GET.get("backend") or request.POST.get("backend", "")
    _, rows = scope_matrix(group=group)
    cell = matrix_cell(rows, notification=notification, backend=backend)
    if cell is None or not cell.allowed:
        return HttpResponseBadRequest("Unknown notification or backend, or a cell without a control.")
    name = cell_field_name(notification, backend)
    form = ScopeMatrixForm(request.POST, rows=rows, inherit_label=_inherit_label(group))
    refusal: Refusal | None = None
    if not form.is_valid():
        refusal = [str(error) for error in form.errors.get(name, [])]
    else:
        raw = form.cleaned_data[name]
        try:
            _store(
                group,
                notification,
                backend,
                None if raw == "" else raw == "on",
                cell_expected(backend, posted_version(request, name)),
            )
        except StaleSettingError as exc:
            refusal = exc
        except ValueError as exc:
            refusal = [str(exc)]
        _, rows = scope_matrix(group=group)
        cell = matrix_cell(rows, notification=notification, backend=backend)
    if cell is None or not cell.allowed:
        raise Http404("This cell is not part of the matrix.")
    if refusal is None:
        form = ScopeMatrixForm(rows=rows, inherit_label=_inherit_label(group))
    field = _cell_field(cell, group, form, refusal=refusal, saved=refusal is None)
    return inline_response(request, field, redirect_to=_page_url(group), saved_message="Defaults saved.")


def note_of(cell: Cell) -> str:
    """Return what an unset cell resolves to and why."""
    return inherited_words(cell.inherited) if cell.inherited is not None else ""


def _cell_field(
    cell: Cell, group: Group | None, form: ScopeMatrixForm, *, refusal: Refusal | None = None, saved: bool = False
) -> InlineField:
    """Return the inline field of an allowed cell; `cell` holds what is stored now."""
    query = {"notification": cell.notification, "backend": cell.backend}
    if group is not None:
        query["group"] = str(group.pk)
    stale = errors = None
    if isinstance(refusal, StaleSettingError):
        now = f"{_inherit_label(group)} ({note_of(cell)})" if cell.stored is None else "On" if cell.stored else "Off"
        stale = StaleEdit(who="someone else", when=refusal.changed_at, current=now)
    elif refusal:
        errors = refusal
    # An unset cell says what it resolves to and why, from the resolver: "off — notification default".
    note = note_of(cell) if cell.stored is None else ""
    return InlineField(
        form[cell_field_name(cell.notification, cell.backend)],
        save_url=f"{reverse('notifications:owner-cell')}?{urlencode(query)}",
        version=cell_version(cell.stored),
        state=STALE if stale else ERROR if errors else SAVED if saved else IDLE,
        stale=stale,
        errors=errors,
        label_hidden=True,
        note=note,
        testid=f"cell-{cell.notification}-{cell.backend}",
    )


def _page(
    request: HttpRequest,
    group: Group | None,
    backends: list[Backend],
    rows: list[Row],
    form: ScopeMatrixForm,
    *,
    posted: ScopeMatrixForm | None = None,
    refused: dict[str, Refusal] | None = None,
    saved: set[str] | None = None,
) -> HttpResponse:
    """Render a scope's matrix; refused cells show the posted value with why, saved ones say so."""
    refused, saved = refused or {}, saved or set()

    def field_of(cell: Cell) -> InlineField | None:
        if not cell.allowed:
            return None
        name = cell_field_name(cell.notification, cell.backend)
        if name in refused and posted is not None:
            return _cell_field(cell, group, posted, refusal=refused[name])
        return _cell_field(cell, group, form, saved=name in saved)

    context = {
        "backends": backends,
        "rows": matrix_rows(rows, field_of),
        "form": form,
        "group": group,
        "groups": Group.objects.order_by(*GROUP_ORDER),
    }
    return render(request, DEFAULTS, context)


# Rows that are still going to change by themselves: the log polls while one of them is on the page.
UNSETTLED = (Delivery.Status.PENDING, Delivery.Status.HELD)
# htmx stops polling an element when the server answers 286.
STOP_POLLING = 286


@owner_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    """List deliveries with filters; failed rows offer a retry; pending and held rows refresh until settled."""
    filters = DeliveryFilterForm(request.GET)
    filters.is_valid()
    rows = deliveries_filter(**{k: v or "" for k, v in filters.cleaned_data.items()})
    page = paginate(request, rows)
    query = request.GET.copy()
    query.pop("page", None)
    for name in ("test_notification", "test_recipient"):
        query.pop(name, None)
    entries = [(row, held_label(row)) for row in page]
    polling = any(row.status in UNSETTLED for row in page)
    context = {
        "filters": filters,
        "page": page,
        "entries": entries,
        "polling": polling,
        "poll_url": f"{reverse('notifications:deliveries')}?{request.GET.urlencode()}",
        "query_string": query.urlencode(),
        "backends": list(backends_by_name()),
        "notifications": registry.all(),
        "test_form": TestNotificationForm(),
        # The test-send form shows again what was just sent, so sending twice takes one click.
        "test_notification": request.GET.get("test_notification", ""),
        "test_recipient": parse_id(request.GET.get("test_recipient", "")) or request.user.pk,
    }
    response = render_page(request, DELIVERIES, context, partial="results")
    if getattr(request, "htmx", False) and not polling:
        response.status_code = STOP_POLLING
    return response


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
    keep = {"test_notification": form.cleaned_data["notification"], "test_recipient": form.cleaned_data["recipient"].pk}
    return redirect(f"{reverse('notifications:deliveries')}?{urlencode(keep)}")

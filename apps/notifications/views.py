"""Members' pages: the notification matrix, the inbox, and the one-click unsubscribe page (no login)."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from apps.core.htmx import render_page
from apps.core.inline import (
    ERROR,
    IDLE,
    SAVED,
    STALE,
    InlineAction,
    InlineField,
    StaleEdit,
    inline_field_html,
    inline_response,
    posted_version,
)
from apps.core.inputs import id_param
from apps.core.pagination import paginate
from apps.core.prepared import PreparedQuery
from apps.notifications import services, timing
from apps.notifications.forms import (
    MatrixCell,
    Refusal,
    UserMatrixForm,
    cell_expected,
    cell_field_name,
    cell_version,
    matrix_rows,
)
from apps.notifications.links import unsubscribe_all_token_read, unsubscribe_token_read
from apps.notifications.models import Backend, Delivery, NotificationSetting
from apps.notifications.registry import Notification, registry
from apps.notifications.resolution import NO_PERMISSION
from apps.notifications.selectors import (
    Cell,
    Row,
    backends_by_name,
    inbox_list,
    inbox_unread_count,
    matrix_cell,
    user_matrix,
)
from apps.notifications.services import StaleSettingError
from apps.notifications.templatetags.notifications_tags import source_label
from apps.preferences.registries import user_preferences_registry
from apps.preferences.services import preference_reset, preferences_set

PREFERENCES = "notifications/preferences.html"
INBOX = "notifications/inbox.html"


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Show the user's matrix; a plain POST stores only the cells that changed (or resets one).

    A cell that moved since the page was shown, or that cannot be saved, is refused and shown in place.
    """
    backends, rows = user_matrix(request.user)
    if request.method != "POST":
        return _page(request, backends, rows, UserMatrixForm(rows=rows))
    if "inherit" in request.POST:
        notification, _, backend = request.POST["inherit"].rpartition("__")
        return _cell_save(request, notification, backend, inherit=True)
    form = UserMatrixForm(request.POST, rows=rows)
    if not form.is_valid():
        return _page(request, backends, rows, form)
    refused: dict[str, Refusal] = {}
    saved: set[str] = set()
    for notification, prefs in form.changes().items():
        for backend, value in prefs.items():
            name = cell_field_name(notification, backend)
            try:
                services.user_preferences_update(
                    user=request.user,
                    notification=notification,
                    prefs={backend: value},
                    expected=cell_expected(backend, posted_version(request, name)),
                )
            except StaleSettingError as exc:
                refused[name] = exc
            except (ValueError, PermissionDenied) as exc:
                refused[name] = [str(exc)]
            else:
                saved.add(name)
    count = len(saved)
    if saved or not refused:
        messages.success(request, f"Saved {count} change{'s' if count != 1 else ''}." if count else "No changes.")
    if not refused:
        return redirect("notifications:preferences")
    messages.error(request, f"{len(refused)} change{'s were' if len(refused) != 1 else ' was'} not saved; see below.")
    backends, rows = user_matrix(request.user)
    return _page(request, backends, rows, UserMatrixForm(rows=rows), posted=form, refused=refused, saved=saved)


@login_required
@require_POST
def preference_cell(request: HttpRequest) -> HttpResponse:
    """Save or reset one cell and answer it re-rendered with its new source (htmx), or go back to the page."""
    notification = request.GET.get("notification") or request.POST.get("notification", "")
    backend = request.GET.get("backend") or request.POST.get("backend", "")
    inherit = "inherit" in (request.GET.get("action"), request.POST.get("action"))
    return _cell_save(request, notification, backend, inherit=inherit)


def _cell_save(request: HttpRequest, notification: str, backend: str, *, inherit: bool) -> HttpResponse:
    if notification not in registry or backend not in registry.get(notification).backends:
        return HttpResponseBadRequest("Unknown notification or backend.")
    name = cell_field_name(notification, backend)
    expected = cell_expected(backend, posted_version(request, name))
    refusal: Refusal | None = None
    try:
        if inherit:
            services.preference_clear(
                scope=NotificationSetting.Scope.USER,
                notification=notification,
                backend=backend,
                user=request.user,
                expected=expected,
            )
        else:
            value = request.POST.get(name) in ("on", "true", "True")
            services.user_preferences_update(
                user=request.user, notification=notification, prefs={backend: value}, expected=expected
            )
    except StaleSettingError as exc:
        refusal = exc
    except (ValueError, PermissionDenied) as exc:
        refusal = [str(exc)]
    _, rows = user_matrix(request.user)
    cell = matrix_cell(rows, notification=notification, backend=backend)
    if cell is None and refusal is None:
        # Saved, but no longer offered to this user (a required permission was revoked since the page loaded).
        text = "Saved. You no longer receive this notification."
        if not getattr(request, "htmx", False):
            messages.info(request, text)
            return redirect("notifications:preferences")
        return HttpResponse(format_html('<span class="text-body-secondary">{}</span>', text))
    if cell is None:
        return _unoffered_cell_response(request, notification, backend, refusal)
    posted = UserMatrixForm(request.POST, rows=rows) if refusal is not None else UserMatrixForm(rows=rows)
    field = _cell_field(cell, posted, refusal=refusal, saved=refusal is None, inherit=inherit)
    if field is None:
        return HttpResponseBadRequest("This cell cannot be changed.")
    return inline_response(
        request,
        field,
        redirect_to=reverse("notifications:preferences"),
        saved_message="The setting is inherited again." if inherit else "",
    )


def _unoffered_cell_response(
    request: HttpRequest, notification: str, backend: str, refusal: Refusal | None
) -> HttpResponse:
    """Answer a refused save of a cell the matrix no longer shows (a required permission was revoked since)."""
    declaration = registry.get(notification)
    label = f"{declaration.display_name} by {backends_by_name()[backend].display_name}"
    cell = Cell(notification, backend, True, NO_PERMISSION, None, label)
    why = refusal.args[0] if isinstance(refusal, StaleSettingError) else " ".join(refusal or [])
    form = UserMatrixForm(request.POST, rows=[Row(declaration, [cell])])
    field = _cell_field(cell, form, refusal=[f"{why} You no longer receive this notification."])
    assert field is not None  # the form has a field for every allowed cell
    field.editable = False
    return inline_response(request, field, redirect_to=reverse("notifications:preferences"))


def _cell_urls(cell: Cell, url: str = "") -> tuple[str, str]:
    """Return where a cell saves and where its "use inherited" posts (`url`: the cell view's, if reversed)."""
    url = url or reverse("notifications:preference-cell")
    query = urlencode({"notification": cell.notification, "backend": cell.backend})
    return f"{url}?{query}", f"{url}?{query}&action=inherit"


def _cell_field(
    cell: Cell,
    form: UserMatrixForm,
    *,
    refusal: Refusal | None = None,
    saved: bool = False,
    inherit: bool = False,
    cell_url: str = "",
) -> InlineField | None:
    """Return the inline field of a cell (None for a cell without a switch); `cell` holds what is stored now.

    `cell_url`: the cell view's URL, reversed once by a page of many cells."""
    name = cell_field_name(cell.notification, cell.backend)
    if name not in form.fields or cell.resolution is None:
        return None
    save_url, inherit_url = _cell_urls(cell, cell_url)
    value = f"{'on' if cell.resolution.value else 'off'} ({source_label(cell.resolution.source)})"
    stale = errors = None
    if isinstance(refusal, StaleSettingError):
        stale = StaleEdit(who="someone else", when=refusal.changed_at, current=value)
    elif refusal is not None:
        errors = refusal
    inheritable = cell.stored is not None and not cell.locked
    return InlineField(
        form[name],
        save_url=save_url,
        version=cell_version(cell.stored),
        state=STALE if stale else ERROR if errors else SAVED if saved else IDLE,
        stale=stale,
        errors=errors,
        label_hidden=True,
        editable=not cell.locked,
        note="always on" if cell.locked else source_label(cell.resolution.source),
        actions=[InlineAction("Use inherited", inherit_url, f" for {cell.label}")] if inheritable else [],
        retry_url=inherit_url if inherit else "",
        testid=f"cell-{cell.notification}-{cell.backend}",
    )


def _page(
    request: HttpRequest,
    backends: list[Backend],
    rows: list[Row],
    form: UserMatrixForm,
    *,
    posted: UserMatrixForm | None = None,
    refused: dict[str, Refusal] | None = None,
    saved: set[str] | None = None,
) -> HttpResponse:
    """Render the matrix; refused cells show the posted value with why, saved ones say so."""
    refused, saved = refused or {}, saved or set()
    cell_url = reverse("notifications:preference-cell")

    def field_of(cell: Cell) -> InlineField | None:
        name = cell_field_name(cell.notification, cell.backend)
        if name in refused and posted is not None:
            return _cell_field(cell, posted, refusal=refused[name], cell_url=cell_url)
        return _cell_field(cell, form, saved=name in saved, cell_url=cell_url)

    # A switch for SMS without a number could never deliver: the column links to the profile instead.
    phone_missing = not _has_phone(request.user)
    add_phone_url = reverse("projects:profile") if phone_missing else ""
    shown = [
        ShownRow(row.declaration, [_cell_markup(item, row.declaration, add_phone_url) for item in row.cells])
        for row in matrix_rows(rows, field_of)
    ]
    context = {
        "backends": backends,
        "rows": shown,
        "form": form,
        "phone_missing": phone_missing,
        **timing_context(request.user),
    }
    return render(request, PREFERENCES, context)


@dataclass(frozen=True)
class ShownRow:
    """A row of the member's matrix as the page shows it: each cell's markup, built once in Python."""

    declaration: Notification
    cells: list[SafeString]


def _cell_markup(item: MatrixCell, declaration: Notification, add_phone_url: str) -> SafeString:
    """Return what a matrix cell shows (its switch, the link to add a phone, or "not sent this way").

    Built here rather than by the page template: the branches and look-ups per cell, and an include per switch,
    cost the page more than its other markup. `add_phone_url`: the profile's URL when the member has no phone.
    """
    cell, field = item.cell, item.field
    if field is not None and cell.backend == "sms" and add_phone_url:
        return format_html(
            '<a href="{}#phone" data-testid="cell-{}-sms-add-phone">Add a phone number'
            '<span class="visually-hidden"> to get “{}” by SMS</span></a>\n',
            add_phone_url,
            cell.notification,
            declaration.display_name,
        )
    if field is not None:
        assert cell.resolution is not None  # a cell has a field only with its effective value
        # The page's form holds the fields: none is its own form, so no CSRF token goes in the markup.
        return format_html(
            '{}\n\n  <input type="hidden" name="initial-{}" value="{}">\n',
            inline_field_html(field),
            field.name,
            cell.resolution.value,
        )
    return format_html(
        '<span class="text-body-secondary" title="Not sent this way" data-testid="cell-{}-{}">—'
        '<span class="visually-hidden">not sent this way</span></span>',
        cell.notification,
        cell.backend,
    )


def _has_phone(user: Any) -> bool:
    try:
        return bool(user.profile.phone_number)
    except ObjectDoesNotExist:
        return False


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """List the user's in-app notifications, newest first."""
    page = paginate(request, inbox_list(request.user))
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
    page = paginate(request, inbox_list(request.user))
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
        user = get_user_model().objects.get(pk=target.user_id, is_active=True)
        if target.category:
            return _unsubscribe_category(request, user, target.category, target.backend)
        declaration = registry.get(target.notification)
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


def _unsubscribe_category(request: HttpRequest, user: Any, category: str, backend: str) -> HttpResponse:
    """Confirm (GET) and apply (POST) a digest's link: `backend` off for every optional notification of `category`."""
    declarations = [d for d in registry.all() if d.category == category and backend in d.backends and not d.mandatory]
    if not declarations:
        return _unsubscribe_refused(request, f"Nothing in “{category}” can be turned off.")
    context: dict[str, Any] = {"category": category, "declarations": declarations, "backend": backend, "done": False}
    if request.method == "POST":
        for declaration in declarations:
            try:
                services.user_preferences_update(user=user, notification=declaration.name, prefs={backend: False})
            except (ValueError, PermissionDenied):
                continue  # not offered to this person any more: nothing to turn off
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)


def _mandatory_names() -> list[str]:
    return [d.display_name for d in registry.all() if d.mandatory]


@csrf_exempt  # the one-click POST (RFC 8058) comes from mail clients without a CSRF token; the token authorises it
@require_http_methods(["GET", "POST"])
def unsubscribe_all(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm (GET) and apply (POST) "unsubscribe from all email" without logging in; mandatory email still goes."""
    try:
        user = get_user_model().objects.get(pk=unsubscribe_all_token_read(token), is_active=True)
    except signing.SignatureExpired:
        return _unsubscribe_refused(request, "This unsubscribe link has expired.")
    except (signing.BadSignature, get_user_model().DoesNotExist):
        return _unsubscribe_refused(request, "This unsubscribe link is not valid.")
    done = False
    if request.method == "POST":
        preferences_set(
            store=timing.preferences_of(user).store(),
            values={timing.key(timing.UNSUBSCRIBED_ALL_NAME): True},
            actor=user,
            source="unsubscribe-all",
        )
        done = True
    context = {"done": done, "mandatory": _mandatory_names()}
    return render(request, "notifications/unsubscribe_all.html", context)


@login_required
@require_POST
def pause(request: HttpRequest) -> HttpResponse:
    """Pause notifications for a day, a week or until resumed (`until`), or resume them (`until=none`)."""
    choice = request.POST.get("until", "")
    store = timing.preferences_of(request.user).store()
    paused_key = timing.key(timing.PAUSED_UNTIL_NAME)
    if choice == "none":
        preference_reset(store=store, key=paused_key, actor=request.user, source="notifications")
        messages.success(request, "Notifications resumed.")
    else:
        try:
            until = timing.pause_until(choice)
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect("notifications:preferences")
        preferences_set(store=store, values={paused_key: until.isoformat()}, actor=request.user, source="notifications")
        messages.success(request, "Notifications paused. Mandatory notifications are still sent.")
    return redirect("notifications:preferences")


@login_required
@require_POST
def email_resubscribe(request: HttpRequest) -> HttpResponse:
    """Undo "unsubscribe from all email"."""
    store = timing.preferences_of(request.user).store()
    preference_reset(
        store=store, key=timing.key(timing.UNSUBSCRIBED_ALL_NAME), actor=request.user, source="notifications"
    )
    messages.success(request, "You receive email notifications again.")
    return redirect("notifications:preferences")


def _timing_choices(user: Any) -> list[tuple[str, str]]:
    """(label, value as shown) of each "When you hear" preference that is set: quiet hours and digests."""
    shown = []
    digests_daily = False
    for preference in user_preferences_registry.preferences(section=timing.SECTION):
        if not preference.name.startswith(("quiet_", "digest_")) or preference.name == timing.DIGEST_TIME_NAME:
            continue
        value = user.preferences[preference.identifier]
        if not value or value == timing.IMMEDIATELY:
            continue
        digests_daily |= value == timing.DAILY
        shown.append((str(preference.verbose_name), dict(timing.DIGEST_CHOICES).get(value, value)))
    if digests_daily:
        at = user.preferences[f"{timing.SECTION}__{timing.DIGEST_TIME_NAME}"]
        shown.append(("Daily digests at", at.strftime("%H:%M")))
    return shown


# The member's page reads these on every view: compiled once, run with the user's id.
_held_deliveries = PreparedQuery(
    lambda user_id: (
        Delivery.objects.filter(user_id=user_id, status=Delivery.Status.HELD)
        .select_related("notification_type", "backend")
        .order_by("held_until")[:20]
    )
)
_digested_count = PreparedQuery(
    lambda user_id: (
        Delivery.objects.filter(user_id=user_id, status=Delivery.Status.DIGESTED)
        .order_by()
        .values("user_id")
        .annotate(digested=Count("*"))
        .values_list("digested")
    )
)


def timing_context(user: Any) -> dict[str, Any]:
    """Return what the member's page shows about when they hear: pause, unsubscribe-from-all, held rows."""
    moment = timing.now()
    current = timing.timing_read(timing.preferences_of(user), categories=[], backends=[])
    held = _held_deliveries.models(user.pk)
    digested_rows = _digested_count.rows(user.pk)
    digested = digested_rows[0][0] if digested_rows else 0  # none digested: no group
    paused_until = current.paused_until if current.paused(moment) else None
    return {
        "choices": _timing_choices(user),
        "paused_until": paused_until,
        "paused_until_resumed": paused_until is not None and paused_until >= timing.UNTIL_RESUMED,
        "zone": current.zone.key,
        "unsubscribed_all": current.unsubscribed_all,
        "held": [(row, timing.held_label(row)) for row in held],
        "digested": digested,
        "mandatory": _mandatory_names(),
    }

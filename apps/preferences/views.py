"""Portal pages: my preferences, the organisation's preferences (owners), and the change history with revert.

Each preferences page shows one tab per section, each field through the inline-edit kit (`apps.core.inline`).
With htmx every field saves on its own (`*_field`) and answers its partial ("saved", the error or the stale
refusal in place); without JavaScript the whole tab posts to the page and redirects back with a message, or
shows the page again with the errors in place.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.audit.models import AuditEntry
from apps.audit.selectors import audit_entries
from apps.core.htmx import HtmxHttpRequest, render_page
from apps.core.inline import IDLE, SAVED, STALE, InlineField, StaleEdit, inline_response, posted_version
from apps.core.pagination import paginate, query_without_page
from apps.core.roles import owner_required
from apps.preferences.editing import (
    LOCK_SUFFIX,
    ORGANISATION,
    EditScope,
    default_targets,
    defaults_edit_scope,
    global_edit_scope,
    stale_edit,
    user_edit_scope,
)
from apps.preferences.history import change_get, change_list, change_preference, change_revertible, change_rows
from apps.preferences.models import PreferenceChange
from apps.preferences.registries import global_preferences_registry, user_preferences_registry
from apps.preferences.services import StaleValueError, preference_revert

PAGE = "preferences/preferences.html"
DEFAULTS = "preferences/defaults.html"
HISTORY = "preferences/history.html"
REVERT = "preferences/revert_confirm.html"
# The kind of the preference changes among the audit trail's target types, and how many audit entries show beside.
PREFERENCES_KIND = "preferences"
AUDIT_RECENT = 10

_PAGES = {
    "user": {"title": "My preferences", "intro": "How the portal looks and behaves for you."},
    "global": {
        "title": "Organisation preferences",
        "intro": "Settings that apply to everyone in your organisation.",
    },
    "org_default": {
        "title": "Member defaults",
        "intro": "What members see until they choose for themselves; a locked default cannot be changed by them.",
    },
    "group_default": {
        "title": "Member defaults",
        "intro": "A group's default wins over the organisation's for its members; among several groups the one "
        "highest in the groups' order wins. A locked default cannot be changed by members.",
    },
}


# --- my preferences -----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def user_preferences(request: HttpRequest) -> HttpResponse:
    """Show (and, without JavaScript, save) one tab of the signed-in user's preferences."""
    return _page(request, user_edit_scope(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def user_section(request: HttpRequest, section: str) -> HttpResponse:
    """Show (and save) the tab `section` of the user's preferences: the documented `user.section` URL."""
    return _page(request, user_edit_scope(request.user), section=section)


@login_required
@require_POST
def user_field(request: HtmxHttpRequest, key: str) -> HttpResponse:
    """Save one of the user's preferences and answer its field."""
    return _field_save(request, user_edit_scope(request.user), key)


@login_required
@require_POST
def user_reset(request: HtmxHttpRequest, key: str) -> HttpResponse:
    """Put one of the user's preferences back to its default and answer its field."""
    return _field_reset(request, user_edit_scope(request.user), key)


# --- the organisation's preferences ---------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def global_preferences(request: HttpRequest) -> HttpResponse:
    """Show (and save) one tab of the tenant's preferences: owners, or holders of the section's permission."""
    return _page(request, global_edit_scope(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def global_section(request: HttpRequest, section: str) -> HttpResponse:
    """Show (and save) the tab `section` of the tenant's preferences: the documented `global.section` URL."""
    return _page(request, global_edit_scope(request.user), section=section)


@login_required
@require_POST
def global_field(request: HtmxHttpRequest, key: str) -> HttpResponse:
    """Save one of the tenant's preferences and answer its field."""
    return _field_save(request, global_edit_scope(request.user), key)


@login_required
@require_POST
def global_reset(request: HtmxHttpRequest, key: str) -> HttpResponse:
    """Put one of the tenant's preferences back to its default and answer its field."""
    return _field_reset(request, global_edit_scope(request.user), key)


# --- the owners' defaults of user preferences -------------------------------------------------------------
@owner_required
@require_http_methods(["GET", "POST"])
def defaults(request: HttpRequest, target: str = ORGANISATION) -> HttpResponse:
    """Show (and save) one tab of the organisation's or a group's defaults of members' preferences."""
    return _page(request, defaults_edit_scope(request.user, target), template=DEFAULTS)


@owner_required
@require_POST
def defaults_field(request: HtmxHttpRequest, target: str, key: str) -> HttpResponse:
    """Save one default and answer its field."""
    return _field_save(request, defaults_edit_scope(request.user, target), key)


@owner_required
@require_POST
def defaults_reset(request: HtmxHttpRequest, target: str, key: str) -> HttpResponse:
    """Remove one default (and its lock): members inherit from the next level; answer its field."""
    return _field_reset(request, defaults_edit_scope(request.user, target), key)


@owner_required
@require_POST
def defaults_lock(request: HtmxHttpRequest, target: str, key: str) -> HttpResponse:
    """Lock or unlock one default and answer its switch."""
    scope = defaults_edit_scope(request.user, target)
    preference = scope.preference(key)
    scope.require_edit(preference)
    locked = bool(request.POST.get(key + LOCK_SUFFIX))
    stale = None
    try:
        scope.lock(key, locked=locked, seen=posted_version(request, key + LOCK_SUFFIX))
    except StaleEdit as refused:
        stale = refused
    field = scope.lock_field(key, state=IDLE if stale else SAVED)
    field.stale = stale
    if stale is not None:
        field.state = STALE
    word = "locked" if locked else "unlocked"
    return inline_response(
        request,
        field,
        redirect_to=scope.page_url(scope.tab_of(preference)),
        saved_message=f"{preference.get_verbose_name()} {word}.",
    )


# --- history ------------------------------------------------------------------------------------------
@owner_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """List every change in the tenant, newest first: preference changes and the audit trail (people, invitations,
    groups…), filtered by kind (`?kind=preferences` or an audit target type), scope and key."""
    kinds = history_kinds()
    kind = request.GET.get("kind", "")
    if kind not in dict(kinds):
        kind = ""
    scope = request.GET.get("scope", "")
    if scope not in PreferenceChange.Scope.values:
        scope = ""
    query = request.GET.get("q", "").strip()
    show_preferences = kind in ("", PREFERENCES_KIND)
    page = audit_page = None
    rows: list[Any] = []
    if show_preferences:
        page = paginate(request, change_list(scope=scope, query=query))
        rows = change_rows(list(page), viewer=request.user)
    if kind != PREFERENCES_KIND:
        entries = audit_entries(target_type=kind, query=query)
        if kind:
            audit_page = paginate(request, entries)
            audit_rows = list(audit_page)
        else:
            audit_rows = list(entries[:AUDIT_RECENT])  # beside the preferences: the latest; a kind lists them all
    else:
        audit_rows = []
    for entry in audit_rows:
        entry.old_text, entry.new_text = _audit_text(entry.old), _audit_text(entry.new)
    context = {
        "page": page,
        "rows": rows,
        "audit_page": audit_page,
        "audit_rows": audit_rows,
        "audit_recent": AUDIT_RECENT,
        "kind": kind,
        "kinds": kinds,
        "show_preferences": show_preferences,
        "page_query": query_without_page(request),
        "scope": scope,
        "query": query,
        "scopes": PreferenceChange.Scope.choices,
        # `preferences` is added to the user model in PreferencesConfig.ready(); owner_required ensures a user.
        "time_zone": request.user.preferences["locale__time_zone"],  # type: ignore[union-attr]
    }
    return render_page(request, HISTORY, context, partial="results")


def _audit_text(values: Any) -> str:
    """Return an audit entry's old or new value as one line: "role: owner, groups: Sales, Support"."""
    if not isinstance(values, dict):
        return "" if values is None else str(values)
    parts = []
    for key, value in values.items():
        shown = ", ".join(map(str, value)) or "none" if isinstance(value, list) else str(value)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


def history_kinds() -> list[tuple[str, str]]:
    """Return the history page's kinds: preference changes, then each kind of target the audit trail holds."""
    targets = AuditEntry.objects.order_by("target_type").values_list("target_type", flat=True).distinct()
    audit_kinds = [(target, f"{target.capitalize()} changes") for target in targets]
    return [(PREFERENCES_KIND, "Preference changes"), *audit_kinds]


@owner_required
@require_http_methods(["GET", "POST"])
def history_revert(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET, the no-JavaScript form of the modal) and put back what a tenant-wide change replaced."""
    try:
        change = change_get(pk=pk)
    except PreferenceChange.DoesNotExist:
        raise Http404("No such change.") from None
    preference = change_preference(change)
    if change.scope not in REVERTIBLE_SCOPES or preference is None:
        raise Http404("Only changes of preferences the organisation still has can be reverted.")
    if not change_revertible(change, preference, viewer=request.user):
        raise PermissionDenied("You may not change this preference.")
    (row,) = change_rows([change], viewer=request.user)
    if request.method == "GET":
        return render(request, REVERT, {"row": row})
    store = _change_store(change)
    # "Revert anyway" after a stale refusal: the person saw the value now and still wants the old one back.
    force = bool(request.POST.get("force"))
    try:
        result = preference_revert(store=store, change=change, actor=request.user, force=force)
    except StaleValueError as exc:
        # Changed again since this change: refused like every inline editor, with a way to revert anyway.
        return render(request, REVERT, {"row": row, "stale": stale_edit(exc, store)})
    except ValidationError as exc:
        messages.error(request, f"{row.label} was not changed: {' '.join(exc.messages)}")
    else:
        if result is None:
            messages.info(request, f"{row.label} is already {row.old_display}.")
        else:
            messages.success(request, f"{row.label} is back to {row.old_display}.")
    return redirect("preferences:history")


REVERTIBLE_SCOPES = (
    PreferenceChange.Scope.GLOBAL,
    PreferenceChange.Scope.ORGANISATION_DEFAULT,
    PreferenceChange.Scope.GROUP_DEFAULT,
)


def _change_store(change: PreferenceChange) -> Any:
    """Return the store a revertible change was made in (404 when its group no longer exists)."""
    if change.scope == PreferenceChange.Scope.ORGANISATION_DEFAULT:
        return user_preferences_registry.organisation_defaults_store()
    if change.scope == PreferenceChange.Scope.GROUP_DEFAULT:
        group = Group.objects.filter(pk=int(change.owner)).first() if change.owner.isdigit() else None
        if group is None:
            raise Http404("That group no longer exists.")
        return user_preferences_registry.group_defaults_store(group)
    return global_preferences_registry.store()


# --- shared by both preferences pages -------------------------------------------------------------------
def _page(request: HttpRequest, scope: EditScope, *, section: str | None = None, template: str = PAGE) -> HttpResponse:
    # A tab link on a section page (`?section=…`) wins over the section in the path.
    tab = scope.tab(request.GET.get("section") or section)
    form = scope.form(tab=tab, data=request.POST if request.method == "POST" else None)
    stale = None
    if request.method == "POST":
        try:
            with transaction.atomic():  # the tab's values and (on a defaults page) its locks, all or nothing
                changes = scope.save(form, request.POST)
                if changes is not None and scope.is_defaults:
                    changes += scope.save_locks(form, request.POST)
        except StaleEdit as refused:
            changes, stale = None, refused
        if changes is not None:
            count = len(changes)
            if count:
                messages.success(request, f"{tab.label}: {count} change{'s' if count != 1 else ''} saved.")
            else:
                messages.info(request, f"{tab.label}: nothing changed.")
            return redirect(scope.page_url(tab))
    fields = scope.fields(form, stale=stale)
    context: dict[str, Any] = {
        **_PAGES[scope.scope],
        "scope": scope,
        "tab": tab,
        "form": form,
        "fields": fields,
        "page_url": scope.page_url(tab),
    }
    if scope.is_defaults:
        # Each default beside its lock; the targets (the organisation, then the groups in their order).
        context["pairs"] = [(field, _lock_field(scope, field.name, request, stale)) for field in fields]
        context["targets"] = default_targets()
        context["target"] = scope.url_args[0]
    return render_page(request, template, context, partial="panel")


def _lock_field(scope: EditScope, key: str, request: HttpRequest, stale: StaleEdit | None) -> InlineField:
    """Return the lock switch of `key` on a defaults page: as posted when the page shows a refused post."""
    field = scope.lock_field(key, data=request.POST if request.method == "POST" else None)
    if stale is not None and stale.name == key + LOCK_SUFFIX:
        field.stale, field.state = stale, STALE
    return field


def _field_save(request: HtmxHttpRequest, scope: EditScope, key: str) -> HttpResponse:
    preference = scope.preference(key)
    scope.require_edit(preference)
    form = scope.form(key=key, data=request.POST)
    stale = None
    try:
        saved = scope.save(form, request.POST) is not None
    except StaleEdit as refused:
        saved, stale = False, refused
    if saved:
        form = scope.form(key=key)  # The stored value, and the version of the next save.
    (field,) = scope.fields(form, state=SAVED if saved else IDLE, stale=stale)
    return inline_response(request, field, redirect_to=scope.page_url(scope.tab_of(preference)))


def _field_reset(request: HtmxHttpRequest, scope: EditScope, key: str) -> HttpResponse:
    preference = scope.preference(key)
    scope.require_edit(preference)
    stale = None
    try:
        # A page without the hidden version input (a hand-made request) resets without the check.
        scope.reset(scope.form(key=key), key, seen=posted_version(request, key))
    except StaleEdit as refused:
        stale = refused
    (field,) = scope.fields(scope.form(key=key), state=IDLE if stale else SAVED, stale=stale, reset_refused=True)
    return inline_response(
        request,
        field,
        redirect_to=scope.page_url(scope.tab_of(preference)),
        saved_message=f"{preference.get_verbose_name()} is back to its default.",
    )

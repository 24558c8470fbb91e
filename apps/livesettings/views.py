"""The superadmins' live settings console (public domain): values by section, inline saves, history, revert."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.core.htmx import HtmxHttpRequest, render_page
from apps.core.inline import (
    IDLE,
    SAVED,
    InlineAction,
    InlineField,
    InlineState,
    StaleEdit,
    inline_response,
    posted_version,
    version_token,
)
from apps.core.inputs import parse_id
from apps.core.pagination import paginate
from apps.core.roles import superadmin_required
from apps.livesettings import custom
from apps.livesettings.forms import CustomSettingForm, LiveSettingForm, ScheduleForm
from apps.livesettings.models import ScheduledChange
from apps.livesettings.registry import live_settings_registry
from apps.livesettings.selectors import (
    LiveSettingRow,
    decode_raw,
    format_value,
    last_site_changes,
    live_setting_row,
    live_setting_rows_by_section,
    scheduled_changes_overview,
    site_changes,
)
from apps.livesettings.services import (
    custom_setting_delete,
    custom_setting_save,
    live_setting_reset,
    live_setting_revert,
    live_setting_set,
    scheduled_change_cancel,
    scheduled_change_create,
)
from apps.preferences.editing import expected_raw, stale_edit
from apps.preferences.registries import site_preferences_registry
from apps.preferences.services import StaleValueError

TEMPLATE = "livesettings/settings.html"
# Never a stored text (JSON): a secret's write whose version is out of date is refused with it.
STALE_SECRET = "\x00stale"


def _preference(setting: str) -> Any:
    custom.custom_settings_sync()  # A custom setting created in another process since.
    try:
        return live_settings_registry.get(setting)
    except KeyError:
        raise Http404(f"No live setting {setting}.") from None


def _item(
    row: LiveSettingRow,
    *,
    form: LiveSettingForm | None = None,
    state: InlineState = IDLE,
    stale: StaleEdit | None = None,
    reset_refused: bool = False,
    confirming: bool = False,
) -> dict[str, Any]:
    """Return one row of the page: the setting, its form and its field in the inline-edit kit."""
    form = form or LiveSettingForm(row.preference, initial_value=row.site_value)
    context = {"row": row, "form": form, "confirming": confirming}
    reset_url = reverse("livesettings:setting-reset", args=[row.setting])
    reset = InlineAction(f"Reset to the settings.py value ({row.default_display})", reset_url)
    field = InlineField(
        form["value"],
        save_url=reverse("livesettings:setting-update", args=[row.setting]),
        # The stored text the row shows ("" for the settings.py default): a save from an older page is refused.
        version=_version(row.preference),
        state=state,
        stale=stale,
        own_form=True,
        trigger="change" if row.is_boolean else "submit",
        actions=[] if row.is_default else [reset],
        retry_url=reset_url if reset_refused else "",
        retry_label="Reset again" if reset_refused else "Apply my value again",
        testid=f"field-{row.setting}",
        target=f"#setting-{row.setting}",
        template=f"{TEMPLATE}#row",
        context=context,
    )
    return {**context, "field": field}


def _version(preference: Any) -> str:
    """Return the version a row carries: the stored text, or for a secret a token of it (never the text)."""
    raw = site_preferences_registry.manager().raw(preference.identifier) or ""
    return version_token(raw) if preference.secret else raw


def _expected(preference: Any, seen: str | None) -> Any:
    """Return the `expected_raw` of a write from the posted version (a secret's token maps to its text)."""
    if seen is None or not preference.secret:
        return expected_raw(seen)
    raw = site_preferences_registry.manager().raw(preference.identifier)
    # A token of another text: the write's check refuses it as stale, as it would any older version.
    return raw if seen == version_token(raw or "") else STALE_SECRET


def _row(preference: Any) -> LiveSettingRow:
    return live_setting_row(preference, last_change=last_site_changes().get(preference.identifier))


def _answer(request: HttpRequest, item: dict[str, Any]) -> HttpResponse:
    """Answer htmx with the row; a plain POST with the page (that row in the same state), or after a save a redirect."""
    field: InlineField = item["field"]
    setting = item["row"].setting

    def page() -> HttpResponse:
        return _render_page(request, focus=item, status=400 if field.invalid else 200)

    return inline_response(
        request,
        field,
        page=None if field.state == SAVED else page,
        redirect_to=reverse("livesettings:settings") + f"#setting-{setting}",
        saved_message=None,  # the view's own message says what the value is now
    )


def _stale(exc: StaleValueError, preference: Any) -> StaleEdit:
    return stale_edit(exc, site_preferences_registry.store(), display=lambda raw: _display_raw(preference, raw))


def _render_page(
    request: HttpRequest,
    *,
    focus: dict[str, Any] | None = None,
    status: int = 200,
    schedule_form: ScheduleForm | None = None,
    custom_form: CustomSettingForm | None = None,
    deleting: Any = None,
) -> HttpResponse:
    custom.custom_settings_sync()  # Those created or deleted in another process since.
    sections = []
    for section, rows in live_setting_rows_by_section():
        items = [focus if focus is not None and focus["row"].setting == row.setting else _item(row) for row in rows]
        sections.append((section, items))
    scheduled, scheduled_done = scheduled_changes_overview()
    context = {
        "sections": sections,
        "scheduled": scheduled,
        "scheduled_done": scheduled_done,
        "schedule_form": schedule_form or ScheduleForm(settings=list(live_settings_registry)),
        "time_zone": timezone.get_current_timezone_name(),
        "custom_form": custom_form or CustomSettingForm(types=custom.TYPES),
        "deleting": deleting,
    }
    return render_page(request, TEMPLATE, context, status=status)


@superadmin_required
@require_GET
def settings_list(request: HttpRequest) -> HttpResponse:
    """Show every live setting by section: its value now, the settings.py default, and who changed it when.

    `?confirm=<SETTING>&value=<value>` opens the confirmation of a dangerous change (the no-JS modal).
    """
    custom.custom_settings_sync()
    deleting = request.GET.get("delete", "")
    if deleting in live_settings_registry and live_settings_registry.get(deleting).custom:
        # The confirmation of a deletion, without JavaScript.
        return _render_page(request, deleting=live_settings_registry.get(deleting))
    setting = request.GET.get("confirm", "")
    if setting in live_settings_registry:
        preference = live_settings_registry.get(setting)
        try:
            value = preference.parse(request.GET.get("value", ""))
        except ValidationError:
            value = None
        if value is not None and preference.confirmation(value):
            return _render_page(request, focus=_item(_row(preference), confirming=True))
    return _render_page(request)


@superadmin_required
@require_POST
def setting_update(request: HtmxHttpRequest, setting: str) -> HttpResponse:
    """Save one setting's new value; dangerous values need `confirmed`; errors and stale saves show in place."""
    preference = _preference(setting)
    form = LiveSettingForm(preference, request.POST)
    if not form.is_valid():
        return _answer(request, _item(_row(preference), form=form))
    value = form.cleaned_data["value"]
    if preference.confirmation(value) and not request.POST.get("confirmed"):
        return _answer(request, _item(_row(preference), confirming=True))
    seen = posted_version(request, form["value"].html_name)
    try:
        change = live_setting_set(
            setting=preference.setting,
            value=value,
            actor=request.user,
            source="console",
            expected_raw=_expected(preference, seen),
        )
    except StaleValueError as exc:
        return _answer(request, _item(_row(preference), form=form, stale=_stale(exc, preference)))
    except ValidationError as exc:
        form.add_error("value", exc)
        return _answer(request, _item(_row(preference), form=form))
    if change is not None:
        messages.success(request, f"{preference.get_verbose_name()} is now {format_value(preference, value)}.")
    return _answer(request, _item(_row(preference), state=SAVED))


@superadmin_required
@require_POST
def setting_reset(request: HtmxHttpRequest, setting: str) -> HttpResponse:
    """Go back to the settings.py value; refused like a save when the value changed since the page showed it."""
    preference = _preference(setting)
    seen = posted_version(request, LiveSettingForm(preference)["value"].html_name)
    try:
        change = live_setting_reset(
            setting=preference.setting, actor=request.user, source="console", expected_raw=_expected(preference, seen)
        )
    except StaleValueError as exc:
        return _answer(request, _item(_row(preference), stale=_stale(exc, preference), reset_refused=True))
    except ValidationError as exc:
        form = LiveSettingForm(preference, {})
        form.add_error("value", exc)
        return _answer(request, _item(_row(preference), form=form))
    if change is not None:
        messages.success(request, f"{preference.get_verbose_name()} is back to its settings.py value.")
    return _answer(request, _item(_row(preference), state=SAVED))


@superadmin_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """List every change of the live settings, newest first, with a revert for each."""
    setting = request.GET.get("setting", "")
    changes = site_changes(setting=setting if setting in live_settings_registry else None)
    page = paginate(request, changes)
    by_key = {p.identifier: p for p in live_settings_registry}
    entries = []
    for change in page.object_list:
        if change.key == custom.DEFINITIONS_KEY:
            summary = custom.definitions_change_summary(change.old_raw_value, change.new_raw_value)
            entries.append({"change": change, "summary": summary})
            continue
        preference = by_key.get(change.key)
        if preference is None:
            continue
        entries.append(
            {
                "change": change,
                "preference": preference,
                "old": _display_raw(preference, change.old_raw_value),
                "new": _display_raw(preference, change.new_raw_value),
                "confirm": _revert_confirmation(preference, change),
            }
        )
    # `?revert=<id>` asks to confirm a dangerous revert (the modal, without JavaScript).
    # A malformed id only means there is nothing to confirm: the list still shows.
    revert = parse_id(request.GET.get("revert"))
    pending = site_changes().filter(pk=revert).first() if revert is not None else None
    pending_preference = by_key.get(pending.key) if pending else None
    confirm_revert = None
    if pending is not None and pending_preference is not None:
        confirm_revert = {
            "change": pending,
            "preference": pending_preference,
            "old": _display_raw(pending_preference, pending.old_raw_value),
            "message": _revert_confirmation(pending_preference, pending),
        }
    context = {
        "page": page,
        "entries": entries,
        "settings": list(live_settings_registry),
        "selected": setting,
        "confirm_revert": confirm_revert,
    }
    return render_page(request, "livesettings/history.html", context, partial="results")


def _revert_confirmation(preference: Any, change: Any) -> str:
    old = change.old_raw_value
    return str(preference.confirmation(preference.get_default() if old is None else decode_raw(preference, old)))


def _display_raw(preference: Any, raw: str | None) -> str:
    if raw is None:
        return "settings.py default"
    return format_value(preference, decode_raw(preference, raw))


@superadmin_required
@require_POST
def change_revert(request: HttpRequest, pk: int) -> HttpResponse:
    """Put back the value a change replaced (itself recorded as a change)."""
    change = get_object_or_404(site_changes(), pk=pk)
    # site_changes() holds only live settings' keys, so this always finds one.
    preference = next(p for p in live_settings_registry if p.identifier == change.key)
    if _revert_confirmation(preference, change) and not request.POST.get("confirmed"):
        return redirect(reverse("livesettings:history") + f"?revert={change.pk}")
    try:
        live_setting_revert(change=change, actor=request.user)
    except StaleValueError as exc:
        # Changed again since: refused with the inline-edit kit's words (who, when, the value now).
        stale = _stale(exc, preference)
        messages.error(request, f"{preference.get_verbose_name()} was not reverted: {stale.message}")
    except ValidationError as exc:
        messages.error(request, f"Could not revert {preference.setting}: {' '.join(exc.messages)}")
    else:
        messages.success(
            request, f"{preference.get_verbose_name()} is back to {_display_raw(preference, change.old_raw_value)}."
        )
    return redirect("livesettings:history")


@superadmin_required
@require_POST
def schedule_create(request: HttpRequest) -> HttpResponse:
    """Schedule a change of a live setting; a refused value or time shows the page again with the error in place."""
    form = ScheduleForm(request.POST, settings=list(live_settings_registry))
    if form.is_valid():
        data = form.cleaned_data
        try:
            change = scheduled_change_create(
                setting=data["setting"],
                value=data["value"],
                run_at=data["run_at"],
                reset=data["reset"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error("run_at" if getattr(exc, "code", None) in {"past", "naive"} else "value", exc)
        else:
            preference = live_settings_registry.get(change.setting)
            when = timezone.localtime(change.run_at).strftime("%Y-%m-%d %H:%M %Z")
            messages.success(request, f"{preference.get_verbose_name()} will change at {when}.")
            return redirect(reverse("livesettings:settings") + "#scheduled")
    return _render_page(request, schedule_form=form, status=400)


@superadmin_required
@require_POST
def schedule_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a pending scheduled change."""
    change = get_object_or_404(ScheduledChange, pk=pk)
    if scheduled_change_cancel(change=change, actor=request.user):
        messages.success(request, f"The scheduled change of {change.setting} is cancelled.")
    else:
        change.refresh_from_db()
        messages.info(request, f"The change of {change.setting} was already {change.get_state_display().lower()}.")
    return redirect(reverse("livesettings:settings") + "#scheduled")


# --- custom settings --------------------------------------------------------------------------------------
@superadmin_required
@require_POST
def custom_create(request: HttpRequest) -> HttpResponse:
    """Create a custom setting (or update a custom one of that name); errors show in place on the page."""
    form = CustomSettingForm(request.POST, types=custom.TYPES)
    if form.is_valid():
        data = form.cleaned_data
        existed = data["name"].strip() in custom.definitions()
        try:
            preference = custom_setting_save(
                name=data["name"],
                value_type=data["value_type"],
                value=data["value"],
                help_text=data["help_text"],
                overridable=data["overridable"],
                secret=data["secret"],
                actor=request.user,
                source="console",
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field, errors)
        else:
            verb = "updated" if existed else "created"
            messages.success(
                request, f"{preference.setting} {verb}: settings.{preference.setting} is now {_value_now(preference)}."
            )
            return redirect(reverse("livesettings:settings") + f"#setting-{preference.setting}")
    return _render_page(request, custom_form=form, status=400)


def _value_now(preference: Any) -> str:
    return format_value(preference, site_preferences_registry.manager()[preference.identifier])


@superadmin_required
@require_POST
def custom_delete(request: HttpRequest, setting: str) -> HttpResponse:
    """Delete a custom setting once confirmed (the modal, or `?delete=<NAME>` without JavaScript)."""
    custom.custom_settings_sync()
    preference = _preference(setting)
    if not preference.custom:
        raise Http404(f"{preference.setting} is not a custom setting.")
    if not request.POST.get("confirmed"):
        return redirect(reverse("livesettings:settings") + f"?delete={preference.setting}")
    try:
        custom_setting_delete(name=preference.setting, actor=request.user, source="console")
    except ValidationError as exc:
        messages.error(request, f"{preference.setting} was not deleted: {' '.join(exc.messages)}")
    else:
        messages.success(request, f"{preference.setting} is deleted: code reading settings.{preference.setting} fails.")
    return redirect("livesettings:settings")

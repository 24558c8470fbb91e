"""Tenant owners' page: their own values of the live settings they may override, within the site's bounds.

Each row's field is the inline-edit kit's (`apps.core.inline`): saved in place with htmx, refused in place when
outside the bounds or changed by someone else since the page showed it, and a plain POST without JavaScript.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
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
)
from apps.core.roles import owner_required
from apps.livesettings.forms import LiveSettingForm
from apps.livesettings.registry import TenantOverride, live_settings_registry
from apps.livesettings.selectors import (
    OverrideRow,
    decode_raw,
    format_value,
    live_setting_site_value,
    override_row,
    override_rows,
)
from apps.livesettings.services import tenant_override_reset, tenant_override_set
from apps.preferences.editing import expected_raw, stale_edit
from apps.preferences.registries import global_preferences_registry
from apps.preferences.services import StaleValueError

TEMPLATE = "livesettings/owner_settings.html"


def _override(setting: str) -> Any:
    override = live_settings_registry.override(setting)
    if override is None:
        raise Http404(f"{setting} cannot be overridden.")
    return override


def _form(setting: str, data: Any = None, **kwargs: Any) -> LiveSettingForm:
    """Return the override's form; a "lower only" setting's maximum is the site's value, in the field's units."""
    preference = live_settings_registry.get(setting)
    maximum = None
    if preference.tenant_override == TenantOverride.LOWER:
        maximum = live_setting_site_value(setting=setting)
    return LiveSettingForm(_override(setting), data, maximum=maximum, **kwargs)


def _item(
    row: OverrideRow,
    *,
    form: LiveSettingForm | None = None,
    state: InlineState = IDLE,
    stale: StaleEdit | None = None,
    reset_refused: bool = False,
) -> dict[str, Any]:
    """Return one row of the page: the setting, its form and its field in the inline-edit kit."""
    override = live_settings_registry.override(row.setting)
    form = form or _form(row.setting, initial_value=row.override)
    context = {"row": row, "form": form}
    reset_url = reverse("livesettings:owner-setting-reset", args=[row.setting])
    use_site = InlineAction(f"Use the site value ({row.site_display})", reset_url)
    field = InlineField(
        form["value"],
        save_url=reverse("livesettings:owner-setting-update", args=[row.setting]),
        # The tenant's stored text ("" while the site's value applies): a save from an older page is refused.
        version=global_preferences_registry.manager().raw(override.identifier) or "",
        state=state,
        stale=stale,
        own_form=True,
        trigger="submit",
        actions=[] if row.override is None else [use_site],
        retry_url=reset_url if reset_refused else "",
        retry_label="Use the site value again" if reset_refused else "Apply my value again",
        testid=f"field-{row.setting}",
        target=f"#override-{row.setting}",
        template=f"{TEMPLATE}#row",
        context=context,
    )
    return {**context, "field": field}


def _answer(request: HttpRequest, setting: str, **state: Any) -> HttpResponse:
    """Answer htmx with the row; a plain POST with the page (that row in the same state), or after a save a redirect."""
    preference = live_settings_registry.get(setting)
    focus = _item(override_row(preference), **state)
    field: InlineField = focus["field"]

    def page() -> HttpResponse:
        items = [focus if row.setting == preference.setting else _item(row) for row in override_rows()]
        return render_page(request, TEMPLATE, {"items": items}, status=400 if field.invalid else 200)

    return inline_response(
        request,
        field,
        page=None if field.state == SAVED else page,
        redirect_to=reverse("livesettings:owner-settings") + f"#override-{preference.setting}",
        saved_message=None,  # the view's own message says what the value is now
    )


def _stale(exc: StaleValueError, override: Any) -> StaleEdit:
    def display(raw: str | None) -> str:
        return "the site value" if raw is None else format_value(override, decode_raw(override, raw))

    return stale_edit(exc, global_preferences_registry.store(), display=display)


@owner_required
@require_GET
def owner_settings(request: HttpRequest) -> HttpResponse:
    """List the overridable live settings: the site's value and bounds, this tenant's value, the one in effect."""
    return render_page(request, TEMPLATE, {"items": [_item(row) for row in override_rows()]})


@owner_required
@require_POST
def owner_setting_update(request: HtmxHttpRequest, setting: str) -> HttpResponse:
    """Save the tenant's own value; a value outside the site's bounds, or a stale save, is refused in place."""
    override = _override(setting)
    form = _form(setting, request.POST)
    if not form.is_valid():
        return _answer(request, setting, form=form)
    seen = posted_version(request, form["value"].html_name)
    try:
        change = tenant_override_set(
            setting=setting,
            value=form.cleaned_data["value"],
            actor=request.user,
            source="form",
            expected_raw=expected_raw(seen),
        )
    except StaleValueError as exc:
        return _answer(request, setting, form=form, stale=_stale(exc, override))
    except ValidationError as exc:
        form.add_error("value", exc)
        return _answer(request, setting, form=form)
    if change is not None:
        shown = format_value(override, form.cleaned_data["value"])
        messages.success(request, f"{override.get_verbose_name()} for your organisation is now {shown}.")
    return _answer(request, setting, state=SAVED)


@owner_required
@require_POST
def owner_setting_reset(request: HtmxHttpRequest, setting: str) -> HttpResponse:
    """Drop the tenant's own value so the site's applies again; refused in place when changed since."""
    override = _override(setting)
    seen = posted_version(request, LiveSettingForm(override)["value"].html_name)
    try:
        change = tenant_override_reset(
            setting=setting, actor=request.user, source="form", expected_raw=expected_raw(seen)
        )
    except StaleValueError as exc:
        return _answer(request, setting, stale=_stale(exc, override), reset_refused=True)
    if change is not None:
        messages.success(request, f"{override.get_verbose_name()} now follows the site's value.")
    return _answer(request, setting, state=SAVED)

"""Tenant owners' page: their own values of the live settings they may override, within the site's bounds."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from apps.core.htmx import HtmxHttpRequest, render_page
from apps.core.roles import owner_required
from apps.livesettings.forms import LiveSettingForm
from apps.livesettings.registry import live_settings_registry
from apps.livesettings.selectors import format_value, override_row, override_rows
from apps.livesettings.services import tenant_override_reset, tenant_override_set

TEMPLATE = "livesettings/owner_settings.html"


def _override(setting: str) -> Any:
    override = live_settings_registry.override(setting)
    if override is None:
        raise Http404(f"{setting} cannot be overridden.")
    return override


def _item(row: Any, form: LiveSettingForm | None = None, **extra: Any) -> dict[str, Any]:
    override = live_settings_registry.override(row.setting)
    return {"row": row, "form": form or LiveSettingForm(override, initial_value=row.override), **extra}


def _render(request: HtmxHttpRequest, setting: str, *, status: int = 200, **extra: Any) -> HttpResponse:
    focus = _item(override_row(live_settings_registry.get(setting)), **extra)
    if request.htmx:
        return render_page(request, TEMPLATE, focus, partial="row", status=status)
    items = [focus if row.setting == setting else _item(row) for row in override_rows()]
    return render_page(request, TEMPLATE, {"items": items}, status=status)


@owner_required
@require_GET
def owner_settings(request: HttpRequest) -> HttpResponse:
    """List the overridable live settings: the site's value and bounds, this tenant's value, the one in effect."""
    return render_page(request, TEMPLATE, {"items": [_item(row) for row in override_rows()]})


@owner_required
@require_POST
def owner_setting_update(request: HtmxHttpRequest, setting: str) -> HttpResponse:
    """Save the tenant's own value; a value outside the site's bounds is refused in place."""
    override = _override(setting)
    form = LiveSettingForm(override, request.POST)
    if form.is_valid():
        try:
            change = tenant_override_set(
                setting=setting, value=form.cleaned_data["value"], actor=request.user, source="form"
            )
        except ValidationError as exc:
            form.add_error("value", exc)
        else:
            if change is not None:
                shown = format_value(override, form.cleaned_data["value"])
                messages.success(request, f"{override.get_verbose_name()} for your organisation is now {shown}.")
            if request.htmx:
                return _render(request, setting, saved=True)
            return redirect("livesettings:owner-settings")
    return _render(request, setting, form=form, status=200 if request.htmx else 400)


@owner_required
@require_POST
def owner_setting_reset(request: HtmxHttpRequest, setting: str) -> HttpResponse:
    """Drop the tenant's own value so the site's applies again."""
    override = _override(setting)
    if tenant_override_reset(setting=setting, actor=request.user, source="form") is not None:
        messages.success(request, f"{override.get_verbose_name()} now follows the site's value.")
    if request.htmx:
        return _render(request, setting, saved=True)
    return redirect("livesettings:owner-settings")

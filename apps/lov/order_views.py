"""The owners' "order and labels" page of a list: the tenant's order of the values it offers, and its labels.

Up/down buttons are plain forms (they work without JavaScript; htmx swaps the list in place); a default
value's tenant label is an inline-edit field of the kit in `apps.core.inline`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.htmx import render_page
from apps.core.inline import SAVED, STALE, InlineField, StaleEdit, inline_response, posted_version
from apps.core.inputs import GuardedTextForm
from apps.core.roles import owner_required
from apps.lov.models import AbstractLOVValue
from apps.lov.registry import LOVList
from apps.lov.services import StaleValueError, lov_order_set, lov_value_label_set, lov_value_move
from apps.lov.views import _list_or_404, _TenantRequest, _value_or_404

TEMPLATE = "lov/list_order.html"
MOVES = {"up": -1, "down": 1}


class LOVLabelForm(GuardedTextForm, forms.Form):
    """A tenant's label for one default value (empty: show the shared name)."""

    label = forms.CharField(max_length=100, required=False)

    def __init__(self, *args: Any, value: AbstractLOVValue, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"value-{value.pk}")
        super().__init__(*args, **kwargs)
        field = self.fields["label"]
        field.label = f"Label for “{value.name}”"
        field.widget.attrs.update(placeholder=value.name, maxlength=100)


def _offered(request: _TenantRequest, lov_list: LOVList) -> list[AbstractLOVValue]:
    return list(lov_list.selection_model._default_manager.selected_values_for_tenant(request.tenant))


def _label_field(
    lov_list: LOVList, value: AbstractLOVValue, form: LOVLabelForm | None = None, **state: Any
) -> InlineField:
    """Return a default value's label field; its version is the label the page shows."""
    current = getattr(value, "lov_tenant_label", None) or ""
    form = form or LOVLabelForm(value=value, initial={"label": current})
    return InlineField(
        form["label"],
        save_url=reverse("lov:value-label", args=[lov_list.key, value.pk]),
        version=current,
        label_hidden=True,
        trigger="change",
        target=f"#order-{value.pk}",
        template=f"{TEMPLATE}#order-row",
        **state,
    )


def _context(request: _TenantRequest, lov_list: LOVList, changed: InlineField | None = None) -> dict[str, Any]:
    values = _offered(request, lov_list)
    for position, value in enumerate(values, start=1):
        value.is_first, value.is_last = position == 1, position == len(values)  # type: ignore[attr-defined]
        value.label_field = None if value.is_custom else _label_field(lov_list, value)  # type: ignore[attr-defined]
        if changed is not None and value.label_field and value.label_field.name == changed.name:  # type: ignore[attr-defined]
            value.label_field = changed  # type: ignore[attr-defined]
    return {"lov_list": lov_list, "values": values, "count": len(values)}


@owner_required
def list_order(request: _TenantRequest, key: str) -> HttpResponse:
    """Show the values the tenant offers in its order (GET), or save a whole new order (POST `order`: value ids,
    as a drag and drop sends it)."""
    lov_list = _list_or_404(key)
    if request.method == "POST":
        ids = [int(pk) for pk in request.POST.getlist("order") if pk.isdigit()]
        try:
            lov_order_set(model=lov_list.value_model, tenant=request.tenant, value_ids=ids)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "The new order is saved.")
        if not request.htmx:
            return redirect("lov:list-order", key=lov_list.key)
    return render_page(request, TEMPLATE, _context(request, lov_list), partial="order")


@owner_required
@require_POST
def value_move(request: _TenantRequest, key: str, pk: int) -> HttpResponse:
    """Move a value one place up or down in the tenant's order."""
    lov_list = _list_or_404(key)
    value = _value_or_404(request, lov_list, pk)
    offset = MOVES.get(request.POST.get("direction", ""), 0)
    try:
        lov_value_move(value=value, tenant=request.tenant, offset=offset)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        where = "up" if offset < 0 else "down"
        messages.success(request, f"Moved “{value.lov_display}” {where}.")
    if not request.htmx:
        return redirect("lov:list-order", key=lov_list.key)
    return render_page(request, TEMPLATE, _context(request, lov_list), partial="order")


@owner_required
@require_POST
def value_label(request: _TenantRequest, key: str, pk: int) -> HttpResponse:
    """Save the tenant's label of a default value; errors, or a label changed meanwhile, show in place."""
    lov_list = _list_or_404(key)
    offered = _offered(request, lov_list)
    value = next((item for item in offered if item.pk == pk), None) or _value_or_404(request, lov_list, pk)
    value.is_first = bool(offered) and value is offered[0]  # type: ignore[attr-defined]
    value.is_last = bool(offered) and value is offered[-1]  # type: ignore[attr-defined]
    form = LOVLabelForm(request.POST, value=value)
    state: dict[str, Any] = {"form": form}
    if form.is_valid():
        try:
            lov_value_label_set(
                value=value,
                tenant=request.tenant,
                label=form.cleaned_data["label"],
                expected=posted_version(request, form.add_prefix("label")),
            )
        except StaleValueError as exc:
            stale = StaleEdit(who="someone else", when=None, current=f"“{exc.current or value.name}”")
            state = {"form": form, "state": STALE, "stale": stale}
        except ValidationError as exc:
            form.add_error("label", exc.messages)
        else:
            state = {"state": SAVED}
    field = _label_field(lov_list, value, **state)
    value.label_field = field  # type: ignore[attr-defined]
    field.context = {"lov_list": lov_list, "value": value}
    shown = value.lov_display
    return inline_response(
        request,
        field,
        page=None if field.state == SAVED else lambda: render(request, TEMPLATE, _context(request, lov_list, field)),
        redirect_to=reverse("lov:list-order", args=[lov_list.key]),
        saved_message=f"“{value.name}” is shown as “{shown}”.",
    )

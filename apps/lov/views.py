"""The owners' console for lists of values: which values the tenant offers, and its own custom values."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails
from django_tenants.models import TenantMixin

from apps.core.htmx import render_page
from apps.core.inline import SAVED, STALE, InlineField, StaleEdit, inline_response, posted_version
from apps.core.pagination import paginate
from apps.core.roles import owner_required
from apps.lov.forms import LOVRenameForm, LOVSelectForm, lov_custom_value_form_class
from apps.lov.models import AbstractLOVValue
from apps.lov.registry import LOVList, lov_list_get
from apps.lov.selectors import lov_list_summaries, lov_usage_counts, lov_value_rows
from apps.lov.services import (
    StaleValueError,
    lov_custom_value_create,
    lov_custom_value_delete,
    lov_custom_value_rename,
    lov_value_select,
)
from apps.lov.types import LOVValueType

TEMPLATE = "lov/list_detail.html"


class _TenantRequest(HttpRequest):
    """The request these views get (type checking only): django-tenants sets `tenant`, HtmxMiddleware `htmx`."""

    tenant: TenantMixin
    htmx: HtmxDetails


def _list_or_404(key: str) -> LOVList:
    lov_list = lov_list_get(key)
    if lov_list is None:
        raise Http404("No such list.")
    return lov_list


def _value_or_404(request: _TenantRequest, lov_list: LOVList, pk: int) -> AbstractLOVValue:
    """Return a value this tenant may use; another tenant's value is simply not found."""
    value = lov_list.value_model.objects.for_tenant(request.tenant).filter(pk=pk).first()
    if value is None:
        raise Http404("No such value.")
    return value


def _query(request: HttpRequest) -> str:
    return (request.GET.get("q") or request.POST.get("q") or "").strip()


def _url(name: str, lov_list: LOVList, *args: Any, query: str = "") -> str:
    """Return a URL of this list's pages, keeping the search (`?q=`) so a plain POST goes back to it."""
    url = reverse(f"lov:{name}", args=[lov_list.key, *args])
    return f"{url}?{urlencode({'q': query})}" if query else url


def _back(lov_list: LOVList, request: HttpRequest) -> HttpResponse:
    return redirect(_url("list-detail", lov_list, query=_query(request)))


def _expected_offered(version: str | None) -> bool | None:
    """Return whether the page showed the value offered ("on"/"off"); None (no check) when nothing was posted."""
    return None if version is None else version == "on"


def _select_field(
    lov_list: LOVList, value: AbstractLOVValue, query: str, form: LOVSelectForm | None = None, **state: Any
) -> InlineField:
    """Return a row's "offer" switch: locked for a mandatory value; its version is "on" or "off"."""
    form = form or LOVSelectForm(value=value, initial={"selected": value.is_selected})  # type: ignore[attr-defined]
    return InlineField(
        form["selected"],
        save_url=_url("value-select", lov_list, value.pk, query=query),
        version="on" if value.is_selected else "off",  # type: ignore[attr-defined]
        editable=not value.is_mandatory,
        badge="locked" if value.is_mandatory else "",
        target=f"#value-{value.pk}",
        template=f"{TEMPLATE}#row",
        **state,
    )


def _rename_field(
    lov_list: LOVList, value: AbstractLOVValue, query: str, form: LOVRenameForm | None = None, **state: Any
) -> InlineField:
    """Return a custom value's name field; its version is the name the row shows."""
    form = form or LOVRenameForm(value=value, initial={"name": value.name})
    return InlineField(
        form["name"],
        save_url=_url("value-rename", lov_list, value.pk, query=query),
        version=value.name,
        label_hidden=True,
        target=f"#value-{value.pk}",
        template=f"{TEMPLATE}#row",
        **state,
    )


def _fields(lov_list: LOVList, value: AbstractLOVValue, query: str, changed: InlineField | None = None) -> None:
    """Attach a row's inline fields to `value` for the template; `changed` replaces the one with its name."""
    fields = [_select_field(lov_list, value, query)]
    if value.is_custom:
        fields.append(_rename_field(lov_list, value, query))
    if changed is not None:
        fields = [changed if field.name == changed.name else field for field in fields]
    value.select_field = fields[0]  # type: ignore[attr-defined]
    value.rename_field = fields[1] if value.is_custom else None  # type: ignore[attr-defined]


def _row(request: _TenantRequest, lov_list: LOVList, value: AbstractLOVValue) -> dict[str, Any]:
    """Return the context of one value's row, with its selection state and usage count."""
    selections = lov_list.selection_model._default_manager
    value.is_selected = value.is_mandatory or selections.filter(lov_tenant=request.tenant, lov_value=value).exists()  # type: ignore[attr-defined]
    value.usage = lov_usage_counts(lov_list=lov_list, value_ids=[value.pk])[value.pk]  # type: ignore[attr-defined]
    return {"lov_list": lov_list, "value": value, "query": _query(request)}


def _add_field(request: _TenantRequest, lov_list: LOVList, form: Any = None, **state: Any) -> InlineField:
    """Return the "add your own value" field; a save answers the whole list, where the new row appears."""
    form = form or lov_custom_value_form_class(lov_list.value_model)(lov_tenant=request.tenant)
    form.fields["name"].label = f"New {lov_list.label_singular}"
    form.fields["name"].widget.attrs.update(placeholder=f"New {lov_list.label_singular}", maxlength=100)
    return InlineField(
        form["name"],
        save_url=_url("value-add", lov_list, query=_query(request)),
        label_hidden=True,
        own_form=True,
        submit_label="Add",
        trigger="submit",
        target="#lov-values",
        template=f"{TEMPLATE}#values",
        testid="add-value",
        **state,
    )


def _detail_context(
    request: _TenantRequest,
    lov_list: LOVList,
    *,
    add_field: InlineField | None = None,
    changed: tuple[int, InlineField] | None = None,
) -> dict[str, Any]:
    """Return the list page's context; `changed` is (value id, field) for a row shown in another state."""
    query = _query(request)
    rows = lov_value_rows(lov_list=lov_list, tenant=request.tenant, query=query)
    page = paginate(request, rows)
    values = list(page.object_list)
    usage = lov_usage_counts(lov_list=lov_list, value_ids=[value.pk for value in values])
    groups: dict[str, list[AbstractLOVValue]] = {t.value: [] for t in LOVValueType}
    for value in values:
        value.usage = usage[value.pk]
        value.is_selected = value.is_selected or value.is_mandatory
        _fields(lov_list, value, query, changed[1] if changed and changed[0] == value.pk else None)
        groups[value.value_type].append(value)
    return {
        "lov_list": lov_list,
        "move_targets": _move_targets(request, lov_list) if any(value.usage for value in values) else [],
        "page": page,
        "query": query,
        "groups": [(LOVValueType(key), items) for key, items in groups.items()],
        "add_field": add_field or _add_field(request, lov_list),
    }


@owner_required
def list_index(request: _TenantRequest) -> HttpResponse:
    """Show every list with how many values the tenant offers."""
    return render_page(request, "lov/list_index.html", {"summaries": lov_list_summaries(tenant=request.tenant)})


@owner_required
def list_detail(request: _TenantRequest, key: str) -> HttpResponse:
    """Show a list's values grouped by type; htmx searches swap only the values."""
    lov_list = _list_or_404(key)
    return render_page(request, TEMPLATE, _detail_context(request, lov_list), partial="values")


@owner_required
@require_POST
def value_add(request: _TenantRequest, key: str) -> HttpResponse:
    """Create a custom value and offer it; a bad name is shown under the field."""
    lov_list = _list_or_404(key)
    form = lov_custom_value_form_class(lov_list.value_model)(request.POST, lov_tenant=request.tenant)
    field: InlineField
    if form.is_valid():
        try:
            value = lov_custom_value_create(
                model=lov_list.value_model, tenant=request.tenant, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error("name", exc.messages)
            field = _add_field(request, lov_list, form)
        else:
            messages.success(request, f"“{value.name}” added to {lov_list.label.lower()} and offered in forms.")
            if not request.htmx:
                return _back(lov_list, request)
            field = _add_field(request, lov_list, state=SAVED)  # a blank field for the next one
    else:
        field = _add_field(request, lov_list, form)
    field.context = _detail_context(request, lov_list, add_field=field)
    return inline_response(request, field, page=lambda: render(request, TEMPLATE, field.context))


@owner_required
@require_POST
def value_select(request: _TenantRequest, key: str, pk: int) -> HttpResponse:
    """Offer or stop offering an optional or custom value (mandatory ones are locked)."""
    lov_list = _list_or_404(key)
    value = _value_or_404(request, lov_list, pk)
    form = LOVSelectForm(request.POST, value=value)
    selected = form.is_valid() and bool(form.cleaned_data["selected"])
    expected = _expected_offered(posted_version(request, form.add_prefix("selected")))
    state: dict[str, Any] = {"state": SAVED}
    try:
        lov_value_select(value=value, tenant=request.tenant, selected=selected, expected=expected)
    except StaleValueError as exc:
        now = "offered" if exc.current else "not offered"
        state = {"form": form, "state": STALE, "stale": StaleEdit(who="someone else", when=None, current=now)}
    except ValidationError as exc:
        state = {"form": form, "errors": exc.messages}
    context = _row(request, lov_list, value)
    field = _select_field(lov_list, value, context["query"], **state)
    return _row_response(
        request,
        lov_list,
        value,
        field,
        context,
        saved=f"“{value.name}” is {'now' if selected else 'no longer'} offered.",
    )


@owner_required
@require_POST
def value_rename(request: _TenantRequest, key: str, pk: int) -> HttpResponse:
    """Rename a custom value of this tenant; errors, or a name changed meanwhile, appear under the name."""
    lov_list = _list_or_404(key)
    value = _value_or_404(request, lov_list, pk)
    old_name = value.name
    form = LOVRenameForm(request.POST, value=value)
    state: dict[str, Any] = {"form": form}
    if form.is_valid():
        try:
            lov_custom_value_rename(
                value=value,
                tenant=request.tenant,
                name=form.cleaned_data["name"],
                expected=posted_version(request, form.add_prefix("name")),
            )
        except StaleValueError as exc:
            stale = StaleEdit(who="someone else", when=None, current=f"“{exc.current}”")
            state = {"form": form, "state": STALE, "stale": stale}
        except ValidationError as exc:
            value.name = old_name
            form.add_error("name", exc.messages)
        else:
            state = {"state": SAVED}
    context = _row(request, lov_list, value)
    field = _rename_field(lov_list, value, context["query"], **state)
    return _row_response(request, lov_list, value, field, context, saved=f"Renamed “{old_name}” to “{value.name}”.")


def _row_response(
    request: _TenantRequest,
    lov_list: LOVList,
    value: AbstractLOVValue,
    field: InlineField,
    context: dict[str, Any],
    *,
    saved: str,
) -> HttpResponse:
    """Answer a row's save: htmx gets the row; a plain POST goes back with `saved`, or shows the page with the
    field refused in place."""
    _fields(lov_list, value, context["query"], field)
    field.context = context
    if field.state == SAVED or getattr(request, "htmx", False):
        return inline_response(
            request, field, redirect_to=_url("list-detail", lov_list, query=context["query"]), saved_message=saved
        )
    return render(request, TEMPLATE, _detail_context(request, lov_list, changed=(value.pk, field)))


def _move_targets(request: _TenantRequest, lov_list: LOVList) -> list[AbstractLOVValue]:
    """Return the values a deleted value's records may move to: what the tenant offers, in its order."""
    return list(lov_list.selection_model._default_manager.selected_values_for_tenant(request.tenant))


def _move_target(request: _TenantRequest, lov_list: LOVList) -> AbstractLOVValue | None:
    """Return the value posted as `move_to` (None: keep the records on the deleted value)."""
    posted = request.POST.get("move_to", "")
    if not posted.isdigit():
        return None
    return _value_or_404(request, lov_list, int(posted))


@owner_required
def value_delete(request: _TenantRequest, key: str, pk: int) -> HttpResponse:
    """Confirm (GET) and soft-delete (POST) a custom value of this tenant, moving its records first if asked.

    The confirmation shows how many records use the value and offers to move them to another offered value;
    the move and the delete happen in one transaction.
    """
    lov_list = _list_or_404(key)
    value = _value_or_404(request, lov_list, pk)
    if request.method != "POST":
        context = {**_row(request, lov_list, value), "move_targets": _move_targets(request, lov_list)}
        return render_page(request, "lov/value_delete.html", context)
    target = _move_target(request, lov_list)
    try:
        lov_custom_value_delete(value=value, tenant=request.tenant, move_to=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if target is not None:
            messages.success(request, f"“{value.name}” deleted; its records now use “{target.lov_display}”.")
        else:
            messages.success(request, f"“{value.name}” deleted. Records that use it keep it, shown as archived.")
    if not request.htmx:
        return _back(lov_list, request)
    return render_page(request, TEMPLATE, _detail_context(request, lov_list), partial="values")

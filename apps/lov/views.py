"""The owners' console for lists of values: which values the tenant offers, and its own custom values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails
from django_tenants.models import TenantMixin

from apps.core.htmx import render_page
from apps.core.roles import owner_required
from apps.lov.forms import LOVRenameForm, lov_custom_value_form_class
from apps.lov.models import AbstractLOVValue
from apps.lov.registry import LOVList, lov_list_get
from apps.lov.selectors import lov_list_summaries, lov_usage_counts, lov_value_rows
from apps.lov.services import (
    lov_custom_value_create,
    lov_custom_value_delete,
    lov_custom_value_rename,
    lov_value_select,
)
from apps.lov.types import LOVValueType

PAGE_SIZE = 50
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


def _back(lov_list: LOVList, request: HttpRequest) -> HttpResponse:
    url = reverse("lov:list-detail", args=[lov_list.key])
    query = _query(request)
    return redirect(f"{url}?q={query}" if query else url)


def _row(request: _TenantRequest, lov_list: LOVList, value: AbstractLOVValue, **extra: Any) -> dict[str, Any]:
    """Return the context of one value's row, with its selection state and usage count."""
    selections = lov_list.selection_model._default_manager
    value.is_selected = value.is_mandatory or selections.filter(lov_tenant=request.tenant, lov_value=value).exists()  # type: ignore[attr-defined]
    value.usage = lov_usage_counts(lov_list=lov_list, value_ids=[value.pk])[value.pk]  # type: ignore[attr-defined]
    return {"lov_list": lov_list, "value": value, "query": _query(request), **extra}


def _detail_context(request: _TenantRequest, lov_list: LOVList, *, add_form: Any = None) -> dict[str, Any]:
    query = _query(request)
    rows = lov_value_rows(lov_list=lov_list, tenant=request.tenant, query=query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    values = list(page.object_list)
    usage = lov_usage_counts(lov_list=lov_list, value_ids=[value.pk for value in values])
    groups: dict[str, list[AbstractLOVValue]] = {t.value: [] for t in LOVValueType}
    for value in values:
        value.usage = usage[value.pk]
        groups[value.value_type].append(value)
    form_class = lov_custom_value_form_class(lov_list.value_model)
    return {
        "lov_list": lov_list,
        "page": page,
        "query": query,
        "groups": [(LOVValueType(key), items) for key, items in groups.items()],
        "add_form": add_form or form_class(lov_tenant=request.tenant),
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
    form: forms.ModelForm | None  # None once saved over htmx: the partial then shows a blank form
    form = lov_custom_value_form_class(lov_list.value_model)(request.POST, lov_tenant=request.tenant)
    if form.is_valid():
        try:
            value = lov_custom_value_create(
                model=lov_list.value_model, tenant=request.tenant, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error("name", exc.messages)
        else:
            messages.success(request, f"“{value.name}” added to {lov_list.label.lower()} and offered in forms.")
            if not request.htmx:
                return _back(lov_list, request)
            form = None
    if not request.htmx:
        return render_page(request, TEMPLATE, _detail_context(request, lov_list, add_form=form))
    return render_page(request, TEMPLATE, _detail_context(request, lov_list, add_form=form), partial="values")


@owner_required
@require_POST
def value_select(request: _TenantRequest, key: str, pk: int) -> HttpResponse:
    """Offer or stop offering an optional or custom value (mandatory ones are locked)."""
    lov_list = _list_or_404(key)
    value = _value_or_404(request, lov_list, pk)
    selected = request.POST.get("selected") in ("on", "true", "1")
    error = None
    try:
        lov_value_select(value=value, tenant=request.tenant, selected=selected)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"“{value.name}” is {'now' if selected else 'no longer'} offered.")
        return _back(lov_list, request)
    context = _row(request, lov_list, value, saved=error is None, select_error=error)
    return render_page(request, TEMPLATE, context, partial="row")


@owner_required
@require_POST
def value_rename(request: _TenantRequest, key: str, pk: int) -> HttpResponse:
    """Rename a custom value of this tenant; errors appear under the name."""
    lov_list = _list_or_404(key)
    value = _value_or_404(request, lov_list, pk)
    form = LOVRenameForm(request.POST)
    error = None
    old_name = value.name
    if form.is_valid():
        try:
            lov_custom_value_rename(value=value, tenant=request.tenant, name=form.cleaned_data["name"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
            value.name = old_name
    else:
        error = " ".join(str(message) for message in form.errors["name"])
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"Renamed “{old_name}” to “{value.name}”.")
        return _back(lov_list, request)
    attempted = request.POST.get("name", "")
    context = _row(request, lov_list, value, saved=error is None, rename_error=error, attempted=attempted)
    return render_page(request, TEMPLATE, context, partial="row")


@owner_required
def value_delete(request: _TenantRequest, key: str, pk: int) -> HttpResponse:
    """Confirm (GET) and soft-delete (POST) a custom value of this tenant."""
    lov_list = _list_or_404(key)
    value = _value_or_404(request, lov_list, pk)
    if request.method != "POST":
        return render_page(request, "lov/value_delete.html", _row(request, lov_list, value))
    try:
        lov_custom_value_delete(value=value, tenant=request.tenant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{value.name}” deleted. Records that use it keep it, shown as archived.")
    if not request.htmx:
        return _back(lov_list, request)
    return render_page(request, TEMPLATE, _detail_context(request, lov_list), partial="values")

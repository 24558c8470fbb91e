"""Reads for the owner console and the API: a tenant's view of each list, with selection and usage counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from apps.lov.managers import tenant_pk
from apps.lov.registry import LOVList, lov_lists
from apps.lov.types import LOVValueType

TYPE_ORDER = Case(
    When(value_type=LOVValueType.MANDATORY, then=Value(0)),
    When(value_type=LOVValueType.OPTIONAL, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class LOVListSummary:
    """How one list looks to a tenant, for the console's index."""

    lov_list: LOVList
    mandatory: int
    optional: int
    optional_selected: int
    custom: int

    @property
    def offered(self) -> int:
        return self.mandatory + self.optional_selected + self.custom


def lov_value_rows(*, lov_list: LOVList, tenant: Any, query: str = "") -> QuerySet:
    """Return the values available to `tenant`, annotated with `is_selected` and the tenant's label
    (`lov_tenant_label`), mandatory first, then by name."""
    selected = lov_list.selection_model._default_manager.filter(lov_tenant=tenant_pk(tenant), lov_value=OuterRef("pk"))
    rows = (
        lov_list.value_model.objects.for_tenant(tenant)
        .annotate(
            is_selected=Exists(selected),
            lov_tenant_label=Subquery(selected.values("lov_label")[:1]),
            type_order=TYPE_ORDER,
        )
        .order_by("type_order", "name", "pk")
    )
    if query:
        rows = rows.filter(name__icontains=query)
    return rows


def lov_usage_counts(*, lov_list: LOVList, value_ids: Iterable[int]) -> Counter[int]:
    """Return {value id: number of records in the active tenant schema that use it}; one query per usage."""
    ids = list(value_ids)
    counts: Counter[int] = Counter()
    if not ids:
        return counts
    for model, field_name in lov_list.usages:
        grouped = (
            model._default_manager.filter(**{f"{field_name}__in": ids})
            .values_list(field_name)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for value_id, n in grouped:
            counts[value_id] += n
    return counts


def lov_list_summaries(*, tenant: Any) -> list[LOVListSummary]:
    """Return each list's counts for `tenant`, one query per list."""
    summaries = []
    for lov_list in lov_lists():
        selected = lov_list.selection_model._default_manager.filter(
            lov_tenant=tenant_pk(tenant), lov_value=OuterRef("pk")
        )
        counts = (
            lov_list.value_model.objects.for_tenant(tenant)
            .annotate(is_selected=Exists(selected))
            .aggregate(
                mandatory=Count("pk", filter=Q(value_type=LOVValueType.MANDATORY)),
                optional=Count("pk", filter=Q(value_type=LOVValueType.OPTIONAL)),
                optional_selected=Count("pk", filter=Q(value_type=LOVValueType.OPTIONAL, is_selected=True)),
                custom=Count("pk", filter=Q(value_type=LOVValueType.CUSTOM)),
            )
        )
        summaries.append(LOVListSummary(lov_list=lov_list, **counts))
    return summaries

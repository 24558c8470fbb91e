"""Query sets and managers of list values and of tenants' selections."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from apps.lov.types import DEFAULT_VALUE_TYPES, LOVValueType

if TYPE_CHECKING:
    from apps.lov.models import (
        AbstractLOVSelection,  # noqa: F401  # in a quoted base class parameter, unseen by ruff
        AbstractLOVValue,
    )


def tenant_pk(tenant: Any) -> Any:
    """Return the primary key of a tenant given as an instance or as a key."""
    return getattr(tenant, "pk", tenant)


class LOVValueQuerySet(models.QuerySet):
    """Values of one list. Every method filters without joins, so it chains and never repeats a row."""

    def live(self) -> LOVValueQuerySet:
        """Return the values that are not (soft-)deleted."""
        return self.filter(deleted__isnull=True)

    def defaults(self) -> LOVValueQuerySet:
        """Return the values provided in code (mandatory and optional)."""
        return self.filter(value_type__in=DEFAULT_VALUE_TYPES)

    def for_tenant(self, tenant: Any) -> LOVValueQuerySet:
        """Return the live values `tenant` may use: every mandatory and optional value, and its own custom ones."""
        return self.live().filter(
            Q(value_type__in=DEFAULT_VALUE_TYPES) | Q(value_type=LOVValueType.CUSTOM, lov_tenant=tenant_pk(tenant))
        )

    def in_tenant_order(self, tenant: Any) -> LOVValueQuerySet:
        """Return these values in `tenant`'s order, each annotated with the tenant's label (`lov_tenant_label`).

        The order is the tenant's own positions first, then the list's declared order (`lov_defaults_ordered`),
        then by name. `value.lov_display` is the label when the tenant gave one, else the name.
        """
        # The model is a concrete AbstractLOVValue (this query set's manager is only on those).
        selections = self.model.lov_selection_model()._default_manager.filter(  # type: ignore[attr-defined]
            lov_tenant=tenant_pk(tenant), lov_value=OuterRef("pk")
        )
        return self.annotate(
            lov_tenant_position=Subquery(selections.values("lov_position")[:1]),
            lov_tenant_label=Subquery(selections.values("lov_label")[:1]),
        ).order_by(
            F("lov_tenant_position").asc(nulls_last=True),
            F("lov_default_position").asc(nulls_last=True),
            "name",
            "pk",
        )

    def delete(self) -> tuple[int, dict[str, int]]:
        """Soft-delete the custom values in this query set; refuse if it holds a mandatory or optional value.

        Rows are never removed, so records that use a value keep showing it. Defaults are retired only by
        `update_lovs`, when they leave the code.
        """
        if self.exclude(value_type=LOVValueType.CUSTOM).exists():
            raise ValidationError("Mandatory and optional values cannot be deleted.", code="protected")
        count = self.live().update(deleted=timezone.now())
        return count, {self.model._meta.label: count}

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class LOVValueManager(models.Manager.from_queryset(LOVValueQuerySet)):  # type: ignore[misc]
    """Create values with their invariants checked; `before_create`/`after_create` are hooks for subclasses.

    Both hooks get the new value's fields as keyword arguments (`name=`, `value_type=`, `lov_tenant=`):
    `before_create(*args, **kwargs)` before the value is built and validated, `after_create(obj, *args,
    **kwargs)` after it is saved, in the same transaction.
    """

    def before_create(self, *args: Any, **kwargs: Any) -> None:
        """Run before a value is built, validated and saved (override, e.g. to refuse or log)."""

    def after_create(self, obj: AbstractLOVValue, *args: Any, **kwargs: Any) -> None:
        """Run after `obj` is saved, in the same transaction (an exception rolls the creation back)."""

    def create_for_tenant(self, tenant: Any, name: str) -> AbstractLOVValue:
        """Create a custom value of `tenant`. Raise ValidationError for an invalid or taken name."""
        if tenant is None:
            raise ValidationError("A custom value needs a tenant.", code="tenant")
        return self._create_value(name=name, value_type=LOVValueType.CUSTOM, lov_tenant=tenant)

    def create_mandatory(self, name: str) -> AbstractLOVValue:
        """Create a value every tenant has."""
        return self._create_value(name=name, value_type=LOVValueType.MANDATORY, lov_tenant=None)

    def create_optional(self, name: str) -> AbstractLOVValue:
        """Create a value tenants may select."""
        return self._create_value(name=name, value_type=LOVValueType.OPTIONAL, lov_tenant=None)

    def _create_value(self, *, name: str, value_type: str, lov_tenant: Any) -> AbstractLOVValue:
        fields = {"name": name, "value_type": value_type, "lov_tenant": lov_tenant}
        self.before_create(**fields)
        value = self.model(**fields)
        # The model's clean() checks the name; the database constraints catch a concurrent duplicate.
        value.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                value.save(force_insert=True)
                self.after_create(value, **fields)
        except IntegrityError as exc:
            raise ValidationError(
                {"name": ValidationError(f"“{value.name}” is already in this list.", code="duplicate")}
            ) from exc
        return value


class LOVSelectionQuerySet(models.QuerySet["AbstractLOVSelection"]):
    """Selections: which optional and custom values each tenant offers."""

    def for_tenant(self, tenant: Any) -> LOVSelectionQuerySet:
        """Return the selection rows of `tenant` only."""
        return self.filter(lov_tenant=tenant_pk(tenant))

    def _value_queryset(self) -> LOVValueQuerySet:
        # The foreign key points at the list's concrete value model, whose default manager is a LOVValueManager.
        return cast(LOVValueQuerySet, self.model.lov_value_field().related_model._default_manager.all())

    def values_for_tenant(self, tenant: Any) -> LOVValueQuerySet:
        """Return every live value available to `tenant`: the choices of its owner's selection form."""
        return self._value_queryset().for_tenant(tenant).in_tenant_order(tenant)

    def selected_values_for_tenant(self, tenant: Any) -> LOVValueQuerySet:
        """Return the live values `tenant` offers, in its order and with its labels: mandatory ones, and the
        optional and custom ones it selected."""
        selected = self.model._default_manager.filter(lov_tenant=tenant_pk(tenant), lov_value=OuterRef("pk"))
        return self.values_for_tenant(tenant).filter(Q(value_type=LOVValueType.MANDATORY) | Q(Exists(selected)))

    def selections_for_tenant(self, tenant: Any, *, keep: Any = None) -> LOVValueQuerySet:
        """Return the choices of a form field: the selected values, plus `keep` (a record's current value).

        `keep` lets a record that uses a value since deleted or deselected keep it when edited; the value
        is offered to that record only, never for new ones.
        """
        queryset = self.selected_values_for_tenant(tenant)
        keep_pk = getattr(keep, "pk", keep)
        if keep_pk is not None:
            offered = queryset.order_by().values("pk")
            queryset = self._value_queryset().filter(Q(pk__in=offered) | Q(pk=keep_pk)).in_tenant_order(tenant)
        return queryset


class LOVSelectionManager(models.Manager.from_queryset(LOVSelectionQuerySet)):  # type: ignore[misc]
    """Manager of a concrete selection model."""

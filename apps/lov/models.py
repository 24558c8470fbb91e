"""Abstract models a project subclasses once per list of values (job titles, task statuses…).

A concrete pair looks like:

    class TaskStatus(AbstractLOVValue):
        lov_tenant_model = "tenants.Tenant"
        lov_selections_model = "projects_lists.TaskStatusSelection"
        lov_defaults = {
            "To do": {"value_type": LOVValueType.MANDATORY},
            "Blocked": {"value_type": LOVValueType.OPTIONAL},
        }

        class Meta(AbstractLOVValue.Meta):
            verbose_name = "task status"

    class TaskStatusSelection(AbstractLOVSelection):
        lov_tenant_model = "tenants.Tenant"
        lov_value_model = "projects_lists.TaskStatus"

        class Meta(AbstractLOVSelection.Meta):
            pass

The foreign keys to the tenant model are built from these class attributes when the concrete class is
created, so a class that leaves out a required attribute fails at import with ImproperlyConfigured.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.base import ModelBase
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.lov.managers import LOVSelectionManager, LOVValueManager
from apps.lov.types import DEFAULT_VALUE_TYPES, LOVValueType

NAME_MAX_LENGTH = 100
_SPACES = re.compile(r"\s+")


def lov_name_normalise(name: Any) -> str:
    """Return `name` trimmed, with runs of whitespace folded to one space."""
    return _SPACES.sub(" ", str(name or "")).strip()


def _class_attr(key: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
    if key in attrs:
        return attrs[key]
    for base in bases:
        if hasattr(base, key):
            return getattr(base, key)
    return None


def _needs_fields(bases: tuple[type, ...], attrs: dict[str, Any]) -> bool:
    """Return whether this is the first concrete class below an abstract LOV model (not a proxy or child)."""
    meta = attrs.get("Meta")
    if getattr(meta, "abstract", False) or getattr(meta, "proxy", False):
        return False
    return all((options := getattr(base, "_meta", None)) is None or options.abstract for base in bases)


def _require(name: str, key: str, bases: tuple[type, ...], attrs: dict[str, Any], hint: str) -> Any:
    value = _class_attr(key, bases, attrs)
    if not value:
        raise ImproperlyConfigured(f"{name} must set the class attribute `{key}` ({hint}).")
    return value


DEFAULT_MODEL_BASE = "django.db.models.base.ModelBase"


def lov_model_base() -> type[ModelBase]:
    """Return the metaclass the abstract models build on: `settings.LOV_MODEL_BASE` (a dotted path or a class).

    Read once, when this module defines the abstract models (so set it in settings, before the app registry
    loads); the default is Django's own `ModelBase`.
    """
    configured = getattr(settings, "LOV_MODEL_BASE", DEFAULT_MODEL_BASE)
    base = import_string(configured) if isinstance(configured, str) else configured
    if not (isinstance(base, type) and issubclass(base, ModelBase)):
        raise ImproperlyConfigured(
            f"LOV_MODEL_BASE must be django.db.models.base.ModelBase or a subclass, not {base!r}."
        )
    return base


if TYPE_CHECKING:
    _ModelBase = ModelBase
else:
    _ModelBase = lov_model_base()


class LOVValueBase(_ModelBase):
    """Add the tenant foreign key and the selections many-to-many to each concrete value model."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kwargs: Any) -> type:
        if _needs_fields(bases, attrs) and any(isinstance(base, LOVValueBase) for base in bases):
            tenant_model = _require(name, "lov_tenant_model", bases, attrs, 'the tenant model, e.g. "tenants.Tenant"')
            selections = _require(name, "lov_selections_model", bases, attrs, "the selection model of this list")
            attr = lambda key: _class_attr(key, bases, attrs)  # noqa: E731
            attrs = {
                **attrs,
                "lov_tenant": models.ForeignKey(
                    tenant_model,
                    on_delete=attr("lov_tenant_on_delete") or models.CASCADE,
                    null=True,
                    blank=True,
                    related_name=attr("lov_tenant_model_related_name"),
                    related_query_name=attr("lov_tenant_model_related_query_name"),
                    verbose_name="tenant",
                    help_text="The tenant that created this custom value; empty for values provided in code.",
                ),
                "lov_associated_tenants": models.ManyToManyField(
                    tenant_model,
                    through=selections,
                    through_fields=("lov_value", "lov_tenant"),
                    related_name=attr("lov_associated_tenants_related_name"),
                    related_query_name=attr("lov_associated_tenants_related_query_name"),
                    blank=True,
                    verbose_name="selected by",
                ),
            }
        return super().__new__(mcs, name, bases, attrs, **kwargs)


class LOVSelectionBase(_ModelBase):
    """Add the tenant and value foreign keys to each concrete selection model."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kwargs: Any) -> type:
        if _needs_fields(bases, attrs) and any(isinstance(base, LOVSelectionBase) for base in bases):
            tenant_model = _require(name, "lov_tenant_model", bases, attrs, 'the tenant model, e.g. "tenants.Tenant"')
            value_model = _require(name, "lov_value_model", bases, attrs, "the value model of this list")
            attr = lambda key: _class_attr(key, bases, attrs)  # noqa: E731
            attrs = {
                **attrs,
                "lov_tenant": models.ForeignKey(
                    tenant_model,
                    on_delete=attr("lov_tenant_on_delete") or models.CASCADE,
                    related_name=attr("lov_tenant_model_related_name"),
                    related_query_name=attr("lov_tenant_model_related_query_name"),
                    verbose_name="tenant",
                ),
                "lov_value": models.ForeignKey(
                    value_model,
                    on_delete=models.CASCADE,
                    related_name=attr("lov_value_model_related_name"),
                    related_query_name=attr("lov_value_model_related_query_name"),
                    verbose_name="value",
                ),
            }
        return super().__new__(mcs, name, bases, attrs, **kwargs)


class AbstractLOVValue(models.Model, metaclass=LOVValueBase):
    """One value of a list: mandatory or optional (from `lov_defaults`), or custom (one tenant's)."""

    # name → {"value_type": LOVValueType.MANDATORY | LOVValueType.OPTIONAL[, "renamed_from": "Old name"]};
    # synchronised by `update_lovs`. A `renamed_from` (a name or a list of names) renames that row in place.
    lov_defaults: ClassVar[dict[str, dict[str, Any]]] = {}
    # True: the order of `lov_defaults` is the list's order (a workflow), before custom values; else by name.
    lov_defaults_ordered: ClassVar[bool] = False
    lov_tenant_model: ClassVar[str | type[models.Model] | None] = None  # required
    lov_tenant_on_delete: ClassVar[Any] = models.CASCADE
    lov_tenant_model_related_name: ClassVar[str] = "%(app_label)s_%(class)s_custom_values"
    lov_tenant_model_related_query_name: ClassVar[str] = "%(app_label)s_%(class)s_custom_value"
    lov_selections_model: ClassVar[str | type[models.Model] | None] = None  # required
    lov_associated_tenants_related_name: ClassVar[str] = "%(app_label)s_%(class)s_selected"
    lov_associated_tenants_related_query_name: ClassVar[str] = "%(app_label)s_%(class)s_selected_value"

    name = models.CharField(max_length=NAME_MAX_LENGTH)
    value_type = models.CharField(max_length=16, choices=LOVValueType.choices, default=LOVValueType.CUSTOM)
    deleted = models.DateTimeField(null=True, blank=True, help_text="When the value was deleted (soft delete).")
    created = models.DateTimeField(auto_now_add=True)
    lov_default_position = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        verbose_name="declared position",
        help_text="Place in lov_defaults when the list declares its order (set by update_lovs); empty otherwise.",
    )

    objects = LOVValueManager()

    if TYPE_CHECKING:
        # Added to every concrete class by LOVValueBase; the tenant model is configurable, hence Model/Any.
        lov_tenant: models.Model | None
        lov_tenant_id: Any

    class Meta:
        abstract = True
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_type=LOVValueType.CUSTOM, lov_tenant__isnull=False)
                | Q(value_type__in=DEFAULT_VALUE_TYPES, lov_tenant__isnull=True),
                name="%(app_label)s_%(class)s_tenant_iff_custom",
                violation_error_message="A custom value belongs to a tenant; mandatory and optional ones do not.",
            ),
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(lov_tenant__isnull=True, deleted__isnull=True),
                name="%(app_label)s_%(class)s_unique_default_name",
                violation_error_message="A live value with this name is already in this list.",
            ),
            models.UniqueConstraint(
                Lower("name"),
                "lov_tenant",
                condition=Q(lov_tenant__isnull=False, deleted__isnull=True),
                name="%(app_label)s_%(class)s_unique_custom_name",
                violation_error_message="A live value with this name is already in this list.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = lov_name_normalise(self.name)
        self.before_save()
        super().save(*args, **kwargs)
        self.after_save()

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Soft-delete a custom value; mandatory and optional values cannot be deleted."""
        if not self.is_custom:
            raise ValidationError(
                f"“{self.name}” is provided for every tenant and cannot be deleted.", code="protected"
            )
        if self.deleted is None:
            self.deleted = timezone.now()
            self.save(update_fields=["deleted"])
        return 1, {self._meta.label: 1}

    delete.alters_data = True  # type: ignore[attr-defined]

    @property
    def is_custom(self) -> bool:
        return self.value_type == LOVValueType.CUSTOM

    @property
    def is_mandatory(self) -> bool:
        return self.value_type == LOVValueType.MANDATORY

    @property
    def is_deleted(self) -> bool:
        return self.deleted is not None

    @property
    def lov_display(self) -> str:
        """Return what a tenant's people see: its label for this value (if read with one), else the name."""
        return getattr(self, "lov_tenant_label", None) or self.name

    @classmethod
    def lov_selection_model(cls) -> type[AbstractLOVSelection]:
        """Return the concrete selection model of this list (resolved)."""
        return cls._meta.get_field("lov_associated_tenants").remote_field.through  # type: ignore[union-attr]

    def clean(self) -> None:
        """Normalise the name and reject an empty or taken one (case-insensitive, among live values)."""
        self.name = lov_name_normalise(self.name)
        if not self.name:
            raise ValidationError({"name": ValidationError("Enter a name.", code="required")})
        if self.deleted is not None:
            return
        clash = type(self)._base_manager.filter(deleted__isnull=True, name__iexact=self.name).exclude(pk=self.pk)
        if self.value_type == LOVValueType.CUSTOM:
            clash = clash.filter(Q(lov_tenant__isnull=True) | Q(lov_tenant=self.lov_tenant_id))
        else:
            # lov_tenant is added to each concrete model by the metaclass, which the plugin cannot see.
            clash = clash.filter(lov_tenant__isnull=True)  # type: ignore[misc]
        if clash.exists():
            raise ValidationError(
                {"name": ValidationError(f"“{self.name}” is already in this list.", code="duplicate")}
            )

    def before_save(self) -> None:
        """Run before every save (override in a concrete model)."""

    def after_save(self) -> None:
        """Run after every save (override in a concrete model)."""


class AbstractLOVSelection(models.Model, metaclass=LOVSelectionBase):
    """A tenant's choice to offer one optional or custom value (mandatory values need no row)."""

    lov_value_model: ClassVar[str | type[models.Model] | None] = None  # required
    lov_tenant_model: ClassVar[str | type[models.Model] | None] = None  # required
    lov_tenant_on_delete: ClassVar[Any] = models.CASCADE
    lov_tenant_model_related_name: ClassVar[str] = "%(app_label)s_%(class)s_set"
    lov_tenant_model_related_query_name: ClassVar[str] = "%(app_label)s_%(class)s"
    lov_value_model_related_name: ClassVar[str] = "lov_selections"
    lov_value_model_related_query_name: ClassVar[str | None] = None

    created = models.DateTimeField(auto_now_add=True)
    # The tenant's own presentation of the value. A mandatory value gets a row only to hold these.
    lov_position = models.PositiveIntegerField(
        null=True, blank=True, verbose_name="position", help_text="The tenant's place for this value; empty: declared."
    )
    lov_label = models.CharField(
        max_length=NAME_MAX_LENGTH,
        blank=True,
        verbose_name="tenant label",
        help_text="What this tenant's people see instead of the shared name (default values only); empty: the name.",
    )

    objects = LOVSelectionManager()

    if TYPE_CHECKING:
        # Added to every concrete class by LOVSelectionBase; the tenant model is configurable, hence Model/Any.
        lov_tenant: models.Model
        lov_tenant_id: Any
        lov_value: AbstractLOVValue
        lov_value_id: Any

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["lov_tenant", "lov_value"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.lov_tenant} → {self.lov_value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.before_save()
        super().save(*args, **kwargs)
        self.after_save()

    def before_save(self) -> None:
        """Run before every save (override in a concrete model)."""

    def after_save(self) -> None:
        """Run after every save (override in a concrete model)."""

    @classmethod
    def lov_value_field(cls) -> models.ForeignKey:
        """Return the foreign key to the value model."""
        return cls._meta.get_field("lov_value")  # type: ignore[return-value]

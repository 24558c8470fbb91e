"""Stored rows the registries no longer explain: find them, and remove the ones whose key is gone.

A row is "undeclared" when its key is no longer registered (the preference was removed from code, or
its model no longer has a per-instance registry), "orphaned" when the row it belongs to was deleted,
and "undecodable" when its value no longer fits the preference's type (it then reads as the default).
The Django admin and `manage.py checkpreferences` share these helpers.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from apps.core.tenancy import on_public_schema
from apps.preferences.models import GlobalPreference, InstancePreference, PreferenceChange, UserPreference
from apps.preferences.registries import (
    GlobalPreferenceRegistry,
    InstancePreferenceRegistry,
    PreferenceRegistry,
    SitePreferenceRegistry,
    UserPreferenceRegistry,
    global_preferences_registry,
    instance_registries,
    site_preferences_registry,
    user_preferences_registry,
)
from apps.preferences.services import actor_name
from apps.preferences.site.models import SitePreference, SitePreferenceChange
from apps.preferences.stores import ScopeStore
from apps.preferences.types import BasePreferenceType

UNDECLARED = "undeclared"
ORPHANED = "orphaned"
_SCOPES: dict[type, str] = {
    SitePreference: "site",
    GlobalPreference: "global",
    UserPreference: "user",
    InstancePreference: "instance",
}
UNDECODABLE = "undecodable"


@dataclass(frozen=True)
class StoredRowIssue:
    """One stored row that the registries cannot use as it is."""

    scope: str
    row: Any
    problem: str
    detail: str = ""

    @property
    def owner(self) -> str:
        return row_owner_label(self.row)

    def __str__(self) -> str:
        owner = f" of {self.owner}" if self.owner else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.scope}{owner} {self.row.key} ({self.problem}{detail})"


def row_scope(row: models.Model) -> str:
    """Return the scope ("site", "global", "user", "instance") a stored row belongs to."""
    return _SCOPES[type(row)]


def row_registry(row: Any) -> PreferenceRegistry | None:
    """Return the registry that declares the row's preferences (None: its model has no registry anymore)."""
    scope = row_scope(row)
    if scope == "site":
        return site_preferences_registry
    if scope == "global":
        return global_preferences_registry
    if scope == "user":
        return user_preferences_registry
    return instance_registries().get(row.content_type.model_class())


def row_preference(row: Any) -> BasePreferenceType | None:
    """Return the declared preference of a stored row, or None when its key is no longer declared."""
    registry = row_registry(row)
    if registry is None or row.key not in registry:
        return None
    return registry.get(row.key)


def row_store(row: Any) -> ScopeStore | None:
    """Return the store to write the row's value through, or None when the row is undeclared or orphaned."""
    registry = row_registry(row)
    if registry is None or row.key not in registry:
        return None
    if isinstance(registry, SitePreferenceRegistry | GlobalPreferenceRegistry):
        return registry.store()
    if isinstance(registry, UserPreferenceRegistry):
        return registry.store(row.user)
    assert isinstance(registry, InstancePreferenceRegistry)
    instance = registry.model._default_manager.filter(pk=row.object_id).first()
    return registry.store(instance) if instance is not None else None


def row_owner_label(row: Any) -> str:
    """Return who the row belongs to, for reports ("" for the site and the tenant)."""
    scope = row_scope(row)
    if scope == "user":
        return str(row.user.get_username())
    if scope == "instance":
        return f"{row.content_type.app_label}.{row.content_type.model} #{row.object_id}"
    return ""


def row_decode(row: Any) -> tuple[bool, Any]:
    """Return (True, value) when the row's value decodes with its preference's type, else (False, None)."""
    preference = row_preference(row)
    if preference is None:
        return False, None
    stored = preference.stored_value(row.raw_value)
    return stored.decodes, stored.value if stored.decodes else None


def _rows_in_current_schema() -> Iterator[Any]:
    if on_public_schema():
        yield from SitePreference.objects.order_by("section", "name")
        return
    yield from GlobalPreference.objects.order_by("section", "name")
    yield from UserPreference.objects.select_related("user").order_by("user_id", "section", "name")
    yield from InstancePreference.objects.select_related("content_type").order_by(
        "content_type_id", "object_id", "section", "name"
    )


def stored_rows_check() -> list[StoredRowIssue]:
    """Return the problems of the rows stored in the current schema (site rows in public, others in a tenant)."""
    issues = []
    instances_seen: dict[tuple[int, str], bool] = {}
    for row in _rows_in_current_schema():
        scope = row_scope(row)
        if row_preference(row) is None:
            issues.append(StoredRowIssue(scope, row, UNDECLARED))
            continue
        if scope == "instance":
            ident = (row.content_type_id, row.object_id)
            if ident not in instances_seen:
                model = row.content_type.model_class()
                instances_seen[ident] = model._default_manager.filter(pk=row.object_id).exists()
            if not instances_seen[ident]:
                issues.append(StoredRowIssue(scope, row, ORPHANED))
                continue
        stored = row_preference(row).stored_value(row.raw_value)  # type: ignore[union-attr]
        if not stored.decodes:
            issues.append(StoredRowIssue(scope, row, UNDECODABLE, stored.error))
    return issues


def _change_fields(row: Any) -> dict[str, Any]:
    scope = row_scope(row)
    if scope == "site":
        return {}
    if scope == "user":
        return {"scope": scope, "owner": str(row.user_id)}
    if scope == "instance":
        return {"scope": scope, "owner": f"{row.content_type_id}:{row.object_id}"}
    return {"scope": scope, "owner": ""}


def stored_row_delete(*, row: Any, actor: Any = None, source: str = "command") -> None:
    """Delete a row the engine can no longer write through (undeclared or orphaned), recording it in history.

    Declared rows must be reset through `apps.preferences.services.preference_reset` instead, which also
    bumps the cache and sends the signal; an undeclared key has no preference class to signal about.
    """
    change_model = SitePreferenceChange if row_scope(row) == "site" else PreferenceChange
    with transaction.atomic():
        change_model._default_manager.create(
            section=row.section,
            name=row.name,
            old_raw_value=row.raw_value,
            new_raw_value=None,
            changed_by=actor_name(actor),
            source=source,
            **_change_fields(row),
        )
        row.delete()

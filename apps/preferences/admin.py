"""Django admin of stored preference values and their history (tenant schemas).

Each stored row is edited through its preference's own form field (a checkbox for a boolean, a select
for a choice…), validated with the preference's rules and saved through the engine's service, so the
change is recorded in history, the cache is refreshed and `preference_updated` is sent. Deleting a row
resets the preference to its default the same way.

Adding rows is disabled on purpose: a row exists only once someone set a value, the typed field depends
on the key, and the portal pages, the API and `manage.py preferences set` already set any key with its
typed field or validation. The admin is for looking at and correcting what is stored.

A change form carries the stored text it was opened with: saving after someone else changed the value
writes nothing and says "changed by X at HH:MM — now Y; your value was not saved".

Rows whose key is no longer declared are listed, read-only, and deletable (as `checkpreferences` reports).
The site scope lives in the public schema; its admin is in `apps.preferences.site.admin`.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from apps.core.inputs import GuardedTextForm
from apps.core.tenancy import on_public_schema
from apps.preferences.maintenance import row_decode, row_preference, row_store, stored_row_delete
from apps.preferences.models import GlobalPreference, InstancePreference, PreferenceChange, UserPreference
from apps.preferences.services import (
    ANY,
    StaleValueError,
    preference_check_fresh,
    preference_clean,
    preference_reset,
    preferences_set,
)

ADMIN_SOURCE = "admin"


class SchemaBoundAdminMixin:
    """Show a model only on the schema that holds its table (the admin site is shared by every domain)."""

    public_schema = False  # True: public domain only; False: tenant domains only

    def _on_its_schema(self) -> bool:
        return on_public_schema() == self.public_schema

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._on_its_schema() and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._on_its_schema() and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._on_its_schema() and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._on_its_schema() and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._on_its_schema() and super().has_delete_permission(request, obj)  # type: ignore[misc]


class StoredPreferenceForm(GuardedTextForm, forms.ModelForm):
    """The change form of one stored row: its preference's typed field as `value`, checked by the engine.

    `seen_raw` holds the stored text the form was opened with; a save based on an older value is refused.
    """

    row: Any = None
    preference: Any = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.preference is not None and "value" in cleaned:
            store = row_store(self.row)
            assert store is not None  # a row without a store has no `value` field
            key = self.preference.identifier
            try:
                # The service's own checks, so the admin accepts exactly what every other path accepts.
                preference_check_fresh(store=store, key=key, expected_raw=self.seen())
                preference_clean(store=store, key=key, value=cleaned["value"])
            except StaleValueError as exc:
                self.add_error("value", exc.describe())
            except ValidationError as exc:
                self.add_error("value", exc)
        return cleaned

    def seen(self) -> Any:
        """Return the stored text this form was opened with (ANY, no check, for a post without it)."""
        # An admin form is only opened on a stored row, so its text is never empty.
        return self.data.get(self.add_prefix("seen_raw")) or ANY


class StoredPreferenceAdmin(SchemaBoundAdminMixin, admin.ModelAdmin):
    """Stored values of one scope: typed change form, writes and deletes through the service."""

    form = StoredPreferenceForm
    owner_fields: tuple[str, ...] = ()
    list_display = ["key_display", "value_display", "updated_at", "updated_by"]
    list_filter = ["section"]
    search_fields = ["section", "name"]
    ordering = ["section", "name"]

    @admin.display(description="Key", ordering="name")
    def key_display(self, obj: Any) -> str:
        return str(obj.key)

    @admin.display(description="Value")
    def value_display(self, obj: Any) -> str:
        if row_preference(obj) is None:
            return f"{obj.raw_value} (no longer declared)"
        decodes, value = row_decode(obj)
        if not decodes:
            return f"{obj.raw_value} (does not decode; the default applies)"
        return str(value)

    @admin.display(description="Default")
    def default_display(self, obj: Any) -> str:
        preference = row_preference(obj)
        return "—" if preference is None else str(preference.get_default())

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["key_display", *self.owner_fields, "default_display", "raw_value", "updated_at", "updated_by"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        value = ["value", "seen_raw"] if obj is not None and row_store(obj) is not None else []
        fields = ["key_display", *self.owner_fields, *value, "default_display", "raw_value", "updated_at", "updated_by"]
        return [(None, {"fields": fields})]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        attrs: dict[str, Any] = {"row": obj, "preference": None}
        preference = row_preference(obj) if obj is not None else None
        if preference is not None and row_store(obj) is not None:
            field = preference.formfield()
            decodes, value = row_decode(obj)
            field.initial = value if decodes else preference.get_default()
            seen = forms.CharField(required=False, widget=forms.HiddenInput, initial=obj.raw_value)
            attrs.update(preference=preference, value=field, seen_raw=seen)
        kwargs["form"] = type("StoredPreferenceForm", (self.form,), attrs)
        return super().get_form(request, obj, change, **kwargs)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # See the module docstring.

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An undeclared or orphaned row has no typed field to edit: view it, delete it.
        if obj is not None and row_store(obj) is None:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Write the new value through the service (history, cache version, signal), never obj.save()."""
        store = row_store(obj)
        assert store is not None and form.preference is not None
        key = form.preference.identifier
        try:
            preferences_set(
                store=store,
                values={key: form.cleaned_data["value"]},
                actor=request.user,
                source=ADMIN_SOURCE,
                expected_raw={} if form.seen() is ANY else {key: form.seen()},
            )
        except StaleValueError as exc:
            # Changed between the form's check and this write: nothing was written; say so, not "changed".
            self.message_user(request, f"{key}: {exc.describe()}", messages.ERROR)
            request._preference_stale = True  # type: ignore[attr-defined]
            return
        obj.refresh_from_db()

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if getattr(request, "_preference_stale", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        """Reset the preference to its default through the service (or drop an undeclared row)."""
        store = row_store(obj)
        if store is None:
            stored_row_delete(row=obj, actor=request.user, source=ADMIN_SOURCE)
            return
        preference_reset(store=store, key=obj.key, actor=request.user, source=ADMIN_SOURCE)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(GlobalPreference)
class GlobalPreferenceAdmin(StoredPreferenceAdmin):
    pass


@admin.register(UserPreference)
class UserPreferenceAdmin(StoredPreferenceAdmin):
    owner_fields = ("user",)
    list_display = ["key_display", "user", "value_display", "updated_at", "updated_by"]
    list_select_related = ["user"]
    search_fields = ["section", "name", "user__username"]
    ordering = ["user__username", "section", "name"]


@admin.register(InstancePreference)
class InstancePreferenceAdmin(StoredPreferenceAdmin):
    owner_fields = ("content_type", "object_id")
    list_display = ["key_display", "content_type", "object_id", "value_display", "updated_at", "updated_by"]
    list_filter = ["section", "content_type"]
    list_select_related = ["content_type"]
    search_fields = ["section", "name", "object_id"]


class PreferenceChangeAdminBase(SchemaBoundAdminMixin, admin.ModelAdmin):
    """Read-only history: changes are made through the service, never edited afterwards."""

    list_display = ["changed_at", "key_display", "old_raw_value", "new_raw_value", "changed_by", "source"]
    list_filter = ["source", "section"]
    search_fields = ["section", "name", "changed_by"]
    date_hierarchy = "changed_at"

    @admin.display(description="Key", ordering="name")
    def key_display(self, obj: Any) -> str:
        return str(obj.key)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(PreferenceChange)
class PreferenceChangeAdmin(PreferenceChangeAdminBase):
    list_display = [
        "changed_at", "scope", "owner", "key_display", "old_raw_value", "new_raw_value", "changed_by", "source",
    ]  # fmt: skip
    list_filter = ["scope", "source", "section"]
    search_fields = ["section", "name", "changed_by", "owner"]

"""REST API of the tenant's global preferences (owners and section holders, as on the page) and the user's own.

Values travel in their JSON form: what the preference type's serializer stores, decoded (a date as
"2025-01-31", a model row as its primary key). A duration in seconds is written as 7200 or "PT2H" and
answered in seconds with the same values in ISO 8601 under `iso8601` (null for other types), as the live
settings API does. Writes call the preferences service, so they are validated
by the preference's rules, recorded in history with source "api", and signalled on commit.

- GET    /api/preferences/<scope>/           every preference with value, default and JSON Schema
- PATCH  /api/preferences/<scope>/           {"values": {key: value, …}}: all or nothing
- GET    /api/preferences/<scope>/schema/    the registry's JSON Schema
- GET    /api/preferences/<scope>/<key>/     one preference
- PUT/PATCH /api/preferences/<scope>/<key>/  {"value": …}
- DELETE /api/preferences/<scope>/<key>/     back to the default

Owners' defaults of user preferences (owners only): /api/preferences/defaults/organisation/[<key>/] and
/api/preferences/defaults/groups/<group id>/[<key>/]. GET lists or reads {key, value, is_set, locked, …};
PUT/PATCH {"value": …, "locked": true} sets either or both; DELETE removes the default and its lock.

A GET answers an ETag: of the stored value for one key, of the scope's stored values for the list. A write
with an If-Match that no longer matches answers 412 with the current value and writes nothing; the check runs
in the service, under the same lock as the write.

Errors: 400 {"errors": {key: [messages]}}, 403 for the wrong role, 404 for an unknown key, 412 (stale
If-Match) {"errors": {"if_match": [message]}, "current": …}.
"""

import json
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import (
    API_SOURCE,
    ETAG,
    IF_MATCH,
    PRECONDITION_FAILED,
    ErrorSerializer,
    JSONParser,
    errors_response,
    etag_of,
    etag_response,
    if_match_given,
    iso8601_field,
    iso8601_of,
    precondition_failed,
    stale_response,
    validation_errors,
)
from apps.core.roles import IsTenantOwner
from apps.preferences.permissions import MayChangeTenantPreferences, can_change, changeable_sections
from apps.preferences.registries import global_preferences_registry, user_preferences_registry
from apps.preferences.services import ANY, StaleValueError, preference_lock, preference_reset, preferences_set
from apps.preferences.stores import ScopeStore
from apps.preferences.types import BasePreferenceType


# --- serializers of the API's payloads (the engine's value serializers are apps.preferences.serializers) ---
class PreferenceOutputSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"section__name"')
    section = serializers.CharField(allow_blank=True)
    name = serializers.CharField()
    value = serializers.JSONField(help_text="The value in effect, in its JSON form.")
    default = serializers.JSONField(help_text="The default from code, in its JSON form.")
    is_default = serializers.BooleanField(help_text="True when no value is stored, so the default applies.")
    verbose_name = serializers.CharField()
    # The metaclass moves declared fields off the class, so this does not replace Field.help_text.
    help_text = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    schema = serializers.DictField(help_text="JSON Schema of the value.")
    iso8601 = iso8601_field()


class PreferenceValueInputSerializer(serializers.Serializer):
    # null is a value for some types (an empty model choice): the preference decides, not this serializer.
    value = serializers.JSONField(allow_null=True, help_text="The new value in its JSON form.")


class PreferenceBulkInputSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=serializers.JSONField(allow_null=True), allow_empty=False, help_text="{key: value, …}"
    )


class PreferenceBulkOutputSerializer(serializers.Serializer):
    changed = serializers.ListField(child=serializers.CharField(), help_text="Keys whose value changed.")
    preferences = PreferenceOutputSerializer(many=True)


def _json_form(preference: BasePreferenceType, value: Any) -> Any:
    return json.loads(preference.get_serializer().serialize(value))


def preference_payload(preference: BasePreferenceType, raw: str | None) -> dict[str, Any]:
    """Return the API representation of one preference whose stored JSON text is `raw` (None: the default)."""
    key = preference.identifier
    default = _json_form(preference, preference.get_default())
    value = json.loads(raw) if raw is not None else default
    return {
        "key": key,
        "section": preference.section_name,
        "name": preference.name,
        "value": value,
        "default": default,
        "is_default": raw is None,
        "verbose_name": str(preference.get_verbose_name()),
        "help_text": str(preference.get_help_text()),
        "schema": preference.json_schema(),
        "iso8601": iso8601_of(preference, value=value, default=default),
    }


def stored_raws(manager: Any) -> dict[str, str]:
    """Return {key: stored JSON text} of the values the manager's owner set (the ETag of a list hashes these)."""
    return {key: raw for key in manager if (raw := manager.raw(key)) is not None}


def _listing(preferences: Any, raws: dict[str, str]) -> Response:
    return etag_response([preference_payload(p, raws.get(p.identifier)) for p in preferences], etag_of(raws))


class _ScopeMixin:
    """What differs between the global and the user scope: the manager, the store, who may change what."""

    scope: str
    # Values are JSON: a form-encoded "true" would be the string "true".
    parser_classes: Sequence[type[BaseParser]] = [JSONParser]

    def get_manager(self, request: Request, *, written: bool = False) -> Any:
        """Return the manager to read from; `written`: one that sees what this request just wrote."""
        if self.scope == "global":
            return global_preferences_registry.manager()
        if written:
            # `request.user.preferences` keeps the values it loaded before the write: read them again.
            return user_preferences_registry.manager(request.user)
        # `preferences` is added to the user model in PreferencesConfig.ready(); the user scope requires a login.
        return request.user.preferences  # type: ignore[union-attr]

    def get_store(self, request: Request) -> ScopeStore:
        return self.get_manager(request).store()

    def visible(self, request: Request, manager: Any) -> list[BasePreferenceType]:
        """Return the preferences the user may see: theirs, or the tenant's of the sections they may change."""
        if self.scope != "global":
            return list(manager.registry)
        sections = changeable_sections(request.user, manager.registry)
        return [preference for preference in manager.registry if preference.section_name in sections]

    def get_preference(self, manager: Any, key: str, request: Request | None = None) -> BasePreferenceType:
        """Return the preference `key` (404 if unknown; 403 if `request`'s user may not see its section)."""
        try:
            preference = manager.registry.get(key)
        except KeyError as exc:
            raise Http404(str(exc.args[0])) from None
        if request is not None and preference not in self.visible(request, manager):
            raise PermissionDenied(f"You may not change {preference.identifier}.")
        return preference

    def check_change(self, request: Request, preference: BasePreferenceType) -> None:
        owner = request.user if self.scope == "user" else None
        if not can_change(request.user, preference, scope=self.scope, owner=owner):
            raise PermissionDenied(f"You may not change {preference.identifier}.")


_KEY = OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH, description='"section__name"')
_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid values, keyed by preference."),
    403: OpenApiResponse(description="Not allowed for your role."),
    412: PRECONDITION_FAILED,
}


class PreferenceListView(_ScopeMixin, APIView):
    """All preferences of the scope, and bulk updates."""

    @extend_schema(parameters=[ETAG], responses=PreferenceOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        manager = self.get_manager(request)
        return _listing(self.visible(request, manager), stored_raws(manager))

    @extend_schema(
        parameters=[IF_MATCH, ETAG],
        request=PreferenceBulkInputSerializer,
        responses={200: PreferenceBulkOutputSerializer, **_ERRORS},
    )
    def patch(self, request: Request) -> Response:
        """Set several values at once: all are validated first; if any is invalid, none is written.

        If-Match is the list's ETag: the values to change must still be the ones it was read with.
        """
        body = PreferenceBulkInputSerializer(data=request.data)
        if not body.is_valid():
            return errors_response(body.errors)
        values: dict[str, Any] = body.validated_data["values"]
        manager = self.get_manager(request)
        unknown = [key for key in values if key not in manager.registry]
        if unknown:
            return errors_response({key: ["No such preference."] for key in unknown})
        for key in values:
            self.check_change(request, manager.registry.get(key))
        raws = stored_raws(manager)
        stale = stale_response(request, etag_of(raws), lambda: _listing(self.visible(request, manager), raws).data)
        if stale is not None:
            return stale
        # The list matched: the service then checks, under the write's lock, that the keys to change still hold
        # the values that list was made of.
        expected = {key: raws.get(key) for key in values} if if_match_given(request) else None
        store = self.get_store(request)
        try:
            changes = preferences_set(
                store=store,
                values=values,
                actor=request.user,
                source=API_SOURCE,
                expected_raw=expected,
            )
        except StaleValueError:
            # Someone wrote between this request's read and the lock: answer what is stored now.
            current = _listing(self.visible(request, manager), {key: raw for key, (raw, _) in store.load().items()})
            return precondition_failed(current=current.data, etag=current["ETag"])
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        raws = stored_raws(self.get_manager(request, written=True))
        return etag_response(
            {
                "changed": [change.key for change in changes],
                "preferences": [preference_payload(manager.registry.get(key), raws.get(key)) for key in values],
            },
            etag_of(raws),
        )


class PreferenceDetailView(_ScopeMixin, APIView):
    """One preference: read, set, reset."""

    @staticmethod
    def _one(preference: BasePreferenceType, raw: str | None) -> Response:
        return etag_response(preference_payload(preference, raw), etag_of(raw))

    def _write(self, request: Request, key: str, data: Any = ANY) -> Response:
        """Set `key` to the value in the body `data` (ANY: reset it), unless If-Match names another version."""
        manager = self.get_manager(request)
        preference = self.get_preference(manager, key, request)
        self.check_change(request, preference)
        value = ANY
        if data is not ANY:
            body = PreferenceValueInputSerializer(data=data)
            if not body.is_valid():
                return errors_response(body.errors)
            value = body.validated_data["value"]
        raw = manager.raw(preference.identifier)
        stale = stale_response(request, etag_of(raw), lambda: self._one(preference, raw).data)
        if stale is not None:
            return stale
        expected = raw if if_match_given(request) else ANY
        try:
            if value is ANY:
                preference_reset(
                    store=self.get_store(request),
                    key=preference.identifier,
                    actor=request.user,
                    source=API_SOURCE,
                    expected_raw=expected,
                )
            else:
                preferences_set(
                    store=self.get_store(request),
                    values={preference.identifier: value},
                    actor=request.user,
                    source=API_SOURCE,
                    expected_raw=None if expected is ANY else {preference.identifier: expected},
                )
        except StaleValueError as exc:
            current = self._one(preference, exc.current_raw)
            return precondition_failed(current=current.data, etag=current["ETag"])
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        return self._one(preference, self.get_manager(request, written=True).raw(preference.identifier))

    @extend_schema(parameters=[_KEY, ETAG], responses={200: PreferenceOutputSerializer, 404: OpenApiResponse()})
    def get(self, request: Request, key: str) -> Response:
        manager = self.get_manager(request)
        preference = self.get_preference(manager, key, request)
        return self._one(preference, manager.raw(preference.identifier))

    @extend_schema(
        parameters=[_KEY, IF_MATCH, ETAG],
        request=PreferenceValueInputSerializer,
        responses={200: PreferenceOutputSerializer, **_ERRORS, 404: OpenApiResponse()},
    )
    def put(self, request: Request, key: str) -> Response:
        """Set the value."""
        return self._write(request, key, request.data)

    @extend_schema(
        parameters=[_KEY, IF_MATCH, ETAG],
        request=PreferenceValueInputSerializer,
        responses={200: PreferenceOutputSerializer, **_ERRORS, 404: OpenApiResponse()},
    )
    def patch(self, request: Request, key: str) -> Response:
        """Set the value (same as PUT: a preference has a single value)."""
        return self.put(request, key)

    @extend_schema(
        parameters=[_KEY, IF_MATCH, ETAG],
        responses={200: PreferenceOutputSerializer, 403: OpenApiResponse(), 412: PRECONDITION_FAILED},
    )
    def delete(self, request: Request, key: str) -> Response:
        """Reset to the default; answer the preference as it now reads."""
        return self._write(request, key)


class PreferenceSchemaView(_ScopeMixin, APIView):
    """The JSON Schema of every value of the scope, for API clients."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(self.get_manager(request).registry.json_schema())


@extend_schema_view(patch=extend_schema(operation_id="preferences_global_bulk_update"))
class GlobalPreferenceListView(PreferenceListView):
    scope = "global"
    # Who may open the organisation's preferences page (apps.preferences.permissions.may_change_section).
    permission_classes = [IsAuthenticated, MayChangeTenantPreferences]


class GlobalPreferenceDetailView(PreferenceDetailView):
    scope = "global"
    permission_classes = [IsAuthenticated, MayChangeTenantPreferences]


class GlobalPreferenceSchemaView(PreferenceSchemaView):
    scope = "global"
    permission_classes = [IsAuthenticated, MayChangeTenantPreferences]


@extend_schema_view(patch=extend_schema(operation_id="preferences_user_bulk_update"))
class UserPreferenceListView(PreferenceListView):
    scope = "user"


class UserPreferenceDetailView(PreferenceDetailView):
    scope = "user"


class UserPreferenceSchemaView(PreferenceSchemaView):
    scope = "user"


# --- the owners' defaults of user preferences ---------------------------------------------------------------
class DefaultOutputSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"section__name"')
    value = serializers.JSONField(help_text="The default set at this level in its JSON form; null when none is.")
    is_set = serializers.BooleanField(help_text="Whether this level sets a default (else members inherit past it).")
    locked = serializers.BooleanField(help_text="Whether members may not change the value.")
    code_default = serializers.JSONField(help_text="The default from code, in its JSON form.")
    verbose_name = serializers.CharField()
    iso8601 = iso8601_field()


class DefaultInputSerializer(serializers.Serializer):
    value = serializers.JSONField(
        required=False, allow_null=True, help_text="The default in its JSON form; leave out to keep it."
    )
    locked = serializers.BooleanField(required=False, help_text="Lock or unlock it; leave out to keep the lock.")


def default_payload(preference: BasePreferenceType, stored: Any) -> dict[str, Any]:
    """Return the API representation of one default (`stored`: a StoredDefault, or None when unset)."""
    value = json.loads(stored.raw) if stored is not None else None
    code_default = _json_form(preference, preference.get_default())
    return {
        "key": preference.identifier,
        "value": value,
        "is_set": stored is not None,
        "locked": bool(stored is not None and stored.locked),
        "code_default": code_default,
        "verbose_name": str(preference.get_verbose_name()),
        "iso8601": iso8601_of(preference, value=value, code_default=code_default),
    }


def _default_version(stored: Any) -> Any:
    return [stored.raw, stored.locked] if stored is not None else None


_GROUP = OpenApiParameter("group", OpenApiTypes.INT, OpenApiParameter.PATH, description="The group's id.")


class _DefaultsMixin:
    """The organisation's defaults (no `group` in the URL) or one group's; owners only."""

    parser_classes: Sequence[type[BaseParser]] = [JSONParser]

    def get_manager(self, group: str | None) -> Any:
        if group is None:
            return user_preferences_registry.organisation_defaults()
        # The URL takes any text (not <int:>), so that a malformed id is this API's JSON 404, not another view's.
        row = Group.objects.filter(pk=int(group)).first() if group.isdigit() and len(group) < 10 else None
        if row is None:
            raise Http404("No such group.")
        return user_preferences_registry.group_defaults(row)

    @staticmethod
    def preference_of(key: str) -> BasePreferenceType:
        try:
            preference: BasePreferenceType = user_preferences_registry.get(key)
        except KeyError as exc:
            raise Http404(str(exc.args[0])) from None
        return preference


class DefaultListView(_DefaultsMixin, APIView):
    """Every user preference with the default set at this level (the organisation, or one group)."""

    permission_classes = [IsAuthenticated, IsTenantOwner]

    @extend_schema(parameters=[ETAG], responses=DefaultOutputSerializer(many=True))
    def get(self, request: Request, group: str | None = None) -> Response:
        manager = self.get_manager(group)
        defaults = manager.defaults()
        payload = [default_payload(p, defaults.get(p.identifier)) for p in user_preferences_registry]
        return etag_response(payload, etag_of({key: _default_version(d) for key, d in defaults.items()}))


class DefaultDetailView(_DefaultsMixin, APIView):
    """One default: read, set (value and/or lock), remove."""

    permission_classes = [IsAuthenticated, IsTenantOwner]

    def _one(self, group: str | None, preference: BasePreferenceType) -> Response:
        stored = self.get_manager(group).stored(preference.identifier)
        return etag_response(default_payload(preference, stored), etag_of(_default_version(stored)))

    @extend_schema(parameters=[_KEY, ETAG], responses={200: DefaultOutputSerializer})
    def get(self, request: Request, key: str, group: str | None = None) -> Response:
        return self._one(group, self.preference_of(key))

    @extend_schema(
        parameters=[_KEY, IF_MATCH, ETAG],
        request=DefaultInputSerializer,
        responses={200: DefaultOutputSerializer, **_ERRORS},
    )
    def put(self, request: Request, key: str, group: str | None = None) -> Response:
        """Set the default and/or its lock (all in one transaction)."""
        preference = self.preference_of(key)
        manager = self.get_manager(group)  # an unknown group is a 404 before the body is read
        body = DefaultInputSerializer(data=request.data)
        if not body.is_valid():
            return errors_response(body.errors)
        if not body.validated_data:
            return errors_response({"non_field_errors": ["Give a value, a lock, or both."]})
        stored = manager.stored(preference.identifier)
        stale = stale_response(request, etag_of(_default_version(stored)), lambda: self._one(group, preference).data)
        if stale is not None:
            return stale
        expected = (stored.raw if stored is not None else None) if if_match_given(request) else ANY
        store = manager.store()
        try:
            with transaction.atomic():
                if "value" in body.validated_data:
                    preferences_set(
                        store=store,
                        values={preference.identifier: body.validated_data["value"]},
                        actor=request.user,
                        source=API_SOURCE,
                        expected_raw=None if expected is ANY else {preference.identifier: expected},
                    )
                    expected = ANY  # checked once, under the key's lock
                if "locked" in body.validated_data:
                    preference_lock(
                        store=store,
                        key=preference.identifier,
                        locked=body.validated_data["locked"],
                        actor=request.user,
                        source=API_SOURCE,
                        expected_raw=expected,
                    )
        except StaleValueError:
            current = self._one(group, preference)
            return precondition_failed(current=current.data, etag=current["ETag"])
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        return self._one(group, preference)

    @extend_schema(
        parameters=[_KEY, IF_MATCH, ETAG],
        request=DefaultInputSerializer,
        responses={200: DefaultOutputSerializer, **_ERRORS},
    )
    def patch(self, request: Request, key: str, group: str | None = None) -> Response:
        """Set the default and/or its lock (same as PUT)."""
        return self.put(request, key, group)

    @extend_schema(
        parameters=[_KEY, IF_MATCH, ETAG],
        responses={200: DefaultOutputSerializer, 412: PRECONDITION_FAILED},
    )
    def delete(self, request: Request, key: str, group: str | None = None) -> Response:
        """Remove the default and its lock: members inherit from the next level."""
        preference = self.preference_of(key)
        manager = self.get_manager(group)
        stored = manager.stored(preference.identifier)
        stale = stale_response(request, etag_of(_default_version(stored)), lambda: self._one(group, preference).data)
        if stale is not None:
            return stale
        expected = (stored.raw if stored is not None else None) if if_match_given(request) else ANY
        try:
            preference_reset(
                store=manager.store(),
                key=preference.identifier,
                actor=request.user,
                source=API_SOURCE,
                expected_raw=expected,
            )
        except StaleValueError:
            current = self._one(group, preference)
            return precondition_failed(current=current.data, etag=current["ETag"])
        return self._one(group, preference)


@extend_schema_view(get=extend_schema(operation_id="preferences_defaults_organisation_list"))
class OrganisationDefaultListView(DefaultListView):
    pass


@extend_schema_view(
    get=extend_schema(operation_id="preferences_defaults_organisation_retrieve"),
    put=extend_schema(operation_id="preferences_defaults_organisation_update"),
    patch=extend_schema(operation_id="preferences_defaults_organisation_partial_update"),
    delete=extend_schema(operation_id="preferences_defaults_organisation_destroy"),
)
class OrganisationDefaultDetailView(DefaultDetailView):
    pass


@extend_schema_view(get=extend_schema(operation_id="preferences_defaults_group_list", parameters=[_GROUP]))
class GroupDefaultListView(DefaultListView):
    pass


@extend_schema_view(
    get=extend_schema(operation_id="preferences_defaults_group_retrieve", parameters=[_GROUP]),
    put=extend_schema(operation_id="preferences_defaults_group_update", parameters=[_GROUP]),
    patch=extend_schema(operation_id="preferences_defaults_group_partial_update", parameters=[_GROUP]),
    delete=extend_schema(operation_id="preferences_defaults_group_destroy", parameters=[_GROUP]),
)
class GroupDefaultDetailView(DefaultDetailView):
    pass

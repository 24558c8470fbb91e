"""REST API of the tenant's global preferences (owners) and the requesting user's own preferences.

Values travel in their JSON form: what the preference type's serializer stores, decoded (a date as
"2025-01-31", a model row as its primary key). Writes go through the manager, so they are validated
by the preference's rules, recorded in history with source "api", and signalled on commit.

- GET    /api/preferences/<scope>/           every preference with value, default and JSON Schema
- PATCH  /api/preferences/<scope>/           {"values": {key: value, …}}: all or nothing
- GET    /api/preferences/<scope>/schema/    the registry's JSON Schema
- GET    /api/preferences/<scope>/<key>/     one preference
- PUT/PATCH /api/preferences/<scope>/<key>/  {"value": …}
- DELETE /api/preferences/<scope>/<key>/     back to the default

Errors: 400 {"errors": {key: [messages]}}, 403 for the wrong role, 404 for an unknown key.
"""

import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import roles
from apps.preferences.permissions import can_change
from apps.preferences.registries import global_preferences_registry
from apps.preferences.services import preference_reset, preferences_set
from apps.preferences.types import BasePreferenceType

API_SOURCE = "api"


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


class PreferenceErrorSerializer(serializers.Serializer):
    # The metaclass moves declared fields off the class, so this does not replace Serializer.errors.
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]


def _json_form(preference: BasePreferenceType, value: Any) -> Any:
    return json.loads(preference.get_serializer().serialize(value))


def preference_payload(manager: Any, preference: BasePreferenceType) -> dict[str, Any]:
    """Return the API representation of one preference as `manager` holds it."""
    key = preference.identifier
    raw = manager.raw(key)
    return {
        "key": key,
        "section": preference.section_name,
        "name": preference.name,
        "value": json.loads(raw) if raw is not None else _json_form(preference, preference.get_default()),
        "default": _json_form(preference, preference.get_default()),
        "is_default": raw is None,
        "verbose_name": str(preference.get_verbose_name()),
        "help_text": str(preference.get_help_text()),
        "schema": preference.json_schema(),
    }


def _errors(errors: dict[str, list[str]], code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"errors": errors}, status=code)


def _validation_errors(exc: ValidationError) -> Response:
    return _errors({key: [str(m) for m in messages] for key, messages in exc.message_dict.items()})


class IsTenantOwner(roles.IsTenantOwner):
    message = "Only the tenant's owners may manage its preferences."


class _ScopeMixin:
    """What differs between the global and the user scope: the manager, and who may change what."""

    scope: str
    # Values are JSON: a form-encoded "true" would be the string "true".
    parser_classes: Sequence[type[BaseParser]] = [JSONParser]

    def get_manager(self, request: Request) -> Any:
        # `preferences` is added to the user model in PreferencesConfig.ready(); the user scope requires a login.
        return global_preferences_registry.manager() if self.scope == "global" else request.user.preferences  # type: ignore[union-attr]

    def get_preference(self, manager: Any, key: str) -> BasePreferenceType:
        try:
            return manager.registry.get(key)
        except KeyError as exc:
            raise Http404(str(exc.args[0])) from None

    def check_change(self, request: Request, preference: BasePreferenceType) -> None:
        owner = request.user if self.scope == "user" else None
        if not can_change(request.user, preference, scope=self.scope, owner=owner):
            raise PermissionDenied(f"You may not change {preference.identifier}.")


_KEY = OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH, description='"section__name"')
_ERRORS = {
    400: OpenApiResponse(PreferenceErrorSerializer, description="Invalid values, keyed by preference."),
    403: OpenApiResponse(description="Not allowed for your role."),
}


class PreferenceListView(_ScopeMixin, APIView):
    """All preferences of the scope, and bulk updates."""

    @extend_schema(responses=PreferenceOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        manager = self.get_manager(request)
        return Response([preference_payload(manager, p) for p in manager.registry])

    @extend_schema(request=PreferenceBulkInputSerializer, responses={200: PreferenceBulkOutputSerializer, **_ERRORS})
    def patch(self, request: Request) -> Response:
        """Set several values at once: all are validated first; if any is invalid, none is written."""
        body = PreferenceBulkInputSerializer(data=request.data)
        if not body.is_valid():
            return _errors(body.errors)
        values: dict[str, Any] = body.validated_data["values"]
        manager = self.get_manager(request)
        unknown = [key for key in values if key not in manager.registry]
        if unknown:
            return _errors({key: ["No such preference."] for key in unknown})
        for key in values:
            self.check_change(request, manager.registry.get(key))
        try:
            changes = preferences_set(store=manager.store(), values=values, actor=request.user, source=API_SOURCE)
        except ValidationError as exc:
            return _validation_errors(exc)
        return Response(
            {
                "changed": [change.key for change in changes],
                "preferences": [preference_payload(manager, manager.registry.get(key)) for key in values],
            }
        )


class PreferenceDetailView(_ScopeMixin, APIView):
    """One preference: read, set, reset."""

    @extend_schema(parameters=[_KEY], responses={200: PreferenceOutputSerializer, 404: OpenApiResponse()})
    def get(self, request: Request, key: str) -> Response:
        manager = self.get_manager(request)
        return Response(preference_payload(manager, self.get_preference(manager, key)))

    @extend_schema(
        parameters=[_KEY],
        request=PreferenceValueInputSerializer,
        responses={200: PreferenceOutputSerializer, **_ERRORS, 404: OpenApiResponse()},
    )
    def put(self, request: Request, key: str) -> Response:
        """Set the value."""
        manager = self.get_manager(request)
        preference = self.get_preference(manager, key)
        self.check_change(request, preference)
        body = PreferenceValueInputSerializer(data=request.data)
        if not body.is_valid():
            return _errors(body.errors)
        try:
            preferences_set(
                store=manager.store(),
                values={preference.identifier: body.validated_data["value"]},
                actor=request.user,
                source=API_SOURCE,
            )
        except ValidationError as exc:
            return _validation_errors(exc)
        return Response(preference_payload(manager, preference))

    @extend_schema(
        parameters=[_KEY],
        request=PreferenceValueInputSerializer,
        responses={200: PreferenceOutputSerializer, **_ERRORS, 404: OpenApiResponse()},
    )
    def patch(self, request: Request, key: str) -> Response:
        """Set the value (same as PUT: a preference has a single value)."""
        return self.put(request, key)

    @extend_schema(parameters=[_KEY], responses={200: PreferenceOutputSerializer, 403: OpenApiResponse()})
    def delete(self, request: Request, key: str) -> Response:
        """Reset to the default; answer the preference as it now reads."""
        manager = self.get_manager(request)
        preference = self.get_preference(manager, key)
        self.check_change(request, preference)
        preference_reset(store=manager.store(), key=preference.identifier, actor=request.user, source=API_SOURCE)
        return Response(preference_payload(manager, preference))


class PreferenceSchemaView(_ScopeMixin, APIView):
    """The JSON Schema of every value of the scope, for API clients."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(self.get_manager(request).registry.json_schema())


@extend_schema_view(patch=extend_schema(operation_id="preferences_global_bulk_update"))
class GlobalPreferenceListView(PreferenceListView):
    scope = "global"
    permission_classes = [IsAuthenticated, IsTenantOwner]


class GlobalPreferenceDetailView(PreferenceDetailView):
    scope = "global"
    permission_classes = [IsAuthenticated, IsTenantOwner]


class GlobalPreferenceSchemaView(PreferenceSchemaView):
    scope = "global"
    permission_classes = [IsAuthenticated, IsTenantOwner]


@extend_schema_view(patch=extend_schema(operation_id="preferences_user_bulk_update"))
class UserPreferenceListView(PreferenceListView):
    scope = "user"


class UserPreferenceDetailView(PreferenceDetailView):
    scope = "user"


class UserPreferenceSchemaView(PreferenceSchemaView):
    scope = "user"

"""REST API of the live settings: superadmins change site values, tenant owners their tenant's overrides.

Values travel in their JSON form (a number of seconds, true/false, text). Every write goes through
apps.livesettings.services, so the API refuses what the console and `manage.py livesetting` refuse, with the
same messages, records who changed what (source "api"), and every process applies the change after commit.

Public domain, superadmins only:
- GET       /api/livesettings/          every live setting: value, settings.py default, bounds, last change
- GET       /api/livesettings/<NAME>/   one live setting
- PUT/PATCH /api/livesettings/<NAME>/   {"value": …}; a dangerous value (maintenance mode on) also needs
                                        "confirm": true, as the console asks for confirmation first
- DELETE    /api/livesettings/<NAME>/   back to the settings.py value (a custom setting: its initial value)
- POST      /api/livesettings/custom/   {"name", "type", "value", "help_text", "overridable", "secret"}: create a
                                        custom setting (201), or update the custom setting of that name (200)
- DELETE    /api/livesettings/custom/<NAME>/   delete a custom setting (204)

Tenant domains, the tenant's owners only:
- GET       /api/livesettings/overrides/          the settings owners may override: site value, bounds, own value
- GET       /api/livesettings/overrides/<NAME>/   one of them
- PUT/PATCH /api/livesettings/overrides/<NAME>/   {"value": …}: the tenant's own value, within the site's bounds
- DELETE    /api/livesettings/overrides/<NAME>/   follow the site's value again

Every answer has an ETag: of the stored site value (or the tenant's own value, under overrides/), or of all of
them for a list. A write whose If-Match no longer matches answers 412 with the current value and writes
nothing; the engine checks it under the same lock as the write.

A secret setting (`"secret": true`) is settable and never shown: its value and default read "••••••••" (or ""
when empty). A setting locked by the environment (`"locked_by": "LIVE_SETTING_<NAME>"`) refuses writes with
400 and the reason; `effective` is the value in effect.

Errors: 400 {"errors": {"value" | "confirm": [messages]}} with nothing written, 403 for the wrong role,
404 for a NAME that is not a live setting (or, under overrides/, not one owners may override), 412 (stale
If-Match) {"errors": {"if_match": [message]}, "current": …}.
"""

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
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
from apps.core.roles import IsSuperadmin, IsTenantOwner
from apps.livesettings import custom
from apps.livesettings.registry import SECRET_MASK, TenantOverride, live_settings_registry
from apps.livesettings.selectors import (
    OverrideRow,
    last_site_changes,
    live_setting_row,
    override_row,
    override_rows,
    site_changes,
)
from apps.livesettings.services import (
    custom_setting_delete,
    custom_setting_save,
    live_setting_reset,
    live_setting_set,
    tenant_override_reset,
    tenant_override_set,
)
from apps.preferences.registries import global_preferences_registry, site_preferences_registry
from apps.preferences.services import ANY, StaleValueError


# --- payloads ---------------------------------------------------------------------------------------------
class ConfirmationSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text='The value that needs "confirm": true.')
    message = serializers.CharField(help_text="What setting that value does.")


class LimitsSerializer(serializers.Serializer):
    minimum = serializers.JSONField(allow_null=True, help_text="Smallest value allowed; null when unbounded.")
    maximum = serializers.JSONField(allow_null=True, help_text="Largest value allowed; null when unbounded.")
    max_length = serializers.IntegerField(allow_null=True, help_text="Longest text allowed; null when unbounded.")
    choices = serializers.ListField(
        child=serializers.JSONField(), allow_null=True, help_text="The values allowed; null when any."
    )


class LiveSettingSerializer(LimitsSerializer):
    name = serializers.CharField(help_text="The setting's name in settings.py, e.g. SESSION_EXPIRE_SECONDS.")
    section = serializers.CharField()
    verbose_name = serializers.CharField()
    type = serializers.CharField(help_text="JSON type of the value: integer, boolean, string…")
    unit = serializers.CharField(allow_blank=True, help_text='"seconds" for durations; empty otherwise.')
    value = serializers.JSONField(help_text="The site's value now, in its JSON form.")
    default = serializers.JSONField(help_text="The settings.py value, which DELETE goes back to.")
    is_default = serializers.BooleanField(help_text="True when no value is stored, so settings.py applies.")
    help_text = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # a declared field named like a Field attribute; DRF keeps it apart
    tenant_overridable = serializers.BooleanField(help_text="Whether tenant owners may set their own value.")
    tenant_override = serializers.ChoiceField(
        choices=[rule.value for rule in TenantOverride],
        help_text='"lower": owners may only set a smaller value than the site\'s; "any": any value within the '
        'bounds; "none": owners may not override it.',
    )
    confirmation = ConfirmationSerializer(allow_null=True, help_text="Set when a value needs confirming.")
    changed_by = serializers.CharField(allow_null=True, help_text="Who made the last change; null if never changed.")
    changed_at = serializers.DateTimeField(allow_null=True, help_text="When the last change was made.")
    secret = serializers.BooleanField(
        help_text=f'Settable, never shown: value and default read "{SECRET_MASK}" when set, "" when empty.'
    )
    locked_by = serializers.CharField(
        allow_null=True,
        help_text="The environment variable (LIVE_SETTING_<NAME>) that fixes the value in effect; writes are "
        "refused while it is set. Null when not locked.",
    )
    effective = serializers.JSONField(help_text="The value in effect (the environment's when locked).")
    custom = serializers.BooleanField(help_text="Created at runtime by a superadmin (POST /api/livesettings/custom/).")
    iso8601 = iso8601_field()


class CustomSettingInputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="UPPER_SNAKE_CASE; never a name Django or settings.py already has.")
    type = serializers.ChoiceField(choices=list(custom.TYPES), help_text="The value's type.")
    value = serializers.JSONField(help_text="The value, in its JSON form or as the console's text.")
    help_text = serializers.CharField(required=False, allow_blank=True, default="")  # type: ignore[assignment]  # a declared field named like a Field attribute; DRF keeps it apart
    overridable = serializers.BooleanField(default=False, help_text="Tenant owners may set their own value.")
    secret = serializers.BooleanField(default=False, help_text="Settable, never shown.")


class OverrideSerializer(LimitsSerializer):
    name = serializers.CharField()
    section = serializers.CharField()
    verbose_name = serializers.CharField()
    type = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    help_text = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # a declared field named like a Field attribute; DRF keeps it apart
    tenant_override = serializers.ChoiceField(choices=[TenantOverride.LOWER.value, TenantOverride.ANY.value])
    site_value = serializers.JSONField(help_text="The site's value.")
    override = serializers.JSONField(allow_null=True, help_text="This tenant's own value; null to follow the site.")
    effective = serializers.JSONField(help_text="The value in effect for this tenant.")
    iso8601 = iso8601_field()


class ValueInputSerializer(serializers.Serializer):
    # null reaches the setting's own validation, which answers with the console's "Enter a value."
    value = serializers.JSONField(allow_null=True, help_text="The new value in its JSON form.")


class LiveSettingInputSerializer(ValueInputSerializer):
    confirm = serializers.BooleanField(
        default=False, help_text="Required (true) to set a dangerous value, such as maintenance mode on."
    )


def _json_form(preference: Any, value: Any) -> Any:
    if getattr(preference, "secret", False):
        return SECRET_MASK if value else ""
    return None if value is None else json.loads(preference.get_serializer().serialize(value))


def _limits(preference: Any, *, low: Any, high: Any) -> dict[str, Any]:
    return {
        "minimum": _json_form(preference, low),
        "maximum": _json_form(preference, high),
        "max_length": preference.get_field_kwargs().get("max_length"),
        "choices": preference.json_schema().get("enum"),
    }


def _description(preference: Any) -> dict[str, Any]:
    return {
        "name": preference.setting,
        "section": preference.section_name,
        "verbose_name": str(preference.get_verbose_name()),
        "type": preference.json_type,
        "unit": preference.unit,
        "help_text": str(preference.get_help_text()),
    }


def live_setting_payload(preference: Any, *, last_change: Any) -> dict[str, Any]:
    """Return the API representation of one live setting (the site's value, not a code override)."""
    row = live_setting_row(preference, last_change=last_change)
    confirmation = None
    if preference.confirm_message:
        confirmation = {
            "value": _json_form(preference, preference.confirm_value),
            "message": preference.confirm_message,
        }
    low, high = preference.bounds()
    return LiveSettingSerializer(
        {
            **_description(preference),
            "value": _json_form(preference, row.site_value),
            "default": _json_form(preference, row.default),
            "is_default": row.is_default,
            **_limits(preference, low=low, high=high),
            "tenant_overridable": preference.tenant_override != TenantOverride.NONE,
            "tenant_override": preference.tenant_override,
            "confirmation": confirmation,
            "changed_by": last_change.changed_by if last_change else None,
            "changed_at": last_change.changed_at if last_change else None,
            "secret": preference.secret,
            "locked_by": row.lock.variable if row.lock else None,
            "effective": _json_form(preference, row.lock.value if row.lock else row.site_value),
            "custom": preference.custom,
            "iso8601": iso8601_of(
                preference,
                value=row.site_value,
                default=row.default,
                effective=row.lock.value if row.lock else row.site_value,
                minimum=low,
                maximum=high,
            ),
        }
    ).data


def override_payload(row: OverrideRow) -> dict[str, Any]:
    """Return the API representation of one overridable live setting for the current tenant."""
    preference = row.preference
    low, high = preference.bounds()
    if preference.tenant_override == TenantOverride.LOWER:
        high = row.site_value if high is None else min(high, row.site_value)
    return OverrideSerializer(
        {
            **_description(preference),
            **_limits(preference, low=low, high=high),
            "tenant_override": preference.tenant_override,
            "site_value": _json_form(preference, row.site_value),
            "override": _json_form(preference, row.override),
            "effective": _json_form(preference, row.effective),
            "iso8601": iso8601_of(
                preference,
                site_value=row.site_value,
                override=row.override,
                effective=row.effective,
                minimum=low,
                maximum=high,
            ),
        }
    ).data


# --- versions: the stored JSON text of a site value or of a tenant's own value ----------------------------
def _site_raw(preference: Any) -> str | None:
    return site_preferences_registry.manager().raw(preference.identifier)


def _override_raw(preference: Any) -> str | None:
    return global_preferences_registry.manager().raw(live_settings_registry.override(preference.setting).identifier)


def _list_etag(preferences: list[Any], raw: Callable[[Any], str | None]) -> str:
    return etag_of({preference.setting: raw(preference) for preference in preferences})


# --- helpers of the views ---------------------------------------------------------------------------------
def _live_setting(name: str) -> Any:
    custom.custom_settings_sync()  # One created in another process since.
    try:
        return live_settings_registry.get(name)
    except KeyError as exc:
        raise NotFound(str(exc.args[0])) from None


def _overridable(name: str) -> Any:
    preference = _live_setting(name)
    if live_settings_registry.override(preference.setting) is None:
        raise NotFound(f"Tenant owners may not change {preference.setting}.")
    return preference


def _check_json_type(preference: Any, value: Any) -> None:
    """Refuse a number, list or object for a text setting, which the engine would store as its text."""
    if preference.json_type == "string" and value is not None and not isinstance(value, str):
        raise ValidationError("Enter text (a JSON string).", code="invalid")


class _ValueView(APIView):
    """One stored value (the site's, or the tenant's own): its answer, version, and If-Match guarded writes."""

    parser_classes = [JSONParser]  # Values are JSON: a form-encoded "60" would be text.
    # The service functions of the value: the same keywords for the site's and a tenant's.
    set_value: Callable[..., Any]
    reset_value: Callable[..., Any]

    def raw(self, preference: Any) -> str | None:
        raise NotImplementedError

    def answer(self, preference: Any) -> Response:
        raise NotImplementedError

    def save(self, request: Request, preference: Any, value: Any = ANY) -> Response:
        """Set `value` (ANY: reset) unless If-Match is stale; answer the value as it now reads, or the refusal."""
        raw = self.raw(preference)
        stale = stale_response(request, etag_of(raw), lambda: self.answer(preference).data)
        if stale is not None:
            return stale
        change = {
            "setting": preference.setting,
            "actor": request.user,
            "source": API_SOURCE,
            "expected_raw": raw if if_match_given(request) else ANY,
        }
        try:
            # Through the class: a function looked up on the instance would be bound to the view.
            if value is ANY:
                type(self).reset_value(**change)
            else:
                type(self).set_value(value=value, **change)
        except StaleValueError:
            # Someone wrote between this request's read and the write's lock. The answer comes from the same
            # snapshot as the read, so it may not show that write yet; a retry then reads it and is refused
            # again, so a stale client never gets through.
            answer = self.answer(preference)
            return precondition_failed(current=answer.data, etag=answer["ETag"])
        except ValidationError as exc:
            return errors_response(validation_errors(exc, field="value"))
        return self.answer(preference)


_SUPERADMINS_ONLY = "Only superadmins may manage the site's live settings."
_OWNERS_ONLY = "Only the tenant's owners may change its own values of the live settings."
_NAME = OpenApiParameter(
    "name", OpenApiTypes.STR, OpenApiParameter.PATH, description="The setting's name, e.g. SESSION_EXPIRE_SECONDS."
)
_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid value (or a missing confirmation); nothing written."),
    403: OpenApiResponse(description="Not allowed for your role."),
    404: OpenApiResponse(description="No such live setting."),
    412: PRECONDITION_FAILED,
}


def _site(action: str) -> dict[str, Any]:
    # The public API has one prefix, from which drf-spectacular would derive "root_…" names.
    parameters = [_NAME, ETAG] if action == "retrieve" else [_NAME, IF_MATCH, ETAG]
    return {"operation_id": f"livesettings_{action}", "tags": ["livesettings"], "parameters": parameters}


# --- public domain: the site's values, superadmins only ---------------------------------------------------
class LiveSettingListView(APIView):
    """Every live setting, in the console's order."""

    permission_classes = [IsAuthenticated, IsSuperadmin]
    permission_denied_message = _SUPERADMINS_ONLY

    @extend_schema(
        operation_id="livesettings_list",
        tags=["livesettings"],
        parameters=[ETAG],
        responses=LiveSettingSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        custom.custom_settings_sync()
        changes = last_site_changes()
        preferences = [p for _section, preferences in live_settings_registry.by_section() for p in preferences]
        return etag_response(
            [live_setting_payload(p, last_change=changes.get(p.identifier)) for p in preferences],
            _list_etag(preferences, _site_raw),
        )


class LiveSettingDetailView(_ValueView):
    """One live setting: read, set, reset to settings.py."""

    permission_classes = [IsAuthenticated, IsSuperadmin]
    permission_denied_message = _SUPERADMINS_ONLY
    set_value = live_setting_set
    reset_value = live_setting_reset

    def raw(self, preference: Any) -> str | None:
        return _site_raw(preference)

    def answer(self, preference: Any) -> Response:
        last_change = site_changes(setting=preference.setting).first()
        return etag_response(live_setting_payload(preference, last_change=last_change), etag_of(_site_raw(preference)))

    @extend_schema(**_site("retrieve"), responses={200: LiveSettingSerializer, 404: _ERRORS[404]})
    def get(self, request: Request, name: str) -> Response:
        return self.answer(_live_setting(name))

    @extend_schema(
        **_site("update"), request=LiveSettingInputSerializer, responses={200: LiveSettingSerializer, **_ERRORS}
    )
    def put(self, request: Request, name: str) -> Response:
        """Set the site's value; answer the setting as it now reads."""
        preference = _live_setting(name)
        body = LiveSettingInputSerializer(data=request.data)
        if not body.is_valid():
            return errors_response(body.errors)
        value = body.validated_data["value"]
        try:
            _check_json_type(preference, value)
            # Validate before asking for confirmation, as the console does: a bad value gets its own message.
            confirmation = preference.confirmation(preference.clean(preference.parse(value)))
        except ValidationError as exc:
            return errors_response(validation_errors(exc, field="value"))
        if confirmation and not body.validated_data["confirm"]:
            return errors_response({"confirm": [f'{confirmation} Send "confirm": true with the value to go ahead.']})
        return self.save(request, preference, value)

    @extend_schema(
        **_site("partial_update"), request=LiveSettingInputSerializer, responses={200: LiveSettingSerializer, **_ERRORS}
    )
    def patch(self, request: Request, name: str) -> Response:
        """Set the site's value (as PUT: a setting has a single value)."""
        return self.put(request, name)

    @extend_schema(
        **_site("destroy"),
        responses={200: LiveSettingSerializer, 403: _ERRORS[403], 404: _ERRORS[404], 412: PRECONDITION_FAILED},
    )
    def delete(self, request: Request, name: str) -> Response:
        """Go back to the settings.py value; answer the setting as it now reads."""
        return self.save(request, _live_setting(name))


# --- public domain: custom settings, superadmins only -----------------------------------------------------
def _definitions_etag() -> str:
    return etag_of(site_preferences_registry.manager().raw(custom.DEFINITIONS_KEY))


class CustomSettingCreateView(APIView):
    """Create a custom setting, or update the custom setting of that name."""

    permission_classes = [IsAuthenticated, IsSuperadmin]
    permission_denied_message = _SUPERADMINS_ONLY
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="livesettings_custom_create",
        tags=["livesettings"],
        parameters=[IF_MATCH, ETAG],
        request=CustomSettingInputSerializer,
        responses={201: LiveSettingSerializer, 200: LiveSettingSerializer, **_ERRORS},
    )
    def post(self, request: Request) -> Response:
        """Create (201) or update (200) a custom setting; If-Match is checked against every definition's ETag."""
        custom.custom_settings_sync()
        stale = stale_response(request, _definitions_etag(), lambda: {"definitions_etag": _definitions_etag()})
        if stale is not None:
            return stale
        body = CustomSettingInputSerializer(data=request.data)
        if not body.is_valid():
            return errors_response(body.errors)
        data = body.validated_data
        existed = data["name"].strip() in custom.definitions()
        try:
            preference = custom_setting_save(
                name=data["name"],
                value_type=data["type"],
                value=data["value"],
                help_text=data["help_text"],
                overridable=data["overridable"],
                secret=data["secret"],
                actor=request.user,
                source=API_SOURCE,
            )
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        last_change = site_changes(setting=preference.setting).first()
        return etag_response(
            live_setting_payload(preference, last_change=last_change),
            etag_of(_site_raw(preference)),
            code=200 if existed else 201,
        )


class CustomSettingDeleteView(APIView):
    """Delete a custom setting."""

    permission_classes = [IsAuthenticated, IsSuperadmin]
    permission_denied_message = _SUPERADMINS_ONLY

    @extend_schema(
        operation_id="livesettings_custom_destroy",
        tags=["livesettings"],
        parameters=[_NAME, IF_MATCH],
        responses={204: None, 403: _ERRORS[403], 404: _ERRORS[404], 412: PRECONDITION_FAILED},
    )
    def delete(self, request: Request, name: str) -> Response:
        """Delete it: code reading settings.NAME fails from every process's next request or task."""
        preference = _live_setting(name)
        if not preference.custom:
            raise NotFound(f"{preference.setting} is not a custom setting.")
        last_change = site_changes(setting=preference.setting).first()
        current = live_setting_payload(preference, last_change=last_change)
        stale = stale_response(request, etag_of(_site_raw(preference)), lambda: current)
        if stale is not None:
            return stale
        custom_setting_delete(name=preference.setting, actor=request.user, source=API_SOURCE)
        return Response(status=204)


# --- tenant domains: the tenant's own values, owners only -------------------------------------------------
class OverrideListView(APIView):
    """The live settings this tenant's owners may override."""

    permission_classes = [IsAuthenticated, IsTenantOwner]
    permission_denied_message = _OWNERS_ONLY

    @extend_schema(
        operation_id="livesettings_overrides_list", parameters=[ETAG], responses=OverrideSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        rows = override_rows()
        return etag_response(
            [override_payload(row) for row in rows], _list_etag([row.preference for row in rows], _override_raw)
        )


class OverrideDetailView(_ValueView):
    """This tenant's own value of one live setting: read, set, clear."""

    permission_classes = [IsAuthenticated, IsTenantOwner]
    permission_denied_message = _OWNERS_ONLY
    set_value = tenant_override_set
    reset_value = tenant_override_reset

    def raw(self, preference: Any) -> str | None:
        return _override_raw(preference)

    def answer(self, preference: Any) -> Response:
        return etag_response(override_payload(override_row(preference)), etag_of(_override_raw(preference)))

    @extend_schema(parameters=[_NAME, ETAG], responses={200: OverrideSerializer, 404: _ERRORS[404]})
    def get(self, request: Request, name: str) -> Response:
        return self.answer(_overridable(name))

    @extend_schema(
        parameters=[_NAME, IF_MATCH, ETAG], request=ValueInputSerializer, responses={200: OverrideSerializer, **_ERRORS}
    )
    def put(self, request: Request, name: str) -> Response:
        """Set this tenant's value: within the setting's bounds and, for "lower", at most the site's value."""
        preference = _overridable(name)
        body = ValueInputSerializer(data=request.data)
        if not body.is_valid():
            return errors_response(body.errors)
        value = body.validated_data["value"]
        try:
            _check_json_type(preference, value)
        except ValidationError as exc:
            return errors_response(validation_errors(exc, field="value"))
        return self.save(request, preference, value)

    @extend_schema(
        parameters=[_NAME, IF_MATCH, ETAG], request=ValueInputSerializer, responses={200: OverrideSerializer, **_ERRORS}
    )
    def patch(self, request: Request, name: str) -> Response:
        """Set this tenant's value (as PUT)."""
        return self.put(request, name)

    @extend_schema(
        parameters=[_NAME, IF_MATCH, ETAG],
        responses={200: OverrideSerializer, 403: _ERRORS[403], 404: _ERRORS[404], 412: PRECONDITION_FAILED},
    )
    def delete(self, request: Request, name: str) -> Response:
        """Clear this tenant's value, so the site's applies again."""
        return self.save(request, _overridable(name))

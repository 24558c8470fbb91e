"""REST API: the signed-in user's effective notification preferences, and changing one cell.

- GET  /api/notifications/preferences/   every cell the user may receive: value, where it comes from, own choice
- POST /api/notifications/preferences/   {"notification", "backend", "value": true | false | null (inherit)}

The ETag versions the user's own choices (not what groups or the tenant decide, which the user cannot change);
a POST with an If-Match that no longer matches answers 412 with the current cells and writes nothing.
Errors: 400 {"errors": {field: [messages]}}, 403 {"detail": …} for a choice the user's permissions do not allow.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import (
    ETAG,
    IF_MATCH,
    NON_FIELD,
    PRECONDITION_FAILED,
    ErrorSerializer,
    errors_response,
    etag_of,
    etag_response,
    stale_response,
)
from apps.notifications import services
from apps.notifications.models import NotificationSetting
from apps.notifications.selectors import user_matrix


class CellSerializer(serializers.Serializer):
    notification = serializers.CharField()
    backend = serializers.CharField()
    value = serializers.BooleanField(allow_null=True, help_text="null removes your own choice (inherit).")


class EffectiveSerializer(serializers.Serializer):
    notification = serializers.CharField()
    backend = serializers.CharField()
    value = serializers.BooleanField()
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Field attribute; DRF keeps it apart
    own = serializers.BooleanField(allow_null=True)


def _effective(user: Any) -> list[dict[str, Any]]:
    _, rows = user_matrix(user)
    return [
        {
            "notification": cell.notification,
            "backend": cell.backend,
            "value": cell.resolution.value,
            "source": cell.resolution.source,
            "own": cell.stored,
        }
        for row in rows
        for cell in row.cells
        if cell.resolution is not None
    ]


def _own_etag(user: Any) -> str:
    """Return the ETag of the user's own stored choices."""
    own = NotificationSetting.objects.filter(scope=NotificationSetting.Scope.USER, user=user).values_list(
        "notification_type__name", "backend__name", "value"
    )
    return etag_of(sorted(own))


def _answer(user: Any) -> Response:
    return etag_response(_effective(user), _own_etag(user))


def _write(user: Any, cell: dict[str, Any]) -> None:
    if cell["value"] is None:
        services.preference_clear(
            scope=NotificationSetting.Scope.USER,
            notification=cell["notification"],
            backend=cell["backend"],
            user=user,
        )
    else:
        services.user_preferences_update(
            user=user, notification=cell["notification"], prefs={cell["backend"]: cell["value"]}
        )


class PreferencesView(APIView):
    """List your effective values (GET) or set or clear one of them (POST)."""

    @extend_schema(parameters=[ETAG], responses=EffectiveSerializer(many=True))
    def get(self, request: Request) -> Response:
        return _answer(request.user)

    @extend_schema(
        parameters=[IF_MATCH, ETAG],
        request=CellSerializer,
        responses={
            200: EffectiveSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer),
            403: OpenApiResponse(description="A permission the notification requires is missing."),
            412: PRECONDITION_FAILED,
        },
    )
    def post(self, request: Request) -> Response:
        body = CellSerializer(data=request.data)
        if not body.is_valid():
            return errors_response(body.errors)
        user: Any = request.user  # authenticated: the default permission class requires it
        try:
            with transaction.atomic():
                # The user's row serialises this check and write against the same user's other API writes.
                get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
                stale = stale_response(request, _own_etag(user), lambda: _effective(user))
                if stale is not None:
                    return stale
                _write(user, body.validated_data)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ValueError as exc:
            return errors_response({NON_FIELD: [str(exc)]})
        return _answer(user)

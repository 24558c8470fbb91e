"""REST API: the signed-in user's effective notification preferences, and changing one cell."""

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

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


class PreferencesView(APIView):
    """List your effective values (GET) or set or clear one of them (POST)."""

    @extend_schema(responses=EffectiveSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(_effective(request.user))

    @extend_schema(request=CellSerializer, responses=EffectiveSerializer(many=True))
    def post(self, request: Request) -> Response:
        cell = CellSerializer(data=request.data)
        cell.is_valid(raise_exception=True)
        data = cell.validated_data
        try:
            if data["value"] is None:
                services.preference_clear(
                    scope=NotificationSetting.Scope.USER,
                    notification=data["notification"],
                    backend=data["backend"],
                    user=request.user,
                )
            else:
                services.user_preferences_update(
                    user=request.user, notification=data["notification"], prefs={data["backend"]: data["value"]}
                )
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except ValueError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(_effective(request.user))

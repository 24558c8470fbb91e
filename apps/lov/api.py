"""Read-only API of the active tenant's lists: what members may pick, and (for owners) what is available.

Values come in the tenant's order (its own, else the list's declared order, else by name) with its labels.
Every answer has an ETag of the values it lists, which changes when one is added, renamed, selected or removed.
"""

from typing import Any

from django.http import Http404
from django_tenants.models import TenantMixin
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ETAG, etag_of, etag_response
from apps.core.roles import IsTenantOwner
from apps.lov.registry import LOVList, lov_list_get, lov_lists
from apps.lov.selectors import lov_value_rows


class _TenantRequest(Request):
    """A request on a tenant's domain (type checking only): Request proxies `tenant`, set by django-tenants."""

    tenant: TenantMixin


class LOVValueSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(help_text="The shared value.")
    # What the tenant's people see: the tenant's label for a default value, else the name.
    label = serializers.CharField(source="lov_display")  # type: ignore[assignment]
    value_type = serializers.CharField()


class LOVAvailableValueSerializer(LOVValueSerializer):
    selected = serializers.SerializerMethodField()

    def get_selected(self, value: Any) -> bool:
        return bool(value.is_mandatory or value.is_selected)


class LOVListSerializer(serializers.Serializer):
    key = serializers.CharField()
    # The metaclass moves declared fields into _declared_fields, so this does not replace Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    values = LOVValueSerializer(many=True)


def _list_or_404(key: str) -> LOVList:
    lov_list = lov_list_get(key)
    if lov_list is None:
        raise Http404("No such list.")
    return lov_list


def _with_etag(data: Any) -> Response:
    # The listed fields are the stored values themselves, so their hash versions the answer.
    return etag_response(data, etag_of(data))


class LOVListsView(APIView):
    """List every list with the values members of this tenant may pick."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ETAG], responses=LOVListSerializer(many=True))
    def get(self, request: _TenantRequest) -> Response:
        body = []
        for lov_list in lov_lists():
            values = lov_list.selection_model._default_manager.selected_values_for_tenant(request.tenant)
            body.append(
                {
                    "key": lov_list.key,
                    "label": lov_list.label,
                    "values": LOVValueSerializer(values, many=True).data,
                }
            )
        return _with_etag(body)


class LOVSelectedValuesView(APIView):
    """Return the values members of this tenant may pick in one list."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ETAG], responses=LOVValueSerializer(many=True))
    def get(self, request: _TenantRequest, key: str) -> Response:
        lov_list = _list_or_404(key)
        values = lov_list.selection_model._default_manager.selected_values_for_tenant(request.tenant)
        return _with_etag(LOVValueSerializer(values, many=True).data)


class LOVAvailableValuesView(APIView):
    """Return every value available to this tenant in one list, with whether it is offered (owners only)."""

    permission_classes = [IsAuthenticated, IsTenantOwner]
    permission_denied_message = "Only the tenant's owners may see this."

    @extend_schema(parameters=[ETAG], responses=LOVAvailableValueSerializer(many=True))
    def get(self, request: _TenantRequest, key: str) -> Response:
        rows = lov_value_rows(lov_list=_list_or_404(key), tenant=request.tenant)
        return _with_etag(LOVAvailableValueSerializer(rows, many=True).data)

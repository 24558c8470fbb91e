"""The owners' API of groups: /api/groups/ (list, create), /api/groups/order/, /api/groups/<id>/ and below.

Same rules as the pages, on the kit in `apps.core.api`: owners only (members 403), the error envelope for a
refusal, an ETag on each GET of one group and `If-Match` honoured by its writes. Every write goes through a
service of `apps.people.groups`, which audits it.
"""

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.grants import grantable_permissions
from apps.core.api import (
    ETAG,
    IF_MATCH,
    PRECONDITION_FAILED,
    errors_response,
    etag_of,
    etag_response,
    stale_response,
    validation_errors,
)
from apps.core.inputs import BIGINT_MAX, parse_id
from apps.core.roles import IsTenantOwner
from apps.people import groups as services


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=services.GROUP_NAME_MAX)
    position = serializers.IntegerField(read_only=True, help_text="1 = highest priority.")
    member_count = serializers.IntegerField(read_only=True)
    permissions = serializers.ListField(child=serializers.CharField(), read_only=True)


class GroupNameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=services.GROUP_NAME_MAX)


class GroupMembersSerializer(serializers.Serializer):
    add = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX), required=False, default=list
    )
    remove = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX), required=False, default=list
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["add"] and not attrs["remove"]:
            raise serializers.ValidationError("Name people to `add` or `remove` (user ids).")
        return attrs


class GroupMembersResultSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())


class GroupPermissionsSerializer(serializers.Serializer):
    permissions = serializers.ListField(
        child=serializers.CharField(), help_text="Names of declared permissions, e.g. notifications.view_billing."
    )


class GrantableSerializer(serializers.Serializer):
    name = serializers.CharField()
    # The metaclass moves declared fields into _declared_fields, so this does not replace Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    granted = serializers.BooleanField()


class GroupOrderSerializer(serializers.Serializer):
    groups = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX), help_text="Every group id, in order."
    )


def _rows() -> list[dict[str, Any]]:
    rows = []
    for position, group in enumerate(services.groups_ordered(), start=1):
        rows.append(
            {
                "id": group.pk,
                "name": group.name,
                "position": position,
                "member_count": group.member_count,  # type: ignore[attr-defined]
                "permissions": [permission.name for permission in services.group_granted(group)],
            }
        )
    return rows


def _row(pk: int) -> dict[str, Any]:
    row = next((row for row in _rows() if row["id"] == pk), None)
    if row is None:
        raise Http404("No such group.")
    return row


def _group_or_404(pk: str) -> Group:
    number = parse_id(pk)
    if number is None:
        raise Http404("No such group.")
    return get_object_or_404(Group, pk=number)


PK = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The group's id.")


class _OwnersOnly(APIView):
    permission_classes = [IsAuthenticated, IsTenantOwner]
    permission_denied_message = "Only the tenant's owners may manage groups."


class GroupsView(_OwnersOnly):
    """List the groups in priority order, or create one (last in the order)."""

    @extend_schema(parameters=[ETAG], responses=GroupSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = _rows()
        return etag_response(rows, etag_of(rows))

    @extend_schema(request=GroupNameSerializer, responses={201: GroupSerializer})
    def post(self, request: Request) -> Response:
        body = GroupNameSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            group = services.group_create(actor=request.user, name=body.validated_data["name"])
        except DjangoValidationError as exc:
            return errors_response(validation_errors(exc))
        row = _row(group.pk)
        return etag_response(row, etag_of(row), code=status.HTTP_201_CREATED)


class GroupDetailView(_OwnersOnly):
    """Read, rename or delete one group."""

    @extend_schema(parameters=[PK, ETAG], responses=GroupSerializer)
    def get(self, request: Request, pk: str) -> Response:
        row = _row(_group_or_404(pk).pk)
        return etag_response(row, etag_of(row))

    @extend_schema(
        parameters=[PK, IF_MATCH, ETAG],
        request=GroupNameSerializer,
        responses={200: GroupSerializer, 412: PRECONDITION_FAILED},
    )
    def patch(self, request: Request, pk: str) -> Response:
        group = _group_or_404(pk)
        current = _row(group.pk)
        stale = stale_response(request, etag_of(current), lambda: current)
        if stale is not None:
            return stale
        body = GroupNameSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.group_rename(actor=request.user, group=group, name=body.validated_data["name"])
        except DjangoValidationError as exc:
            return errors_response(validation_errors(exc))
        row = _row(group.pk)
        return etag_response(row, etag_of(row))

    @extend_schema(parameters=[PK, IF_MATCH], responses={204: None, 412: PRECONDITION_FAILED})
    def delete(self, request: Request, pk: str) -> Response:
        group = _group_or_404(pk)
        current = _row(group.pk)
        stale = stale_response(request, etag_of(current), lambda: current)
        if stale is not None:
            return stale
        services.group_delete(actor=request.user, group=group)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupMembersView(_OwnersOnly):
    """Add and remove members of a group, by user id, several at once."""

    @extend_schema(parameters=[PK], request=GroupMembersSerializer, responses=GroupMembersResultSerializer)
    def post(self, request: Request, pk: str) -> Response:
        group = _group_or_404(pk)
        body = GroupMembersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            with transaction.atomic():  # both lists or neither
                added = services.group_members_add(actor=request.user, group=group, user_ids=body.validated_data["add"])
                removed = services.group_members_remove(
                    actor=request.user, group=group, user_ids=body.validated_data["remove"]
                )
        except DjangoValidationError as exc:
            return errors_response(validation_errors(exc))
        return Response({"added": added, "removed": removed})


class GroupPermissionsView(_OwnersOnly):
    """The declared permissions (and only those): which the group holds; set them as a whole."""

    def _body(self, group: Group) -> list[dict[str, Any]]:
        granted = {permission.name for permission in services.group_granted(group)}
        return [
            {"name": p.name, "label": p.label, "description": p.description, "granted": p.name in granted}
            for p in grantable_permissions()
        ]

    @extend_schema(parameters=[PK], responses=GrantableSerializer(many=True))
    def get(self, request: Request, pk: str) -> Response:
        return Response(self._body(_group_or_404(pk)))

    @extend_schema(parameters=[PK], request=GroupPermissionsSerializer, responses=GrantableSerializer(many=True))
    def put(self, request: Request, pk: str) -> Response:
        group = _group_or_404(pk)
        body = GroupPermissionsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.group_permissions_set(actor=request.user, group=group, names=body.validated_data["permissions"])
        except DjangoValidationError as exc:
            return errors_response(validation_errors(exc))
        return Response(self._body(group))


class GroupOrderView(_OwnersOnly):
    """The order of the groups (first = highest priority): read it, or set it as a whole."""

    @extend_schema(parameters=[ETAG], responses=GroupOrderSerializer)
    def get(self, request: Request) -> Response:
        body = {"groups": [row["id"] for row in _rows()]}
        return etag_response(body, etag_of(body))

    @extend_schema(
        parameters=[IF_MATCH, ETAG],
        request=GroupOrderSerializer,
        responses={200: GroupOrderSerializer, 412: PRECONDITION_FAILED},
    )
    def put(self, request: Request) -> Response:
        current = {"groups": [row["id"] for row in _rows()]}
        stale = stale_response(request, etag_of(current), lambda: current)
        if stale is not None:
            return stale
        body = GroupOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            order = services.groups_order_set(actor=request.user, group_ids=body.validated_data["groups"])
        except DjangoValidationError as exc:
            return errors_response(validation_errors(exc))
        result = {"groups": [group.pk for group in order]}
        return etag_response(result, etag_of(result))

"""REST API of a tenant's people and invitations, for its owners (the same services and rules as the pages).

- GET   /api/people/?q=&group=&role=&state=   the people, filtered, paginated
- POST  /api/people/                          add a person: {email, first_name, last_name, role, groups: [ids]};
                                              answers 201 with the person and their `one_time_password` (once)
- GET   /api/people/<id>/                     one person, with an ETag of their role and activity
- PATCH /api/people/<id>/                     {role} and/or {is_active}; If-Match refuses a stale change (412);
                                              the last active owner stays an active owner (400)
- GET   /api/invitations/?state=open          invitations, newest first
- POST  /api/invitations/                     invite: {email, role, groups: [ids]} (201); the link goes by email
- GET   /api/invitations/<id>/                one invitation
- POST  /api/invitations/<id>/resend/         send again with a new link and expiry
- POST  /api/invitations/<id>/revoke/         revoke (the link stops working)
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.services import person_active_set, person_for_update, person_role_change
from apps.core.api import (
    ETAG,
    IF_MATCH,
    PRECONDITION_FAILED,
    REFUSALS,
    JSONParser,
    errors_response,
    etag_of,
    etag_response,
    stale_response,
    validation_errors,
)
from apps.core.inputs import id_param
from apps.core.roles import IsTenantOwner, Role
from apps.people import selectors, services
from apps.people.models import Invitation

OWNERS_ONLY = "Only the tenant's owners may manage its people."


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.ChoiceField(source="profile.role", choices=Role.choices)
    is_active = serializers.BooleanField()
    state = serializers.ChoiceField(choices=selectors.STATES)
    groups = serializers.SerializerMethodField()
    last_login = serializers.DateTimeField(allow_null=True)

    def get_groups(self, person: Any) -> list[dict[str, Any]]:
        return [{"id": group.pk, "name": group.name} for group in person.groups.all()]


class PersonAddedSerializer(PersonSerializer):
    one_time_password = serializers.CharField(help_text="Shown once: the person changes it at first sign-in.")


class PersonCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)
    groups = serializers.PrimaryKeyRelatedField(queryset=Group.objects.all(), many=True, required=False, default=list)


class PersonPatchSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    is_active = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give `role`, `is_active` or both.")
        return attrs


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    # Plain text in the schema: a second enum named "state" would collide with the people's in drf-spectacular.
    state = serializers.CharField(help_text="pending, expired, accepted or revoked.")
    groups = serializers.SerializerMethodField()
    invited_by = serializers.SerializerMethodField()
    person = serializers.IntegerField(source="user_id", allow_null=True)
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField()
    send_count = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)

    def get_groups(self, invitation: Invitation) -> list[dict[str, Any]]:
        return [{"id": group.pk, "name": group.name} for group in invitation.groups.all()]

    def get_invited_by(self, invitation: Invitation) -> str | None:
        return invitation.invited_by.get_username() if invitation.invited_by else None


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)
    groups = serializers.PrimaryKeyRelatedField(queryset=Group.objects.all(), many=True, required=False, default=list)


def _person_etag(person: Any) -> str:
    return etag_of({"role": person.profile.role, "is_active": person.is_active})


def _person(pk: int) -> Any:
    try:
        return selectors.person_get(pk=pk)
    except get_user_model().DoesNotExist:
        raise Http404("No such person here.") from None


def _person_payload(pk: int) -> dict[str, Any]:
    return dict(PersonSerializer(_person(pk)).data)


def _tenant_name(request: Request) -> str:
    return str(getattr(getattr(request, "tenant", None), "name", ""))


class _OwnersOnly(APIView):
    permission_classes = [IsAuthenticated, IsTenantOwner]
    permission_denied_message = OWNERS_ONLY
    parser_classes = [JSONParser]


_PEOPLE_FILTERS = [
    OpenApiParameter("q", str, description="Search in username, email and name."),
    OpenApiParameter("group", int, description="Only members of this group."),
    OpenApiParameter("role", str, enum=Role.values),
    OpenApiParameter("state", str, enum=sorted(selectors.STATE_VALUES)),
]


class PersonListView(_OwnersOnly, generics.GenericAPIView):
    """The organisation's people; POST adds one with a one-time password."""

    serializer_class = PersonSerializer

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.people_list(
            query=params.get("q", "").strip(),
            group_id=id_param(params.get("group")),
            role=params.get("role", ""),
            state=params.get("state", ""),
        )

    @extend_schema(
        operation_id="people_list",
        parameters=_PEOPLE_FILTERS,
        responses={200: PersonSerializer(many=True), 404: REFUSALS["404"]},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PersonSerializer(page, many=True).data)

    @extend_schema(operation_id="people_create", request=PersonCreateSerializer, responses={201: PersonAddedSerializer})
    def post(self, request: Request) -> Response:
        body = PersonCreateSerializer(data=request.data)
        if not body.is_valid():
            return errors_response(body.errors)
        try:
            added = services.person_add(actor=request.user, **body.validated_data)
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        data = {**_person_payload(added.user.pk), "one_time_password": added.password}
        return etag_response(data, _person_etag(added.user), code=status.HTTP_201_CREATED)


class PersonDetailView(_OwnersOnly):
    """One person: read; change role or activity."""

    @extend_schema(operation_id="people_retrieve", parameters=[ETAG], responses=PersonSerializer)
    def get(self, request: Request, pk: int) -> Response:
        person = _person(pk)
        return etag_response(PersonSerializer(person).data, _person_etag(person))

    @extend_schema(
        operation_id="people_partial_update",
        parameters=[IF_MATCH, ETAG],
        request=PersonPatchSerializer,
        responses={200: PersonSerializer, 412: PRECONDITION_FAILED},
    )
    def patch(self, request: Request, pk: int) -> Response:
        person = _person(pk)
        body = PersonPatchSerializer(data=request.data)
        if not body.is_valid():
            return errors_response(body.errors)
        try:
            with transaction.atomic():
                # The precondition is checked under the same locks as the change.
                _, locked = person_for_update(person)
                stale = stale_response(request, _person_etag(locked), lambda: _person_payload(pk))
                if stale is not None:
                    return stale
                if "role" in body.validated_data:
                    person_role_change(actor=request.user, person=locked, role=body.validated_data["role"])
                if "is_active" in body.validated_data:
                    person_active_set(actor=request.user, person=locked, active=body.validated_data["is_active"])
        except ValidationError as exc:
            errors = validation_errors(exc)
            return errors_response({("is_active" if key == "active" else key): value for key, value in errors.items()})
        person = _person(pk)
        return etag_response(PersonSerializer(person).data, _person_etag(person))


def _invitation(pk: int) -> Invitation:
    invitation = selectors.invitation_list().filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation here.")
    return invitation


class InvitationListView(_OwnersOnly, generics.GenericAPIView):
    """The organisation's invitations; POST invites someone."""

    serializer_class = InvitationSerializer

    def get_queryset(self) -> Any:
        return selectors.invitation_list(state=self.request.query_params.get("state", ""))

    @extend_schema(
        operation_id="invitations_list",
        parameters=[OpenApiParameter("state", str, enum=["open"], description="Only open (pending or expired).")],
        responses={200: InvitationSerializer(many=True), 404: REFUSALS["404"]},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)

    @extend_schema(
        operation_id="invitations_create", request=InvitationCreateSerializer, responses={201: InvitationSerializer}
    )
    def post(self, request: Request) -> Response:
        body = InvitationCreateSerializer(data=request.data)
        if not body.is_valid():
            return errors_response(body.errors)
        data = body.validated_data
        try:
            sent = services.invitation_send(
                actor=request.user,
                email=data["email"],
                role=data["role"],
                groups=list(data["groups"]),
                tenant_name=_tenant_name(request),
            )
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        return Response(InvitationSerializer(_invitation(sent.invitation.pk)).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(_OwnersOnly):
    """One invitation."""

    @extend_schema(operation_id="invitations_retrieve", responses=InvitationSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(InvitationSerializer(_invitation(pk)).data)


class InvitationResendView(_OwnersOnly):
    """Send an open invitation again (a new link; the old one stops working)."""

    @extend_schema(operation_id="invitations_resend", request=None, responses=InvitationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        try:
            services.invitation_resend(
                actor=request.user, invitation=_invitation(pk), tenant_name=_tenant_name(request)
            )
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        return Response(InvitationSerializer(_invitation(pk)).data)


class InvitationRevokeView(_OwnersOnly):
    """Revoke an open invitation."""

    @extend_schema(operation_id="invitations_revoke", request=None, responses=InvitationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        try:
            services.invitation_revoke(actor=request.user, invitation=_invitation(pk))
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        return Response(InvitationSerializer(_invitation(pk)).data)

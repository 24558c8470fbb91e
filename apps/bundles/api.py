"""REST API of tenant bundles (tenant domains, the tenant's owners only).

- GET  /api/bundle/               the tenant's bundle, with an ETag of its configuration
- POST /api/bundle/?dry_run=1     the diff of importing the posted bundle: {"valid", "changes", "refused"}; writes
                                  nothing
- POST /api/bundle/               import the posted bundle, all or nothing: 200 with the changes made, or 400
                                  {"errors": {entry's JSON Pointer: [messages]}} with nothing written. If-Match (the
                                  ETag of a GET) refuses the import with 412 when the configuration changed since.
- GET  /api/bundle/schema/        the bundle's JSON Schema
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.bundles.schema import bundle_schema
from apps.bundles.services import BundleRefused, bundle_export, bundle_import, configuration_of
from apps.core.api import (
    ETAG,
    IF_MATCH,
    PRECONDITION_FAILED,
    ErrorSerializer,
    errors_response,
    etag_of,
    etag_response,
    stale_response,
)
from apps.core.roles import IsTenantOwner

DRY_RUN = OpenApiParameter(
    "dry_run", OpenApiTypes.BOOL, OpenApiParameter.QUERY, description="Return the diff and write nothing."
)
_BUNDLE = OpenApiResponse(OpenApiTypes.OBJECT, description="A tenant bundle (see /api/bundle/schema/).")
_DIFF = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='{"valid": bool, "changes": [{"path", "kind": "changed|new|removed", "old", "new"}], '
    '"refused": {path: [messages]}}',
)


def _tenant(request: Request) -> Any:
    return request.tenant  # type: ignore[attr-defined]  # set by django-tenants' middleware


def _truthy(text: str | None) -> bool:
    return (text or "").lower() in {"1", "true", "yes", "on"}


class BundleView(APIView):
    """The tenant's bundle: export, dry run, import."""

    permission_classes = [IsAuthenticated, IsTenantOwner]
    parser_classes = [JSONParser]

    def _current(self, request: Request) -> tuple[dict[str, Any], str]:
        document = bundle_export(tenant=_tenant(request))
        return document, etag_of(configuration_of(document))

    @extend_schema(operation_id="bundle_export", parameters=[ETAG], responses={200: _BUNDLE})
    def get(self, request: Request) -> Response:
        document, etag = self._current(request)
        return etag_response(document, etag)

    @extend_schema(
        operation_id="bundle_import",
        parameters=[DRY_RUN, IF_MATCH],
        request=OpenApiTypes.OBJECT,
        responses={200: _DIFF, 400: ErrorSerializer, 412: PRECONDITION_FAILED},
    )
    def post(self, request: Request) -> Response:
        tenant = _tenant(request)
        if _truthy(request.query_params.get("dry_run")):
            return Response(bundle_import(tenant=tenant, document=request.data, dry_run=True).as_dict())
        document, etag = self._current(request)
        stale = stale_response(request, etag, lambda: document)
        if stale is not None:
            return stale
        try:
            plan = bundle_import(tenant=tenant, document=request.data, actor=request.user)
        except BundleRefused as exc:
            return errors_response(exc.plan.refused)
        return etag_response(plan.as_dict(), self._current(request)[1])


class BundleSchemaView(APIView):
    """The published JSON Schema of a bundle."""

    permission_classes = [IsAuthenticated, IsTenantOwner]

    @extend_schema(operation_id="bundle_schema", responses={200: OpenApiResponse(OpenApiTypes.OBJECT)})
    def get(self, request: Request) -> Response:
        return Response(bundle_schema())

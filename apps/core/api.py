"""The kit every REST API of the portal uses: one error envelope, one source tag, ETag and If-Match.

- Errors: 400 (and 412) answer `{"errors": {field or key: [messages]}}`; a 412 adds `"current"`, the resource
  as it is now, and its `ETag` header. Other refusals (401, 403, 404, 405, 415) keep REST framework's
  `{"detail": …}`. A body that is not JSON, nests too deep or holds a NUL character (`apps.core.parsers.
  JSONParser`, the default parser) is a 400 in the envelope, under `non_field_errors`.
- Missing credentials answer 401 with `WWW-Authenticate` (token authentication comes first in the settings, and
  REST framework asks the first class for the header); an authenticated person refused answers 403.
- `ApiSchema` (the default schema class) documents those answers on every operation.
- Writes made through the API are recorded in history with the source `API_SOURCE`.
- Durations are written in seconds (7200) or ISO 8601 ("PT2H") and answered in both: the usual fields in
  seconds, and an `iso8601` object repeating them ("value": "PT2H"), null for a value that is no duration
  (`iso8601_field` for the serializer, `iso8601_of` for the payload).
- A GET answers a strong `ETag` derived from the stored raw value(s) of the resource (`etag_of`). A PUT, PATCH,
  DELETE (or a POST that changes the resource) honours `If-Match`: a tag that does not match the current one
  answers 412 and writes nothing; `If-Match: *` matches anything; without the header the write goes ahead
  (old clients keep working, 428 is never required).

The role permissions (`IsSuperadmin`, `IsTenantOwner`) live with every other role check in `apps.core.roles`.
"""

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.core import parsers
from apps.core.durations import iso8601

API_SOURCE = "api"
STALE_MESSAGE = (
    "Changed since you read it: nothing was saved. The current value is in `current` and its ETag in the header."
)
NON_FIELD = "non_field_errors"

Errors = Mapping[str, Any]


# --- the error envelope ---------------------------------------------------------------------------------------
def errors_response(errors: Errors, *, code: int = status.HTTP_400_BAD_REQUEST, **extra: Any) -> Response:
    """Return the error envelope: `{"errors": {field: [messages]}, **extra}` with HTTP status `code`."""
    return Response({"errors": errors, **extra}, status=code)


def validation_errors(exc: DjangoValidationError, *, field: str | None = None) -> dict[str, list[str]]:
    """Return a Django ValidationError as the envelope's `{field: [messages]}`.

    An error keyed by field keeps its keys; a plain one goes under `field` (or `non_field_errors`).
    """
    if hasattr(exc, "error_dict") and field is None:
        return {key: [str(message) for message in messages] for key, messages in exc.message_dict.items()}
    return {field or NON_FIELD: [str(message) for message in exc.messages]}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer validation and parse errors (400) in the envelope; leave every other answer as it is."""
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        data = response.data
        response.data = {"errors": data if isinstance(data, dict) else {NON_FIELD: data}}
    elif response is not None and isinstance(exc, ParseError):
        response.data = {"errors": {NON_FIELD: [str(exc.detail)]}}
    return response


class ErrorSerializer(serializers.Serializer):
    """The error envelope, for the OpenAPI schema."""

    # The metaclass moves declared fields off the class, so this does not replace Serializer.errors.
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]


class PreconditionFailedSerializer(ErrorSerializer):
    current = serializers.JSONField(help_text="The resource as it is now (its ETag is in the header).")


class DetailSerializer(serializers.Serializer):
    """A refusal other than a validation error (401, 403, 404, 415), for the OpenAPI schema."""

    detail = serializers.CharField()


# --- durations: in seconds, and again in ISO 8601 -------------------------------------------------------------
def iso8601_field() -> serializers.DictField:
    """Return the `iso8601` field of a payload whose values may be durations, documented for the schema."""
    return serializers.DictField(
        child=serializers.CharField(allow_null=True),
        allow_null=True,
        help_text='For a duration (whole seconds): the same values in ISO 8601 ("PT2H" for 7200), keyed by the '
        "field they repeat (null where that field is); null for other values. Writes accept either form.",
    )


def iso8601_of(preference: Any, **values: Any) -> dict[str, str | None] | None:
    """Return the payload fields `values` (in seconds) again in ISO 8601, or None if `preference` is no duration.

    A duration is a preference or live setting whose `unit` is "seconds" (`apps.preferences.types.SecondsPreference`).
    """
    if getattr(preference, "unit", "") != "seconds":
        return None
    return {
        key: iso8601(value) if isinstance(value, int) and not isinstance(value, bool) else None
        for key, value in values.items()
    }


# --- ETag and If-Match ----------------------------------------------------------------------------------------
def etag_of(raw: Any) -> str:
    """Return a strong ETag (quoted) for stored raw value(s): a text, None, or a list or dict of them."""
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def if_match_given(request: Request) -> bool:
    """Return whether the request sets a precondition on a particular version (an If-Match other than `*`)."""
    header = request.headers.get("If-Match")
    return header is not None and parse_etags(header) != ["*"]


def if_match_holds(request: Request, etag: str) -> bool:
    """Return whether the request's If-Match (if any) matches `etag`, by strong comparison."""
    header = request.headers.get("If-Match")
    if header is None:
        return True
    tags = parse_etags(header)
    return "*" in tags or etag in tags  # a weak tag (W/"…") never equals a strong one


def with_etag(response: Response, etag: str) -> Response:
    """Set `ETag` on `response` and return it."""
    response["ETag"] = etag
    return response


def etag_response(data: Any, etag: str, *, code: int = status.HTTP_200_OK) -> Response:
    """Return `data` with its ETag."""
    return with_etag(Response(data, status=code), etag)


def precondition_failed(*, current: Any, etag: str) -> Response:
    """Return the 412 answer: the envelope, the resource as it is now, and its ETag."""
    return with_etag(
        errors_response({"if_match": [STALE_MESSAGE]}, code=status.HTTP_412_PRECONDITION_FAILED, current=current),
        etag,
    )


def stale_response(request: Request, etag: str, current: Callable[[], Any]) -> Response | None:
    """Return the 412 answer when the request's If-Match does not match `etag`, else None (go ahead)."""
    if if_match_holds(request, etag):
        return None
    return precondition_failed(current=current(), etag=etag)


# --- the OpenAPI description of the above ---------------------------------------------------------------------
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you read: the change is refused (412) if the resource changed since. Optional; `*` "
    "matches anything.",
)
ETAG = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=True, description="Version of the resource."
)
PRECONDITION_FAILED = OpenApiResponse(
    PreconditionFailedSerializer, description="If-Match did not match: nothing written; the current value is sent."
)


REFUSALS = {
    "400": OpenApiResponse(ErrorSerializer, description="Invalid input, or a body that is not acceptable JSON."),
    "401": OpenApiResponse(DetailSerializer, description="No credentials (see `WWW-Authenticate`)."),
    "403": OpenApiResponse(DetailSerializer, description="Not allowed for this person."),
    "404": OpenApiResponse(DetailSerializer, description="No such resource."),
    "415": OpenApiResponse(DetailSerializer, description="The body is not JSON."),
}
WRITES = {"POST", "PUT", "PATCH"}


class ApiSchema(AutoSchema):
    """The schema of an operation, with the refusals every API of the portal may answer."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = ["400", "401", "403"]
        if "{" in self.path:
            codes.append("404")
        if self.method in WRITES:
            codes.append("415")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(REFUSALS[code], code, direction=direction)
        return responses


# Views name their parser here, with the rest of the kit.
JSONParser = parsers.JSONParser


@csrf_exempt  # it writes nothing: a write with a session cookie gets the API's 404, not the HTML CSRF page
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Answer a path under /api/ that no API serves with REST framework's 404 body, not the HTML page."""
    return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)

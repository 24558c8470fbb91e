"""The API kit: ETags, If-Match, the error envelope."""

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.core.api import (
    api_exception_handler,
    etag_of,
    if_match_given,
    if_match_holds,
    precondition_failed,
    stale_response,
    validation_errors,
)
from tests.support.people import client_for, make_user


def _request(**headers):
    return Request(
        APIRequestFactory().put("/", **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    )


def test_etag_is_strong_stable_and_tells_values_apart():
    tag = etag_of('"Acme"')

    assert tag.startswith('"') and tag.endswith('"') and not tag.startswith("W/")
    assert etag_of('"Acme"') == tag
    assert len({etag_of(None), etag_of("null"), etag_of('"Acme"'), etag_of('"acme"')}) == 4
    assert etag_of({"b": "2", "a": "1"}) == etag_of({"a": "1", "b": "2"})  # a collection: order does not matter


def test_if_match_missing_or_star_always_holds():
    tag = etag_of("1")

    assert if_match_holds(_request(), tag) and not if_match_given(_request())
    assert if_match_holds(_request(**{"If-Match": "*"}), tag) and not if_match_given(_request(**{"If-Match": "*"}))


def test_if_match_compares_strongly_and_accepts_a_list():
    tag, other = etag_of("1"), etag_of("2")

    assert if_match_holds(_request(**{"If-Match": tag}), tag)
    assert if_match_holds(_request(**{"If-Match": f"{other}, {tag}"}), tag)
    assert not if_match_holds(_request(**{"If-Match": other}), tag)
    assert not if_match_holds(_request(**{"If-Match": f"W/{tag}"}), tag)  # a weak tag never matches for a write
    assert not if_match_holds(_request(**{"If-Match": "garbage"}), tag)
    assert if_match_given(_request(**{"If-Match": tag}))


def test_stale_answer_is_412_with_the_envelope_current_value_and_etag():
    tag = etag_of("1")

    answer = stale_response(_request(**{"If-Match": etag_of("0")}), tag, lambda: {"value": 1})

    assert answer is not None and answer.status_code == 412
    assert answer["ETag"] == tag
    assert list(answer.data["errors"]) == ["if_match"] and answer.data["current"] == {"value": 1}
    assert stale_response(_request(**{"If-Match": tag}), tag, lambda: {"value": 1}) is None
    assert precondition_failed(current=None, etag=tag).data["current"] is None


def test_validation_errors_keep_keys_or_go_under_one_field():
    keyed = ValidationError({"general__title": ["Too long."]})
    plain = ValidationError(["Enter a whole number.", "Too small."])

    assert validation_errors(keyed) == {"general__title": ["Too long."]}
    assert validation_errors(plain, field="value") == {"value": ["Enter a whole number.", "Too small."]}
    assert validation_errors(plain) == {"non_field_errors": ["Enter a whole number.", "Too small."]}


def test_exception_handler_wraps_validation_errors_and_leaves_other_refusals():
    invalid = api_exception_handler(exceptions.ValidationError({"value": ["Required."]}), {})
    listed = api_exception_handler(exceptions.ValidationError(["Bad."]), {})
    denied = api_exception_handler(exceptions.PermissionDenied("No."), {})

    assert invalid is not None and invalid.status_code == 400
    assert invalid.data == {"errors": {"value": ["Required."]}}
    assert listed is not None and listed.data == {"errors": {"non_field_errors": ["Bad."]}}
    assert denied is not None and denied.status_code == 403 and denied.data == {"detail": "No."}


# --- answers of the APIs for missing credentials, and what their schemas document -------------------------------
@pytest.mark.parametrize(
    ("host", "path"),
    [
        ("acme.localhost", "/api/preferences/user/"),
        ("acme.localhost", "/api/livesettings/overrides/"),
        ("acme.localhost", "/api/schema/"),
        ("localhost", "/api/livesettings/"),
        ("localhost", "/api/schema/"),
    ],
)
def test_missing_credentials_answer_401_asking_for_a_token(tenants, host, path):
    response = Client(HTTP_HOST=host).get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert b"Authentication credentials were not provided" in response.content


def test_an_authenticated_member_refused_an_owners_api_still_gets_403(acme):
    member = client_for("acme.localhost", make_user(acme, "alice"), acme)

    assert member.get("/api/livesettings/overrides/").status_code == 403


def test_the_tenant_api_docs_are_for_signed_in_people(acme):
    anonymous = Client(HTTP_HOST="acme.localhost")
    member = client_for("acme.localhost", make_user(acme, "alice"), acme)

    docs = anonymous.get("/api/docs/")

    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/")
    assert member.get("/api/docs/").status_code == 200
    assert member.get("/api/schema/?format=json").status_code == 200


def schema_of(client: Client) -> dict:
    return yaml.safe_load(client.get("/api/schema/").content)


def test_every_operation_documents_its_refusals_with_their_envelopes(acme):
    tenant = schema_of(client_for("acme.localhost", make_user(acme, "olivia", owner=True), acme))
    public = schema_of(client_for("localhost", make_user(None, "root-admin", superuser=True)))

    for schema in (tenant, public):
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                codes = set(operation["responses"])
                expected = {"400", "401", "403"} | ({"404"} if "{" in path else set())
                expected |= {"415"} if method in ("post", "put", "patch") else set()
                assert expected <= codes, f"{method} {path}: {sorted(codes)}"
                bad = operation["responses"]["400"]["content"]["application/json"]["schema"]
                assert bad["$ref"].endswith("/Error"), f"{method} {path}"
    components = tenant["components"]["schemas"]
    assert "errors" in components["Error"]["properties"] and "detail" in components["Detail"]["properties"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unrouted_api_write_with_a_session_cookie_is_the_apis_json_404(acme, method):
    client = Client(HTTP_HOST="acme.localhost", enforce_csrf_checks=True)  # as a browser: no CSRF token sent
    member = client_for("acme.localhost", make_user(acme, "alice"), acme)
    client.cookies = member.cookies

    response = getattr(client, method)("/api/no-such-thing/", "{}", content_type="application/json")

    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"detail": "Not found."}

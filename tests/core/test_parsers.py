"""The API's JSON parser: deep nesting and NUL characters are refused with a 400 in the envelope, never a 500."""

import io

import pytest
from rest_framework.exceptions import ParseError

from apps.core.parsers import MAX_JSON_DEPTH, JSONParser, json_depth_check
from tests.support.people import client_for, make_user

DEEP = "[" * 5000 + "]" * 5000


def parse(text: str):
    return JSONParser().parse(io.BytesIO(text.encode()), "application/json", {})


def test_a_body_nested_as_deep_as_allowed_parses():
    text = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH

    assert parse(text) is not None
    assert parse('{"value": {"a": [1, "two"]}}') == {"value": {"a": [1, "two"]}}


@pytest.mark.parametrize(
    "text",
    [
        "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
        '{"a": ' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1),
        DEEP,  # deep enough to exhaust the C decoder's recursion
    ],
)
def test_a_body_nested_deeper_is_refused(text):
    with pytest.raises(ParseError, match="nested"):
        parse(text)


@pytest.mark.parametrize("text", ['{"value": "a\\u0000b"}', '{"a\\u0000": 1}', '[["\\u0000"]]'])
def test_a_nul_character_anywhere_is_refused(text):
    with pytest.raises(ParseError, match="NUL"):
        parse(text)


def test_the_check_walks_without_recursion():
    value: list = []
    for _ in range(100_000):
        value = [value]

    with pytest.raises(ParseError):
        json_depth_check(value)


# Every JSON write endpoint of both domains: (host, method, path, owner-or-superadmin).
WRITE_ENDPOINTS = [
    ("acme.localhost", "patch", "/api/preferences/global/"),
    ("acme.localhost", "put", "/api/preferences/global/general__title/"),
    ("acme.localhost", "patch", "/api/preferences/global/general__title/"),
    ("acme.localhost", "patch", "/api/preferences/user/"),
    ("acme.localhost", "put", "/api/preferences/user/appearance__theme/"),
    ("acme.localhost", "patch", "/api/preferences/user/appearance__theme/"),
    ("acme.localhost", "post", "/api/notifications/preferences/"),
    ("acme.localhost", "put", "/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/"),
    ("acme.localhost", "patch", "/api/livesettings/overrides/SESSION_EXPIRE_SECONDS/"),
    ("localhost", "put", "/api/livesettings/MAINTENANCE_MESSAGE/"),
    ("localhost", "patch", "/api/livesettings/MAINTENANCE_MESSAGE/"),
]


@pytest.fixture
def callers(acme):
    return {
        "acme.localhost": client_for("acme.localhost", make_user(acme, "olivia", owner=True), acme),
        "localhost": client_for("localhost", make_user(None, "root-admin", superuser=True)),
    }


@pytest.mark.parametrize(("host", "method", "path"), WRITE_ENDPOINTS)
@pytest.mark.parametrize(
    ("body", "message"),
    [(DEEP, "nested"), ('{"value": "a\\u0000b"}', "NUL"), ('{"value": ', "JSON parse error")],
    ids=["deep", "nul", "malformed"],
)
def test_every_json_write_endpoint_answers_bad_json_with_a_400_in_the_envelope(
    callers, host, method, path, body, message
):
    response = getattr(callers[host], method)(path, body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["errors"]
    assert message in response.json()["errors"]["non_field_errors"][0]

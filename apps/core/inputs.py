"""Input normalisation shared by every page and API: ids from query strings and forms, short log values.

Query and form values reach views as text of any length and content. PostgreSQL refuses NUL bytes in text
(`apps.core.middleware.RejectNulBytesMiddleware` answers 400 for those before any view runs), Python's
`int()` refuses more than 4,300 digits and a bigint column anything past 2**63 - 1: `parse_id` turns each of
these into "no id" instead of a server error, and `id_param` into a 400.
"""

import re

from django.core.exceptions import BadRequest

BIGINT_MAX = 2**63 - 1
# ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
_ID = re.compile(r"[0-9]{1,19}")
LOG_VALUE_LIMIT = 200


def parse_id(value: object) -> int | None:
    """Return `value` as a database id (a bigint of ASCII digits), or None if it is missing or is not one."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if number <= BIGINT_MAX else None


def id_param(value: str | None) -> int | None:
    """Return the id a query or form parameter names, None when it is absent; raise BadRequest if malformed."""
    if value is None or value == "":
        return None
    number = parse_id(value)
    if number is None:
        raise BadRequest(f"Not an id: {shorten(value, limit=40)!r}")
    return number


def shorten(text: str, *, limit: int = LOG_VALUE_LIMIT) -> str:
    """Return `text` cut to `limit` characters, saying how long it was, so a log line stays a line."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"

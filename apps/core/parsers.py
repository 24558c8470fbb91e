"""The API's JSON parser: REST framework's, with a bound on nesting and no NUL characters.

It is the default parser (settings `REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`). It imports nothing of REST
framework's views, which load the parser classes while they are being defined.
"""

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request of this API nests deeper than a few levels; a bound far above that refuses a body built to exhaust the
# parser's recursion (5,000 `[`) with a 400 rather than a RecursionError.
MAX_JSON_DEPTH = 32


def json_depth_check(value: Any, *, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise ParseError if `value` nests lists and objects deeper than `limit` or holds a NUL in a text."""
    pending = [(value, 1)]
    while pending:  # a loop, not recursion: the value may be as deep as the parser allowed
        item, depth = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise ParseError("JSON text may not contain NUL characters (\\u0000).")
            continue
        if not isinstance(item, (list, dict)):
            continue
        if depth > limit:
            raise ParseError(f"JSON nested more than {limit} levels deep.")
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children)


class JSONParser(parsers.JSONParser):
    """REST framework's JSON parser, refusing bodies nested too deep or holding NUL characters (400)."""

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # the C decoder's own guard against the deepest bodies
            raise ParseError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep.") from exc
        json_depth_check(data)
        return data

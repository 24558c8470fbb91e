"""The site's WSGI application for benchmarks/load.py, plus a truly bare page: the floor every ratio is taken to.

`/__bare__` is answered before Django (no middleware, so no domain lookup, no session, no Redis), so it
measures only gunicorn, the network and wrk. Every other path is the site, unchanged. Never used outside
the benchmark.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

BARE_PATH = "/__bare__"
_site = get_wsgi_application()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer BARE_PATH with a fixed 200; hand everything else to the site."""
    if environ.get("PATH_INFO") == BARE_PATH:
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    return _site(environ, start_response)

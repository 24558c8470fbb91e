"""Show Django messages after htmx swaps, which never reload the base template's toast area."""

from collections.abc import Callable

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class HtmxMessagesMiddleware:
    """Append pending messages to htmx HTML responses as an out-of-band swap into the toast area."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.htmx or response.streaming:  # type: ignore[attr-defined]  # HtmxMiddleware runs first
            return response
        # A redirect (plain, HX-Redirect or a refresh) leaves the messages for the page it leads to.
        if response.status_code in (301, 302) or any(
            h in response for h in ("HX-Redirect", "HX-Location", "HX-Refresh")
        ):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        messages = list(get_messages(request))
        if messages:
            response.content += render_to_string("_messages.html#toasts-oob", {"messages": messages}).encode()
            if response.has_header("Content-Length"):
                # CommonMiddleware, inside this one, has already counted the body without the toasts.
                response["Content-Length"] = str(len(response.content))
        return response

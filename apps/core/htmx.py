"""Render a whole page, or only one of its named partials when htmx asks for a fragment."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """An HttpRequest that went through django-htmx's HtmxMiddleware, which sets `request.htmx` (for type checking)."""

    htmx: HtmxDetails


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, partial: str | None = None, status: int = 200
) -> HttpResponse:
    """Render `template`, or `template#partial` for an htmx request (the page stays usable without JS)."""
    name = f"{template}#{partial}" if partial and getattr(request, "htmx", False) else template
    return render(request, name, context, status=status)

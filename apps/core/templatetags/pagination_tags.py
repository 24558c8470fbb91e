"""`{% query_without_page as keep %}`: the pagination partial's links keep the list's search and filters."""

from typing import Any

from django import template

from apps.core import pagination

register = template.Library()


@register.simple_tag(takes_context=True)
def query_without_page(context: dict[str, Any]) -> str:
    """Return the request's query string without `page` (empty, or ending in "&"), to prefix `page=N` with."""
    request = context.get("request")
    return pagination.query_without_page(request) if request is not None else ""

"""One way to paginate a list page: the page size comes from the request, the links keep the filters.

`paginate(request, items)` returns a Django `Page`; render it with `{% include "_pagination.html" %}`, which
keeps every other query parameter (search, filters) in its links. The page size is `request.page_size` when
something upstream set it (the user's "items per page" preference), else `settings.PORTAL_PAGE_SIZE`.
"""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

DEFAULT_PAGE_SIZE = 25


def page_size_for(request: HttpRequest) -> int:
    """The number of rows a list page shows this request."""
    size = getattr(request, "page_size", None) or getattr(settings, "PORTAL_PAGE_SIZE", DEFAULT_PAGE_SIZE)
    return max(1, int(size or DEFAULT_PAGE_SIZE))


def paginate(request: HttpRequest, items: QuerySet[Any] | Sequence[Any], *, per_page: int | None = None) -> Page:
    """The page of `items` that `?page=` asks for (the last one when it is past the end)."""
    return Paginator(items, per_page or page_size_for(request)).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without `page`, to prefix pagination links with (empty or `a=1&b=2&`)."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""

"""The Content-Security-Policy's one exception: the API docs page, whose Swagger UI sets inline styles.

The site-wide policy is `CONTENT_SECURITY_POLICY` in the settings (django-csp). Swagger UI (from
drf-spectacular-sidecar) is served by drf-spectacular's split view, so its start-up script is a file, not
inline; its page template and the React components it renders still write `<style>` and `style=`, so this page
alone allows inline styles. Scripts stay restricted to the site's own files.
"""

from collections.abc import Callable
from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView

# Added to the site-wide directive (django-csp's update), which already holds 'self'.
API_DOCS_POLICY = {"style-src": [UNSAFE_INLINE]}


def api_docs_view(**initkwargs: Any) -> Callable[..., Any]:
    """Return the Swagger UI view (drf-spectacular's split view) under the API docs page's relaxed policy."""
    return csp_update(API_DOCS_POLICY)(SpectacularSwaggerSplitView.as_view(**initkwargs))

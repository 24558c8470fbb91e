"""`{% inline_field field %}`: the inline-edit kit's markup of one field (apps.core.inline)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from apps.core.inline import InlineField, inline_field_html

register = template.Library()


@register.simple_tag(takes_context=True)
def inline_field(context: template.Context, field: InlineField) -> SafeString:
    """Render `field` with the context's CSRF token (used when the field is its own form)."""
    token: Any = context.get("csrf_token")
    return inline_field_html(field, token)

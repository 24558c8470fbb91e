"""`{{ value|when }}`: a date and time in the viewer's zone that names the zone, in a machine-readable <time>.

Every time a page shows goes through this filter (UI.md: "every time shown names its time zone"). The zone is
the one active for the request (`UserTimezoneMiddleware` activates the user's preference; a page may wrap
`{% timezone %}` around it), written as its IANA name ("Europe/Paris"), which says more than "CET".
`{{ value|when:"seconds" }}` shows the seconds too.
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def zone_name() -> str:
    """Return the active time zone's name ("UTC", "Europe/Paris")."""
    return timezone.get_current_timezone_name()


@register.filter
def when(value: datetime.datetime | None, precision: str = "minutes") -> SafeString | str:
    """Return `<time datetime="…">2026-12-02 14:05 Europe/Paris</time>`; "" for no value."""
    if not isinstance(value, datetime.datetime):
        return "" if value is None else str(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    shown = f"{local:%Y-%m-%d %H:%M:%S}" if precision == "seconds" else f"{local:%Y-%m-%d %H:%M}"
    return format_html('<time datetime="{}">{} {}</time>', local.isoformat(), shown, zone_name())

"""When people hear: quiet hours per backend, email digests per category, a pause, unsubscribe from all email.

Each choice is an ordinary user preference (section "notifications", declared in `apps.catalog.preferences`), so
organisation and group defaults reach it through the preferences engine; this module reads them through the
preferences managers (many people at once: `timings_load`) and decides, when an outbox row is written, whether it
goes out now, is held until the end of the recipient's quiet hours, waits for a digest, or is skipped with its
reason. Mandatory and `critical`
notifications bypass all of it (they are still marked when they reach someone who paused).

Times are computed in the recipient's zone with zoneinfo, so a window crossing a DST change ends at the right
instant ("07:00 Europe/Paris" is 05:00 UTC in summer and 06:00 UTC in winter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from apps.notifications.models import Delivery
from apps.notifications.registry import Notification
from apps.notifications.selectors import id_array

Status = Delivery.Status
Reason = Delivery.Reason

SECTION = "notifications"
TIME_ZONE_KEY = "locale__time_zone"
PAUSED_UNTIL_NAME = "paused_until"
UNSUBSCRIBED_ALL_NAME = "email_unsubscribed_all"
DIGEST_TIME_NAME = "digest_time"
IMMEDIATELY, HOURLY, DAILY = "immediately", "hourly", "daily"
DIGEST_CHOICES = [(IMMEDIATELY, "Immediately"), (HOURLY, "Hourly digest"), (DAILY, "Daily digest")]
# "Pause until I resume" stores this instant; anything this far away reads as "until resumed".
UNTIL_RESUMED = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
PAUSE_CHOICES = {"day": dt.timedelta(days=1), "week": dt.timedelta(weeks=1), "resume": None}


def now() -> dt.datetime:
    """Return the current instant; the tests' `clock` fixture replaces it to cross DST changes without waiting."""
    return timezone.now()


def key(name: str) -> str:
    """Return the preference key of one of this section's names."""
    return f"{SECTION}__{name}"


def quiet_preference_name(backend: str) -> str:
    """Return the name of the quiet-hours preference of `backend`."""
    return f"quiet_{backend}"


def digest_preference_name(category: str) -> str:
    """Return the name of the email-digest preference of a notification category."""
    return "digest_" + slugify(category).replace("-", "_")


def quiet_window_parse(text: str) -> tuple[dt.time, dt.time] | None:
    """Return (start, end) from "22:00-07:00" (None for empty); raise ValueError saying what is expected."""
    text = (text or "").strip().replace("\u2013", "-")  # people type an en dash too
    if not text:
        return None
    try:
        start_text, end_text = (part.strip() for part in text.split("-"))
        start, end = dt.time.fromisoformat(start_text), dt.time.fromisoformat(end_text)
    except ValueError:
        raise ValueError("Enter a window such as 22:00-07:00, or leave it empty.") from None
    if start == end:
        raise ValueError("The window must start and end at different times.")
    return start, end


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _local(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """Return the instant of wall-clock `at` on `day` in `zone`; a time skipped by DST moves to just after the gap."""
    moment = dt.datetime.combine(day, at, tzinfo=zone)
    # A wall time inside a spring-forward gap does not round-trip; zoneinfo reads it with the offset before the
    # gap, which lands after it once normalised through UTC.
    return moment.astimezone(dt.UTC)


def quiet_release_at(window: tuple[dt.time, dt.time], moment: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
    """Return when the quiet window holding `moment` ends (UTC), or None when `moment` is outside it."""
    start, end = window
    local = moment.astimezone(zone)
    at = local.time().replace(tzinfo=None)
    if start < end:  # a window within one day, e.g. 12:00-14:00
        return _local(local.date(), end, zone) if start <= at < end else None
    if at >= start:  # overnight, before midnight: it ends tomorrow
        return _local(local.date() + dt.timedelta(days=1), end, zone)
    if at < end:  # overnight, after midnight: it ends today
        return _local(local.date(), end, zone)
    return None


def digest_due_at(mode: str, moment: dt.datetime, zone: ZoneInfo, daily_at: dt.time) -> dt.datetime:
    """Return when the digest of `mode` that collects an item written at `moment` goes out (UTC)."""
    if mode == HOURLY:
        top = moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        return top + dt.timedelta(hours=1)
    local = moment.astimezone(zone)
    due = _local(local.date(), daily_at, zone)
    if due <= moment:
        due = _local(local.date() + dt.timedelta(days=1), daily_at, zone)
    return due


@dataclass(frozen=True)
class Timing:
    """One person's choices about when they hear, read from their preferences."""

    zone: ZoneInfo
    quiet: dict[str, tuple[dt.time, dt.time]] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)  # category → IMMEDIATELY | HOURLY | DAILY
    daily_at: dt.time = dt.time(8, 0)
    paused_until: dt.datetime | None = None
    unsubscribed_all: bool = False

    def paused(self, moment: dt.datetime) -> bool:
        return self.paused_until is not None and self.paused_until > moment

    def digest_mode(self, category: str) -> str:
        return self.digests.get(category, IMMEDIATELY)


def preferences_of(user: Any) -> Any:
    """Return `user`'s preferences manager: `user.preferences`, the one a request already loaded (no query)."""
    return user.preferences


def timing_read(preferences: Any, *, categories: Iterable[str], backends: Iterable[str]) -> Timing:
    """Return the Timing held in one user's preferences manager (`user.preferences`)."""
    quiet = {}
    for backend in backends:
        try:
            window = quiet_window_parse(preferences.get(key(quiet_preference_name(backend))) or "")
        except ValueError:
            window = None  # a value stored before a validation change: no quiet hours rather than none sent
        if window is not None:
            quiet[backend] = window
    digests = {
        category: preferences.get(key(digest_preference_name(category))) or IMMEDIATELY for category in categories
    }
    try:
        paused_until = pause_parse(preferences.get(key(PAUSED_UNTIL_NAME)) or "")
    except ValueError:
        paused_until = None
    return Timing(
        zone=_zone(preferences.get(TIME_ZONE_KEY) or "UTC"),
        quiet=quiet,
        digests=digests,
        daily_at=preferences.get(key(DIGEST_TIME_NAME)) or dt.time(8, 0),
        paused_until=paused_until,
        unsubscribed_all=bool(preferences.get(key(UNSUBSCRIBED_ALL_NAME))),
    )


class _Layered:
    """One person's values: their own stored ones, else what everyone without one reads (`shared`)."""

    def __init__(self, own: dict[str, Any], shared: Any) -> None:
        self.own, self.shared = own, shared

    def get(self, name: str) -> Any:
        return self.own[name] if name in self.own else self.shared.get(name)


def _keys(categories: list[str], backends: list[str]) -> list[str]:
    names = [quiet_preference_name(backend) for backend in backends]
    names += [digest_preference_name(category) for category in categories]
    names += [DIGEST_TIME_NAME, PAUSED_UNTIL_NAME, UNSUBSCRIBED_ALL_NAME]
    return [TIME_ZONE_KEY, *(key(name) for name in names)]


def timings_load(user_ids: Iterable[int], *, categories: Iterable[str], backends: Iterable[str]) -> dict[int, Timing]:
    """Return user id → Timing for many people in a constant number of queries (three), whatever their number.

    Own values come from one query over the recipients' stored rows of the keys read here, decoded by each
    preference's declaration; everything else is read once through the preferences manager of a recipient who
    stores none of them, so the organisation's defaults apply to all of them alike.
    """
    from apps.preferences.models import UserPreference
    from apps.preferences.registries import user_preferences_registry

    ids = set(user_ids)
    if not ids:
        return {}
    categories, backends = list(categories), list(backends)
    keys = [name for name in _keys(categories, backends) if name in user_preferences_registry]
    wanted = Q(pk__in=[])
    for name in keys:
        section, _, short = name.partition("__")
        wanted |= Q(section=section, name=short)
    own: dict[int, dict[str, Any]] = {}
    for user_id, section, short, raw in UserPreference.objects.filter(wanted, user_id__in=id_array(ids)).values_list(
        "user_id", "section", "name", "raw_value"
    ):
        name = f"{section}__{short}"
        decoded = user_preferences_registry.get(name).stored_value(raw)
        if decoded.decodes:
            own.setdefault(user_id, {})[name] = decoded.value
    # One id, not the 100,000 of a big send as an IN list: any recipient without own values reads the defaults.
    others = ids - set(own)
    sample = get_user_model().objects.filter(pk=min(others)).first() if others else None
    shared: Any = (
        preferences_of(sample)
        if sample is not None
        else {name: user_preferences_registry.get(name).get_default() for name in keys}
    )
    timings = {
        user_id: timing_read(_Layered(values, shared), categories=categories, backends=backends)
        for user_id, values in own.items()
        if user_id in ids
    }
    rest = ids - set(timings)
    if rest:
        timings.update(dict.fromkeys(rest, timing_read(shared, categories=categories, backends=backends)))
    return timings


def rows_time(rows: list[Delivery], declaration: Notification, *, moment: dt.datetime | None = None) -> None:
    """Decide, before the rows are written, which pending ones are held, digested or skipped (pause, unsubscribe).

    Mandatory and critical notifications go out at once; when they reach someone who paused or unsubscribed
    from all email, their source says so, so the log shows why they were sent anyway.
    """
    pending = [row for row in rows if row.status == Status.PENDING]
    if not pending:
        return
    moment = moment or now()
    backends = {row.backend.name for row in pending}
    timings = timings_load(
        {row.user_id for row in pending}, categories=[declaration.category], backends=sorted(backends)
    )
    bypass = declaration.mandatory or declaration.critical
    why = "mandatory" if declaration.mandatory else "critical"
    for row in pending:
        timing = timings.get(row.user_id)
        if timing is None:
            continue
        backend = row.backend.name
        paused = timing.paused(moment)
        unsubscribed = backend == "email" and timing.unsubscribed_all
        if bypass:
            if paused or unsubscribed:
                row.source = f"{why}, sent although {'paused' if paused else 'unsubscribed from all email'}"
            continue
        if paused:
            row.status, row.reason = Status.SKIPPED, Reason.PAUSED
            continue
        if unsubscribed:
            row.status, row.reason = Status.SKIPPED, Reason.UNSUBSCRIBED_ALL
            continue
        mode = timing.digest_mode(declaration.category) if backend == "email" else IMMEDIATELY
        window = timing.quiet.get(backend)
        if mode != IMMEDIATELY:
            row.status, row.reason = Status.DIGESTED, Reason.DIGEST
            due = digest_due_at(mode, moment, timing.zone, timing.daily_at)
            # A digest due inside the email quiet hours waits for their end, like any other email; the items of
            # one digest share its due time, so they still go out together.
            release = quiet_release_at(window, due, timing.zone) if window else None
            if release is not None:
                row.held_until, row.held_zone, due = release, timing.zone.key, release
            row.digest_due_at = row.next_attempt_at = due
            continue
        release = quiet_release_at(window, moment, timing.zone) if window else None
        if release is not None:
            row.status, row.reason = Status.HELD, Reason.QUIET_HOURS
            row.held_until, row.held_zone, row.next_attempt_at = release, timing.zone.key, release


def held_label(row: Delivery) -> str:
    """Return "held until 07:00 Europe/Paris" for a held row (the day too when it is not within a day)."""
    if row.held_until is None:
        return ""
    zone = _zone(row.held_zone)
    local = row.held_until.astimezone(zone)
    when = (
        local.strftime("%H:%M") if row.held_until - now() < dt.timedelta(hours=23) else local.strftime("%a %d %b %H:%M")
    )
    return f"held until {when} {zone.key}"


def pause_parse(text: str) -> dt.datetime | None:
    """Return the end of a pause stored as ISO 8601 text (None when empty); a time without a zone is UTC."""
    if not text:
        return None
    moment = parse_datetime(text)
    if moment is None:
        raise ValueError("Enter an instant such as 2026-12-24T08:00+01:00, or leave it empty.")
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)


def pause_until(choice: str, *, moment: dt.datetime | None = None) -> dt.datetime:
    """Return the end of a pause chosen as "day", "week" or "resume" (until resumed); raise ValueError otherwise."""
    if choice not in PAUSE_CHOICES:
        raise ValueError(f"Choose one of {', '.join(PAUSE_CHOICES)}.")
    length = PAUSE_CHOICES[choice]
    return UNTIL_RESUMED if length is None else (moment or now()) + length

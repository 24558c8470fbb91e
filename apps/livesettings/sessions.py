"""Session expiry rules, on timestamps kept in the session itself (so a changed limit applies to open sessions)."""

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

# Seconds since the epoch: when the person logged in, and their last recorded request.
LOGIN_AT = "_livesettings_login_at"
SEEN_AT = "_livesettings_seen_at"


def now() -> float:
    """Return the current time in seconds since the epoch (one place for tests to move the clock)."""
    return time.time()


@dataclass(frozen=True)
class ExpiryPolicy:
    limit: int
    after_last_activity: bool
    grace: int
    warning: int

    @classmethod
    def current(cls) -> "ExpiryPolicy":
        """Return the policy in effect for this request (live values, the tenant's override included)."""
        limit = int(settings.SESSION_EXPIRE_SECONDS)
        # A grace period as long as the limit would make inactivity expiry meaningless: cap it at half.
        grace = min(int(settings.SESSION_EXPIRE_GRACE_SECONDS), limit // 2)
        return cls(
            limit=limit,
            after_last_activity=bool(settings.SESSION_EXPIRE_AFTER_LAST_ACTIVITY),
            grace=grace,
            warning=min(int(settings.SESSION_EXPIRE_WARNING_SECONDS), limit),
        )


@dataclass(frozen=True)
class SessionStatus:
    expired: bool
    expires_at: float
    warn_at: float
    policy: ExpiryPolicy

    def seconds_left(self, at: float) -> int:
        return max(0, int(self.expires_at - at))


def session_started(session: Any, *, at: float | None = None) -> None:
    """Start a session's clocks (at login)."""
    moment = now() if at is None else at
    session[LOGIN_AT] = moment
    session[SEEN_AT] = moment


def session_check(session: Any, *, policy: ExpiryPolicy, at: float, record_activity: bool = True) -> SessionStatus:
    """Return whether the session has expired and when it will; record activity at most once per grace period.

    Expired means strictly more than `policy.limit` seconds since the reference time (login, or the last
    recorded request in inactivity mode); at exactly the limit the session is still valid.
    """
    if LOGIN_AT not in session:
        # Opened before this rule existed (or by a login that bypassed the signal): its clock starts now.
        session_started(session, at=at)
    login_at = float(session[LOGIN_AT])
    reference = float(session.get(SEEN_AT, login_at)) if policy.after_last_activity else login_at
    if at - reference > policy.limit:
        return SessionStatus(True, reference + policy.limit, reference + policy.limit - policy.warning, policy)
    if policy.after_last_activity and record_activity and at - reference > policy.grace:
        session[SEEN_AT] = at  # Only now is the session written; requests within the grace period write nothing.
        reference = at
    expires_at = reference + policy.limit
    return SessionStatus(False, expires_at, expires_at - policy.warning, policy)


def session_extend(session: Any, *, policy: ExpiryPolicy, at: float) -> None:
    """Restart the clock that expires the session ("stay signed in")."""
    if policy.after_last_activity:
        session[SEEN_AT] = at
    else:
        # Someone present clicked: the absolute limit is meant for abandoned sessions, so restart it.
        session[LOGIN_AT] = at
        session[SEEN_AT] = at

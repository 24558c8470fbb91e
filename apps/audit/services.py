"""Recording audit entries. Call inside the transaction of the change, so both commit or neither does."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from apps.audit.models import AuditEntry


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target_type: str,
    target_id: object = "",
    target_label: str = "",
    old: Any = None,
    new: Any = None,
) -> AuditEntry:
    """Record that `actor` did `action` to a target, from `old` to `new` (JSON-serialisable values)."""
    known_actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=known_actor,  # type: ignore[misc]  # the tenant's user model, typed as the base class here
        actor_name=known_actor.get_username() if known_actor is not None else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:200],
        old=old,
        new=new,
    )

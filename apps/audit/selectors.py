"""Reading the audit trail of the active tenant."""

from django.db.models import Q, QuerySet

from apps.audit.models import AuditEntry


def audit_entries(*, action_prefix: str = "", target_type: str = "", query: str = "") -> QuerySet[AuditEntry]:
    """Newest first, optionally only actions starting with `action_prefix`, one target type, or a search."""
    entries = AuditEntry.objects.all()
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    if target_type:
        entries = entries.filter(target_type=target_type)
    if query:
        entries = entries.filter(Q(target_label__icontains=query) | Q(actor_name__icontains=query))
    return entries

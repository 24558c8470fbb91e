"""The audit trail of a tenant: who changed what about its people, groups and permissions, and when.

Write with `apps.audit.services.audit_record`; read with `apps.audit.selectors.audit_entries`.
"""

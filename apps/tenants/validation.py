"""Rules for tenant names and subdomains, shared by the command, the console form and the service."""

import re

from django.core.exceptions import ValidationError

SUBDOMAIN_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")
# Subdomains a tenant may not take: infrastructure names, and what PostgreSQL reserves for itself.
RESERVED_SUBDOMAINS = frozenset(
    {"public", "www", "admin", "api", "static", "media", "mail", "console", "information-schema"}
)


def schema_name_for(subdomain: str) -> str:
    """Return the PostgreSQL schema name used for a subdomain (hyphens are not valid there unquoted)."""
    return subdomain.replace("-", "_")


def validate_subdomain(subdomain: str) -> None:
    """Raise ValidationError unless `subdomain` can name a new tenant."""
    if not SUBDOMAIN_PATTERN.match(subdomain):
        raise ValidationError(
            "Use 2 to 40 lowercase letters, digits or hyphens, starting with a letter and not ending "
            "with a hyphen (for example: acme or north-wind).",
            code="invalid",
        )
    if subdomain in RESERVED_SUBDOMAINS or subdomain.startswith("pg-") or "--" in subdomain:
        raise ValidationError(f'"{subdomain}" is reserved; choose another subdomain.', code="reserved")


def validate_tenant_name(name: str) -> None:
    """Raise ValidationError unless `name` is a usable display name."""
    if not name.strip():
        raise ValidationError("A tenant needs a name.", code="required")
    if len(name.strip()) > 100:
        raise ValidationError("A tenant name has at most 100 characters.", code="max_length")

"""Invitation links: a random token in the link, only its SHA-256 in the database.

Why not `django.core.signing`: single use, revocation and resend all need a row to check anyway, and a signed
token would still be valid in a copy of the database or after SECRET_KEY rotation tricks; a random token whose
hash is stored is looked up by an indexed column, cannot be forged, and dies with its row (resend replaces it).
"""

import hashlib
import secrets

TOKEN_BYTES = 32


def token_new() -> str:
    """Return a fresh URL-safe token (43 characters, 256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """Return the hex SHA-256 of `token`, as stored in `Invitation.token_hash`."""
    return hashlib.sha256(token.encode()).hexdigest()


def one_time_password() -> str:
    """Return a password for a person an owner adds directly: shown once, changed at first sign-in."""
    return secrets.token_urlsafe(12)

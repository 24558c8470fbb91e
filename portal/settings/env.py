"""Read settings from the environment, with development defaults that fail loudly in production."""

import os

from django.core.exceptions import ImproperlyConfigured

# DJANGO_ENV=production turns every missing required value into a start-up error.
ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
IS_PRODUCTION = ENVIRONMENT == "production"


def env_str(name: str, default: str, *, required_in_production: bool = False) -> str:
    """Return the variable `name`, or `default` outside production."""
    value = os.environ.get(name)
    if value is not None and value != "":
        return value
    if IS_PRODUCTION and required_in_production:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return default


def env_bool(name: str, default: bool) -> bool:
    """Return the variable `name` read as a boolean (1/true/yes/on)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Return the variable `name` read as an integer."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"The environment variable {name} must be an integer, not {raw!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    """Return the variable `name` read as a comma-separated list."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]

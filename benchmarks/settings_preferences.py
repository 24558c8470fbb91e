"""Settings for benchmarks/preferences.py only: the product's settings plus the two peer engines.

Everything runs in one tenant schema ("bench") of a dedicated database, so all three engines read and write
the same PostgreSQL schema and the same Redis. The peers are tenant apps: their tables live in the tenant's
schema, like ours.
"""

import os

# Read before base so the environment wins over base's development defaults.
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")  # never the site's 0, 1, 2
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

from portal.settings.base import *  # noqa: F403
from portal.settings.base import REDIS_URL, SHARED_APPS, TENANT_APPS

# Production-like: DEBUG would record every query in memory and slow the SQL paths of all engines.
DEBUG = False

# The peers are tenant apps, so their tables live in the tenant's schema like ours. "benchmarks" is not an app:
# Django would then autodiscover every benchmarks/<name>.py that shares a name with an autodiscovered module
# (preferences.py, notifications.py); benchmarks/preferences.py imports the peers' registry module itself.
TENANT_APPS = [*TENANT_APPS, "dynamic_preferences", "constance"]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

# --- django-dynamic-preferences: global preferences only, cached in the default (django-redis) cache ---
DYNAMIC_PREFERENCES = {
    "ENABLE_USER_PREFERENCES": False,
    "ENABLE_CACHE": True,
    "CACHE_NAME": "default",
}

# --- django-constance: its plain Redis backend, on the same Redis as the Django cache ---
CONSTANCE_BACKEND = "constance.backends.redisd.RedisBackend"
CONSTANCE_REDIS_CONNECTION = REDIS_URL
CONSTANCE_REDIS_PREFIX = "portal:bench:constance:"
# The same four values as the product's global preferences (apps/catalog/preferences.py).
CONSTANCE_CONFIG = {
    "GENERAL_TITLE": ("", "Portal title", str),
    "GENERAL_SUPPORT_EMAIL": ("", "Support email", str),
    "GENERAL_MAX_UPLOAD_MB": (10, "Largest upload (MB)", int),
    "LOCALE_WEEK_START": ("monday", "First day of the week", str),
}

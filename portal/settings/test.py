"""Settings for the test suite: real PostgreSQL and Redis, on Redis databases a dev site does not use."""

import os

# Read before base so the environment wins over base's development defaults.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", "portal-test")

from portal.settings.base import *

# Unit tests run tasks in-process; the worker fixture starts a real worker with eager mode off.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1", "testserver"]

# The documented crops example of lists of values (tests/lov_example): its list is shared, its records per tenant.
SHARED_APPS = [*SHARED_APPS, "tests.lov_example"]
TENANT_APPS = [*TENANT_APPS, "tests.lov_example_records"]
INSTALLED_APPS = [*INSTALLED_APPS, "tests.lov_example", "tests.lov_example_records"]

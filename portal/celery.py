"""The Celery app. Tasks run in the schema of the tenant that queued them (tenant-schemas-celery)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = CeleryApp("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

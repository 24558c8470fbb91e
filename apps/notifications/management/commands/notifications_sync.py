from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from apps.notifications.sync import notifications_sync
from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = "Copy the notifications declared in code and the configured backends into every ready tenant schema."

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = Tenant.objects.filter(state=Tenant.State.READY).exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        for schema in tenants.values_list("schema_name", flat=True):
            with schema_context(schema):
                notifications_sync()
            self.stdout.write(f"Synced {schema}.")

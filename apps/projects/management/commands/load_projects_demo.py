from typing import Any

from django.core.management.base import BaseCommand

from apps.projects.demo import DEMO, projects_demo_load
from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = "Seed the demo tenants (acme, globex) with list selections, custom values and tasks. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        for tenant in Tenant.objects.filter(schema_name__in=DEMO, state=Tenant.State.READY):
            projects_demo_load(tenant=tenant)
            self.stdout.write(f"Seeded the projects demo in {tenant.schema_name}.")

from typing import Any

from django.core.management.base import BaseCommand

from apps.tenants.services import public_tenant_ensure


class Command(BaseCommand):
    help = "Create or update the public tenant so the base domain (and 127.0.0.1) serve the console."

    def handle(self, *args: Any, **options: Any) -> None:
        public = public_tenant_ensure()
        domains = ", ".join(d.domain for d in public.domains.order_by("-is_primary", "domain"))
        self.stdout.write(self.style.SUCCESS(f"Public tenant serves: {domains}"))

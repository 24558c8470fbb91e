from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.tenants.services import OwnerAccount, tenant_create, tenant_provision


class Command(BaseCommand):
    help = "Create a tenant: its schema with migrations applied, its domain, and optionally its first owner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subdomain", help="For example: acme (served at acme.<base domain>).")
        parser.add_argument("name", help='Display name, for example: "Acme Corporation".')
        parser.add_argument("--owner-username", default="")
        parser.add_argument("--owner-email", default="")
        parser.add_argument("--owner-password", default="", help="Required with --owner-username.")
        parser.add_argument("--copy-from", default=None, help="Start from this tenant's configuration (its schema).")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = None
        if options["owner_username"]:
            if not options["owner_password"]:
                raise CommandError("--owner-password is required with --owner-username.")
            owner = OwnerAccount(
                username=options["owner_username"],
                email=options["owner_email"],
                password_hash=make_password(options["owner_password"]),
            )
        try:
            tenant = tenant_create(
                name=options["name"],
                subdomain=options["subdomain"],
                actor="manage.py",
                copy_from=options["copy_from"],
            )
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            raise CommandError(f"Nothing was created. {problems}") from exc

        def show(percent: int, message: str) -> None:
            self.stdout.write(f"[{percent:3d}%] {message}")

        try:
            tenant_provision(tenant, owner=owner, on_progress=show, copy_from=options["copy_from"])
        except Exception as exc:
            raise CommandError(f"Provisioning {tenant.schema_name} failed and was rolled back: {exc}") from exc
        domain = tenant.domains.get(is_primary=True).domain
        self.stdout.write(self.style.SUCCESS(f"Tenant {tenant.name} is ready at {domain}"))

"""`manage.py tenant_bundle export <schema> [-o file]` / `import <schema> <file> [--dry-run]`.

An import is all or nothing: a refused bundle writes nothing and the command fails, naming every refused entry.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.bundles.plan import BundlePlan
from apps.bundles.services import BundleRefused, bundle_export, bundle_import
from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = "Export a tenant's configuration bundle, or import one (all or nothing; --dry-run shows the diff)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{export,import}")
        export = actions.add_parser("export", help="Write the tenant's bundle as JSON.")
        export.add_argument("schema", help="Schema name (subdomain) of the tenant.")
        export.add_argument("-o", "--output", help="File to write (default: standard output).")
        import_ = actions.add_parser("import", help="Make the tenant's configuration the bundle's.")
        import_.add_argument("schema", help="Schema name (subdomain) of the tenant.")
        import_.add_argument("file", help='The bundle file, or "-" for standard input.')
        import_.add_argument("--dry-run", action="store_true", help="Print what would change; write nothing.")

    def handle(self, *args: Any, action: str, schema: str, **options: Any) -> None:
        tenant = Tenant.objects.filter(schema_name=schema, state=Tenant.State.READY).first()
        if tenant is None or tenant.is_public:
            raise CommandError(f"No ready tenant {schema!r}.")
        if action == "export":
            text = json.dumps(bundle_export(tenant=tenant), indent=2, ensure_ascii=False)
            if options.get("output"):
                Path(options["output"]).write_text(text + "\n", encoding="utf-8")
                self.stderr.write(f"Wrote {tenant.schema_name}'s bundle to {options['output']}.")
            else:
                self.stdout.write(text)
            return
        document = self._read(options["file"])
        try:
            plan = bundle_import(tenant=tenant, document=document, dry_run=options["dry_run"])
        except BundleRefused as exc:
            self._print(exc.plan)
            raise CommandError("The bundle was refused; nothing was written.") from exc
        self._print(plan)
        if options["dry_run"]:
            self.stdout.write(
                "Dry run: nothing was written." if plan.valid else "Dry run: the bundle would be refused."
            )
            if not plan.valid:
                raise CommandError("The bundle would be refused.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Applied {len(plan.changes)} changes to {tenant.schema_name}."))

    def _read(self, name: str) -> Any:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
            return json.loads(text)
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{name} is not JSON: {exc}") from exc

    def _print(self, plan: BundlePlan) -> None:
        for change in plan.changes:
            old, new = json.dumps(change.old), json.dumps(change.new)
            self.stdout.write(f"{change.kind:8} {change.path}: {old} → {new}")
        for path, reasons in plan.refused.items():
            self.stderr.write(f"refused  {path}: {' '.join(reasons)}")

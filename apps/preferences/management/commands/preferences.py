"""`manage.py preferences get|set|export|import`: read and write preference values from the shell.

Scope: `--scope site` (public schema), `global` (needs --tenant) or `user` (needs --tenant and --user);
without --scope it is "user" when --user is given, "global" when --tenant is, else "site".
Values are JSON ('"Acme"', 'true', '25'). Writes go through the manager with source "command": they are
validated, recorded in history and signalled; an invalid value or unknown key writes nothing.
"""

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from apps.preferences.registries import (
    global_preferences_registry,
    site_preferences_registry,
    user_preferences_registry,
)
from apps.preferences.services import preferences_set
from apps.tenants.models import Tenant

COMMAND_SOURCE = "command"
SCOPES = ("site", "global", "user")


def _json_form(preference: Any, value: Any) -> Any:
    return json.loads(preference.get_serializer().serialize(value))


def _errors_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{key}: {' '.join(messages)}" for key, messages in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Get, set, export or import preference values of the site, a tenant or a user."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{get,set,export,import}")

        get = actions.add_parser("get", help="Print a value as JSON.")
        get.add_argument("key")
        self._scope_arguments(get)

        set_ = actions.add_parser("set", help="Set a value given as JSON.")
        set_.add_argument("key")
        set_.add_argument("value", help="The value as JSON, e.g. '\"Acme\"', true, 25.")
        self._scope_arguments(set_)

        export = actions.add_parser("export", help="Print the stored values as a JSON object.")
        export.add_argument("--all", action="store_true", help="Include every key, with its default if unset.")
        self._scope_arguments(export)

        import_ = actions.add_parser("import", help="Set the values of a JSON object, all or nothing.")
        import_.add_argument("file", help='A JSON file of {key: value}, or "-" for standard input.')
        self._scope_arguments(import_)

    def _scope_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scope",
            choices=SCOPES,
            help="site, global (needs --tenant) or user (needs --tenant and --user); implied if omitted.",
        )
        parser.add_argument("--tenant", help="Schema name (subdomain) of the tenant.")
        parser.add_argument("--user", help="Username of a user of the tenant.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        scope = self._resolve_scope(options.get("scope"), options.get("tenant"), options.get("user"))
        with self._manager(scope, options.get("tenant"), options.get("user")) as manager:
            if action == "get":
                self._get(manager, options["key"])
            elif action == "set":
                self._set(manager, options["key"], options["value"])
            elif action == "export":
                self._export(manager, everything=options.get("all", False))
            else:
                self._import(manager, options["file"])

    # --- which values ------------------------------------------------------------------------------
    def _resolve_scope(self, scope: str | None, tenant: str | None, user: str | None) -> str:
        scope = scope or ("user" if user else "global" if tenant else "site")
        if scope == "site" and (tenant or user):
            raise CommandError("The site scope belongs to no tenant or user: leave out --tenant and --user.")
        if scope in ("global", "user") and not tenant:
            raise CommandError(f"The {scope} scope needs --tenant.")
        if scope == "user" and not user:
            raise CommandError("The user scope needs --user.")
        if scope == "global" and user:
            raise CommandError("The global scope belongs to the tenant: leave out --user.")
        return scope

    @contextmanager
    def _manager(self, scope: str, tenant: str | None, username: str | None) -> Iterator[Any]:
        if scope == "site":
            with schema_context(settings.PUBLIC_SCHEMA_NAME):
                yield site_preferences_registry.manager()
            return
        if not Tenant.objects.filter(schema_name=tenant, state=Tenant.State.READY).exists():
            raise CommandError(f"No ready tenant {tenant!r}.")
        with schema_context(tenant):
            if scope == "global":
                yield global_preferences_registry.manager()
                return
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r} in tenant {tenant!r}.")
            yield user_preferences_registry.manager(user)

    def _preference(self, manager: Any, key: str) -> Any:
        try:
            return manager.registry.get(key)
        except KeyError as exc:
            raise CommandError(exc.args[0]) from None

    # --- actions -----------------------------------------------------------------------------------
    def _get(self, manager: Any, key: str) -> None:
        preference = self._preference(manager, key)
        self.stdout.write(json.dumps(_json_form(preference, manager[preference.identifier])))
        if manager.is_default(preference.identifier):
            self.stderr.write("(not set: this is the default)")

    def _set(self, manager: Any, key: str, value_json: str) -> None:
        preference = self._preference(manager, key)
        try:
            value = json.loads(value_json)
        except json.JSONDecodeError as exc:
            hint = "quote text like '\"Acme\"'"
            raise CommandError(f"The value is not JSON ({exc}); {hint}. Nothing was written.") from exc
        self._write(manager, {preference.identifier: value})

    def _export(self, manager: Any, *, everything: bool) -> None:
        values = {}
        for preference in manager.registry:
            key = preference.identifier
            raw = manager.raw(key)
            if raw is not None:
                values[key] = json.loads(raw)
            elif everything:
                values[key] = _json_form(preference, preference.get_default())
        self.stdout.write(json.dumps(values, indent=2, ensure_ascii=False))

    def _import(self, manager: Any, path: str) -> None:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}. Nothing was written.") from exc
        if not isinstance(data, dict):
            raise CommandError('The file must hold one JSON object, {"section__name": value, …}. Nothing was written.')
        unknown = [key for key in data if key not in manager.registry]
        if unknown:
            raise CommandError(f"Unknown preferences: {', '.join(unknown)}. Nothing was written.")
        self._write(manager, data)

    def _write(self, manager: Any, values: dict[str, Any]) -> None:
        """Validate everything, then write it in one transaction; report each change."""
        try:
            changes = preferences_set(store=manager.store(), values=values, source=COMMAND_SOURCE)
        except ValidationError as exc:
            raise CommandError(f"Invalid value(s): {_errors_text(exc)}. Nothing was written.") from exc
        changed = {change.key for change in changes}
        for change in changes:
            preference = manager.registry.get(change.key)
            old = json.dumps(_json_form(preference, change.old_value))
            new = json.dumps(_json_form(preference, change.new_value))
            self.stdout.write(f"{change.key}: {old} -> {new}")
        unchanged = len(values) - len(changed)
        self.stdout.write(self.style.SUCCESS(f"{len(changed)} changed, {unchanged} unchanged."))

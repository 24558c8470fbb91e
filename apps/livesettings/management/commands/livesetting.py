"""`manage.py livesetting list|get|set|reset [NAME [VALUE]] [--tenant SUBDOMAIN]`: live settings from the shell."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from apps.livesettings.custom import custom_settings_sync
from apps.livesettings.registry import live_settings_registry
from apps.livesettings.selectors import format_value, live_setting_override, live_setting_site_value
from apps.livesettings.services import (
    live_setting_reset,
    live_setting_set,
    tenant_override_reset,
    tenant_override_set,
)
from apps.tenants.models import Tenant

ACTOR = "manage.py"


class Command(BaseCommand):
    help = (
        "Show or change a live setting (site-wide, or a tenant's own value with --tenant), with the same "
        "validation as the console. VALUE is text: 300, true/false, an address…"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "get", "set", "reset"])
        parser.add_argument("name", nargs="?", help="The setting's name, e.g. SESSION_EXPIRE_SECONDS.")
        parser.add_argument("value", nargs="?", help="The new value (set only).")
        parser.add_argument("--tenant", default="", help="A tenant's subdomain: its own value (owners' override).")

    def handle(self, *args: Any, **options: Any) -> None:
        action, name, value = options["action"], options["name"], options["value"]
        if action != "list" and not name:
            raise CommandError(f"Give the name of the live setting to {action}.")
        if action == "set" and value is None:
            raise CommandError("Give the new value: livesetting set NAME VALUE.")
        schema = self._schema(options["tenant"])
        custom_settings_sync(force=True)  # Custom settings too: a command is no request, nothing synced them.
        with schema_context(schema):
            if action == "list":
                for preference in live_settings_registry:
                    self._show(preference.setting, tenant=bool(options["tenant"]))
                return
            setting = self._setting(name)
            try:
                if action == "set":
                    self._set(setting, value, tenant=bool(options["tenant"]))
                elif action == "reset":
                    self._reset(setting, tenant=bool(options["tenant"]))
            except ValidationError as exc:
                raise CommandError(f"{setting} was not changed: {' '.join(exc.messages)}") from exc
            self._show(setting, tenant=bool(options["tenant"]))

    def _schema(self, subdomain: str) -> str:
        if not subdomain:
            return settings.PUBLIC_SCHEMA_NAME
        tenant = Tenant.objects.filter(schema_name=subdomain).first()
        if tenant is None or tenant.is_public:
            raise CommandError(f"There is no tenant {subdomain!r}.")
        return tenant.schema_name

    def _setting(self, name: str) -> str:
        try:
            return str(live_settings_registry.get(name).setting)
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from exc

    def _set(self, setting: str, value: str, *, tenant: bool) -> None:
        if tenant:
            tenant_override_set(setting=setting, value=value, actor=ACTOR, source="command")
        else:
            live_setting_set(setting=setting, value=value, actor=ACTOR, source="command")

    def _reset(self, setting: str, *, tenant: bool) -> None:
        if tenant:
            tenant_override_reset(setting=setting, actor=ACTOR, source="command")
        else:
            live_setting_reset(setting=setting, actor=ACTOR, source="command")

    def _show(self, setting: str, *, tenant: bool) -> None:
        preference = live_settings_registry.get(setting)
        site = live_setting_site_value(setting=setting)
        if preference.secret:
            self.stdout.write(f"{setting} = {format_value(preference, site)} (secret)")
            return
        line = f"{setting} = {site!r} ({format_value(preference, site)})"
        lock = preference.env_lock()
        if lock is not None:
            line += f"; {lock.reason}"
        if tenant:
            if live_settings_registry.override(setting) is None:
                line += "; tenants may not override it"
            else:
                override = live_setting_override(setting=setting)
                line += "; tenant: " + ("site value" if override is None else repr(override))
            line += f"; in effect: {getattr(settings, setting)!r}"
        self.stdout.write(line)

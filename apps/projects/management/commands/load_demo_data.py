"""The whole demo: the superadmin, the demo tenants with their people (one invited, one deactivated), groups,
defaults and projects content."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from apps.accounts.models import GroupProfile
from apps.accounts.services import group_ensure, member_create
from apps.notifications.shortcuts import update_preferences
from apps.preferences.registries import global_preferences_registry
from apps.preferences.services import preferences_set
from apps.projects.demo import projects_demo_load
from apps.tenants.models import Tenant
from apps.tenants.services import public_tenant_ensure, tenant_create, tenant_provision

SUPERADMIN = ("admin", "admin-demo-pass")
DEMO_PASSWORD = "demo-pass-123"
# Group defaults for notifications: (group, notification, {backend: on/off}).
DEMO_NOTIFICATION_DEFAULTS = [
    ("Sales", "task_assigned", {"sms": True}),
    ("Sales", "weekly_digest", {"in_app": True}),
    ("Support", "task_assigned", {"email": False, "in_app": True}),
]
DEMO_TENANTS: dict[str, dict[str, Any]] = {
    "acme": {
        "name": "Acme Corporation",
        "owner": "olivia",
        "groups": {"Sales": ["alice", "bob"], "Support": ["carol", "bob"]},
        "members": ["alice", "bob", "carol", "dave", "frank"],
        "preferences": {"general__title": "Acme Portal", "general__support_email": "help@acme.example"},
        # People management in use: an invitation waiting to be accepted, and a person who left.
        "invited": [("erin@example.com", "Sales")],
        "deactivated": ["frank"],
    },
    "globex": {
        "name": "Globex",
        "owner": "oscar",
        "groups": {"Engineering": ["gina", "hank"], "Marketing": ["ivy"]},
        "members": ["gina", "hank", "ivy"],
        "preferences": {"locale__week_start": "sunday"},
    },
}


class Command(BaseCommand):
    help = "Load the demo superadmin, tenants (acme, globex), owners, members and groups. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        public_tenant_ensure()
        user_model = get_user_model()
        if not user_model.objects.filter(username=SUPERADMIN[0]).exists():
            user_model.objects.create_superuser(SUPERADMIN[0], "admin@localhost", SUPERADMIN[1])
        for subdomain, spec in DEMO_TENANTS.items():
            tenant = Tenant.objects.filter(schema_name=subdomain).first()
            if tenant is None:
                tenant = tenant_create(name=spec["name"], subdomain=subdomain, actor="load_demo_data")
            if tenant.state != Tenant.State.READY:
                self.stdout.write(f"Provisioning {subdomain}…")
                tenant_provision(tenant)
            with schema_context(tenant.schema_name):
                self._people(spec)
                projects_demo_load(tenant=tenant)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))

    def _people(self, spec: dict[str, Any]) -> None:
        user_model = get_user_model()
        password_hash = make_password(DEMO_PASSWORD)
        if not user_model.objects.filter(username=spec["owner"]).exists():
            member_create(
                username=spec["owner"], email=f"{spec['owner']}@example.com", password_hash=password_hash, is_owner=True
            )
        for username in spec["members"]:
            if not user_model.objects.filter(username=username).exists():
                member_create(
                    username=username,
                    email=f"{username}@example.com",
                    password_hash=password_hash,
                    first_name=username.capitalize(),
                )
        # The groups' order (priority) is as listed: the first group's defaults win over the second's.
        for priority, (group_name, usernames) in enumerate(spec["groups"].items(), start=1):
            group = group_ensure(group_name)
            group.user_set.add(*user_model.objects.filter(username__in=usernames))
            GroupProfile.objects.update_or_create(group=group, defaults={"priority": priority})
        for group_name, notification, prefs in DEMO_NOTIFICATION_DEFAULTS:
            if group_name in spec["groups"]:
                update_preferences(notification, group_ensure(group_name), prefs)
        # apps.people sits beside this app (it cannot be imported here): its command does it, by name.
        call_command(
            "load_people_demo",
            *[f"--invite={email}:{group}" for email, group in spec.get("invited", [])],
            *[f"--deactivate={username}" for username in spec.get("deactivated", [])],
            f"--tenant-name={spec['name']}",
        )
        # Through the service, like any other write: validated, recorded in the history, no-op if already set.
        preferences_set(
            store=global_preferences_registry.store(),
            values=spec["preferences"],
            actor="load_demo_data",
            source="command",
        )

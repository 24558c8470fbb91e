"""The objects the access-control matrix fills URL kwargs with, and a client per identity on each domain."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.contact import email_change_token
from apps.livesettings.services import custom_setting_save, live_setting_set, scheduled_change_create
from apps.lov.services import lov_custom_value_create, lov_defaults_sync_all
from apps.notifications.links import unsubscribe_all_token_make, unsubscribe_token_make
from apps.notifications.models import Backend, Delivery, NotificationType
from apps.people.groups import group_create
from apps.people.imports import import_job_start
from apps.people.services import invitation_send
from apps.preferences.models import PreferenceChange
from apps.preferences.registries import global_preferences_registry
from apps.preferences.site.models import SitePreferenceChange
from apps.projects.lists.models import TaskStatus
from apps.projects.models import Task
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create
from tests.security.access_matrix import IDENTITIES
from tests.support.people import make_user

# acme's rows get ids far beyond anything globex holds, so "another tenant's owner" asking for one of acme's ids
# on globex's domain can only be answered with acme's row (a leak) or not at all (404), never with a row of
# globex that happens to share the id.
FAR_ID = 1_000_000
TENANTS = "portal.urls_tenants"
PUBLIC = "portal.urls_public"


@dataclass
class World:
    """Clients per identity and the values of URL kwargs (acme's objects), keyed by the names the table uses."""

    clients: dict[str, dict[str, Client]] = field(default_factory=dict)  # urlconf → identity → client
    values: dict[str, Any] = field(default_factory=dict)
    people: dict[str, tuple[AbstractBaseUser, str]] = field(default_factory=dict)  # identity → (user, schema)

    @property
    def superadmin(self) -> AbstractBaseUser:
        return self.people["superadmin"][0]


def ids_far(schema: str, tables: tuple[str, ...]) -> None:
    """Move the id sequences of `tables` in `schema` past FAR_ID."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [f'"{schema}"."{table}"', FAR_ID])


def session_on(host: str, user: AbstractBaseUser, schema: str) -> Client:
    """Return a client on `host` carrying the session `user` got in `schema` (replayed, where it is another's)."""
    client = Client(HTTP_HOST=host)
    with schema_context(schema):
        client.force_login(user)
    return client


def build_world(tenants: dict[str, Tenant]) -> World:
    """Create acme's people and objects, globex's owner, a superadmin, and a client for each identity."""
    acme, globex = tenants["acme"], tenants["globex"]
    lov_defaults_sync_all()
    ids_far(
        "acme",
        (
            "auth_user",
            "auth_group",
            "projects_task",
            "notifications_delivery",
            "preferences_preferencechange",
            "people_invitation",
        ),
    )
    member = make_user(acme, "alice", groups=("Sales",))
    owner = make_user(acme, "olivia", owner=True)
    person = make_user(acme, "peter")
    other = make_user(globex, "oscar", owner=True)
    superadmin = make_user(None, "root-admin", superuser=True)
    world = World()
    with schema_context("acme"):
        sales = Group.objects.get(name="Sales")
        global_preferences_registry.manager()["general__title"] = "Acme portal"
        change = PreferenceChange.objects.latest("pk")
        status = TaskStatus.objects.filter(lov_tenant__isnull=True).first()
        task = Task.objects.create(title="Matrix task", status=status, created_by=member)
        delivery = Delivery.objects.create(
            notification_type=NotificationType.objects.first(),
            user=member,
            backend=Backend.objects.get(name="email"),
            status=Delivery.Status.FAILED,
            idempotency_key="matrix-1",
            next_attempt_at=task.created,
        )
        token = unsubscribe_token_make(user_id=member.pk, notification="task_assigned", backend="email")
        token_all = unsubscribe_all_token_make(user_id=member.pk)
        # Invitations: one the pages resend and revoke, one the API does, one whose link the accept rows open.
        invitation = invitation_send(actor=owner, email="invited@example.com").invitation
        api_invitation = invitation_send(actor=owner, email="invited-api@example.com").invitation
        invitation_token = invitation_send(actor=owner, email="invited-too@example.com").token
        email_token = email_change_token(user=member, new_email="matrix.member@example.com")
    # The console's lifecycle buttons act on a tenant of their own, so acme and globex stay up for the other rows.
    console_tenant = tenant_create(name="Matrix Inc", subdomain="matrix-inc")
    custom = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Matrix status")
    with schema_context("acme"):
        group = Group.objects.get(name="Sales")
        doomed_group = group_create(actor=owner, name="Matrix doomed")
        doomed_group_api = group_create(actor=owner, name="Matrix doomed by the API")
        import_job = import_job_start(data=b"email\nnew@example.com\n", total=1)
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        live_setting_set(setting="MAINTENANCE_MESSAGE", value="Back soon.", actor=superadmin)
        site_change = SitePreferenceChange.objects.latest("pk")
        custom_setting_save(name="MATRIX_FLAG", value_type="boolean", value=True, actor=superadmin)
        scheduled = scheduled_change_create(
            setting="MAINTENANCE_MESSAGE", value="Later.", run_at=timezone.now() + timedelta(days=1), actor=superadmin
        )
    world.values.update(
        person=person.pk,
        change=change.pk,
        task=task.pk,
        delivery=delivery.pk,
        token=token,
        token_all=token_all,
        email_token=email_token,
        reset_uid="MQ",
        reset_token="not-a-reset-token",
        custom_value=custom.pk,
        group=group.pk,
        doomed_group=doomed_group.pk,
        doomed_group_api=doomed_group_api.pk,
        import_job=import_job.job_id,
        invitation=invitation.pk,
        api_invitation=api_invitation.pk,
        invitation_token=invitation_token,
        list_key="task-statuses",
        user_key="appearance__theme",
        global_key="general__title",
        override="SESSION_EXPIRE_SECONDS",
        site_setting="MAINTENANCE_MESSAGE",
        api_path="lists/zÅ/available/",
        tenant=console_tenant.pk,
        site_change=site_change.pk,
        user_section="appearance",
        global_section="general",
        default_target="organisation",
        group_target=f"group-{sales.pk}",
        custom_setting="MATRIX_FLAG",
        scheduled=scheduled.pk,
    )
    world.people = {
        "member": (member, "acme"),
        "owner": (owner, "acme"),
        "other": (other, "globex"),
        "superadmin": (superadmin, settings.PUBLIC_SCHEMA_NAME),
    }
    log_in_again(world, TENANTS)
    log_in_again(world, PUBLIC)
    return world


def log_in_again(world: World, urlconf: str) -> None:
    """Give each identity a fresh session for the requests to `urlconf`'s domain."""
    people = world.people
    if urlconf == TENANTS:
        world.clients[TENANTS] = {
            "anonymous": Client(HTTP_HOST="acme.localhost"),
            "member": session_on("acme.localhost", *people["member"]),
            "owner": session_on("acme.localhost", *people["owner"]),
            "other": session_on("globex.localhost", *people["other"]),
            "superadmin": session_on("acme.localhost", *people["superadmin"]),
        }
    else:
        world.clients[PUBLIC] = {
            "anonymous": Client(HTTP_HOST="localhost"),
            **{identity: session_on("localhost", *people[identity]) for identity in IDENTITIES[1:]},
        }

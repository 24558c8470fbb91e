"""Show people management in the demo: a pending invitation and a deactivated person in the active tenant."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from apps.accounts.services import group_ensure, person_active_set
from apps.people.models import Invitation
from apps.people.services import invitation_send


class Command(BaseCommand):
    help = (
        "Invite people (email:group) and deactivate people (usernames) of the active tenant, as its first owner. "
        "Safe to run again. `load_demo_data` calls it in each demo tenant's schema."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--invite", action="append", default=[], help="email:group, e.g. erin@example.com:Sales")
        parser.add_argument("--deactivate", action="append", default=[], help="a username")
        parser.add_argument("--tenant-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        owner = user_model.objects.filter(profile__role="owner", is_active=True).order_by("pk").first()
        for spec in options["invite"]:
            email, _, group_name = spec.partition(":")
            if not Invitation.objects.filter(email=email).exists():
                groups = [group_ensure(group_name)] if group_name else []
                invitation_send(actor=owner, email=email, groups=groups, tenant_name=options["tenant_name"])
        for username in options["deactivate"]:
            person_active_set(actor=owner, person=user_model.objects.get(username=username), active=False)

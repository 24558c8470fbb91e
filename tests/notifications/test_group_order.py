"""A member of two groups that disagree follows the group owners put first, everywhere the resolver is read."""

import re
from typing import Any

from django.core import mail
from django.urls import reverse

from apps.notifications.models import Delivery
from apps.notifications.shortcuts import send_notification, update_preferences
from apps.people.groups import groups_order_set
from tests.conftest import client_for, make_user
from tests.notifications.conftest import group

HOST = "acme.localhost"


def _matrix_cell(html: str) -> tuple[bool, str]:
    """Return whether the member's task_assigned email switch is on, and the source it shows."""
    switch = re.search(r'<input[^>]* id="f-task_assigned__email"[^>]*>', html).group()
    cell = html[html.index('data-testid="cell-task_assigned-email"') :]
    note = re.search(r'data-testid="note"[^>]*>([^<]*)<', cell).group(1).strip()
    return " checked" in switch, note


def _effective_row(html: str) -> str:
    table = html.split('data-testid="effective-notifications"', 1)[1]
    start = table.index('data-testid="effective-task_assigned:email"')
    return table[start : table.index("</tr>", start)]


def _deliver(member: Any, django_capture_on_commit_callbacks: Any) -> Delivery:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_notification("task_assigned", users=[member], context={"task": "Call Initech"})
    return Delivery.objects.filter(user=member, backend__name="email").latest("pk")


def test_swapping_two_groups_order_swaps_the_members_cell_its_source_and_the_delivery(
    in_acme, django_capture_on_commit_callbacks
):
    owner = make_user(in_acme, "olivia", owner=True)
    bob = make_user(in_acme, "bob", groups=("Sales", "Support"))
    sales, support = group("Sales"), group("Support")
    update_preferences("task_assigned", sales, {"email": False})
    update_preferences("task_assigned", support, {"email": True})
    as_bob, as_owner = client_for(HOST, bob, in_acme), client_for(HOST, owner, in_acme)
    effective = reverse("people:member-effective", args=[bob.pk])

    groups_order_set(actor=owner, group_ids=[support.pk, sales.pk])

    assert _matrix_cell(as_bob.get(reverse("notifications:preferences")).content.decode()) == (
        True,
        "from group Support",
    )
    assert "group Support" in _effective_row(as_owner.get(effective).content.decode())
    delivery = _deliver(bob, django_capture_on_commit_callbacks)
    assert (delivery.status, len(mail.outbox)) == ("sent", 1)

    groups_order_set(actor=owner, group_ids=[sales.pk, support.pk])

    assert _matrix_cell(as_bob.get(reverse("notifications:preferences")).content.decode()) == (
        False,
        "from group Sales",
    )
    assert "group Sales" in _effective_row(as_owner.get(effective).content.decode())
    delivery = _deliver(bob, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.reason, mail.outbox) == ("skipped", "opted_out", [])

"""The audit trail keeps who did what, and reads back filtered."""

from django.core import mail
from django_tenants.utils import schema_context

from apps.audit.selectors import audit_entries
from apps.audit.services import audit_record
from tests.support.smtp import SmtpSink


def test_an_entry_keeps_the_actor_name_after_the_actor_is_deleted(acme_owner) -> None:
    with schema_context("acme"):
        audit_record(actor=acme_owner, action="group.created", target_type="group", target_id=7, target_label="Sales")
        acme_owner.delete()
        [entry] = audit_entries(action_prefix="group.")
    assert (entry.actor, entry.actor_name, entry.target_id) == (None, "olivia", "7")


def test_entries_filter_by_action_and_search(acme_owner) -> None:
    with schema_context("acme"):
        _filtered_reads(acme_owner)


def _filtered_reads(acme_owner) -> None:
    audit_record(actor=acme_owner, action="group.created", target_type="group", target_label="Sales")
    audit_record(
        actor=None, action="person.role_changed", target_type="person", target_label="bob", old="member", new="owner"
    )
    assert [e.target_label for e in audit_entries(action_prefix="person.")] == ["bob"]
    assert [e.action for e in audit_entries(query="sal")] == ["group.created"]
    [system] = audit_entries(target_type="person")
    assert (system.actor_name, system.old, system.new) == ("", "member", "owner")


def test_the_smtp_fixture_receives_what_django_sends(smtp_server: SmtpSink) -> None:
    mail.send_mail("Hello", "Body text", "portal@example.test", ["bob@example.test"])
    [message] = smtp_server.wait_for(1)
    assert (message["Subject"], message["To"]) == ("Hello", "bob@example.test")
    assert message.get_content().strip() == "Body text"
    assert smtp_server.connections == 1

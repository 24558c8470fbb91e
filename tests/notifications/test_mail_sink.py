"""The development SMTP sink of `make run` and the console's Outgoing mail page, over a real SMTP session."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.notifications.mail_sink import Keeper, captured_mail, captured_mail_load
from tests.support.people import client_for, make_user
from tests.support.processes import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(tmp_path: Path, settings) -> Iterator[Path]:
    """Run the sink's handler on a free port, Django's mail pointed at it, DEBUG on (as `make run`)."""
    folder = tmp_path / "mail"
    controller = Controller(Keeper(folder), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.DEBUG, settings.MAIL_SINK_DIR = True, str(folder)
    try:
        yield folder
    finally:
        controller.stop()


def send_one() -> None:
    message = mail.EmailMultiAlternatives(
        "Task assigned: Call Initech",
        "Olivia assigned you the task.",
        to=["alice@example.com"],
        headers={"List-Unsubscribe": "<http://acme.localhost:8000/notifications/unsubscribe/x/>"},
    )
    message.attach_alternative("<p>Olivia assigned you the task.</p>", "text/html")
    message.send()


def test_the_sink_keeps_each_message_with_its_headers(sink):
    send_one()
    send_one()

    names = captured_mail(sink)
    [first, _] = captured_mail_load(sink, names)
    assert len(names) == 2
    assert (first.to, first.subject) == ("alice@example.com", "Task assigned: Call Initech")
    assert ("List-Unsubscribe", "<http://acme.localhost:8000/notifications/unsubscribe/x/>") in first.headers
    assert first.text.strip() == "Olivia assigned you the task."


def test_the_superadmin_sees_the_outgoing_mail(sink):
    send_one()
    admin = client_for("localhost", make_user(None, "root-admin", superuser=True))

    page = admin.get(reverse("notifications_console:outgoing-mail", urlconf="portal.urls_public"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Task assigned: Call Initech" in text and "alice@example.com" in text
    assert "List-Unsubscribe" in text and "http://acme.localhost:8000/notifications/unsubscribe/x/" in text


@pytest.mark.parametrize(("debug", "folder"), [(False, "var/mail"), (True, "")])
def test_the_page_is_off_without_debug_or_a_sink(settings, debug, folder):
    settings.DEBUG, settings.MAIL_SINK_DIR = debug, folder
    admin = client_for("localhost", make_user(None, "root-admin", superuser=True))

    page = admin.get(reverse("notifications_console:outgoing-mail", urlconf="portal.urls_public"))

    assert page.status_code == 404


def test_the_command_refuses_to_run_outside_development(settings):
    settings.DEBUG, settings.MAIL_SINK_DIR = False, "var/mail"

    with pytest.raises(CommandError, match="for development"):
        call_command("mail_sink", "--port", str(free_port()))

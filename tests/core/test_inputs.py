"""Malformed query and form input answers 400 on every page, writes nothing and keeps the log short."""

import logging

import pytest
from django_tenants.utils import schema_context

from apps.core.inputs import BIGINT_MAX, parse_id, shorten
from apps.notifications.models import InboxMessage, NotificationSetting, NotificationType
from tests.conftest import client_for

HUGE_ID = "9" * 5000  # past Python's 4,300-digit limit for int()
MEGABYTE = "9" * 1_000_000


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" 42 ", None),
        ("", None),
        (None, None),
        ("-1", None),
        ("4.2", None),
        ("²", None),  # str.isdigit() says yes, int() says no
        (str(BIGINT_MAX), BIGINT_MAX),
        (str(BIGINT_MAX + 1), None),
        (HUGE_ID, None),
        ("1\x00", None),
    ],
)
def test_parse_id_accepts_only_a_bigint_in_ascii_digits(value, expected):
    assert parse_id(value) == expected


def test_shorten_keeps_short_text_and_cuts_long_text_saying_how_long_it_was():
    assert shorten("short") == "short"
    assert shorten("x" * 1000, limit=10) == "xxxxxxxxxx… (1000 characters)"


MEMBER_GETS = ["/projects/?q=%00", "/projects/?q%00=x"]
OWNER_GETS = ["/owner/?q=%00", "/owner/history/?q=a%00b", "/owner/lists/job-titles/?q=%00"]
CONSOLE_GETS = ["/console/tenants/?q=%00"]


@pytest.mark.parametrize("url", MEMBER_GETS)
def test_a_member_gets_400_for_a_nul_byte(url, acme, acme_member, client_of):
    response = client_of(acme_member, acme).get(url)

    assert response.status_code == 400
    assert "The request could not be understood" in response.content.decode()


@pytest.mark.parametrize("url", OWNER_GETS)
def test_an_owner_gets_400_for_a_nul_byte(url, acme, acme_owner, client_of):
    response = client_of(acme_owner, acme).get(url)

    assert response.status_code == 400
    assert "Manage" in response.content.decode()  # the styled page, with the owner's navigation


@pytest.mark.parametrize("url", CONSOLE_GETS)
def test_a_superadmin_gets_400_for_a_nul_byte(url, superadmin):
    response = client_for("localhost", superadmin).get(url)

    assert response.status_code == 400


def test_an_impossible_revert_id_is_ignored_like_any_malformed_one(superadmin):
    response = client_for("localhost", superadmin).get("/console/settings/history/", {"revert": HUGE_ID})

    assert response.status_code == 200
    assert 'id="confirm-revert-title"' not in response.content.decode()


def test_a_nul_byte_in_a_form_value_answers_400_and_clears_nothing(acme, acme_member, client_of):
    with schema_context("acme"):
        before = NotificationSetting.objects.count()

    response = client_of(acme_member, acme).post("/preferences/notifications/", {"inherit": "a\x00b"})

    assert response.status_code == 400
    with schema_context("acme"):
        assert NotificationSetting.objects.count() == before


def test_an_impossible_message_id_answers_400_and_marks_nothing_read(acme, acme_member, client_of):
    with schema_context("acme"):
        notification_type = NotificationType.objects.get(name="test_message")
        InboxMessage.objects.create(user=acme_member, notification_type=notification_type, title="Hello")

    response = client_of(acme_member, acme).post("/inbox/read/", {"message": HUGE_ID})

    assert response.status_code == 400
    with schema_context("acme"):
        assert InboxMessage.objects.filter(read_at__isnull=True).count() == 1


@pytest.mark.parametrize("group", [HUGE_ID, str(BIGINT_MAX + 1), "²"])
def test_an_impossible_group_id_names_no_group(group, acme, acme_owner, client_of):
    response = client_of(acme_owner, acme).get("/owner/notifications/", {"group": group})

    assert response.status_code == 404


def test_an_impossible_group_id_on_a_matrix_cell_is_not_found_and_stores_nothing(acme, acme_owner, client_of):
    response = client_of(acme_owner, acme).post(
        "/owner/notifications/cell/", {"group": HUGE_ID, "notification": "test_message", "backend": "email"}
    )

    assert response.status_code == 404
    with schema_context("acme"):
        assert not NotificationSetting.objects.exists()


def test_a_megabyte_value_is_not_copied_into_the_log(acme, acme_owner, client_of, caplog):
    client = client_of(acme_owner, acme)
    with caplog.at_level(logging.DEBUG):
        client.get("/owner/notifications/", {"group": MEGABYTE})
        client.get("/owner/", {"q": MEGABYTE + "\x00"})

    assert caplog.records  # the refusals are logged …
    assert max(len(record.getMessage()) for record in caplog.records) < 1000  # … in short lines

"""The profile: name, an email change confirmed from the new address, a phone confirmed by a texted code,
a job title that can be cleared; password reset on every domain. Mail goes to a real SMTP server."""

import re

from django.contrib.auth import get_user_model
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.contact import email_change_token
from apps.accounts.models import Profile
from apps.accounts.services import member_create
from apps.notifications.models import Delivery, SmsMessage
from apps.notifications.shortcuts import send_notification, update_preferences
from apps.projects.lists.models import JobTitle
from apps.projects.models import MemberJobTitle
from tests.support.people import PASSWORD, make_user
from tests.support.smtp import SmtpSink

LINK = re.compile(r"https?://[^\s]+")


def _user(pk: int, schema: str = "acme"):
    with schema_context(schema):
        users = get_user_model().objects
        # Only tenant schemas have profiles (superadmins in the public schema have none).
        return (users.select_related("profile") if schema != "public" else users).get(pk=pk)


def test_the_name_is_saved(acme, acme_member, client_of) -> None:
    response = client_of(acme_member, acme).post("/profile/name/", {"first_name": " Bob ", "last_name": "Stone"})
    assert response.status_code == 302
    assert _user(acme_member.pk).get_full_name() == "Bob Stone"


def test_a_new_email_address_changes_only_once_its_link_is_opened_and_the_link_works_once(
    acme, acme_member, client_of, smtp_server: SmtpSink
) -> None:
    client = client_of(acme_member, acme)
    response = client.post("/profile/email/", {"email": "bob.new@example.com"})
    assert response.status_code == 302
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "bob.new@example.com"
    assert _user(acme_member.pk).email == acme_member.email  # not yet

    link = LINK.search(message.get_content()).group()
    path = link.split("acme.localhost", 1)[1]
    assert "Use <strong>bob.new@example.com</strong>" in client.get(path).content.decode()
    assert _user(acme_member.pk).email == acme_member.email  # a GET changes nothing (mail scanners open links)

    assert client.post(path).status_code == 302
    assert _user(acme_member.pk).email == "bob.new@example.com"
    again = client.post(path)
    assert again.status_code == 400 and "already used" in again.content.decode()


def test_an_email_change_refuses_a_taken_address_a_forged_link_and_another_tenants_link(
    acme, globex, acme_member, globex_member, client_of
) -> None:
    make_user(acme, "carol")
    client = client_of(acme_member, acme)
    taken = client.post("/profile/email/", {"email": "carol@example.com"})
    assert taken.status_code == 400 and "Another person of this organisation" in taken.content.decode()

    assert client.get("/profile/email/confirm/forged-token/").status_code == 400
    with schema_context("globex"):
        foreign = email_change_token(user=globex_member, new_email="evil@example.com")
    assert client.post(f"/profile/email/confirm/{foreign}/").status_code == 400
    assert _user(acme_member.pk).email == acme_member.email


def test_a_phone_number_is_stored_in_e164_once_its_texted_code_is_entered_then_sms_reaches_it(
    acme, acme_member, client_of, django_capture_on_commit_callbacks
) -> None:
    client = client_of(acme_member, acme)
    bad = client.post("/profile/phone/", {"phone_number": "12"})
    assert bad.status_code == 400 and "valid phone number" in bad.content.decode()

    assert client.post("/profile/phone/", {"phone_number": "+44 7911 123456"}).status_code == 302
    with schema_context("acme"):
        [text] = SmsMessage.objects.all()
    code = re.search(r"\b(\d{6})\b", text.body).group(1)
    assert text.to == "+447911123456"
    page = client.get("/profile/").content.decode()
    assert f"the text “sent”: Your confirmation code is {code}" in page  # the development provider shows it
    assert _user(acme_member.pk).profile.phone_number == ""  # not before the code

    wrong = "000000" if code != "000000" else "111111"
    refused = client.post("/profile/phone/confirm/", {"code": wrong})
    assert refused.status_code == 400 and "4 tries left" in refused.content.decode()
    assert client.post("/profile/phone/confirm/", {"code": code}).status_code == 302
    profile = _user(acme_member.pk).profile
    assert (str(profile.phone_number), profile.phone_confirmed_at is not None) == ("+447911123456", True)

    update_preferences("task_assigned", acme_member, {"sms": True})
    with schema_context("acme"), django_capture_on_commit_callbacks(execute=True):
        send_notification("task_assigned", users=[acme_member], context={"task": "Test SMS"})
    with schema_context("acme"):
        delivered = SmsMessage.objects.exclude(pk=text.pk).get()
        delivery = Delivery.objects.get(backend__name="sms", user=acme_member)
    assert (delivered.to, delivery.status) == ("+447911123456", "sent")
    assert "Test SMS" in delivered.body


def test_five_wrong_codes_end_the_attempt(acme, acme_member, client_of) -> None:
    client = client_of(acme_member, acme)
    client.post("/profile/phone/", {"phone_number": "+14155552671"})
    with schema_context("acme"):
        code = re.search(r"\b(\d{6})\b", SmsMessage.objects.get().body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        client.post("/profile/phone/confirm/", {"code": wrong})
    last = client.post("/profile/phone/confirm/", {"code": wrong})
    assert "Too many wrong codes" in last.content.decode()
    assert client.post("/profile/phone/confirm/", {"code": code}).status_code == 400
    with schema_context("acme"):
        assert not Profile.objects.get(user=acme_member).phone_number


def test_removing_the_phone_number_brings_back_the_add_link_in_the_matrix(acme, acme_member, client_of) -> None:
    with schema_context("acme"):
        Profile.objects.filter(user=acme_member).update(phone_number="+14155552671")
    client = client_of(acme_member, acme)
    assert "Add a phone number" not in client.get("/preferences/notifications/").content.decode()
    client.post("/profile/phone/remove/")
    assert "Add a phone number" in client.get("/preferences/notifications/").content.decode()


def test_the_job_title_can_be_cleared_again(acme, acme_member, client_of) -> None:
    title = JobTitle.objects.filter(lov_tenant=None).first()
    with schema_context("acme"):
        MemberJobTitle.objects.create(user=acme_member, job_title=title)
    response = client_of(acme_member, acme).post("/profile/", {"job_title": ""})
    assert response.status_code == 302
    with schema_context("acme"):
        assert not MemberJobTitle.objects.filter(user=acme_member).exists()


def _reset_through_the_email(host: str, email: str, smtp_server: SmtpSink) -> tuple[Client, str]:
    client = Client(HTTP_HOST=host)
    assert client.post("/accounts/password/reset/", {"email": email}).status_code == 302
    [message] = smtp_server.wait_for(1)
    link = LINK.search(message.get_content()).group()
    assert link.startswith(f"http://{host}/accounts/password/reset/")
    path = link.split(host, 1)[1]
    form_page = client.get(path, follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": "a-new-Pass-8421", "new_password2": "a-new-Pass-8421"})
    assert done.status_code == 302
    return client, path


def test_password_reset_on_a_tenant_domain_sets_a_new_password_once(acme, acme_member, smtp_server: SmtpSink) -> None:
    client, used_link = _reset_through_the_email("acme.localhost", acme_member.email, smtp_server)
    with schema_context("acme"):
        assert _user(acme_member.pk).check_password("a-new-Pass-8421")
    again = client.get(used_link, follow=True).content.decode()
    assert 'data-testid="reset-invalid"' in again
    login = Client(HTTP_HOST="acme.localhost").post(
        "/accounts/login/", {"username": acme_member.get_username(), "password": "a-new-Pass-8421"}
    )
    assert login.status_code == 302


def test_password_reset_on_the_public_domain_is_for_superadmins_there(superadmin, smtp_server: SmtpSink) -> None:
    _reset_through_the_email("localhost", superadmin.email, smtp_server)
    assert _user(superadmin.pk, "public").check_password("a-new-Pass-8421")
    assert not _user(superadmin.pk, "public").check_password(PASSWORD)


def test_a_reset_asked_for_an_unknown_address_sends_nothing_and_says_the_same(acme, smtp_server: SmtpSink) -> None:
    response = Client(HTTP_HOST="acme.localhost").post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert smtp_server.messages == []


def test_a_person_without_a_password_yet_sets_one_through_a_reset_but_a_deactivated_one_gets_nothing(
    acme, smtp_server: SmtpSink
) -> None:
    with schema_context("acme"):
        imported = member_create(username="imported", email="imported@example.com")  # an unusable password
        gone = member_create(username="gone", email="gone@example.com", password=PASSWORD)
        gone.is_active = False
        gone.save()
    Client(HTTP_HOST="acme.localhost").post("/accounts/password/reset/", {"email": "gone@example.com"})
    assert smtp_server.messages == []
    _reset_through_the_email("acme.localhost", "imported@example.com", smtp_server)
    assert _user(imported.pk).check_password("a-new-Pass-8421")

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.accounts.models import Profile
from apps.notifications import services
from apps.notifications.links import unsubscribe_token_make
from apps.notifications.models import Delivery, InboxMessage, NotificationSetting
from apps.notifications.selectors import preference_resolve
from apps.notifications.shortcuts import send_notification, update_preferences
from tests.conftest import client_for, make_user
from tests.notifications.conftest import group

HOST = "acme.localhost"


def test_matrix_shows_rows_by_category_with_sources(alice, as_alice):
    with schema_context("acme"):
        Profile.objects.filter(user=alice).update(phone_number="+15550100")
    update_preferences("task_assigned", group("Sales"), {"sms": True})

    response = as_alice.get(reverse("notifications:preferences"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Projects" in html and "Digest" in html
    assert "from group Sales" in html
    assert "New invoice" not in html  # needs a permission alice lacks
    locked = re.search(r'<input[^>]* id="f-security_alert__email"[^>]*>', html).group()
    assert " checked" in locked and " disabled" in locked


def test_without_a_phone_number_the_sms_column_links_to_the_profile_instead_of_a_switch(alice, as_alice):
    update_preferences("task_assigned", group("Sales"), {"sms": True})

    html = as_alice.get(reverse("notifications:preferences")).content.decode()

    assert 'id="f-task_assigned__sms"' not in html
    link = re.search(r'<a href="([^"]+)" data-testid="cell-task_assigned-sms-add-phone">Add a phone number', html)
    assert link is not None and link.group(1) == "/profile/#phone"
    assert 'id="f-task_assigned__email"' in html


def test_plain_post_without_changes_stores_nothing(alice, as_alice):
    page = as_alice.get(reverse("notifications:preferences"))
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        if field.initial:
            data[name] = "on"
        data[f"initial-{name}"] = str(field.initial)

    response = as_alice.post(reverse("notifications:preferences"), data)

    assert response.status_code == 302
    assert not NotificationSetting.objects.exists()


def test_plain_post_stores_only_the_changed_cell(alice, as_alice):
    page = as_alice.get(reverse("notifications:preferences"))
    data = {}
    for name, field in page.context["form"].fields.items():
        if field.initial and name != "task_assigned__email":
            data[name] = "on"
        data[f"initial-{name}"] = str(field.initial)

    as_alice.post(reverse("notifications:preferences"), data)

    [row] = NotificationSetting.objects.all()
    assert (row.notification_type.name, row.backend.name, row.value, row.user) == (
        "task_assigned",
        "email",
        False,
        alice,
    )


def test_plain_post_use_inherited_removes_the_users_value(alice, as_alice):
    update_preferences("task_assigned", alice, {"email": False})

    as_alice.post(reverse("notifications:preferences"), {"inherit": "task_assigned__email"})

    assert not NotificationSetting.objects.exists()


def test_htmx_toggle_saves_one_cell_and_returns_it_with_source_own(alice, as_alice):
    response = as_alice.post(
        reverse("notifications:preference-cell"),
        {"notification": "task_assigned", "backend": "email"},  # an unchecked box sends no value: off
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert ">own<" in html and "Use inherited" in html
    assert preference_resolve(user=alice, notification="task_assigned", backend="email").source == "user"


def test_htmx_use_inherited_shows_the_groups_value(alice, as_alice):
    update_preferences("task_assigned", group("Sales"), {"email": True})
    update_preferences("task_assigned", alice, {"email": False})

    response = as_alice.post(
        reverse("notifications:preference-cell"),
        {"notification": "task_assigned", "backend": "email", "action": "inherit"},
        HTTP_HX_REQUEST="true",
    )

    assert "from group Sales" in response.content.decode()
    assert not NotificationSetting.objects.filter(scope="user").exists()


def test_htmx_toggle_of_a_mandatory_cell_is_refused_in_place(alice, as_alice):
    response = as_alice.post(
        reverse("notifications:preference-cell"),
        {"notification": "security_alert", "backend": "email"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only successful answers: the error must reach the cell
    assert "<html" not in html
    assert 'data-testid="error">' in html and "is mandatory and cannot be changed" in html
    assert "is-invalid" in html
    assert not NotificationSetting.objects.exists()


def test_inbox_lists_messages_and_marks_them_read(alice, as_alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_notification("task_assigned", users=[alice], context={"task": "One"})
        send_notification("task_assigned", users=[alice], context={"task": "Two"})
    first = InboxMessage.objects.filter(user=alice).last()

    page = as_alice.get(reverse("notifications:inbox"))
    one = as_alice.post(reverse("notifications:inbox-read"), {"message": first.pk}, HTTP_HX_REQUEST="true")
    badge = as_alice.get(reverse("notifications:inbox-count"))
    as_alice.post(reverse("notifications:inbox-read"))

    assert "2 unread" in page.content.decode()
    assert "inbox-changed" in one.headers["HX-Trigger"]
    assert "1 unread" in one.content.decode()
    assert 'data-unread="1"' in badge.content.decode()
    assert InboxMessage.objects.filter(user=alice, read_at__isnull=True).count() == 0


def test_navbar_shows_the_unread_count_and_polls(alice, as_alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_notification("task_assigned", users=[alice])

    html = as_alice.get(reverse("home")).content.decode()

    assert 'data-unread="1"' in html
    assert 'hx-trigger="every 30s, inbox-changed from:body"' in html


def test_unsubscribe_link_turns_that_backend_off_without_login(alice, acme):
    token = unsubscribe_token_make(user_id=alice.pk, notification="task_assigned", backend="email")
    anonymous = client_for(HOST)

    confirm = anonymous.get(reverse("notifications:unsubscribe", args=[token]))
    unchanged_by_get = NotificationSetting.objects.exists()
    done = anonymous.post(reverse("notifications:unsubscribe", args=[token]))

    assert confirm.status_code == 200
    assert "Unsubscribe from" in confirm.content.decode()
    assert unchanged_by_get is False  # link scanners that only GET change nothing
    assert "You are unsubscribed" in done.content.decode()
    result = preference_resolve(user=alice, notification="task_assigned", backend="email")
    assert (result.value, result.source) == (False, "user")


def test_unsubscribe_link_from_a_real_email_works(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_notification("task_assigned", users=[alice])
    # The body's link turns off this notification (the List-Unsubscribe header means all email).
    [link] = re.findall(r"http://\S+/notifications/unsubscribe/\S+/", mail.outbox[0].body)
    path = link.split(":8000", 1)[1]

    response = client_for(HOST).post(path)

    assert response.status_code == 200
    assert preference_resolve(user=alice, notification="task_assigned", backend="email").value is False


def test_tampered_token_changes_nothing(alice):
    token = unsubscribe_token_make(user_id=alice.pk, notification="task_assigned", backend="email")

    response = client_for(HOST).post(reverse("notifications:unsubscribe", args=[token[:-2] + "xx"]))

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not NotificationSetting.objects.exists()


def test_expired_token_changes_nothing(alice, settings):
    token = unsubscribe_token_make(user_id=alice.pk, notification="task_assigned", backend="email")
    settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_SECONDS = -1  # every token is already too old

    response = client_for(HOST).post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not NotificationSetting.objects.exists()


def test_token_from_another_tenant_changes_nothing(alice, globex):
    token = unsubscribe_token_make(user_id=alice.pk, notification="task_assigned", backend="email")

    with schema_context("public"):
        response = client_for("globex.localhost").post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert not NotificationSetting.objects.exists()


def test_mandatory_cannot_be_turned_off_by_an_unsubscribe_link(alice):
    token = unsubscribe_token_make(user_id=alice.pk, notification="security_alert", backend="email")

    response = client_for(HOST).post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert "mandatory" in response.content.decode()
    assert not NotificationSetting.objects.exists()


# --- Owners --------------------------------------------------------------------------------------


@pytest.fixture
def as_owner(in_acme):
    return client_for(HOST, make_user(in_acme, "olivia", owner=True), in_acme)


def test_members_cannot_open_owner_pages(as_alice):
    assert as_alice.get(reverse("notifications:owner")).status_code == 403
    assert as_alice.get(reverse("notifications:deliveries")).status_code == 403


def test_owner_sets_a_group_default_with_htmx_and_members_inherit_it(alice, as_owner):
    sales = group("Sales")

    response = as_owner.post(
        reverse("notifications:owner-cell"),
        {"notification": "task_assigned", "backend": "sms", "group": sales.pk, "task_assigned__sms": "on"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200 and "saved" in response.content.decode()
    assert preference_resolve(user=alice, notification="task_assigned", backend="sms").source == "group:Sales"


def test_owner_plain_post_stores_only_changed_tenant_defaults(alice, as_owner):
    page = as_owner.get(reverse("notifications:owner"))
    data = dict.fromkeys(page.context["form"].fields, "")
    data |= {f"initial-{name}": "" for name in page.context["form"].fields}
    data["weekly_digest__in_app"] = "on"

    as_owner.post(reverse("notifications:owner"), data)

    [row] = NotificationSetting.objects.all()
    assert (row.scope, row.notification_type.name, row.backend.name, row.value) == (
        "tenant",
        "weekly_digest",
        "in_app",
        True,
    )


def test_deliveries_log_filters_and_retries_failed_rows(alice, as_owner):
    send_notification("task_assigned", users=[alice])
    Delivery.objects.filter(backend__name="email").update(status="failed", last_error="SMTP down")
    failed = Delivery.objects.get(backend__name="email", user=alice)

    listed = as_owner.get(reverse("notifications:deliveries"), {"status": "failed"})
    retried = as_owner.post(reverse("notifications:delivery-retry", args=[failed.pk]))

    assert listed.context["page"].paginator.count == 1
    assert "SMTP down" in listed.content.decode()
    assert retried.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "pending"


def test_owner_sends_a_test_notification(alice, as_owner):
    response = as_owner.post(
        reverse("notifications:send-test"), {"notification": "test_message", "recipient": alice.pk}
    )

    assert response.status_code == 302
    rows = Delivery.objects.filter(user=alice, notification_type__name="test_message")
    assert sorted(rows.values_list("backend__name", "status")) == [
        ("email", "pending"),
        ("in_app", "pending"),
        ("sms", "pending"),
    ]


def test_a_user_whose_permission_was_revoked_can_use_inherited_on_the_page(person, acme):
    bob = person("bob", perms=("notifications.view_billing",))
    update_preferences("billing_invoice", bob, {"email": False})
    bob.user_permissions.clear()  # revoked after the page was loaded

    response = client_for(HOST, bob, acme).post(
        reverse("notifications:preference-cell"),
        {"notification": "billing_invoice", "backend": "email", "action": "inherit"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "no longer receive this notification" in response.content.decode()
    assert not NotificationSetting.objects.filter(user=bob).exists()


@pytest.mark.parametrize("action", ["inherit", "set"])
def test_an_unknown_backend_in_a_cell_is_refused(alice, as_alice, action):
    response = as_alice.post(
        reverse("notifications:preference-cell"),
        {"notification": "task_assigned", "backend": "fax", "action": action},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert not NotificationSetting.objects.exists()


def test_a_group_id_that_is_not_a_number_is_not_found(as_owner):
    assert as_owner.get(reverse("notifications:owner"), {"group": "abc"}).status_code == 404


def test_retry_does_not_redirect_to_another_site(alice, as_owner):
    send_notification("task_assigned", users=[alice])
    failed = Delivery.objects.filter(user=alice).first()
    Delivery.objects.filter(pk=failed.pk).update(status="failed")

    response = as_owner.post(
        reverse("notifications:delivery-retry", args=[failed.pk]), {"next": "https://evil.example/phish"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:deliveries")


# --- The inline-edit kit: errors and stale saves in place, plain POSTs ----------------------------


def _cell(notification="task_assigned", backend="email", **query):
    params = "&".join(
        f"{key}={value}" for key, value in {"notification": notification, "backend": backend, **query}.items()
    )
    return f"{reverse('notifications:preference-cell')}?{params}"


def test_htmx_toggle_of_a_cell_changed_since_is_refused_with_the_value_now(alice, as_alice):
    update_preferences("task_assigned", alice, {"email": False})  # in another tab, after this page showed "default"

    response = as_alice.post(
        _cell(), {"task_assigned__email": "on", "task_assigned__email__seen": ""}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="stale">Changed by someone else at ' in html
    assert "— now off (own); your value was not saved." in html
    assert "Apply my value again" in html
    assert '<input type="hidden" name="task_assigned__email__seen" value="off">' in html  # apply again = knowingly
    assert 'name="task_assigned__email" class="form-check-input is-invalid"' in html and " checked" in html
    assert preference_resolve(user=alice, notification="task_assigned", backend="email").value is False


def test_apply_again_with_the_new_version_saves(alice, as_alice):
    update_preferences("task_assigned", alice, {"email": False})

    response = as_alice.post(
        _cell(), {"task_assigned__email": "on", "task_assigned__email__seen": "off"}, HTTP_HX_REQUEST="true"
    )

    assert 'data-testid="saved"' in response.content.decode()
    assert preference_resolve(user=alice, notification="task_assigned", backend="email").value is True


def test_use_inherited_on_a_cell_changed_since_is_refused_and_retries_as_inherit(alice, as_alice):
    update_preferences("task_assigned", alice, {"email": True})  # the page showed "off"

    response = as_alice.post(_cell(action="inherit"), {"task_assigned__email__seen": "off"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "now on (own); your value was not saved." in html
    assert f'hx-post="{_cell(action="inherit").replace("&", "&amp;")}">Apply my value again' in html
    assert NotificationSetting.objects.get(user=alice).value is True


def test_cell_without_javascript_use_inherited_goes_back_with_a_message(alice, as_alice):
    update_preferences("task_assigned", alice, {"email": False})

    response = as_alice.post(_cell(action="inherit"), {"task_assigned__email__seen": "off"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("notifications:preferences")
    assert "The setting is inherited again." in response.content.decode()
    assert not NotificationSetting.objects.exists()


def test_cell_without_javascript_shows_why_it_was_not_saved(alice, as_alice):
    response = as_alice.post(_cell("security_alert"), {}, follow=True)

    assert "was not saved: Notification &#x27;security_alert&#x27; is mandatory" in response.content.decode()
    assert not NotificationSetting.objects.exists()


def test_plain_post_refuses_a_stale_cell_in_place_and_saves_the_others(alice, as_alice):
    with schema_context("acme"):
        Profile.objects.filter(user=alice).update(phone_number="+14155552671")  # so the SMS column has switches
    page = as_alice.get(reverse("notifications:preferences"))
    data = {}
    for name, field in page.context["form"].fields.items():
        if field.initial and name not in ("task_assigned__email", "task_assigned__sms"):
            data[name] = "on"
        data[f"initial-{name}"] = str(field.initial)
        data[f"{name}__seen"] = ""
    data["task_assigned__sms"] = "on"  # was off by default: a change
    update_preferences("task_assigned", alice, {"email": True})  # meanwhile; the post turns it off

    response = as_alice.post(reverse("notifications:preferences"), data)

    html = response.content.decode()
    assert response.status_code == 200
    stale_cell = html.split('data-testid="cell-task_assigned-email"')[1].split('data-testid="cell-')[0]
    assert "Changed by someone else" in stale_cell and "now on (own)" in stale_cell
    saved_cell = html.split('data-testid="cell-task_assigned-sms"')[1].split('data-testid="cell-')[0]
    assert 'data-testid="saved"' in saved_cell
    assert "1 change was not saved" in html
    assert preference_resolve(user=alice, notification="task_assigned", backend="email").value is True
    assert preference_resolve(user=alice, notification="task_assigned", backend="sms").value is True


def test_owner_cell_with_an_invalid_value_shows_the_error_in_place(alice, as_owner):
    response = as_owner.post(
        f"{reverse('notifications:owner-cell')}?notification=task_assigned&backend=sms",
        {"task_assigned__sms": "maybe"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error">Select a valid choice.' in html and "is-invalid" in html
    assert not NotificationSetting.objects.exists()


def test_owner_cell_changed_by_someone_else_is_refused(alice, as_owner):
    sales = group("Sales")
    update_preferences("task_assigned", sales, {"sms": True})  # another owner, after the page showed "Not set"

    response = as_owner.post(
        f"{reverse('notifications:owner-cell')}?notification=task_assigned&backend=sms&group={sales.pk}",
        {"task_assigned__sms": "off", "task_assigned__sms__seen": ""},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Changed by someone else at " in html and "— now On; your value was not saved." in html
    assert NotificationSetting.objects.get(group=sales).value is True


def test_owner_clearing_a_cell_changed_since_is_refused(as_owner):
    services.tenant_defaults_update(notification="weekly_digest", prefs={"email": False})  # the page showed "on"

    response = as_owner.post(
        f"{reverse('notifications:owner-cell')}?notification=weekly_digest&backend=email",
        {"weekly_digest__email": "", "weekly_digest__email__seen": "on"},
        HTTP_HX_REQUEST="true",
    )

    assert "now Off; your value was not saved." in response.content.decode()
    assert NotificationSetting.objects.get(scope="tenant").value is False


def test_owner_plain_post_refuses_a_stale_cell_in_place(alice, as_owner):
    page = as_owner.get(reverse("notifications:owner"))
    data = dict.fromkeys(page.context["form"].fields, "")
    data |= {f"initial-{name}": "" for name in page.context["form"].fields}
    data |= {f"{name}__seen": "" for name in page.context["form"].fields}
    data["weekly_digest__in_app"] = "on"
    services.tenant_defaults_update(notification="weekly_digest", prefs={"in_app": False})

    response = as_owner.post(reverse("notifications:owner"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "now Off; your value was not saved." in html
    assert NotificationSetting.objects.get(scope="tenant").value is False


@pytest.mark.parametrize("group_id", ["abc", "²", "\u0661", "999999", "99999999999999999999999"])
def test_group_ids_that_name_no_group_are_not_found(as_owner, group_id):
    page = as_owner.get(reverse("notifications:owner"), {"group": group_id})
    cell = as_owner.post(
        f"{reverse('notifications:owner-cell')}?notification=task_assigned&backend=sms",
        {"group": group_id, "task_assigned__sms": "on"},
        HTTP_HX_REQUEST="true",
    )

    assert page.status_code == 404 and cell.status_code == 404
    assert not NotificationSetting.objects.exists()


def test_turning_on_a_cell_after_the_permission_was_revoked_shows_why_in_place(person, acme):
    bob = person("bob", perms=("notifications.view_billing",))
    bob.user_permissions.clear()  # revoked after the page was loaded

    response = client_for(HOST, bob, acme).post(
        _cell("billing_invoice"), {"billing_invoice__email": "on"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error">' in html and "You no longer receive this notification." in html
    assert "lacks a permission" in html
    assert not NotificationSetting.objects.filter(user=bob).exists()


def test_two_owners_saving_one_cell_from_the_same_page_one_wins_the_other_is_refused(committed_tenants):
    import threading

    from django.db import connections

    acme = committed_tenants["acme"]
    owners = [make_user(acme, name, owner=True) for name in ("olivia", "oscar")]
    clients = [client_for(HOST, owner, acme) for owner in owners]
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def save(client, value):
        try:
            barrier.wait()
            response = client.post(
                f"{reverse('notifications:owner-cell')}?notification=task_assigned&backend=sms",
                {"task_assigned__sms": value, "task_assigned__sms__seen": ""},  # both saw "Notification default"
                HTTP_HX_REQUEST="true",
            )
            answers.append(response.content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=pair) for pair in zip(clients, ("on", "off"), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted('data-testid="saved"' in html for html in answers) == [False, True]
    assert sum("your value was not saved" in html for html in answers) == 1
    with schema_context("acme"):
        [row] = NotificationSetting.objects.filter(scope="tenant")
    winner = next(html for html in answers if 'data-testid="saved"' in html)
    assert ('<option value="on" selected>' in winner) == row.value


# --- When people hear: the deliveries log polls while rows are unsettled; defaults say what they mean -------------


def test_the_deliveries_log_polls_while_a_row_is_pending_and_stops_once_settled(alice, as_owner):
    send_notification("task_assigned", users=[alice])  # eager tasks run on commit; these rows stay pending
    url = reverse("notifications:deliveries")

    polling = as_owner.get(url, headers={"HX-Request": "true"})
    Delivery.objects.filter(status="pending").update(status="sent")
    settled = as_owner.get(url, headers={"HX-Request": "true"})

    assert polling.status_code == 200
    assert 'hx-trigger="every 2s"' in polling.content.decode()
    assert settled.status_code == 286  # htmx stops polling on 286
    assert "every 2s" not in settled.content.decode()
    assert "<table" in settled.content.decode()  # the last answer still shows the settled rows


def test_held_rows_poll_and_say_until_when(alice, as_owner, clock):
    clock.now = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC).timestamp()
    alice.preferences["notifications__quiet_email"] = "00:00-23:59"
    send_notification("task_assigned", users=[alice])

    html = as_owner.get(reverse("notifications:deliveries"), {"status": "held"}).content.decode()

    assert "held until 23:59 UTC" in html
    assert 'hx-trigger="every 2s"' in html


def test_the_test_send_form_keeps_its_selection(alice, as_owner):
    sent = as_owner.post(reverse("notifications:send-test"), {"notification": "task_assigned", "recipient": alice.pk})
    page = as_owner.get(sent.url).content.decode()

    assert '<option value="task_assigned" selected>' in page
    assert f'<option value="{alice.pk}" selected>alice</option>' in page


def test_unset_owner_cells_say_what_they_resolve_to_and_why(as_owner, in_acme):
    sales = group("Sales")
    services.tenant_defaults_update(notification="task_assigned", prefs={"sms": True})

    tenant_page = as_owner.get(reverse("notifications:owner")).content.decode()
    group_page = as_owner.get(reverse("notifications:owner"), {"group": sales.pk}).content.decode()

    assert "Notification default (off — notification default)" in tenant_page  # e.g. weekly digest by SMS
    assert "Not set (on — from the organisation)" in group_page  # task_assigned by SMS, from the tenant
    assert "Not set (off — notification default)" in group_page


def test_the_member_page_offers_pause_and_shows_held_rows(alice, as_alice, clock):
    clock.now = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC).timestamp()
    alice.preferences["notifications__quiet_in_app"] = "00:00-23:59"
    send_notification("task_assigned", users=[alice])

    html = as_alice.get(reverse("notifications:preferences")).content.decode()

    assert "Pause all notifications" in html and "until I resume" in html
    assert "held until 23:59 UTC" in html


def test_the_invitation_is_in_no_matrix_since_nobody_chooses_it(alice, as_alice, acme, client_of, acme_owner):
    member_page = as_alice.get(reverse("notifications:preferences")).content.decode()
    owner_page = client_of(acme_owner, acme).get(reverse("notifications:owner")).content.decode()
    assert 'data-testid="row-security_alert"' in member_page  # mandatory ones are still listed
    assert 'data-testid="row-invitation"' not in member_page
    assert "Invitation to join" not in owner_page

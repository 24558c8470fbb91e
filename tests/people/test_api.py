"""/api/people/ and /api/invitations/: the same rules as the pages, the kit's envelope, ETag and If-Match."""

from django_tenants.utils import schema_context

from apps.audit.models import AuditEntry
from apps.people.models import Invitation
from tests.support.people import client_for


def test_owners_add_a_person_and_read_the_one_time_password_once(acme, acme_owner):
    api = client_for("acme.localhost", acme_owner, acme)

    created = api.post("/api/people/", {"email": "api@example.com", "role": "member"}, content_type="application/json")

    assert created.status_code == 201
    body = created.json()
    assert body["username"] == "api@example.com" and body["state"] == "active" and body["one_time_password"]
    assert "one_time_password" not in api.get(f"/api/people/{body['id']}/").json()
    duplicate = api.post("/api/people/", {"email": "API@example.com"}, content_type="application/json")
    assert duplicate.status_code == 400 and "email" in duplicate.json()["errors"]


def test_a_stale_patch_is_refused_and_the_last_owner_kept(acme, acme_owner, acme_member):
    api = client_for("acme.localhost", acme_owner, acme)
    seen = api.get(f"/api/people/{acme_member.pk}/")["ETag"]
    api.patch(f"/api/people/{acme_member.pk}/", {"role": "owner"}, content_type="application/json")

    stale = api.patch(
        f"/api/people/{acme_member.pk}/", {"is_active": False}, content_type="application/json", HTTP_IF_MATCH=seen
    )
    assert stale.status_code == 412 and stale.json()["current"]["role"] == "owner"
    assert api.get(f"/api/people/{acme_member.pk}/").json()["is_active"] is True

    api.patch(f"/api/people/{acme_member.pk}/", {"role": "member"}, content_type="application/json")
    last = api.patch(f"/api/people/{acme_owner.pk}/", {"is_active": False}, content_type="application/json")
    assert last.status_code == 400 and "needs an active owner" in last.json()["errors"]["is_active"][0]


def test_invitations_are_sent_resent_and_revoked_through_the_api(
    acme, acme_owner, smtp_server, django_capture_on_commit_callbacks
):
    api = client_for("acme.localhost", acme_owner, acme)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/invitations/", {"email": "inv@example.com"}, content_type="application/json")
        pk = created.json()["id"]
        resent = api.post(f"/api/invitations/{pk}/resend/")
    assert (created.status_code, resent.json()["send_count"]) == (201, 2)
    assert len(smtp_server.wait_for(2)) == 2

    revoked = api.post(f"/api/invitations/{pk}/revoke/")
    assert revoked.json()["state"] == "revoked"
    again = api.post(f"/api/invitations/{pk}/revoke/")
    assert again.status_code == 400 and again.json()["errors"]["non_field_errors"]
    assert [row["state"] for row in api.get("/api/invitations/?state=open").json()["results"]] == []
    with schema_context("acme"):
        assert not Invitation.objects.get(pk=pk).is_open
        assert AuditEntry.objects.filter(target_type="invitation").count() == 3


def test_members_are_refused(acme, acme_member):
    api = client_for("acme.localhost", acme_member, acme)
    assert api.get("/api/people/").status_code == 403
    assert api.post("/api/invitations/", {"email": "x@example.com"}, content_type="application/json").status_code == 403

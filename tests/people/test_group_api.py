"""The owners' API of groups: the pages' rules, the kit's envelope and ETags, declared permissions only."""

import json

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.people import groups as services


@pytest.fixture
def api(acme_owner, acme, client_of):
    return client_of(acme_owner, acme)


def _json(client, method, url, body=None, **headers):
    return client.generic(
        method, url, "" if body is None else json.dumps(body), content_type="application/json", **headers
    )


def test_create_list_rename_and_delete(api):
    created = _json(api, "POST", "/api/groups/", {"name": "Sales"})
    _json(api, "POST", "/api/groups/", {"name": "Support"})
    listed = api.get("/api/groups/")
    pk = created.json()["id"]
    detail = api.get(f"/api/groups/{pk}/")
    renamed = _json(api, "PATCH", f"/api/groups/{pk}/", {"name": "Sales EMEA"}, HTTP_IF_MATCH=detail["ETag"])
    stale = _json(api, "DELETE", f"/api/groups/{pk}/", HTTP_IF_MATCH=detail["ETag"])
    deleted = _json(api, "DELETE", f"/api/groups/{pk}/", HTTP_IF_MATCH=renamed["ETag"])

    assert created.status_code == 201
    assert [(g["name"], g["position"]) for g in listed.json()] == [("Sales", 1), ("Support", 2)]
    assert renamed.json()["name"] == "Sales EMEA"
    assert stale.status_code == 412 and stale.json()["current"]["name"] == "Sales EMEA"
    assert deleted.status_code == 204
    with schema_context("acme"):
        assert list(Group.objects.values_list("name", flat=True)) == ["Support"]


def test_a_taken_name_answers_the_error_envelope(api):
    _json(api, "POST", "/api/groups/", {"name": "Sales"})
    refused = _json(api, "POST", "/api/groups/", {"name": "SALES"})
    assert refused.status_code == 400
    assert "already a group" in refused.json()["errors"]["name"][0]


def test_members_order_and_permissions(api, acme, acme_owner, make_person):
    person = make_person(acme, "pat")
    with schema_context("acme"):
        a = services.group_create(actor=acme_owner, name="A")
        b = services.group_create(actor=acme_owner, name="B")

    members = _json(api, "POST", f"/api/groups/{a.pk}/members/", {"add": [person.pk]})
    order = _json(api, "PUT", "/api/groups/order/", {"groups": [b.pk, a.pk]})
    forged = _json(api, "PUT", f"/api/groups/{a.pk}/permissions/", {"permissions": ["auth.delete_user"]})
    granted = _json(api, "PUT", f"/api/groups/{a.pk}/permissions/", {"permissions": ["notifications.view_billing"]})

    assert members.json() == {"added": ["pat"], "removed": []}
    assert order.json() == {"groups": [b.pk, a.pk]}
    assert forged.status_code == 400 and "not a permission owners may grant" in forged.json()["errors"]["permission"][0]
    assert granted.json() == [
        {
            "name": "notifications.view_billing",
            "label": "Receive billing notifications",
            "description": granted.json()[0]["description"],
            "granted": True,
        }
    ]
    assert [g["name"] for g in api.get("/api/groups/").json()] == ["B", "A"]


def test_a_malformed_id_is_a_json_404(api):
    for path in ("/api/groups/-1/", "/api/groups/99999999999999999999999/members/"):
        response = api.get(path)
        assert response.status_code in (404, 405)
        assert response["Content-Type"] == "application/json"


def test_the_schema_documents_the_group_endpoints(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = sorted(path for path in schema["paths"] if path.startswith("/api/groups/"))
    assert paths == [
        "/api/groups/",
        "/api/groups/order/",
        "/api/groups/{id}/",
        "/api/groups/{id}/members/",
        "/api/groups/{id}/permissions/",
    ]


def test_listing_groups_costs_the_same_for_5_or_200_groups(api, acme_owner, django_assert_max_num_queries):
    def make(count: int) -> None:
        with schema_context("acme"):
            Group.objects.all().delete()
            for i in range(count):
                group = services.group_create(actor=acme_owner, name=f"G{count}-{i}")
                services.group_permission_grant(actor=acme_owner, group=group, name="notifications.view_billing")

    make(5)
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/api/groups/").json()) == 5
    make(200)
    with django_assert_max_num_queries(len(few)):
        assert len(api.get("/api/groups/").json()) == 200

from apps.lov.services import lov_custom_value_create, lov_value_select
from apps.projects.lists.models import TaskStatus


def test_members_get_the_values_their_tenant_offers(acme, globex, acme_member, globex_member, client_of):
    lov_custom_value_create(model=TaskStatus, tenant=acme, name="Acme secret")
    lov_value_select(value=TaskStatus.objects.get(name="Blocked"), tenant=acme, selected=True)

    acme_names = [v["name"] for v in client_of(acme_member, acme).get("/api/lists/task-statuses/values/").json()]
    globex_names = [v["name"] for v in client_of(globex_member, globex).get("/api/lists/task-statuses/values/").json()]

    # Task statuses are in workflow order (declared), then the tenant's own values.
    assert acme_names == ["To do", "In progress", "Blocked", "Done", "Acme secret"]
    assert globex_names == ["To do", "In progress", "Done"]


def test_all_lists_endpoint_is_per_tenant(acme, globex, globex_member, client_of):
    lov_custom_value_create(model=TaskStatus, tenant=acme, name="Acme secret")

    body = client_of(globex_member, globex).get("/api/lists/").json()

    # The test settings install the documented crops example too.
    assert {item["key"] for item in body} == {"crops", "job-titles", "task-statuses"}
    assert "Acme secret" not in str(body)


def test_available_values_are_for_owners_only(acme, acme_owner, acme_member, client_of):
    assert client_of(acme_member, acme).get("/api/lists/task-statuses/available/").status_code == 403

    body = client_of(acme_owner, acme).get("/api/lists/task-statuses/available/").json()

    blocked = next(v for v in body if v["name"] == "Blocked")
    done = next(v for v in body if v["name"] == "Done")
    assert (blocked["selected"], done["selected"]) == (False, True)


def test_anonymous_requests_are_refused(acme, client_of):
    from django.test import Client

    assert (
        Client(HTTP_HOST="acme.localhost").get("/api/lists/").status_code == 401
    )  # asked for credentials, not refused


def test_every_answer_has_an_etag_that_changes_with_the_values(acme, acme_owner, client_of):
    client = client_of(acme_owner, acme)
    paths = ("/api/lists/", "/api/lists/task-statuses/values/", "/api/lists/task-statuses/available/")
    before = {path: client.get(path)["ETag"] for path in paths}

    lov_value_select(value=TaskStatus.objects.get(name="Blocked"), tenant=acme, selected=True)
    after = {path: client.get(path)["ETag"] for path in paths}

    assert all(tag.startswith('"') for tag in before.values())
    assert all(before[path] != after[path] for path in paths)
    assert client.get("/api/lists/")["ETag"] == after["/api/lists/"]  # the same values, the same tag

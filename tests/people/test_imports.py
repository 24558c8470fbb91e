"""The CSV import: the whole file checked first, every bad row named, nothing written unless all are valid."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from apps.audit.models import AuditEntry
from apps.people import imports


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def owner_client(acme_owner, acme, client_of, make_person):
    make_person(acme, "alice", groups=("Sales",))
    return client_of(acme_owner, acme)


def test_every_bad_row_is_named_with_its_line_and_reason(acme, owner_client):
    data = _csv(
        "email,name,role,groups",
        "ok@example.com,Ok Person,member,Sales",
        "not-an-email,Bad,member,",
        "OK@example.com,Twice,member,",
        "alice@example.com,Alice,member,",
        "new@example.com,New,boss,",
        "other@example.com,Other,,Sales;Nowhere",
    )
    with schema_context("acme"):
        check = imports.people_csv_check(data)
    assert [str(p) for p in check.problems] == [
        "Line 3: “not-an-email” is not a valid email address.",
        "Line 4: OK@example.com is already on line 2.",
        "Line 5: alice@example.com is already a person of this organisation.",
        "Line 6: Unknown role “boss”: use owner or member.",
        "Line 7: No group called “Nowhere”: create it on the Groups page first.",
    ]


def test_a_file_with_one_bad_row_writes_nothing_and_names_it(acme, owner_client):
    data = _csv("email,name,groups", *[f"p{i}@example.com,P {i},Sales" for i in range(10)], "broken,Broken,")
    with schema_context("acme"):
        before = get_user_model().objects.count()

    response = owner_client.post("/owner/people/import/", {"file": SimpleUploadedFile("people.csv", data)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in page and "Line 12: “broken” is not a valid email address." in page
    with schema_context("acme"):
        assert get_user_model().objects.count() == before
        assert not AuditEntry.objects.filter(action="person.imported").exists()


def test_a_small_valid_file_imports_people_without_passwords_into_their_groups(acme, owner_client):
    data = _csv("email,name,role,groups", "Ada@Example.com,Ada Lovelace,owner,sales", "bob@example.com,Bob,,")

    response = owner_client.post("/owner/people/import/", {"file": SimpleUploadedFile("people.csv", data)})

    assert response.status_code == 302
    with schema_context("acme"):
        ada = get_user_model().objects.get(username="ada@example.com")
        assert (ada.first_name, ada.last_name, ada.email) == ("Ada", "Lovelace", "Ada@Example.com")
        assert ada.profile.role == "owner" and not ada.has_usable_password()
        assert list(ada.groups.values_list("name", flat=True)) == ["Sales"]
        assert AuditEntry.objects.get(action="person.imported").new["count"] == 2


def test_a_header_without_email_is_refused_as_a_whole(acme, owner_client):
    response = owner_client.post(
        "/owner/people/import/", {"file": SimpleUploadedFile("people.csv", _csv("name,role", "A,member"))}
    )
    assert "email is required" in response.content.decode()


def test_a_large_file_runs_as_a_job_with_progress(acme, owner_client, django_capture_on_commit_callbacks):
    data = _csv("email,name", *[f"bulk{i}@example.com,Bulk {i}" for i in range(imports.ASYNC_THRESHOLD + 1)])

    with django_capture_on_commit_callbacks(execute=True):  # eager Celery in unit tests: the task runs here
        response = owner_client.post("/owner/people/import/", {"file": SimpleUploadedFile("people.csv", data)})

    assert response.status_code == 302 and response["Location"].startswith("/owner/people/import/")
    page = owner_client.get(response["Location"]).content.decode()
    assert 'data-state="done"' in page and f"Imported {imports.ASYNC_THRESHOLD + 1:,} people." in page
    with schema_context("acme"):
        assert get_user_model().objects.filter(username__startswith="bulk").count() == imports.ASYNC_THRESHOLD + 1
        assert Group.objects.filter(name="Sales").exists()


def test_another_tenants_job_is_not_found(acme, globex, owner_client, globex_owner, client_of):
    with schema_context("acme"):
        job = imports.import_job_start(data=_csv("email", "x@example.com"), total=1)
    assert owner_client.get(f"/owner/people/import/{job.job_id}/").status_code == 200
    assert client_of(globex_owner, globex).get(f"/owner/people/import/{job.job_id}/").status_code == 404

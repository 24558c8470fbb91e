"""The import of a large file in a real Celery worker: progress shown while it runs, everyone imported at the end."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tests.support.people import client_for, make_user
from tests.support.processes import wait_until

ROWS = 5_000


@pytest.mark.worker
def test_5000_people_import_in_a_worker_with_a_progress_bar(committed_tenants, celery_worker):
    acme = committed_tenants["acme"]
    owner = make_user(acme, "olivia", owner=True)
    client = client_for("acme.localhost", owner, acme)
    data = (
        "email,name,role,groups\n" + "".join(f"w{i}@example.com,Worker {i},member,\n" for i in range(ROWS))
    ).encode()

    response = client.post("/owner/people/import/", {"file": SimpleUploadedFile("people.csv", data)})
    assert response.status_code == 302
    job_url = response["Location"]

    states: list[str] = []

    def finished() -> bool:
        page = client.get(job_url, HTTP_HX_REQUEST="true").content.decode()
        assert "<progress" in page
        states.append(re.search(r'data-state="(\w+)"', page).group(1))  # type: ignore[union-attr]
        return states[-1] in ("done", "failed")

    wait_until(finished, what="the import to finish", timeout=180, every=0.2)

    assert states[-1] == "done"
    assert len(states) > 1 and states[0] != "done"  # the page showed the job before it finished
    with schema_context("acme"):
        assert get_user_model().objects.filter(username__startswith="w").count() == ROWS

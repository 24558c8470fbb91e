"""The CSV import of people: /owner/people/import/ (upload, check, import) and its job's progress page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from apps.core.htmx import render_page
from apps.core.roles import owner_required
from apps.people import imports
from apps.people.group_forms import PeopleImportForm
from apps.people.tasks import people_import_run

PAGE = "people/import.html"
JOB = "people/import_job.html"


@owner_required
def people_import(request: HttpRequest) -> HttpResponse:
    """Show the import form (GET); check a file as a whole and import it, or list every bad row (POST)."""
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "threshold": imports.ASYNC_THRESHOLD}
    if request.method != "POST" or not form.is_valid():
        return render(request, PAGE, context)
    data = form.cleaned_data["file"].read()
    try:
        check = imports.people_csv_check(data)
    except ValidationError as exc:
        form.add_error("file", exc.messages)
        return render(request, PAGE, context)
    if not check.ok:
        context["problems"] = check.problems
        return render(request, PAGE, context)
    if len(check.rows) <= imports.ASYNC_THRESHOLD:
        users = imports.people_import(actor=request.user, rows=check.rows)
        messages.success(request, f"Imported {len(users):,} people. They have no password yet.")
        return redirect("people:people-import")
    job = imports.import_job_start(data=data, total=len(check.rows))
    actor_id = request.user.pk
    transaction.on_commit(lambda: people_import_run.delay(job.job_id, actor_id))
    return redirect("people:people-import-job", job_id=job.job_id)


@owner_required
@require_GET
def people_import_job(request: HttpRequest, job_id: str) -> HttpResponse:
    """Show an import's progress; htmx polls the progress partial until the job is done or failed."""
    job = imports.import_job_get(job_id)  # cache keys are per schema: another tenant's job is not found
    if job is None:
        raise Http404("No such import (it may have finished more than a day ago).")
    return render_page(request, JOB, {"job": job}, partial="progress")

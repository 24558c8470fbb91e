"""Members' pages that use lists of values: tasks (with a status) and the profile (with a job title)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from apps.core.htmx import render_page
from apps.core.inline import IDLE, SAVED, InlineField, InlineState, inline_response
from apps.core.pagination import paginate
from apps.preferences.registries import global_preferences_registry
from apps.projects.forms import JobTitleForm, TaskForm
from apps.projects.models import MemberJobTitle, Task
from apps.projects.selectors import member_job_title_get, task_list, tasks_due_between
from apps.projects.services import member_job_title_set, task_create, task_update
from apps.tenants.models import Tenant

PROFILE = "projects/profile.html"


class _MemberRequest(HttpRequest):
    """The request these views get (type checking only): logged in, on a tenant's domain, through HtmxMiddleware."""

    user: User
    tenant: Tenant
    htmx: HtmxDetails


def _apply_errors(form: TaskForm | JobTitleForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@login_required
def task_list_view(request: _MemberRequest) -> HttpResponse:
    """List the tenant's tasks and create one; htmx swaps the form and list without a reload."""
    form = TaskForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            task = task_create(
                tenant=request.tenant,
                title=form.cleaned_data["title"],
                status=form.cleaned_data["status"],
                created_by=request.user,
                due_date=form.cleaned_data.get("due_date"),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Task “{task.title}” added.")
            if not request.htmx:
                return redirect("projects:task-list")
            form = TaskForm(tenant=request.tenant)
    query = request.GET.get("q", "").strip()
    page = paginate(request, task_list(query=query))
    context = {"form": form, "page": page, "query": query}
    return render_page(request, "projects/task_list.html", context, partial="tasks")


@login_required
def task_edit_view(request: _MemberRequest, pk: int) -> HttpResponse:
    """Edit a task; a status no longer offered stays available to this task only (shown as archived)."""
    task = get_object_or_404(Task.objects.select_related("status"), pk=pk)
    form = TaskForm(request.POST or None, instance=task, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            task_update(
                task=task,
                tenant=request.tenant,
                title=form.cleaned_data["title"],
                status=form.cleaned_data["status"],
                due_date=form.cleaned_data.get("due_date"),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Task “{task.title}” saved.")
            return redirect("projects:task-list")
    return render_page(request, "projects/task_edit.html", {"form": form, "task": task}, partial="form")


@login_required
def profile_view(request: _MemberRequest) -> HttpResponse:
    """Show and save the member's job title; with htmx it saves on change and says so in place."""
    record = member_job_title_get(user=request.user)
    current = record.job_title if record else None
    if request.method != "POST":
        form = JobTitleForm(tenant=request.tenant, current=current)
        return render(request, PROFILE, {"field": _job_title_field(form, record)})
    form = JobTitleForm(request.POST, tenant=request.tenant, current=current)
    state = IDLE
    if form.is_valid():
        try:
            record = member_job_title_set(
                user=request.user, tenant=request.tenant, job_title=form.cleaned_data["job_title"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            state = SAVED
            form = JobTitleForm(tenant=request.tenant, current=record.job_title)
    field = _job_title_field(form, record, state=state)
    return inline_response(
        request,
        field,
        page=None if state == SAVED else lambda: render(request, PROFILE, {"field": field}),
        redirect_to=reverse("projects:profile"),
        saved_message="Your job title is saved.",
    )


def _job_title_field(form: JobTitleForm, record: MemberJobTitle | None, *, state: InlineState = IDLE) -> InlineField:
    note = ""
    if record is not None and record.job_title.is_deleted:
        note = f"“{record.job_title.name}” is archived: you keep it until you choose another."
    return InlineField(
        form["job_title"],
        save_url=reverse("projects:profile"),
        state=state,
        own_form=True,
        note=note,
        testid="job-title",
    )


# The organisation's "First day of the week" preference (apps.catalog): the week view starts on it.
WEEK_START_KEY = "locale__week_start"
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}


def week_containing(day: datetime.date, week_start: str) -> list[datetime.date]:
    """Return the seven days of the week that holds `day`, starting on `week_start` ("monday", "sunday", …)."""
    first = day - datetime.timedelta(days=(day.weekday() - WEEKDAYS.get(week_start, 0)) % 7)
    return [first + datetime.timedelta(days=offset) for offset in range(7)]


@login_required
@require_GET
def task_week_view(request: _MemberRequest) -> HttpResponse:
    """Show the tasks due in one week (`?day=YYYY-MM-DD` picks it; today's by default), from the first day the
    organisation chose."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    days = week_containing(day, global_preferences_registry.manager()[WEEK_START_KEY])
    due: dict[datetime.date, list[Task]] = {d: [] for d in days}
    for task in tasks_due_between(first=days[0], last=days[-1]):
        due[task.due_date].append(task)  # type: ignore[index]  # the query keeps tasks with a due date
    context = {
        "days": [(d, due[d]) for d in days],
        "today": timezone.localdate(),
        "previous": days[0] - datetime.timedelta(days=7),
        "next": days[0] + datetime.timedelta(days=7),
    }
    return render_page(request, "projects/task_week.html", context)

"""Members' pages that use lists of values: tasks (with a status) and the profile (with a job title)."""

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from apps.accounts.contact import email_change_confirm, email_change_read, email_change_request, person_name_set
from apps.core.htmx import render_page
from apps.core.inline import IDLE, SAVED, InlineField, InlineState, inline_response
from apps.core.pagination import paginate, query_without_page
from apps.notifications.phones import (
    phone_codes_visible,
    phone_confirmation_check,
    phone_confirmation_pending,
    phone_confirmation_start,
    phone_remove,
)
from apps.preferences.registries import global_preferences_registry
from apps.projects.forms import EmailForm, JobTitleForm, NameForm, PhoneCodeForm, PhoneForm, TaskForm
from apps.projects.models import MemberJobTitle, Task
from apps.projects.selectors import member_job_title_get, task_get, task_list, tasks_due_between
from apps.projects.services import member_job_title_set, task_create, task_delete, task_update
from apps.tenants.models import Tenant

PROFILE = "projects/profile.html"
EMAIL_CONFIRM = "projects/email_confirm.html"


class _MemberRequest(HttpRequest):
    """The request these views get (type checking only): logged in, on a tenant's domain, through HtmxMiddleware."""

    user: User
    tenant: Tenant
    htmx: HtmxDetails


def _apply_errors(form: forms.Form | forms.ModelForm, exc: ValidationError) -> None:
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
                assignee=form.cleaned_data["assignee"],
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
    mine = request.GET.get("mine") == "1"
    page = paginate(request, task_list(query=query, assignee=request.user if mine else None))
    context = {"form": form, "page": page, "query": query, "mine": mine, "page_query": query_without_page(request)}
    return render_page(request, "projects/task_list.html", context, partial="tasks")


@login_required
def task_edit_view(request: _MemberRequest, pk: int) -> HttpResponse:
    """Edit a task; a status no longer offered stays available to this task only (shown as archived)."""
    task = get_object_or_404(Task.objects.select_related("status", "assignee"), pk=pk, deleted_at__isnull=True)
    form = TaskForm(request.POST or None, instance=task, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            task_update(
                task=task,
                tenant=request.tenant,
                title=form.cleaned_data["title"],
                status=form.cleaned_data["status"],
                assignee=form.cleaned_data["assignee"],
                actor=request.user,
                due_date=form.cleaned_data.get("due_date"),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Task “{task.title}” saved.")
            return redirect("projects:task-list")
    return render_page(request, "projects/task_edit.html", {"form": form, "task": task}, partial="form")


@login_required
def task_delete_view(request: _MemberRequest, pk: int) -> HttpResponse:
    """Ask before deleting a task, naming it; the POST deletes it (softly) and goes back to the list."""
    task = task_get(pk=pk)
    if task is None:
        raise Http404("No such task.")
    if request.method == "POST":
        task_delete(task=task, by=request.user)
        messages.success(request, f"Task “{task.title}” deleted.")
        return redirect("projects:task-list")
    return render(request, "projects/task_delete.html", {"task": task})


@login_required
def profile_view(request: _MemberRequest) -> HttpResponse:
    """The person's profile: name, email, phone and job title. The job title saves on change (htmx) here."""
    record = member_job_title_get(user=request.user)
    current = record.job_title if record else None
    if request.method != "POST":
        form = JobTitleForm(tenant=request.tenant, current=current)
        return _profile_page(request, field=_job_title_field(form, record))
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
            form = JobTitleForm(tenant=request.tenant, current=record.job_title if record else None)
    field = _job_title_field(form, record, state=state)
    return inline_response(
        request,
        field,
        page=None if state == SAVED else lambda: _profile_page(request, field=field),
        redirect_to=reverse("projects:profile"),
        saved_message="Your job title is saved." if record else "Your job title is cleared.",
    )


def _profile_page(request: _MemberRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    """Render the profile with the given forms (bound ones show their errors) and fresh ones for the rest."""
    user = request.user
    if "field" not in forms:
        record = member_job_title_get(user=user)
        forms["field"] = _job_title_field(
            JobTitleForm(tenant=request.tenant, current=record.job_title if record else None), record
        )
    profile = getattr(user, "profile", None)
    context = {
        "name_form": NameForm(initial={"first_name": user.first_name, "last_name": user.last_name}),
        "email_form": EmailForm(),
        "phone_form": PhoneForm(),
        "code_form": PhoneCodeForm(),
        "phone": profile.phone_number if profile else "",
        "phone_confirmed_at": profile.phone_confirmed_at if profile else None,
        "pending_phone": phone_confirmation_pending(user=user),
        "sent_text": request.session.pop(SENT_TEXT_KEY, "") if phone_codes_visible() else "",
        **forms,
    }
    return render(request, PROFILE, context, status=status)


SENT_TEXT_KEY = "profile-sent-text"


@login_required
@require_POST
def profile_name_view(request: _MemberRequest) -> HttpResponse:
    form = NameForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, name_form=form, status=400)
    person_name_set(user=request.user, **form.cleaned_data)
    messages.success(request, "Your name is saved.")
    return redirect("projects:profile")


@login_required
@require_POST
def profile_email_view(request: _MemberRequest) -> HttpResponse:
    """Send a confirmation link to the new address; the address on file changes when it is opened."""

    def send(data: dict[str, Any]) -> str:
        confirm_url = request.build_absolute_uri(reverse("projects:profile-email-confirm", args=["TOKEN"]))
        email_change_request(
            user=request.user, new_email=data["email"], confirm_url=confirm_url.replace("TOKEN", "{token}")
        )
        return f"We sent a link to {data['email']}. Your address stays {request.user.email} until you open it."

    return _profile_form_post(request, EmailForm(request.POST), "email_form", send)


def profile_email_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the email: the GET asks (mail scanners open links), the POST makes the change."""
    try:
        change = email_change_read(token)
    except ValidationError as exc:
        return render(request, EMAIL_CONFIRM, {"error": exc.messages[0]}, status=400)
    if request.method == "POST":
        try:
            email_change_confirm(token)
        except ValidationError as exc:
            return render(request, EMAIL_CONFIRM, {"error": exc.messages[0]}, status=400)
        messages.success(request, f"Your email address is now {change.new_email}.")
        return redirect("projects:profile" if request.user.is_authenticated else "login")
    return render(request, EMAIL_CONFIRM, {"change": change, "token": token})


@login_required
@require_POST
def profile_phone_view(request: _MemberRequest) -> HttpResponse:
    """Text a confirmation code to the number given; it becomes the profile's number once confirmed."""

    def text(data: dict[str, Any]) -> str:
        request.session[SENT_TEXT_KEY] = phone_confirmation_start(user=request.user, number=data["phone_number"])
        return f"We texted a code to {data['phone_number'].as_international}."

    return _profile_form_post(request, PhoneForm(request.POST), "phone_form", text, anchor="#phone")


@login_required
@require_POST
def profile_phone_confirm_view(request: _MemberRequest) -> HttpResponse:
    def confirm(data: dict[str, Any]) -> str:
        profile = phone_confirmation_check(user=request.user, code=data["code"])
        return f"Your phone number {profile.phone_number.as_international} is confirmed."

    return _profile_form_post(request, PhoneCodeForm(request.POST), "code_form", confirm, anchor="#phone")


def _profile_form_post(
    request: _MemberRequest,
    form: forms.Form,
    form_name: str,
    act: Callable[[dict[str, Any]], str],
    *,
    anchor: str = "",
) -> HttpResponse:
    """Run `act` on a valid form: its message and back to the profile; else the profile, 400, errors in place.

    `act` returns what to tell the person, or raises ValidationError (shown under the form's fields).
    """
    if form.is_valid():
        try:
            message = act(form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(reverse("projects:profile") + anchor)
    return _profile_page(request, status=400, **{form_name: form})


@login_required
@require_POST
def profile_phone_remove_view(request: _MemberRequest) -> HttpResponse:
    phone_remove(user=request.user)
    messages.success(request, "Your phone number is removed: you get no text messages.")
    return redirect(reverse("projects:profile") + "#phone")


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

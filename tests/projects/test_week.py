"""The week view of tasks due starts on the organisation's first day; lists page by the viewer's page size."""

import datetime

from django_tenants.utils import schema_context

from apps.preferences.registries import global_preferences_registry
from apps.projects.lists.models import TaskStatus
from apps.projects.models import Task
from apps.projects.views import week_containing

WEDNESDAY = datetime.date(2026, 12, 2)


def test_a_week_starts_on_the_chosen_day():
    assert week_containing(WEDNESDAY, "monday")[0] == datetime.date(2026, 11, 30)
    assert week_containing(WEDNESDAY, "sunday")[0] == datetime.date(2026, 11, 29)
    assert week_containing(WEDNESDAY, "saturday")[0] == datetime.date(2026, 11, 28)
    assert week_containing(datetime.date(2026, 11, 28), "saturday")[0] == datetime.date(2026, 11, 28)


def _week(client, day=WEDNESDAY):
    return client.get("/projects/week/", {"day": day.isoformat()}).content.decode()


def test_the_week_view_lists_tasks_by_due_date_from_the_organisations_first_day(
    acme, acme_member, client_of, django_assert_max_num_queries
):
    with schema_context("acme"):
        todo = TaskStatus.objects.get(name="To do")
        Task.objects.create(title="Sunday report", status=todo, due_date=datetime.date(2026, 11, 29))
        Task.objects.create(title="Wednesday call", status=todo, due_date=WEDNESDAY)
        Task.objects.create(title="No deadline", status=todo)
    client = client_of(acme_member, acme)

    _week(client)  # warm the session
    with django_assert_max_num_queries(10):  # one query for the week's tasks, whatever their number
        monday_first = _week(client)
    with schema_context("acme"):
        global_preferences_registry.manager()["locale__week_start"] = "sunday"
    sunday_first = _week(client)

    assert "Tasks due from Monday 30 November 2026" in monday_first
    assert "Sunday report" not in monday_first and "Wednesday call" in monday_first
    assert "Tasks due from Sunday 29 November 2026" in sunday_first
    assert sunday_first.index("Sunday report") < sunday_first.index("Wednesday call")
    assert "No deadline" not in sunday_first
    assert sunday_first.count('data-testid="week-day"') == 7


def test_the_task_list_pages_by_the_members_page_size_and_keeps_the_search(acme, acme_member, client_of):
    with schema_context("acme"):
        todo = TaskStatus.objects.get(name="To do")
        Task.objects.bulk_create(Task(title=f"Invoice {n}", status=todo) for n in range(12))
        acme_member.preferences["appearance__items_per_page"] = 5
    client = client_of(acme_member, acme)

    html = client.get("/projects/", {"q": "Invoice"}).content.decode()

    assert html.count('data-testid="task-row"') == 5
    assert "Page 1 of 3" in html
    assert 'href="?q=Invoice&amp;page=2"' in html


def test_a_task_gets_a_due_date_on_creation(acme, acme_member, client_of):
    with schema_context("acme"):
        todo = TaskStatus.objects.get(name="To do")

    client_of(acme_member, acme).post("/projects/", {"title": "Ship", "status": todo.pk, "due_date": "2026-12-04"})

    with schema_context("acme"):
        assert Task.objects.get(title="Ship").due_date == datetime.date(2026, 12, 4)

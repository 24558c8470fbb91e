"""Generated hostile input (hypothesis) on every form and query parameter of the portal's pages.

Each form is posted with valid values except one field, which gets a value no field may accept there: NUL bytes,
control characters, line breaks in a one-line field, a 1 MB string, 20,000 "[" (deep JSON as text, longer than
any field allows), numbers past a bigint, negative numbers where the bounds start at 0 or more. The answer must
be a 4xx or the form's error (200 with `invalid-feedback`), and no row of any table may change. Query parameters
(searches, filters, pages) must answer 200 or a 4xx, and write nothing.

Bounded for CI: derandomized (the same examples on every run), `EXAMPLES` per field, no deadline.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apps.lov.services import lov_custom_value_create
from apps.projects.lists.models import TaskStatus
from apps.projects.models import Task
from tests.conftest import client_for

EXAMPLES = 10
BOUNDED = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# C0 controls but TAB, LF and CR; DEL; C1 controls.
_CONTROLS = [chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), *range(0x7F, 0xA0))]
_SOME_TEXT = st.text(alphabet="abc xyz", max_size=6)
control_text = st.builds(lambda a, c, b: a + c + b, _SOME_TEXT, st.sampled_from(_CONTROLS), _SOME_TEXT)
line_breaks = st.builds(lambda a, c, b: f"a{a}{c}{b}z", _SOME_TEXT, st.sampled_from(["\n", "\r", "\r\n"]), _SOME_TEXT)
nul = st.sampled_from(["\x00", "a\x00b", "\x00" * 100])
megabyte = st.just("x" * 1_000_000)
deep_json = st.just("[" * 20_000)
huge_number = st.one_of(st.integers(min_value=2**63, max_value=10**40).map(str), st.just("9" * 5000))
negative_number = st.integers(min_value=-(10**30), max_value=-1).map(str)

BAD_MULTILINE_TEXT = st.one_of(control_text, nul, megabyte, deep_json)
BAD_TEXT = st.one_of(BAD_MULTILINE_TEXT, line_breaks)
BAD_NUMBER = st.one_of(huge_number, negative_number, nul, megabyte, control_text, deep_json)
BAD_CHOICE = st.one_of(BAD_TEXT, huge_number, negative_number)
ANY_HOSTILE = st.one_of(BAD_TEXT, huge_number, negative_number)

HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass(frozen=True)
class Field:
    """One field of one form: where it is posted, as whom, with which valid companions."""

    id: str
    who: str  # "member", "owner" (of acme) or "superadmin" (the console)
    url: str
    name: str
    values: st.SearchStrategy[str]
    valid: dict[str, str] = field(default_factory=dict)


# {status} and {task} are filled in from the rows the fixture makes.
FORM_FIELDS = [
    Field(
        "my-items-per-page",
        "member",
        "/preferences/field/appearance__items_per_page/",
        "appearance__items_per_page",
        BAD_NUMBER,
    ),
    Field("my-theme", "member", "/preferences/field/appearance__theme/", "appearance__theme", BAD_CHOICE),
    Field("my-time-zone", "member", "/preferences/field/locale__time_zone/", "locale__time_zone", BAD_CHOICE),
    Field("portal-title", "owner", "/owner/preferences/field/general__title/", "general__title", BAD_TEXT),
    Field(
        "support-email", "owner", "/owner/preferences/field/general__support_email/", "general__support_email", BAD_TEXT
    ),
    Field(
        "max-upload", "owner", "/owner/preferences/field/general__max_upload_mb/", "general__max_upload_mb", BAD_NUMBER
    ),
    Field("week-start", "owner", "/owner/preferences/field/locale__week_start/", "locale__week_start", BAD_CHOICE),
    Field(
        "session-expiry",
        "superadmin",
        "/console/settings/SESSION_EXPIRE_SECONDS/",
        "session_expire_seconds-value",
        BAD_NUMBER,
    ),
    Field(
        "maintenance-message",
        "superadmin",
        "/console/settings/MAINTENANCE_MESSAGE/",
        "maintenance_message-value",
        BAD_MULTILINE_TEXT,
    ),
    Field("sender", "superadmin", "/console/settings/DEFAULT_FROM_EMAIL/", "default_from_email-value", BAD_TEXT),
    Field(
        "owner-override",
        "owner",
        "/owner/settings/SESSION_EXPIRE_SECONDS/",
        "session_expire_seconds-value",
        BAD_NUMBER,
    ),
    Field(
        "owner-cell",
        "owner",
        "/owner/notifications/cell/",
        "task_assigned__email",
        BAD_CHOICE,
        {"notification": "task_assigned", "backend": "email"},
    ),
    Field(
        "owner-cell-notification",
        "owner",
        "/owner/notifications/cell/",
        "notification",
        ANY_HOSTILE,
        {"backend": "email"},
    ),
    Field(
        "my-cell-notification",
        "member",
        "/preferences/notifications/cell/",
        "notification",
        ANY_HOSTILE,
        {"backend": "email"},
    ),
    Field(
        "my-cell-backend",
        "member",
        "/preferences/notifications/cell/",
        "backend",
        ANY_HOSTILE,
        {"notification": "task_assigned"},
    ),
    Field("list-value-add", "owner", "/owner/lists/task-statuses/values/new/", "name", BAD_TEXT),
    Field(
        "list-value-rename",
        "owner",
        "/owner/lists/task-statuses/values/{custom}/rename/",
        "value-{custom}-name",
        BAD_TEXT,
    ),
    Field("task-title", "member", "/projects/", "title", BAD_TEXT, {"status": "{status}"}),
    Field("task-status", "member", "/projects/", "status", BAD_NUMBER, {"title": "A task"}),
    Field("task-edit-title", "member", "/projects/tasks/{task}/edit/", "title", BAD_TEXT, {"status": "{status}"}),
    Field("profile-job-title", "member", "/profile/", "job_title", BAD_NUMBER),
    Field("tenant-name", "superadmin", "/console/tenants/new/", "name", BAD_TEXT, {"subdomain": "umbrella"}),
    Field("tenant-subdomain", "superadmin", "/console/tenants/new/", "subdomain", BAD_TEXT, {"name": "Umbrella"}),
    Field(
        "tenant-owner",
        "superadmin",
        "/console/tenants/new/",
        "owner_username",
        BAD_TEXT,
        {"name": "Umbrella", "subdomain": "umbrella", "owner_password": "a-long-password-1"},
    ),
]

QUERY_PARAMETERS = [
    Field("task-search", "member", "/projects/", "q", ANY_HOSTILE),
    Field("task-page", "member", "/projects/", "page", ANY_HOSTILE),
    Field("people-search", "owner", "/owner/people/", "q", ANY_HOSTILE),
    Field("preference-history-search", "owner", "/owner/history/", "q", ANY_HOSTILE),
    Field("preference-history-scope", "owner", "/owner/history/", "scope", ANY_HOSTILE),
    Field("list-search", "owner", "/owner/lists/task-statuses/", "q", ANY_HOSTILE),
    Field("owner-matrix-group", "owner", "/owner/notifications/", "group", ANY_HOSTILE),
    Field("deliveries-filter", "owner", "/owner/notifications/deliveries/", "user", ANY_HOSTILE),
    Field("my-matrix-inherit", "member", "/preferences/notifications/", "inherit", ANY_HOSTILE),
    Field("my-preferences-section", "member", "/preferences/", "section", ANY_HOSTILE),
    Field("console-search", "superadmin", "/console/tenants/", "q", ANY_HOSTILE),
    Field("console-history-search", "superadmin", "/console/settings/history/", "q", ANY_HOSTILE),
    Field("console-history-revert", "superadmin", "/console/settings/history/", "revert", ANY_HOSTILE),
]

# Rows that change without a write by a form: sign-ins and their throttling, sessions, the admin's log.
UNWATCHED = {"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog", "admin.logentry"}


def _models_of(apps_list: list[str]) -> list[Any]:
    labels = {app.rsplit(".", 1)[-1] for app in apps_list}
    names = set(apps_list)
    return [
        model
        for model in django_apps.get_models()
        if (model._meta.app_config.name in names or model._meta.app_label in labels)
        and model._meta.label_lower not in UNWATCHED
        and model._meta.managed
        and not model._meta.proxy
    ]


def snapshot() -> dict[str, str]:
    """Return a digest of every row of every table of the public and acme schemas, one query per schema."""
    digests: dict[str, str] = {}
    for schema, apps_list in (("public", settings.SHARED_APPS), ("acme", settings.TENANT_APPS)):
        parts = [
            f"SELECT '{schema}:{model._meta.label_lower}', md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
            f' FROM "{schema}"."{model._meta.db_table}" t'
            for model in _models_of(apps_list)
        ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts))
            digests.update(dict(cursor.fetchall()))
    return digests


@pytest.fixture
def world(acme, acme_member, acme_owner, superadmin) -> Iterator[dict[str, Any]]:
    """The clients of each role and the ids the forms' URLs name."""
    status = TaskStatus.objects.get(name="To do")
    custom = lov_custom_value_create(model=TaskStatus, tenant=acme, name="Acme custom")
    with schema_context("acme"):
        task = Task.objects.create(title="Existing task", status=status)
    yield {
        "clients": {
            "member": client_for("acme.localhost", acme_member, acme),
            "owner": client_for("acme.localhost", acme_owner, acme),
            "superadmin": client_for("localhost", superadmin),
        },
        "ids": {"status": str(status.pk), "task": str(task.pk), "custom": str(custom.pk)},
    }


def _filled(text: str, ids: dict[str, str]) -> str:
    return text.format(**ids)


def _refused(response: Any) -> bool:
    if 400 <= response.status_code < 500:
        return True
    return response.status_code == 200 and b"invalid-feedback" in response.content


def _check(client: Client, send: Callable[[], Any], refused: Callable[[Any], bool], label: str) -> None:
    before = snapshot()
    response = send()
    changed = sorted(key for key, digest in snapshot().items() if before.get(key) != digest)

    assert refused(response), f"{label}: answered {response.status_code}"
    assert not changed, f"{label}: wrote into {changed}"


@pytest.mark.parametrize("target", FORM_FIELDS, ids=[f.id for f in FORM_FIELDS])
def test_hostile_form_input_is_refused_and_writes_nothing(world: dict[str, Any], target: Field) -> None:
    client = world["clients"][target.who]
    ids = world["ids"]
    url, name = _filled(target.url, ids), _filled(target.name, ids)
    valid = {key: _filled(value, ids) for key, value in target.valid.items()}

    @BOUNDED
    @given(value=target.values)
    def post(value: str) -> None:
        _check(client, lambda: client.post(url, {**valid, name: value}, **HTMX), _refused, f"{name}={value[:20]!r}")

    post()


@pytest.mark.parametrize("target", QUERY_PARAMETERS, ids=[f.id for f in QUERY_PARAMETERS])
def test_hostile_query_parameters_answer_without_a_server_error_and_write_nothing(
    world: dict[str, Any], target: Field
) -> None:
    client = world["clients"][target.who]

    @BOUNDED
    @given(value=target.values)
    def get(value: str) -> None:
        _check(
            client,
            lambda: client.get(target.url, {target.name: value}),
            lambda response: response.status_code == 200 or 400 <= response.status_code < 500,
            f"{target.name}={value[:20]!r}",
        )

    get()


def test_the_check_sees_an_accepted_value_and_a_write(world: dict[str, Any]) -> None:
    client = world["clients"]["member"]

    def post() -> Any:
        return client.post("/projects/", {"title": "A fine title", "status": world["ids"]["status"]}, **HTMX)

    with pytest.raises(AssertionError, match=r"wrote into.*acme:projects\.task"):
        _check(client, post, lambda response: True, "a valid task")

"""Importing people from CSV: the whole file is validated first, then written in one transaction, or not at all.

A file has a header row naming the columns `email`, `name`, `role` and `groups` (any order; `email` required,
the others optional). Groups are separated by `;`. Every bad row is reported with its line number and why:
a bad email, an email twice in the file, an email (or username) of a person who already exists, a role other
than owner or member (empty: member), a group that does not exist. Unknown groups are refused, not created: a
typo would otherwise make a group nobody meant (owners create groups on the Groups page first).

Imported people get the email as their username and no password (an unusable one): nobody is emailed; each
person sets a password with "Forgot your password?" on the sign-in page, or through an invitation.

Files above `ASYNC_THRESHOLD` rows run as a Celery task (`apps.people.tasks.people_import_run`); its progress
lives in the cache (Redis, tenant-scoped keys) under a job id: `import_job_get(job_id)`.
"""

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from apps.accounts.services import NewMember, members_bulk_create
from apps.audit.services import audit_record
from apps.core.inputs import TextValidator
from apps.core.roles import Role

ASYNC_THRESHOLD = 200  # rows; larger files run in a worker with a progress bar
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
COLUMNS = ("email", "name", "role", "groups")
GROUP_SEPARATOR = ";"
JOB_TTL = 24 * 3600  # seconds a finished job's outcome stays readable
BATCH = 500

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class ImportRow:
    line: int
    email: str
    first_name: str
    last_name: str
    role: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class ImportProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}"


@dataclass
class ImportCheck:
    """The outcome of validating a file: its rows, and every problem (none: it may be imported)."""

    rows: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("Save the file as UTF-8 CSV: it is not UTF-8 text.") from exc


def people_csv_check(data: bytes) -> ImportCheck:
    """Validate a whole CSV file of people; return its rows and every problem, line by line (three queries)."""
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    header = next(reader, None)
    if header is None:
        raise ValidationError("The file is empty: the first line names the columns (email,name,role,groups).")
    names = [column.strip().lower() for column in header]
    unknown = [column for column in names if column not in COLUMNS]
    if "email" not in names or unknown or len(set(names)) != len(names):
        raise ValidationError(
            "The first line must name the columns email, name, role and groups (email is required); "
            f"found: {', '.join(header) or 'nothing'}."
        )
    index = {column: names.index(column) for column in names}
    check = ImportCheck()
    raw: list[tuple[int, dict[str, str]]] = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue  # a blank line
        if len(raw) >= MAX_ROWS:
            raise ValidationError(f"The file has more than {MAX_ROWS:,} people; split it.")
        line = reader.line_num
        if len(values) > len(names):
            check.problems.append(ImportProblem(line, f"{len(values)} values for {len(names)} columns."))
            continue
        raw.append((line, {column: values[i].strip() if i < len(values) else "" for column, i in index.items()}))

    user_model = get_user_model()
    emails = [row["email"].lower() for _, row in raw]
    existing = set(
        user_model.objects.annotate(low=Lower("email")).filter(low__in=emails).values_list("low", flat=True)
    ) | set(user_model.objects.annotate(low=Lower("username")).filter(low__in=emails).values_list("low", flat=True))
    groups = {name.lower(): name for name in Group.objects.values_list("name", flat=True)}
    seen: dict[str, int] = {}
    text = TextValidator()
    for line, row in raw:
        reasons: list[str] = []
        email = row["email"]
        low = email.lower()
        try:
            for value in row.values():
                text(value)
        except ValidationError as exc:
            reasons.append(" ".join(exc.messages))
        try:
            validate_email(email)
            if len(email) > 150:
                raise ValidationError("longer than 150 characters")
        except ValidationError:
            reasons.append(f"“{email}” is not a valid email address." if email else "The email is missing.")
        else:
            if low in seen:
                reasons.append(f"{email} is already on line {seen[low]}.")
            elif low in existing:
                reasons.append(f"{email} is already a person of this organisation.")
            seen.setdefault(low, line)
        role = row.get("role", "").lower() or Role.MEMBER
        if role not in Role.values:
            reasons.append(f"Unknown role “{row['role']}”: use owner or member.")
        wanted = [name.strip() for name in row.get("groups", "").split(GROUP_SEPARATOR) if name.strip()]
        missing = [name for name in wanted if name.lower() not in groups]
        if missing:
            listed = ", ".join(f"“{name}”" for name in missing)
            reasons.append(f"No group called {listed}: create it on the Groups page first.")
        if reasons:
            check.problems.extend(ImportProblem(line, reason) for reason in reasons)
            continue
        first, _, last = row.get("name", "").partition(" ")
        check.rows.append(
            ImportRow(
                line=line,
                email=email,
                first_name=first[:150],
                last_name=last.strip()[:150],
                role=role,
                groups=tuple(dict.fromkeys(groups[name.lower()] for name in wanted)),
            )
        )
    if not raw and not check.problems:
        check.problems.append(ImportProblem(2, "The file names its columns but lists nobody."))
    return check


@transaction.atomic
def people_import(
    *, actor: Actor, rows: list[ImportRow], on_progress: Callable[[int], None] | None = None
) -> list[AbstractBaseUser]:
    """Create the people of validated `rows` in one transaction, through `members_bulk_create`; audit it."""
    by_name = {group.name: group for group in Group.objects.all()}
    people = [
        NewMember(
            username=row.email.lower(),
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            is_owner=row.role == Role.OWNER,
            groups=tuple(by_name[name] for name in row.groups),
        )
        for row in rows
    ]
    users = members_bulk_create(people=people, batch_size=BATCH, on_batch=on_progress)
    audit_record(
        actor=actor,
        action="person.imported",
        target_type="person",
        target_label=f"{len(users)} people from CSV",
        new={"count": len(users), "emails": [row.email for row in rows[:50]]},
    )
    return users


# --- jobs: a large file in a worker, its progress in the cache ---------------------------------------------------
def _key(job_id: str) -> str:
    return f"people-import:{job_id}"


def _file_key(job_id: str) -> str:
    return f"people-import-file:{job_id}"


@dataclass
class ImportJob:
    """Where an import in a worker stands: `state` is queued, checking, importing, done or failed."""

    job_id: str
    total: int
    done: int = 0
    state: str = "queued"
    message: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return 100 if self.state == "done" else int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


def import_job_save(job: ImportJob) -> None:
    cache.set(_key(job.job_id), asdict(job), JOB_TTL)


def import_job_get(job_id: str) -> ImportJob | None:
    """Return the job `job_id` of the active tenant (cache keys are per schema), or None."""
    data: dict[str, Any] | None = cache.get(_key(job_id))
    return ImportJob(**data) if data else None


def import_job_start(*, data: bytes, total: int) -> ImportJob:
    """Record a job for a validated file and keep the file for the worker; the caller queues the task."""
    job = ImportJob(job_id=uuid.uuid4().hex, total=total)
    cache.set(_file_key(job.job_id), data, JOB_TTL)
    import_job_save(job)
    return job


def import_job_run(*, job_id: str, actor: Actor) -> ImportJob:
    """Run a recorded job: check the file again (people may have changed since), import, record progress."""
    job = import_job_get(job_id)
    data = cache.get(_file_key(job_id))
    if job is None or data is None:
        job = job or ImportJob(job_id=job_id, total=0)
        job.state, job.message = "failed", "The file of this import is gone (it expired): upload it again."
        import_job_save(job)
        return job
    job.state = "checking"
    import_job_save(job)
    try:
        check = people_csv_check(data)
    except ValidationError as exc:
        check = ImportCheck(problems=[ImportProblem(1, " ".join(exc.messages))])
    if not check.ok:
        job.state, job.message = "failed", "Nothing was imported: the file is no longer valid."
        job.problems = [str(problem) for problem in check.problems[:200]]
        import_job_save(job)
        return job
    job.state, job.total = "importing", len(check.rows)
    import_job_save(job)

    def progress(done: int) -> None:
        job.done = done
        import_job_save(job)

    try:
        people_import(actor=actor, rows=check.rows, on_progress=progress)
    except Exception:
        job.state, job.done, job.message = "failed", 0, "The import failed and wrote nothing; try again."
        import_job_save(job)
        raise
    job.state, job.done, job.message = "done", len(check.rows), f"Imported {len(check.rows):,} people."
    import_job_save(job)
    cache.delete(_file_key(job_id))
    return job

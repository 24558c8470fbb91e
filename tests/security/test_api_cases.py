"""Generated API cases (schemathesis) against both OpenAPI schemas, through the WSGI app in this process.

Each operation of the tenant API (acme's domain, as an owner with a token) and of the site API (the public domain,
as a superadmin with a token) gets `EXAMPLES` generated requests, derandomized so a run repeats: no answer may be
a server error, and each must match the schema (status code, content type, headers, body).
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from tests.support.people import make_user

EXAMPLES = 10
# A value of the right JSON type may still break a domain rule the schema does not spell out (a notification or
# backend that does not exist, a preference value outside its choices): that is a documented 400, not a defect.
# Every call carries the token in its headers, so a case whose generated credentials (a random session cookie) are
# invalid still authenticates through the token, and ignored_auth reads that as auth not enforced. Who may call
# what is the access-control matrix's job (tests/security/test_access_matrix.py): 401 for anonymous on every API.
NOT_CHECKED = [schemathesis.checks.positive_data_acceptance, schemathesis.checks.ignored_auth]
HOSTS = {"tenant": "acme.localhost", "public": "localhost"}


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Keep the database connection (and the test's transaction) open across WSGI calls, as the test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def token_for(user: Any, schema: str) -> str:
    with schema_context(schema):
        return Token.objects.create(user=user).key


def load(host: str, token: str) -> Any:
    """Load the schema `host` serves, for calls made with the token on that host."""
    headers = {"Host": host, "Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), headers=headers)
    schema.config.headers = headers  # every generated call carries them too
    return schema


@pytest.fixture
def tenant_api(acme: Any, lov_defaults: None) -> Any:
    owner = make_user(acme, "olivia", owner=True)
    return load(HOSTS["tenant"], token_for(owner, acme.schema_name))


@pytest.fixture
def public_api(tenants: Any) -> Any:
    superadmin = make_user(None, "root-admin", superuser=True)
    return load(HOSTS["public"], token_for(superadmin, django_settings.PUBLIC_SCHEMA_NAME))


BOUND = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def run_cases(schema: Any, host: str) -> tuple[int, int, list[str]]:
    """Run up to `EXAMPLES` generated cases per operation of `schema`; return the operations, the cases run and
    each operation's failure."""
    operations, ran, failures = 0, 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @BOUND
        def check(case: Any) -> None:
            nonlocal ran
            ran += 1
            case.call_and_validate(headers={"Host": host}, excluded_checks=NOT_CHECKED)

        try:
            check()
        except Exception as exc:  # each operation's first failure, all reported together
            failures.append(f"{operation.label}: {exc}")
    return operations, ran, failures


def test_the_tenant_api_answers_generated_cases_as_its_schema_says(tenant_api):
    operations, ran, failures = run_cases(tenant_api, HOSTS["tenant"])

    assert operations and ran >= operations * EXAMPLES // 2
    assert not failures, "\n\n".join(failures)


def test_the_site_api_answers_generated_cases_as_its_schema_says(public_api):
    operations, ran, failures = run_cases(public_api, HOSTS["public"])

    assert operations and ran >= operations * EXAMPLES // 2
    assert not failures, "\n\n".join(failures)

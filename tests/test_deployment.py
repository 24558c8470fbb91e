"""The container setup (Dockerfile, docker-compose.yml) agrees with the settings and the code it runs.

There is no Docker engine in CI, so these tests read the files instead of building them.
"""

import ast
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_SOURCES = (ROOT / "portal" / "settings" / "base.py", ROOT / "portal" / "settings" / "env.py")
ENV_READERS = {"env_str", "env_bool", "env_int", "env_list"}
APP_SERVICES = ("migrate", "migrate-tenants", "web", "worker", "beat")


@cache
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service(name: str) -> dict[str, Any]:
    return compose()["services"][name]


def environment(name: str) -> dict[str, str]:
    """Return a service's environment as a dict, whichever of the two compose spellings it uses."""
    env = service(name).get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def command(name: str) -> list[str]:
    cmd = service(name).get("command", [])
    return shlex.split(cmd) if isinstance(cmd, str) else [str(part) for part in cmd]


def depends_on(name: str) -> dict[str, dict[str, Any]]:
    deps = service(name).get("depends_on", {})
    if isinstance(deps, list):
        return {dep: {} for dep in deps}
    return {dep: spec or {} for dep, spec in deps.items()}


def has_healthcheck(name: str) -> bool:
    check = service(name).get("healthcheck") or {}
    return bool(check.get("test")) and check["test"] != ["NONE"] and not check.get("disable")


@cache
def settings_variables() -> tuple[frozenset[str], frozenset[str]]:
    """Return (every variable the settings read, those required in production), found in the settings' source."""
    read: set[str] = set()
    required: set[str] = set()
    for path in SETTINGS_SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            name = _variable_read_by(node)
            if name is None:
                continue
            read.add(name)
            if isinstance(node, ast.Call) and any(
                kw.arg == "required_in_production" and isinstance(kw.value, ast.Constant) and kw.value.value is True
                for kw in node.keywords
            ):
                required.add(name)
    return frozenset(read), frozenset(required)


def _variable_read_by(node: ast.AST) -> str | None:
    """Return the variable name if `node` is env_*("NAME", …), os.environ.get("NAME"), os.getenv or os.environ[…]."""
    if isinstance(node, ast.Subscript) and _is_os_environ(node.value):
        return _constant_str(node.slice)
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    func_name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    is_reader = func_name in ENV_READERS
    is_environ_get = isinstance(func, ast.Attribute) and func.attr == "get" and _is_os_environ(func.value)
    is_getenv = isinstance(func, ast.Attribute) and func.attr == "getenv"
    return _constant_str(node.args[0]) if is_reader or is_environ_get or is_getenv else None


def _is_os_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _constant_str(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def dockerfile_instructions() -> list[tuple[str, str]]:
    """Return the Dockerfile's (INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = (line.strip() for line in logical.splitlines())
    pairs = (line.split(maxsplit=1) for line in lines if line and not line.startswith("#"))
    return [(parts[0].upper(), parts[1] if len(parts) > 1 else "") for parts in pairs]


def dockerfile_cmd() -> list[str]:
    args = [args for instruction, args in dockerfile_instructions() if instruction == "CMD"][-1]
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def test_compose_defines_the_database_cache_migrations_web_and_celery_services() -> None:
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(compose()["services"])


def test_web_runs_gunicorn_on_the_portal_wsgi_application() -> None:
    cmd = command("web")

    assert cmd[0] == "gunicorn"
    assert "portal.wsgi:application" in cmd


def test_the_proxy_publishes_the_port_and_forwards_to_the_port_gunicorn_binds() -> None:
    cmd = command("web")
    bind = cmd[cmd.index("--bind") + 1]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()

    assert bind == "0.0.0.0:8000"
    # The web replicas publish no host port (`--scale web=N` would clash); the proxy does, for all of them.
    assert not service("web").get("ports")
    assert "8000:8000" in [str(port) for port in service("proxy").get("ports", [])]
    assert "http://web:8000" in nginx and "proxy_set_header Host $host" in nginx


def test_worker_runs_a_celery_worker_of_the_portal_app() -> None:
    assert command("worker")[:4] == ["celery", "-A", "portal", "worker"]


def test_beat_runs_celery_beat_of_the_portal_app() -> None:
    assert command("beat")[:4] == ["celery", "-A", "portal", "beat"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_set_only_variables_the_settings_read(name: str) -> None:
    read, _ = settings_variables()

    unknown = set(environment(name)) - read

    assert not unknown, f"{name} sets variables no setting reads: {sorted(unknown)}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_set_every_variable_production_requires(name: str) -> None:
    _, required = settings_variables()

    missing = required - set(environment(name))

    assert required, "no env_str(..., required_in_production=True) call was found in the settings"
    assert not missing, f"{name} lacks variables production requires: {sorted(missing)}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_with_production_settings(name: str) -> None:
    assert environment(name).get("DJANGO_ENV") == "production"


def test_app_services_share_one_environment() -> None:
    web = environment("web")

    assert web
    assert all(environment(name) == web for name in APP_SERVICES)


def test_database_url_points_through_pgbouncer_in_session_mode_at_the_postgres_database() -> None:
    url = urlparse(environment("web")["DATABASE_URL"])
    postgres, bouncer = environment("postgres"), environment("pgbouncer")

    assert url.scheme in {"postgres", "postgresql"}
    assert (url.hostname, str(url.port)) == ("pgbouncer", bouncer["LISTEN_PORT"])
    assert bouncer["DB_HOST"] == "postgres" and bouncer["DB_NAME"] == postgres["POSTGRES_DB"]
    assert url.username == postgres["POSTGRES_USER"] == bouncer["DB_USER"]
    assert url.password == postgres["POSTGRES_PASSWORD"] == bouncer["DB_PASSWORD"]
    assert url.path.lstrip("/") == postgres["POSTGRES_DB"]
    # Transaction pooling would mix tenants' search_path (tests/test_pgbouncer.py).
    assert bouncer["POOL_MODE"] == "session"


@pytest.mark.parametrize("variable", ["REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"])
def test_redis_urls_point_at_the_redis_service(variable: str) -> None:
    url = urlparse(environment("web")[variable])

    assert url.scheme == "redis"
    assert url.hostname == "redis"


def test_cache_broker_and_results_use_separate_redis_databases() -> None:
    env = environment("web")
    urls = [env["REDIS_URL"], env["CELERY_BROKER_URL"], env["CELERY_RESULT_BACKEND"]]

    # A cache.clear() flushes its whole Redis database, which must not hold the task queue.
    assert len(set(urls)) == len(urls)


def test_every_dependency_is_a_service() -> None:
    services = set(compose()["services"])

    dangling = {(name, dep) for name in services for dep in depends_on(name) if dep not in services}

    assert not dangling


def test_waiting_for_health_needs_a_healthcheck() -> None:
    health_waits = {
        dep
        for name in compose()["services"]
        for dep, spec in depends_on(name).items()
        if spec.get("condition") == "service_healthy"
    }

    assert health_waits
    assert all(has_healthcheck(dep) for dep in health_waits)


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_start_after_migrations_succeed(name: str) -> None:
    assert depends_on(name).get("migrate", {}).get("condition") == "service_completed_successfully"


def test_migrations_create_the_public_tenant_then_tenant_schemas_migrate_off_the_webs_path() -> None:
    public_script = " ".join(command("migrate"))
    tenant_script = " ".join(command("migrate-tenants"))

    assert public_script.index("migrate_schemas --shared") < public_script.index("ensure_public_tenant")
    assert "migrate_tenants" not in public_script
    assert tenant_script.index("migrate_tenants") < tenant_script.index("tenant_template")
    assert depends_on("migrate-tenants")["migrate"]["condition"] == "service_completed_successfully"
    # Nothing that serves waits for the tenants' migrations.
    assert all("migrate-tenants" not in depends_on(name) for name in ("web", "worker", "beat", "proxy"))


def test_management_commands_named_in_compose_exist() -> None:
    scripts = [" ".join(command(name)) for name in compose()["services"]]
    named = {match for script in scripts for match in re.findall(r"manage\.py\s+([\w-]+)", script)}

    unknown = named - set(get_commands())

    assert named
    assert not unknown, f"docker-compose.yml runs unknown manage.py commands: {sorted(unknown)}"


def test_dockerfile_cmd_serves_an_importable_wsgi_application() -> None:
    cmd = dockerfile_cmd()
    app = next((arg for arg in cmd if ".wsgi" in arg), "")
    module, _, attribute = app.partition(":")

    spec = importlib.util.find_spec(module) if module else None

    assert cmd[0] == "gunicorn"
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text())
    assigned = {
        t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)
    }
    assert (attribute or "application") in assigned


def test_dockerfile_collects_static_files_for_the_production_storage() -> None:
    _, required = settings_variables()
    run = next(
        args for instruction, args in dockerfile_instructions() if instruction == "RUN" and "collectstatic" in args
    )

    # Production's manifest storage needs the manifest only a production-mode collectstatic writes, and
    # production settings refuse to load without their required variables.
    assert "DJANGO_ENV=production" in run
    assert required
    assert all(f"{name}=" in run for name in required)


def test_dockerfile_runs_as_a_non_root_user_on_port_8000() -> None:
    instructions = dockerfile_instructions()
    users = [args.strip() for instruction, args in instructions if instruction == "USER"]
    exposed = {port for instruction, args in instructions if instruction == "EXPOSE" for port in args.split()}

    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert "8000" in exposed


def _production_settings(**env: str) -> dict[str, Any]:
    """Return the security settings as a production process would load them, given extra environment."""
    names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER"]
    names += ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "DEBUG"]
    script = (
        "import json; from portal.settings import base; "
        f"print(json.dumps({{name: getattr(base, name) for name in {names!r}}}))"
    )
    # Every required variable set (URLs to this machine's services, which the settings only parse).
    required = {name: os.environ.get(name) or "redis://127.0.0.1:6379/0" for name in settings_variables()[1]}
    # The database URL must name a database engine (CI's environment sets none, so the default above would not do).
    required["DATABASE_URL"] = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/portal"
    required["DJANGO_SECRET_KEY"] = "a-test-secret"
    environment = {**os.environ, **required, "DJANGO_ENV": "production", **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run([sys.executable, "-c", script], env=environment, cwd=ROOT, capture_output=True, check=False)
    assert out.returncode == 0, out.stderr.decode()
    return json.loads(out.stdout)


def test_production_redirects_to_https_and_asks_for_hsts_behind_a_proxy() -> None:
    loaded = _production_settings()

    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert loaded["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert loaded["SESSION_COOKIE_SECURE"] is True and loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["DEBUG"] is False


def test_production_https_settings_can_be_turned_off_for_plain_http() -> None:
    loaded = _production_settings(
        DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_HSTS_SECONDS="0", DJANGO_SECURE_COOKIES="false"
    )

    assert (loaded["SECURE_SSL_REDIRECT"], loaded["SECURE_HSTS_SECONDS"]) == (False, 0)
    assert loaded["SESSION_COOKIE_SECURE"] is False


def test_compose_marks_cookies_secure_unless_told_otherwise() -> None:
    env = environment("web")

    assert env["DJANGO_SECURE_COOKIES"] == "${DJANGO_SECURE_COOKIES:-true}"
    # Empty defaults: the settings' production values (redirect on, HSTS for a year) apply.
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "${DJANGO_SECURE_SSL_REDIRECT:-}"
    assert env["DJANGO_SECURE_HSTS_SECONDS"] == "${DJANGO_SECURE_HSTS_SECONDS:-}"


def test_make_run_serves_the_debug_server_on_the_loopback_address_only() -> None:
    script = (ROOT / "scripts" / "run.sh").read_text()
    runserver = next(line for line in script.splitlines() if "runserver" in line and not line.startswith("#"))

    assert 'bind="${BIND:-127.0.0.1}"' in script
    assert '"$bind:$port"' in runserver
    assert "0.0.0.0" not in runserver

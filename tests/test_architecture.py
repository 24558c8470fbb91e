"""The import-linter contracts in pyproject.toml hold, and a wrong-way import breaks them.

Each case copies the code to a temporary directory, adds one bad import and runs `lint-imports` there, so the
contracts are shown to catch it without touching the working tree.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    # The copied packages must win over any others on the path.
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_contracts_hold():
    result = _lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _copy_of_the_code(tmp_path: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "migrations", "templates", "static")
    for package in ("apps", "portal"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def _add_import(module: Path, statement: str) -> None:
    module.write_text(f"{statement}  # noqa\n{module.read_text() if module.exists() else ''}")


def _broken_contracts(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode != 0
    assert "0 broken" not in result.stdout
    return [line for line in result.stdout.splitlines() if " BROKEN" in line]


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("apps/tenants/selectors.py", "from portal import celery", "portal builds on the apps"),
        ("apps/core/htmx.py", "from apps.tenants import models", "apps.core imports no other app"),
        ("apps/tenants/selectors.py", "from apps.accounts import models", "apps depend one way"),
        ("apps/lov/selectors.py", "from apps.notifications import registry", "apps depend one way"),
        ("apps/projects/views.py", "from apps.preferences import cache", "only apps.preferences imports"),
        ("apps/tenants/views.py", "from apps.notifications.backends import email", "delivery backends"),
        ("apps/preferences/views.py", "from apps.livesettings import overlay", "settings overlay"),
    ],
)
def test_a_wrong_way_import_breaks_its_contract(tmp_path, module, bad_import, contract):
    code = _copy_of_the_code(tmp_path)
    _add_import(code / module, bad_import)

    broken = _broken_contracts(_lint_imports(code))

    assert any(contract in line for line in broken), broken


def test_a_new_app_outside_the_layers_still_may_not_import_an_app_that_imports_it(tmp_path):
    code = _copy_of_the_code(tmp_path)
    (code / "apps/reports").mkdir()
    _add_import(code / "apps/reports/__init__.py", "from apps.tenants import models")
    _add_import(code / "apps/tenants/selectors.py", "import apps.reports")

    broken = _broken_contracts(_lint_imports(code))

    assert any("no two apps import each other" in line for line in broken), broken

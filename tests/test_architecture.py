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


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("apps/tenants/selectors.py", "from portal import celery", "portal builds on the apps"),
        ("apps/core/htmx.py", "from apps.tenants import models", "apps.core imports no other app"),
        ("apps/tenants/selectors.py", "from apps.accounts import models", "apps depend one way"),
        ("apps/lov/selectors.py", "from apps.notifications import registry", "apps depend one way"),
        ("apps/projects/views.py", "from apps.preferences import cache", "engines through their surface"),
        ("apps/tenants/views.py", "from apps.notifications.backends import email", "delivery backends"),
    ],
)
def test_a_wrong_way_import_breaks_its_contract(tmp_path, module, bad_import, contract):
    ignore = shutil.ignore_patterns("__pycache__", "migrations", "templates", "static")
    for package in ("apps", "portal"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(f"{bad_import}  # noqa\n{target.read_text()}")

    result = _lint_imports(tmp_path)

    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if " BROKEN" in line]
    assert any(contract in line for line in broken), result.stdout
    assert "0 broken" not in result.stdout

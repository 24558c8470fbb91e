"""Fixtures for the lists-of-values tests: every list's defaults in the database (the rest is in tests/conftest.py)."""

import pytest


@pytest.fixture(autouse=True)
def _lov_defaults(lov_defaults: None) -> None:
    """Give every test here the lists' defaults."""

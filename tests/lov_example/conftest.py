"""Fixtures for the crops example: the lists' defaults, and the tenant URLs with the example's pages."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _lov_defaults(lov_defaults: None) -> None:
    """Give every test here the lists' defaults (the crops' among them)."""


@pytest.fixture(autouse=True)
def _example_urls(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.lov_example.urls"

"""The documented URL names of the preference pages, and the pages mounted under a prefix."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.tenants.models import Tenant
from tests.conftest import client_for, make_user

HOST = "acme.localhost"
TENANTS = "portal.urls_tenants"
PREFIXED = "tests.preferences.urls_prefixed"


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    with schema_context(acme.schema_name):
        yield acme


@pytest.fixture
def as_olivia(in_acme: Tenant) -> Any:
    return client_for(HOST, make_user(in_acme, "olivia", owner=True), in_acme)


@pytest.mark.parametrize(
    ("name", "kwargs", "path"),
    [
        ("dynamic_preferences:global", {}, "/owner/preferences/"),
        ("dynamic_preferences:global.section", {"section": "general"}, "/owner/preferences/sections/general/"),
        ("dynamic_preferences:user", {}, "/preferences/"),
        ("dynamic_preferences:user.section", {"section": "locale"}, "/preferences/sections/locale/"),
        ("dynamic_preferences.global", {}, "/owner/preferences/"),
        ("dynamic_preferences.global.section", {"section": "general"}, "/owner/preferences/sections/general/"),
        ("dynamic_preferences.user", {}, "/preferences/"),
        ("dynamic_preferences.user.section", {"section": "locale"}, "/preferences/sections/locale/"),
        ("preferences:user-section", {"section": "locale"}, "/preferences/sections/locale/"),
        ("preferences:global-section", {"section": "general"}, "/owner/preferences/sections/general/"),
    ],
)
def test_documented_names_reverse_to_the_portals_pages(name: str, kwargs: dict[str, str], path: str) -> None:
    assert reverse(name, urlconf=TENANTS, kwargs=kwargs) == path


def test_section_in_the_path_shows_that_sections_fields(as_olivia: Any) -> None:
    response = as_olivia.get(reverse("dynamic_preferences:user.section", urlconf=TENANTS, kwargs={"section": "locale"}))

    assert response.status_code == 200
    assert 'name="locale__time_zone"' in response.content.decode()


def test_unknown_section_in_the_path_is_not_found(as_olivia: Any) -> None:
    response = as_olivia.get("/owner/preferences/sections/nope/")

    assert response.status_code == 404


@pytest.mark.urls(PREFIXED)
def test_pages_mounted_under_a_prefix_link_and_save_under_it(as_olivia: Any) -> None:
    page = reverse("dynamic_preferences:user.section", kwargs={"section": "appearance"})

    response = as_olivia.get(page)

    html = response.content.decode()
    assert page == "/settings-pages/preferences/sections/appearance/"
    assert reverse("dynamic_preferences.global") == "/settings-pages/owner/preferences/"
    assert response.status_code == 200
    assert 'hx-post="/settings-pages/preferences/field/appearance__items_per_page/"' in html
    saved = as_olivia.post(
        "/settings-pages/preferences/field/appearance__items_per_page/", {"appearance__items_per_page": "50"}
    )
    assert saved.status_code == 302
    assert saved["Location"] == "/settings-pages/preferences/?section=appearance"
    assert as_olivia.get("/settings-pages/owner/preferences/").status_code == 200

"""The page map: each app's URL namespace still reverses to the paths people and clients use."""

import pytest
from django.urls import reverse

PUBLIC = "portal.urls_public"
TENANTS = "portal.urls_tenants"


@pytest.mark.parametrize(
    ("urlconf", "name", "args", "path"),
    [
        (PUBLIC, "tenants:overview", [], "/console/"),
        (PUBLIC, "tenants:health", [], "/console/health/"),
        (PUBLIC, "tenants:tenant-list", [], "/console/tenants/"),
        (PUBLIC, "tenants:tenant-detail", [3], "/console/tenants/3/"),
        (PUBLIC, "livesettings:settings", [], "/console/settings/"),
        (PUBLIC, "livesettings:history", [], "/console/settings/history/"),
        (PUBLIC, "livesettings:session-status", [], "/console/session/status/"),
        (PUBLIC, "livesettings-api", [], "/api/livesettings/"),
        (TENANTS, "livesettings:owner-settings", [], "/owner/settings/"),
        (TENANTS, "livesettings:session-status", [], "/session/status/"),
        (TENANTS, "livesettings-api-overrides", [], "/api/livesettings/overrides/"),
        (TENANTS, "home", [], "/"),
        (TENANTS, "owner-overview", [], "/owner/"),
        (TENANTS, "preferences:user", [], "/preferences/"),
        (TENANTS, "notifications:preferences", [], "/preferences/notifications/"),
        (TENANTS, "lov:list-index", [], "/owner/lists/"),
        (TENANTS, "projects:task-list", [], "/projects/"),
    ],
)
def test_each_namespace_serves_its_paths(urlconf, name, args, path):
    assert reverse(name, urlconf=urlconf, args=args) == path


def test_the_public_home_sends_superadmins_to_the_console_overview(tenants, client):
    response = client.get("/", HTTP_HOST="localhost")

    assert response.status_code == 302
    assert response["Location"] == "/console/"

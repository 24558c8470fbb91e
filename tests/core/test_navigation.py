import html
import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_urlconf

from apps.core import navigation
from tests.conftest import client_for

TITLE = re.compile(r"<title>(.*?) · ", re.S)
CRUMBS = re.compile(r'<nav aria-label="Breadcrumb" data-testid="breadcrumbs">(.*?)</nav>', re.S)
CRUMB = re.compile(r'<li class="breadcrumb-item[^"]*"[^>]*>(?:<a href="([^"]*)">)?([^<]*)')


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def _crumbs(body):
    found = CRUMBS.search(body)
    return [(html.unescape(label), url or None) for url, label in CRUMB.findall(found.group(1))] if found else []


def _title(body):
    return html.unescape(TITLE.search(body).group(1).strip())


def _assert_each_menu_page_is_named_like_its_link(client, start):
    response = client.get(start)
    links = response.context["portal_nav"] + response.context["portal_nav_owner"]
    assert links
    for label, url in links:
        if url.startswith("/admin/"):
            continue  # Django's own admin names its pages itself
        body = _page(client, url)
        assert _title(body) == label, url
        crumbs = _crumbs(body)
        if crumbs:  # a nested page: the trail ends with the page's one name
            assert crumbs[-1] == (label, None), url


def test_every_tenant_menu_page_has_the_title_and_breadcrumb_of_its_menu_link(acme, acme_owner):
    _assert_each_menu_page_is_named_like_its_link(client_for("acme.localhost", acme_owner, acme), "/")


def test_every_console_menu_page_has_the_title_and_breadcrumb_of_its_menu_link(superadmin):
    _assert_each_menu_page_is_named_like_its_link(client_for("localhost", superadmin), "/console/")


def test_a_start_page_has_no_breadcrumbs_and_a_nested_one_leads_back_to_it(acme, acme_member):
    client = client_for("acme.localhost", acme_member, acme)

    assert _crumbs(_page(client, "/")) == []
    assert _crumbs(_page(client, "/inbox/")) == [("Dashboard", "/"), ("Inbox", None)]
    assert _crumbs(_page(client, "/accounts/password/")) == [("Dashboard", "/"), ("Change password", None)]


def test_console_breadcrumbs_name_each_level_with_its_menu_label(superadmin, globex):
    client = client_for("localhost", superadmin)

    assert _crumbs(_page(client, "/console/tenants/new/")) == [
        ("Console", "/console/"),
        ("Tenants", "/console/tenants/"),
        ("Create a tenant", None),
    ]
    assert _crumbs(_page(client, f"/console/tenants/{globex.pk}/")) == [
        ("Console", "/console/"),
        ("Tenants", "/console/tenants/"),
        ("Globex", None),  # a page named by its data says so in its template
    ]
    assert _crumbs(_page(client, "/console/settings/history/"))[-2:] == [
        ("Live settings", "/console/settings/"),
        ("Live settings history", None),
    ]
    # The same page name on the other site leads back to that site's start page.
    assert _crumbs(_page(client, "/accounts/password/"))[0] == ("Console", "/console/")


def test_a_parent_page_with_arguments_is_linked_with_the_childs_arguments(acme, acme_owner, lov_defaults):
    client = client_for("acme.localhost", acme_owner, acme)
    index = _page(client, "/owner/lists/")
    detail_path = re.search(r'href="(/owner/lists/[\w-]+/)"', index).group(1)
    client.post(f"{detail_path}values/new/", {"name": "Waiting on legal"})  # only custom values can be deleted
    detail = _page(client, detail_path)
    delete_path = re.search(r'href="(/owner/lists/[\w-]+/values/\d+/delete/)"', detail)

    crumbs = _crumbs(detail)
    assert crumbs[:2] == [("Dashboard", "/"), ("Lists of values", "/owner/lists/")]
    assert delete_path is not None
    trail = _crumbs(_page(client, delete_path.group(1)))
    assert trail[2] == (crumbs[2][0], detail_path)
    assert trail[3][0].startswith("Delete “")


def test_reverse_fixed_reverses_a_name_once_per_urlconf(monkeypatch):
    calls = []

    def counting_reverse(url_name):
        calls.append(url_name)
        return reverse(url_name)

    monkeypatch.setattr(navigation, "reverse", counting_reverse)
    navigation._reversed.clear()
    tenant_home = [navigation.reverse_fixed("home") for _ in range(3)]
    set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)
    try:
        with pytest.raises(NoReverseMatch):
            navigation.reverse_fixed("notifications:inbox")  # a tenant page: not routed on the public domain
        with pytest.raises(NoReverseMatch):
            navigation.reverse_fixed("notifications:inbox")
    finally:
        set_urlconf(None)

    assert tenant_home == [reverse("home")] * 3
    assert calls == ["home", "notifications:inbox"]


def test_the_menu_follows_a_changed_urlconf_and_a_newly_registered_link():
    links = navigation.nav_links(is_superadmin=False, is_owner=False, on_tenant_site=True)
    with override_settings(ROOT_URLCONF=settings.PUBLIC_SCHEMA_URLCONF):
        public = navigation.nav_links(is_superadmin=False, is_owner=False, on_tenant_site=True)
    saved = dict(navigation._registry)
    try:
        navigation.nav_register(navigation.NavItem("Log in again", "login", navigation.Audience.MEMBER, order=999))
        added = navigation.nav_links(is_superadmin=False, is_owner=False, on_tenant_site=True)
    finally:
        navigation._registry.clear()
        navigation._registry.update(saved)

    assert ("My preferences", "/preferences/") in links
    assert ("My preferences", "/preferences/") not in public  # a tenant page: not on the public domain
    assert added == [*links, ("Log in again", reverse("login"))]

"""The member's sources of each value, the owners' defaults pages (locks, groups, history) and their queries."""

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.accounts.models import GroupProfile
from apps.core.inline import version_token
from apps.preferences.models import PreferenceChange, UserPreferenceDefault
from apps.preferences.registries import user_preferences_registry
from apps.preferences.services import preference_lock, preferences_set
from apps.tenants.models import Tenant
from tests.conftest import client_for, make_user
from tests.preferences.test_views import MY_PAGE_QUERIES, _register_extra

HOST = "acme.localhost"
HTMX = {"HTTP_HX_REQUEST": "true"}
KEY = "appearance__compact_tables"
PER_PAGE = "appearance__items_per_page"
DEFAULTS_PAGE_QUERIES = 14


@pytest.fixture
def in_acme(acme: Tenant) -> Iterator[Tenant]:
    with schema_context(acme.schema_name):
        yield acme


@pytest.fixture
def sales(in_acme: Tenant) -> Group:
    group = Group.objects.create(name="Sales")
    GroupProfile.objects.create(group=group, priority=1)
    return group


@pytest.fixture
def alice(in_acme: Tenant, sales: Group) -> Any:
    return make_user(in_acme, "alice", groups=("Sales",))


@pytest.fixture
def as_alice(alice: Any, in_acme: Tenant) -> Any:
    return client_for(HOST, alice, in_acme)


@pytest.fixture
def olivia(in_acme: Tenant) -> Any:
    return make_user(in_acme, "olivia", owner=True)


@pytest.fixture
def as_olivia(olivia: Any, in_acme: Tenant) -> Any:
    return client_for(HOST, olivia, in_acme)


def _org_store() -> Any:
    return user_preferences_registry.organisation_defaults_store()


def _field(html: str, key: str) -> str:
    start = html.index(f'data-testid="pref-{key}"')
    return html[start : html.index("</div>\n</div>", start)]


def test_member_page_says_where_each_value_comes_from(alice: Any, as_alice: Any, sales: Group) -> None:
    preferences_set(store=_org_store(), values={"appearance__theme": "dark"})
    preferences_set(store=user_preferences_registry.group_defaults_store(sales), values={PER_PAGE: 50})

    html = as_alice.get(reverse("preferences:user") + "?section=appearance").content.decode()

    assert 'data-testid="badge">from your organisation<' in _field(html, "appearance__theme")
    assert 'data-testid="badge">from group Sales<' in _field(html, PER_PAGE)
    assert 'value="50"' in _field(html, PER_PAGE)
    assert 'data-testid="badge">default<' in _field(html, KEY)


def test_a_locked_preference_is_greyed_says_so_and_refuses_a_save(alice: Any, as_alice: Any) -> None:
    preferences_set(store=_org_store(), values={KEY: True})
    preference_lock(store=_org_store(), key=KEY, locked=True)

    html = as_alice.get(reverse("preferences:user") + "?section=appearance").content.decode()
    field = _field(html, KEY)
    assert 'data-testid="badge">locked by your organisation<' in field
    assert "disabled" in field and "checked" in field and "hx-post" not in field

    response = as_alice.post(reverse("preferences:user-field", args=[KEY]), {KEY + "__seen": ""}, **HTMX)
    assert response.status_code == 403
    assert not alice.stored_preferences.exists()


def test_use_inherited_shows_the_inherited_value_and_brings_it_back(alice: Any, as_alice: Any, sales: Group) -> None:
    preferences_set(store=user_preferences_registry.group_defaults_store(sales), values={PER_PAGE: 50})
    alice.preferences[PER_PAGE] = 100

    html = as_alice.get(reverse("preferences:user") + "?section=appearance").content.decode()
    assert "inherited: 50 (from group Sales)" in _field(html, PER_PAGE)

    response = as_alice.post(reverse("preferences:user-reset", args=[PER_PAGE]), {PER_PAGE + "__seen": "100"}, **HTMX)
    assert 'data-testid="badge">from group Sales<' in response.content.decode()
    assert type(alice).objects.get(pk=alice.pk).preferences[PER_PAGE] == 50


def test_owner_sets_an_organisation_default_and_locks_it(olivia: Any, as_olivia: Any, alice: Any) -> None:
    page = as_olivia.get(reverse("preferences:defaults", args=["organisation"]) + "?section=appearance")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="lock-appearance__compact_tables"' in html
    assert "Group Sales" in html  # the groups, in their order, to pick another level

    saved = as_olivia.post(
        reverse("preferences:defaults-field", args=["organisation", PER_PAGE]),
        {PER_PAGE: "40", PER_PAGE + "__seen": ""},
        **HTMX,
    )
    assert 'data-testid="saved"' in saved.content.decode()
    locked = as_olivia.post(
        reverse("preferences:defaults-lock", args=["organisation", KEY]),
        {KEY + "__locked": "on", KEY + "__locked__seen": version_token(False)},
        **HTMX,
    )
    assert 'data-testid="saved"' in locked.content.decode()

    alice = type(alice).objects.get(pk=alice.pk)
    assert alice.preferences[PER_PAGE] == 40
    assert alice.preferences.resolve(KEY).label == "locked by your organisation"
    changes = PreferenceChange.objects.filter(scope="org_default").order_by("id")
    assert [(c.name, c.changed_by, c.source, c.locked) for c in changes] == [
        ("items_per_page", "olivia", "form", False),
        ("compact_tables", "olivia", "form", True),
    ]


def test_group_defaults_page_and_history_revert(olivia: Any, as_olivia: Any, sales: Group, alice: Any) -> None:
    target = f"group-{sales.pk}"
    as_olivia.post(
        reverse("preferences:defaults-field", args=[target, PER_PAGE]), {PER_PAGE: "60", PER_PAGE + "__seen": ""}
    )
    assert UserPreferenceDefault.objects.get(group=sales, name="items_per_page").raw_value == "60"
    change = PreferenceChange.objects.get(scope="group_default")
    history = as_olivia.get(reverse("preferences:history")).content.decode()
    assert "Group Sales&#x27;s default for members" in history

    as_olivia.post(reverse("preferences:history-revert", args=[change.pk]))

    assert not UserPreferenceDefault.objects.filter(group=sales).exists()


def test_a_stale_lock_switch_is_refused(olivia: Any, as_olivia: Any) -> None:
    preference_lock(store=_org_store(), key=KEY, locked=True)  # another owner locked it meanwhile

    response = as_olivia.post(
        reverse("preferences:defaults-lock", args=["organisation", KEY]),
        {KEY + "__locked__seen": version_token(False)},  # the page showed it unlocked; this unlocks it
        **HTMX,
    )

    assert "now locked; your value was not saved" in response.content.decode()
    assert UserPreferenceDefault.objects.get(group=None, name="compact_tables").locked is True


def test_members_may_not_open_the_defaults_pages(as_alice: Any) -> None:
    assert as_alice.get(reverse("preferences:defaults", args=["organisation"])).status_code == 403


def test_unknown_group_is_not_found(as_olivia: Any) -> None:
    assert as_olivia.get(reverse("preferences:defaults", args=["group-999999"])).status_code == 404


# --- a constant number of queries ------------------------------------------------------------------------
@pytest.mark.parametrize(("extra", "groups"), [(0, 1), (30, 1), (0, 10), (30, 10)])
def test_my_page_queries_stay_constant_with_preferences_and_groups(
    in_acme: Tenant,
    extra: int,
    groups: int,
    request: pytest.FixtureRequest,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _register_extra(user_preferences_registry, "appearance", extra, request)
    names = [f"Team {n}" for n in range(groups)]
    bob = make_user(in_acme, "bob", groups=tuple(names))
    with django_capture_on_commit_callbacks(execute=True):
        preferences_set(store=_org_store(), values={"appearance__theme": "dark"})
        for index, name in enumerate(names):
            group = Group.objects.get(name=name)
            GroupProfile.objects.create(group=group, priority=index)
            preferences_set(store=user_preferences_registry.group_defaults_store(group), values={PER_PAGE: 30 + index})
    client = client_for(HOST, bob, in_acme)

    with django_assert_max_num_queries(MY_PAGE_QUERIES):
        response = client.get(reverse("preferences:user") + "?section=appearance")

    html = response.content.decode()
    assert html.count('class="inline-field"') == 3 + extra
    assert 'data-testid="badge">from group Team 0<' in html


@pytest.mark.parametrize("extra", [0, 30])
def test_defaults_page_makes_a_constant_number_of_queries(
    as_olivia: Any, extra: int, request: pytest.FixtureRequest, django_assert_max_num_queries: Any
) -> None:
    _register_extra(user_preferences_registry, "appearance", extra, request)

    with django_assert_max_num_queries(DEFAULTS_PAGE_QUERIES):
        response = as_olivia.get(reverse("preferences:defaults", args=["organisation"]) + "?section=appearance")

    assert response.content.decode().count('class="inline-field"') == 2 * (3 + extra)


# --- the API --------------------------------------------------------------------------------------------
def test_api_sets_locks_and_removes_an_organisation_default(as_olivia: Any, alice: Any) -> None:
    url = reverse("preferences-api-defaults-organisation-detail", args=[KEY])
    etag = as_olivia.get(url)["ETag"]

    response = as_olivia.put(
        url, json.dumps({"value": True, "locked": True}), content_type="application/json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 200, response.content
    assert (response.json()["value"], response.json()["locked"]) == (True, True)
    stale = as_olivia.put(url, json.dumps({"locked": False}), content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    listing = as_olivia.get(reverse("preferences-api-defaults-organisation")).json()
    assert {row["key"]: row["locked"] for row in listing}[KEY] is True
    assert as_olivia.delete(url).json()["is_set"] is False


def test_api_group_defaults_and_their_errors(as_olivia: Any, sales: Group) -> None:
    url = reverse("preferences-api-defaults-group-detail", args=[sales.pk, PER_PAGE])

    invalid = as_olivia.put(url, json.dumps({"value": 1}), content_type="application/json")
    ok = as_olivia.patch(url, json.dumps({"value": 60}), content_type="application/json")

    assert invalid.status_code == 400 and PER_PAGE in invalid.json()["errors"]
    assert ok.status_code == 200 and ok.json()["value"] == 60


def test_api_refuses_a_members_own_value_of_a_locked_preference(alice: Any, in_acme: Tenant) -> None:
    preference_lock(store=_org_store(), key=KEY, locked=True)
    client = client_for(HOST, alice, in_acme)

    response = client.put(
        reverse("preferences-api-user-detail", args=[KEY]), json.dumps({"value": True}), content_type="application/json"
    )

    assert response.status_code == 400
    assert "Locked by your organisation." in response.json()["errors"][KEY]


def test_the_schema_documents_the_defaults_endpoints(as_olivia: Any) -> None:
    schema = as_olivia.get(reverse("api-schema"), HTTP_ACCEPT="application/json").content.decode()
    assert "/api/preferences/defaults/organisation/{key}/" in schema
    assert "/api/preferences/defaults/groups/{group}/{key}/" in schema


class _FormData(HTMLParser):
    """What a browser without JavaScript posts from the page's form: its inputs, checked boxes, selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._first: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form" and attr.get("method") == "post" and "Save changes" not in self.data:
            self._in_form = True
        if not self._in_form or "disabled" in attr:
            return
        name = attr.get("name") or ""
        if tag == "input" and name and (attr.get("type") not in ("checkbox", "radio") or "checked" in attr):
            self.data[name] = attr.get("value") or ("on" if attr.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select, self._first = name, None
        elif tag == "option" and self._select:
            value = attr.get("value") or ""
            if self._first is None:
                self._first = value
                self.data.setdefault(self._select, value)
            if "selected" in attr:
                self.data[self._select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def _plain_post_data(html: str) -> dict[str, str]:
    parser = _FormData()
    parser.feed(html.split('data-testid="defaults-panel"', 1)[1])
    return parser.data


def test_without_javascript_the_pages_save_button_locks_and_unlocks(olivia: Any, as_olivia: Any, alice: Any) -> None:
    url = reverse("preferences:defaults", args=["organisation"]) + "?section=appearance"
    data = _plain_post_data(as_olivia.get(url).content.decode())
    assert KEY + "__locked" not in data and KEY + "__locked__seen" in data  # the switch, off, with its version

    locked = as_olivia.post(url, {**data, KEY + "__locked": "on"})

    assert locked.status_code == 302
    assert type(alice).objects.get(pk=alice.pk).preferences.resolve(KEY).locked
    page = as_olivia.get(locked["Location"]).content.decode()
    assert "Appearance: 1 change saved." in page
    data = _plain_post_data(page)
    assert data[KEY + "__locked"] == "on"
    data.pop(KEY + "__locked")

    unlocked = as_olivia.post(url, data)

    assert unlocked.status_code == 302
    assert not type(alice).objects.get(pk=alice.pk).preferences.resolve(KEY).locked
    changes = PreferenceChange.objects.filter(scope="org_default", name="compact_tables").order_by("id")
    assert [(c.source, c.locked) for c in changes] == [("form", True), ("form", False)]


def test_a_plain_post_leaves_alone_a_lock_it_did_not_change(olivia: Any, as_olivia: Any) -> None:
    url = reverse("preferences:defaults", args=["organisation"]) + "?section=appearance"
    data = _plain_post_data(as_olivia.get(url).content.decode())
    preference_lock(store=_org_store(), key=KEY, locked=True)  # another owner, after the page was shown

    untouched = as_olivia.post(url, {**data, PER_PAGE: "40"})

    assert untouched.status_code == 302
    stored = {row.name: row for row in UserPreferenceDefault.objects.filter(group=None)}
    assert stored["compact_tables"].locked is True and stored["items_per_page"].raw_value == "40"


def test_a_plain_post_saves_a_value_and_a_lock_together_or_neither(olivia: Any, as_olivia: Any) -> None:
    url = reverse("preferences:defaults", args=["organisation"]) + "?section=appearance"
    data = _plain_post_data(as_olivia.get(url).content.decode())

    refused = as_olivia.post(url, {**data, PER_PAGE: "0", KEY + "__locked": "on"})

    assert refused.status_code == 200  # the page again, the error in place and the switch as posted
    html = refused.content.decode()
    assert 'data-testid="error"' in html
    assert re.search(rf'<input[^>]*name="{KEY}__locked"[^>]*checked', html)
    assert not UserPreferenceDefault.objects.exists()
    saved = as_olivia.post(url, {**data, PER_PAGE: "40", KEY + "__locked": "on"})
    assert saved.status_code == 302
    assert "Appearance: 2 changes saved." in as_olivia.get(saved["Location"]).content.decode()

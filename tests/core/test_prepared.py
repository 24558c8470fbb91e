"""`PreparedQuery`: the same rows as the queryset it was built from, whatever the value and the key."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.prepared import PreparedQuery

pytestmark = pytest.mark.django_db


def _users(*names: str) -> list[int]:
    return [get_user_model().objects.create(username=name).pk for name in names]


def test_a_placeholder_used_twice_takes_the_value_in_both_places():
    alice, bob = _users("alice", "bob")
    users = get_user_model().objects.order_by()
    both = PreparedQuery(
        lambda pk: users.filter(pk=pk).values_list("username").union(users.filter(pk=pk).values_list("username")),
        uses=2,
    )

    assert both.rows(alice) == [("alice",)]
    assert both.rows(bob) == [("bob",)]


def test_a_query_must_use_the_placeholder_as_many_times_as_declared():
    forgot = PreparedQuery(lambda pk: get_user_model().objects.filter(pk=1).values_list("pk"))

    with pytest.raises(ValueError, match="PLACEHOLDER 1 times, not 0"):
        forgot.rows(2)


def test_a_keyed_query_is_built_from_its_key_once_per_key():
    alice, bob, carol = _users("alice", "bob", "carol")
    built = []

    def build(_: object, ids: tuple[int, ...]):
        built.append(ids)
        return get_user_model().objects.filter(pk__in=list(ids)).order_by("username").values_list("username")

    named = PreparedQuery(build, uses=0, keyed=True)

    assert named.rows(key=(alice, carol)) == [("alice",), ("carol",)]
    assert named.rows(key=(bob,)) == [("bob",)]
    assert named.rows(key=(alice, carol)) == [("alice",), ("carol",)]
    assert built == [(alice, carol), (bob,)]


def test_a_key_that_matches_nothing_answers_no_rows_without_a_query():
    nothing = PreparedQuery(
        lambda _, ids: get_user_model().objects.filter(pk__in=list(ids)).values_list("pk"), uses=0, keyed=True
    )

    with CaptureQueriesContext(connection) as captured:
        assert nothing.rows(key=()) == []
    assert captured.captured_queries == []


def test_compiled_forms_are_bounded_dropping_the_least_recently_used(monkeypatch):
    monkeypatch.setattr("apps.core.prepared.MAX_KEYS", 2)
    alice, bob, carol = _users("alice", "bob", "carol")
    built = []

    def build(_: object, ids: tuple[int, ...]):
        built.append(ids)
        return get_user_model().objects.filter(pk__in=list(ids)).values_list("username")

    named = PreparedQuery(build, uses=0, keyed=True)
    named.rows(key=(alice,))
    named.rows(key=(bob,))
    named.rows(key=(alice,))  # alice is now the most recently used
    assert named.rows(key=(carol,)) == [("carol",)]  # drops bob's

    assert named.rows(key=(alice,)) == [("alice",)]
    assert named.rows(key=(bob,)) == [("bob",)]
    assert built == [(alice,), (bob,), (carol,), (bob,)]

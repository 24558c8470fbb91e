"""Querysets compiled to SQL once per process and run again with other parameters.

A few queries run on every request (the signed-in user with their profile and stored preferences, the unread
count). Building and compiling them through the ORM costs far more than PostgreSQL answering them, and only a
parameter (the user's id) changes between requests. `PreparedQuery` builds the queryset once with a
placeholder value, compiles it, and on each call runs the same SQL with the real value in the placeholder's
place, mapping rows back exactly as the ORM does (converters, `select_related` objects, annotations).

The compiled form belongs to a database connection (its converters do), so it is kept per connection; the SQL
names no schema, so one compiled form serves every tenant (the connection's search path picks the tables).

A query may use the placeholder more than once (a UNION filtering both parts by the user), or not at all (rows
read on every request whose parameters are fixed, e.g. the ids of a tenant's synced rows): `uses` says how many
times, so a query that forgot the placeholder still fails loudly. With `keyed=True`, `build` also receives the
key, so the fixed parameters can come from it (each key gets its own compiled form).
"""

import weakref
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

# A value no real parameter takes (ids are positive), so its position among the compiled parameters is unambiguous.
PLACEHOLDER = -1_730_190_455  # within a 32-bit integer column's range (the ORM drops values outside it)


# Compiled forms kept per query and connection. Keys can come from data (a person's set of groups), so the
# cache is bounded: past this many, the least recently used form is dropped and compiled again when needed.
MAX_KEYS = 512


def _is_placeholder(param: Any) -> bool:
    return type(param) is int and param == PLACEHOLDER  # not `==` on anything: a list parameter is never it


class _Compiled:
    """One queryset's SQL, where its placeholder goes, and how the ORM maps its rows."""

    def __init__(self, queryset: QuerySet[Any], connection: BaseDatabaseWrapper, uses: int) -> None:
        self.db = queryset.db
        self.compiler = queryset.query.get_compiler(connection=connection)
        try:
            self.sql, params = self.compiler.as_sql()
        except EmptyResultSet:  # e.g. `id__in=[]` from the key: no rows, as the ORM answers without a query
            self.sql, params, self.positions = "", (), []
            return
        self.params = list(params)
        self.positions = [i for i, param in enumerate(self.params) if _is_placeholder(param)]
        if len(self.positions) != uses:
            raise ValueError(f"The prepared query must use PLACEHOLDER {uses} times, not {len(self.positions)}.")

    def rows(self, value: Any) -> list[Any]:
        if not self.sql:
            return []
        params = list(self.params)
        for position in self.positions:
            params[position] = value
        with self.compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        return list(self.compiler.results_iter(results=[fetched]))

    def models(self, value: Any) -> list[Any]:
        """Return model instances as `ModelIterable` makes them (the same code, minus building the query)."""
        compiler = self.compiler
        select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
        assert klass_info is not None
        model_cls = klass_info["model"]
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        populators = get_related_populators(klass_info, select, self.db)  # type: ignore[call-arg]  # stubs: Django 6
        objects = []
        for row in self.rows(value):
            obj = model_cls.from_db(self.db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for attr_name, col_pos in (annotation_col_map or {}).items():
                setattr(obj, attr_name, row[col_pos])
            objects.append(obj)
        return objects


class PreparedQuery:
    """A queryset built by `build(PLACEHOLDER)` once per connection and `key`, then run with other values.

    `key` tells apart querysets that `build` makes differently (e.g. on the public schema or a tenant's); with
    `keyed=True` it is passed to `build` as its second argument. `uses`: how many times the queryset uses the
    placeholder (0 for one whose parameters all come from the key).
    """

    def __init__(
        self,
        build: Callable[..., QuerySet[Any]],
        *,
        using: str = DEFAULT_DB_ALIAS,
        uses: int = 1,
        keyed: bool = False,
    ) -> None:
        self.build = build
        self.using = using
        self.uses = uses
        self.keyed = keyed
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[Hashable, _Compiled]] = (
            weakref.WeakKeyDictionary()
        )

    def _for(self, key: Hashable) -> _Compiled:
        connection = connections[self.using]  # this thread's connection
        by_key = self._compiled.setdefault(connection, {})
        compiled = by_key.pop(key, None)
        if compiled is None:
            queryset = self.build(PLACEHOLDER, key) if self.keyed else self.build(PLACEHOLDER)
            compiled = _Compiled(queryset.using(self.using), connection, self.uses)
            if len(by_key) >= MAX_KEYS:
                del by_key[next(iter(by_key))]  # the least recently used
        by_key[key] = compiled  # last: dicts keep insertion order, so the front is the least recently used
        return compiled

    def models(self, value: Any = None, *, key: Hashable = None) -> list[Any]:
        """Return the model instances the queryset gives with `value` in the placeholder's place."""
        return self._for(key).models(value)

    def rows(self, value: Any = None, *, key: Hashable = None) -> list[Any]:
        """Return the rows (tuples of converted values) of a `values_list` queryset with `value`."""
        return self._for(key).rows(value)

"""Backups with many schemas: pg_dump takes a lock on every table in one transaction (README "Backups").

PostgreSQL's lock table holds max_locks_per_transaction x (MaxBackends + max_prepared_transactions) entries, so a
whole-database dump of N tables needs max_locks_per_transaction of about N / MaxBackends; a per-schema dump needs
only one schema's worth. Shown on a private cluster with a small lock table and a few schemas of many tables.
"""

import subprocess
from collections.abc import Iterator

import psycopg
import pytest

from tests.support.postgres import PrivatePostgres

SCHEMAS, TABLES = 10, 150  # 1,500 tables: like ten tenants' worth of relations
# MaxBackends = max_connections + autovacuum_max_workers + 1 (launcher) + max_worker_processes + max_wal_senders.
SMALL = {
    "max_connections": 5,
    "autovacuum_max_workers": 1,
    "max_worker_processes": 0,
    "max_wal_senders": 0,
    "max_prepared_transactions": 0,
}
MAX_BACKENDS = 5 + 1 + 1 + 0 + 0


def _configure(server: PrivatePostgres, max_locks: int) -> None:
    settings = {**SMALL, "max_locks_per_transaction": max_locks}
    (server.data / "postgresql.auto.conf").write_text("".join(f"{key} = {value}\n" for key, value in settings.items()))
    server.stop()
    server.start()


def _dump(server: PrivatePostgres, *schema: str) -> subprocess.CompletedProcess[str]:
    selection = [argument for name in schema for argument in ("--schema", name)]
    return subprocess.run(["pg_dump", *selection, "--schema-only", server.url()], capture_output=True, text=True)


@pytest.fixture
def many_tables() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.create()
        with psycopg.connect(server.url(), autocommit=True) as conn:
            for index in range(SCHEMAS):
                conn.execute(f"CREATE SCHEMA s{index}")
                create = f"EXECUTE format('CREATE TABLE s{index}.t%s (id int PRIMARY KEY)', t);"
                conn.execute(f"DO $$ BEGIN FOR t IN 1..{TABLES} LOOP {create} END LOOP; END $$")
        yield server
    finally:
        server.destroy()


def test_a_whole_database_dump_needs_a_lock_per_table_and_per_schema_dumps_do_not(many_tables):
    tables = SCHEMAS * TABLES
    small = 64  # PostgreSQL's default: 64 x 7 = 448 lock entries for 1,500 tables
    _configure(many_tables, small)

    whole = _dump(many_tables)
    assert whole.returncode != 0
    assert "max_locks_per_transaction" in whole.stderr or "out of shared memory" in whole.stderr
    # One schema's 150 tables fit in the same lock table: per-schema dumps need no setting changed.
    assert all(_dump(many_tables, f"s{index}").returncode == 0 for index in range(SCHEMAS))

    # The README's rule: max_locks_per_transaction >= tables / MaxBackends, with room to spare.
    _configure(many_tables, tables // MAX_BACKENDS + 64)
    assert _dump(many_tables).returncode == 0

"""Create the application's PostgreSQL database if it does not exist yet (the role must be able to)."""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def main(database_url: str) -> int:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") or "portal"
    maintenance_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance_url, autocommit=True, connect_timeout=5) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created the database {name}.")
    except psycopg.Error as exc:
        print(
            f"Could not check or create the database {name!r} at {parts.hostname}:{parts.port}: {exc}\n"
            f"Create it yourself (createdb {name}) or give a role with CREATEDB in DATABASE_URL.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

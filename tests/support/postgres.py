"""A PostgreSQL cluster for one test, on a free port, that the test can stop and start again: never the shared one."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.processes import free_port

# Debian's layout: /usr/lib/postgresql/<major>/bin; the newest installed server (15 here, as in production).
BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name), default=Path("/nonexistent")
)
DATABASE = "portal"


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; the tests run as root in CI, as anyone elsewhere.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    """A throw-away cluster (initdb in a temporary directory, trust authentication on 127.0.0.1)."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self.data = self.directory / "data"
        self.port = free_port()

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create(self) -> None:
        """Initialise the cluster, start it and create the empty database `portal`."""
        self._run([str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"])
        self.start()
        subprocess.run(["psql", self.url("postgres"), "-qc", f"CREATE DATABASE {DATABASE}"], check=True)

    def copy_from(self, source_url: str) -> None:
        """Fill the database with a dump of `source_url` (schemas, tables and rows)."""
        dump = subprocess.run(["pg_dump", "--no-owner", source_url], check=True, capture_output=True).stdout
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.url()], input=dump, check=True, capture_output=True)

    def start(self) -> None:
        """Start the server (again) and return once it accepts connections."""
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "server.log")
        self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start"])

    def stop(self) -> None:
        """Stop the server at once (`-m fast`: open connections are cut, as in a crash or failover)."""
        self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def destroy(self) -> None:
        """Stop the server if it runs and delete its files."""
        subprocess.run(
            _as_postgres([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(self.directory, ignore_errors=True)

    def _run(self, command: list[str]) -> None:
        subprocess.run(_as_postgres(command), check=True, capture_output=True)

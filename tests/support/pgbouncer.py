"""A private PgBouncer for one test, on a free port, in front of the shared PostgreSQL (Debian's `pgbouncer`)."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support.processes import free_port

BINARY = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


class PrivatePgBouncer:
    """`pgbouncer` with one database entry for `database` on host:port, in `pool_mode`, `pool_size` server links."""

    def __init__(self, *, host: str, port: int, database: str, user: str, pool_mode: str, pool_size: int) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="portal-pgbouncer-"))
        self.port = free_port()
        self.database = database
        (self.directory / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"{database} = host={host} port={port} dbname={database} user={user} pool_size={pool_size}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            # The shared server trusts local connections; `any` lets any client name log in as `user` above.
            "auth_type = any\n"
            f"pool_mode = {pool_mode}\n"
            # What PgBouncer runs on a server connection before another client gets it (session mode only).
            "server_reset_query = DISCARD ALL\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {self.directory / 'pgbouncer.log'}\n"
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            shutil.chown(self.directory, "postgres")
            for path in self.directory.iterdir():
                shutil.chown(path, "postgres")
        command = [BINARY, str(self.directory / "pgbouncer.ini")]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"pgbouncer did not start: {(self.directory / 'pgbouncer.log').read_text()}")

    def settings_dict(self, base: dict[str, Any]) -> dict[str, Any]:
        """A copy of a Django database settings dict that connects through this PgBouncer."""
        return {**base, "HOST": "127.0.0.1", "PORT": str(self.port), "NAME": self.database, "CONN_MAX_AGE": 0}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)

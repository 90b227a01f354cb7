"""A throwaway PostgreSQL server on 127.0.0.1 for the DuckLake tests and bench rows.

Debian's ``postgresql`` package (``make services`` installs it) gives ``initdb`` and ``pg_ctl``
under ``/usr/lib/postgresql/<version>/bin``. The server gets a fresh data directory, a free
port on 127.0.0.1 only, its socket in that directory, and trust authentication for local
connections (it listens on loopback only and lives for one test session). PostgreSQL refuses to
run as root, so as root it runs as the ``postgres`` user the package creates.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


class PostgresMissing(RuntimeError):
    """PostgreSQL's server programs are not installed."""


def server_bin() -> Path:
    """The directory of ``initdb`` and ``pg_ctl`` (the newest version installed)."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresMissing(
        "PostgreSQL is not installed: `make services` installs Debian's postgresql package"
    )


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """A PostgreSQL server of its own: ``start()``, ``create_database()``, ``stop()``."""

    port: int = field(default_factory=free_port)
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="postings-pg-")))
    user: str = "postgres"

    def _as_owner(self) -> list[str]:
        # PostgreSQL will not run as root: run its programs as the package's own user.
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> PostgresServer:
        """initdb a fresh cluster and start it on 127.0.0.1 (waits until it accepts)."""
        binaries = server_bin()
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        data = self.directory / "data"
        subprocess.run(
            [
                *self._as_owner(),
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                self.user,
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *self._as_owner(),
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(self.directory / "server.log"),
                "start",
                "-o",
                f"-h 127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off",
            ],
            check=True,
            capture_output=True,
        )
        return self

    def create_database(self, name: str) -> str:
        """Create a database; returns DuckLake's catalog string for it."""
        subprocess.run(
            [
                str(server_bin() / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                self.user,
                name,
            ],
            check=True,
            capture_output=True,
        )
        return self.catalog(name)

    def catalog(self, name: str) -> str:
        """The ``ducklake:postgres:...`` catalog of database ``name`` on this server."""
        return f"ducklake:postgres:dbname={name} host=127.0.0.1 port={self.port} user={self.user}"

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        data = self.directory / "data"
        if data.exists():
            subprocess.run(
                [
                    *self._as_owner(),
                    str(server_bin() / "pg_ctl"),
                    "-D",
                    str(data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                check=False,
                capture_output=True,
            )
        shutil.rmtree(self.directory, ignore_errors=True)

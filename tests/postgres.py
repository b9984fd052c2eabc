"""A private, throwaway PostgreSQL server for the tests (Debian's postgresql package)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def _binaries() -> Path:
    """Return the folder of the newest installed PostgreSQL's server programs."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed; make test installs it")
    return Path(found[-1]).parent


def _as_postgres(command: list[str]) -> list[str]:
    """Return the command run as the postgres user when we are root (PostgreSQL refuses root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


# A port found free can be taken by another program before the server binds it: try another.
ATTEMPTS = 5


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a new cluster on a free loopback port; yield its SQLAlchemy URL; remove it after."""
    bin_dir = _binaries()
    root = Path(tempfile.mkdtemp(prefix="wenshu-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(
        _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                      "-E", "UTF8", "--locale=C.UTF-8"]),
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        port = _start(bin_dir, data, root)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def _start(bin_dir: Path, data: Path, root: Path) -> int:
    """Start the cluster and return its port once it accepts connections (pg_ctl -w waits)."""
    log = root / "log"
    for _ in range(ATTEMPTS):
        port = _free_port()
        before = log.stat().st_size if log.exists() else 0
        options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c max_connections=50"
        started = subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                          str(log), "-w", "start"]),
            check=False, capture_output=True,
        )  # fmt: skip
        if started.returncode == 0:
            return port
        said = log.read_bytes()[before:].decode(errors="replace") if log.exists() else ""
        if "Address already in use" not in said:
            raise RuntimeError(f"PostgreSQL did not start: {said or started.stderr!r}")
    raise RuntimeError(f"PostgreSQL found no free port in {ATTEMPTS} tries")


def _free_port() -> int:
    """Return a loopback port nobody listens on at the moment (the server may still lose it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create an empty database on the server; yield its URL; drop it after."""
    from sqlalchemy import create_engine

    name = f"wenshu_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
        admin.dispose()


@contextmanager
def row_held(engine: Engine, table: type[Any], row_id: int) -> Iterator[None]:
    """Hold a row locked (SELECT … FOR UPDATE) until the block ends: whoever writes it waits.

    A test stops a writer in another process at a known point this way, whatever the
    machine's speed, and lets it go (or kills it) when it wants.
    """
    from sqlalchemy import select

    with engine.connect() as connection, connection.begin() as transaction:
        connection.execute(select(table.id).where(table.id == row_id).with_for_update())
        yield
        transaction.rollback()

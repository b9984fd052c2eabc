"""The running service's LibreOffice workers, named in a file so that commands on its instance convert warm.

The service writes <instance>/office/workers.json = {"pid", "addresses", "started_at"} each
time one of its workers (re)starts and answers — a restarted worker listens on a new port,
so the file is written again with the addresses the workers have now — and removes it when
it stops. A command reads it and converts on those workers as remote ones (never starting or
killing them); a file left by a service killed with -9 (its pid gone) or naming workers that
no longer answer is ignored, and the command starts its own LibreOffice as before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from service.foundations.config import Settings
from service.render.office.client import OfficeClient, split_address

if TYPE_CHECKING:
    from service.render.office.pool import OfficePool

# A worker answers "info" in milliseconds; one that does not within this is not used.
PROBE_TIMEOUT = 2.0
_writing = threading.Lock()  # restart threads publish concurrently: one snapshot at a time


def workers_file(settings: Settings) -> Path:
    """Return where the running service names its workers: <instance>/office/workers.json."""
    return settings.office_profiles_path / "workers.json"


def ready_addresses(pool: OfficePool) -> list[str]:
    """Return "host:port" of each worker the pool started whose process runs now."""
    return [
        f"{worker.host}:{worker.port}"
        for worker in pool.workers
        if worker.owned and (process := worker.process) is not None and process.poll() is None
    ]


def publish_workers(settings: Settings, pool: OfficePool) -> None:
    """Write the pool's running workers to the instance's workers file, atomically, mode 0600.

    With no worker running (all being restarted, or the pool closed) the file is removed.
    """
    path = workers_file(settings)
    with _writing:
        addresses = ready_addresses(pool)
        if not addresses:
            _remove_own(path)
            return
        record = {
            "pid": os.getpid(),
            "addresses": addresses,
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file 0600: the addresses are those of unauthenticated converters.
        handle, temporary = tempfile.mkstemp(prefix=".workers-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(record, file)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def withdraw_workers(settings: Settings) -> None:
    """Remove the workers file if this process wrote it (a command's pool never removes the service's)."""
    with _writing:
        _remove_own(workers_file(settings))


def _remove_own(path: Path) -> None:
    """Remove the workers file at path when its pid is this process's."""
    record = _read(path)
    if record is not None and record.get("pid") == os.getpid():
        path.unlink(missing_ok=True)


def share_workers(settings: Settings, pool: OfficePool) -> None:
    """Publish the pool's workers now and again each time one of them (re)starts."""
    pool.on_worker_ready = lambda: publish_workers(settings, pool)
    publish_workers(settings, pool)


def running_workers(settings: Settings) -> list[str]:
    """Return the addresses of the running service's workers that answer now; [] if there is none.

    A file whose pid is no live process (the service was killed) is ignored, and so is every
    address whose worker does not answer within PROBE_TIMEOUT.
    """
    record = _read(workers_file(settings))
    if record is None or not _alive(record.get("pid")):
        return []
    addresses = record.get("addresses")
    if not isinstance(addresses, list):
        return []
    answering = []
    for address in addresses:
        try:
            host, port = split_address(str(address))
        except ValueError:
            continue
        if OfficeClient(host, port).answers(PROBE_TIMEOUT):
            answering.append(f"{host}:{port}")
    return answering


def _read(path: Path) -> dict[str, object] | None:
    """Return the workers file's record, or None when it is missing or unreadable."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _alive(pid: object) -> bool:
    """Return whether pid is a process running on this machine."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    with contextlib.suppress(OSError):
        # A zombie is a dead service its parent has not reaped.
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return True

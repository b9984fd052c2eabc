"""The whole `wenshu batch` command timed end to end, as an operator runs it: cold, and beside a running service.

Run: .venv/bin/python bench/batch.py --command [--copies 500] [--kinds safety_circular,correction_order]
Each run is a fresh `wenshu batch KIND table.csv --facts common.json --out DIR --new` process
on an instance prepared beforehand (`wenshu init-db`, not timed): interpreter start, reading
and checking the table, LibreOffice's start (cold: the command's own workers; warm: the
workers of a `wenshu serve` running on the same instance), issuing, and writing the outputs.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench.naive import batch_common
from service.foundations.config import load_settings
from service.instruments.registry import get_instrument
from service.render.office.shared_workers import running_workers

WENSHU = Path(sys.executable).with_name("wenshu")
SERVICE_START_SECONDS = 180.0


def command_environment(instance: Path) -> dict[str, str]:
    """Return the environment of a command on this instance, with no workers named to it."""
    environment = dict(os.environ)
    environment["WENSHU_INSTANCE"] = str(instance)
    environment.pop("WENSHU_OFFICE_ADDRESSES", None)
    return environment


def batch_input(folder: Path, kind: str, units: list[str]) -> tuple[Path, Path]:
    """Write the common facts (JSON) and the recipients table (CSV) of a batch; return both paths."""
    instrument = get_instrument(kind)
    common = batch_common(kind)
    folder.mkdir(parents=True, exist_ok=True)
    facts = folder / f"{kind}.json"
    facts.write_text(json.dumps(common, ensure_ascii=False), encoding="utf-8")
    table = folder / f"{kind}.csv"
    table.write_text("\n".join([instrument.recipient_field, *units]) + "\n", encoding="utf-8")
    return facts, table


def timed_command(instance: Path, kind: str, units: list[str], out: Path) -> tuple[float, str]:
    """Run `wenshu batch` once; return its wall-clock seconds and what it said on stderr."""
    facts, table = batch_input(out.parent / "input", kind, units)
    command = [
        str(WENSHU), "batch", kind, str(table), "--facts", str(facts), "--out", str(out), "--new",
    ]  # fmt: skip
    started = time.perf_counter()
    finished = subprocess.run(
        command, env=command_environment(instance), capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if finished.returncode != 0:
        raise RuntimeError(f"wenshu batch failed ({finished.returncode}):\n{finished.stderr}")
    return seconds, finished.stderr


@contextlib.contextmanager
def running_service(instance: Path) -> Iterator[None]:
    """Run `wenshu serve` on the instance until its workers answer; stop it afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = load_settings({"instance_path": instance})
    with open(instance / "serve.log", "ab") as log:
        server = subprocess.Popen(
            [str(WENSHU), "serve", "--port", str(port)],
            env=command_environment(instance),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVICE_START_SECONDS
        while len(running_workers(settings)) < settings.office_workers:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"wenshu serve did not name its workers; see {log.name}")
            time.sleep(0.25)
        yield
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def said_rate(stderr: str) -> str:
    """Return the command's own line on what it issued ("本次生成 …"), or ""."""
    return next((line for line in stderr.splitlines() if line.startswith("本次生成")), "")


def command_rates(folder: Path, kinds: list[str], units: list[str]) -> None:
    """Print, for each kind, the whole command's time and rate, cold and beside a service."""
    instance = folder / "instance"
    environment = command_environment(instance)
    subprocess.run([str(WENSHU), "init-db"], env=environment, capture_output=True, check=True)
    copies = len(units)
    for kind in kinds:
        seconds, stderr = timed_command(instance, kind, units, folder / "cold" / kind)
        print(
            f"{kind} `wenshu batch` of {copies} copies, cold (its own workers started): "
            f"{seconds:.1f} s, {copies / seconds:.1f} copies/s [{said_rate(stderr)}]"
        )
    with running_service(instance):
        for kind in kinds:
            seconds, stderr = timed_command(instance, kind, units, folder / "warm" / kind)
            print(
                f"{kind} `wenshu batch` of {copies} copies beside a running `wenshu serve`: "
                f"{seconds:.1f} s, {copies / seconds:.1f} copies/s [{said_rate(stderr)}]"
            )

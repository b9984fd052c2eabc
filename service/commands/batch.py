"""The `wenshu batch` command: one instrument for every row of a recipients table, resumable."""

from __future__ import annotations

import contextlib
import fcntl
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click

from service.acts.errors import NotIssued, TemplateUnusable
from service.background.startup import prepare_service
from service.batch.executor import DEFAULT_CHUNK, run_job
from service.batch.jobs import (
    JobBusy,
    UnknownJob,
    create_job,
    held_by_live_runner,
    job_items,
    load_job,
)
from service.batch.outputs import IssuedCopy, issued_copies, write_outputs
from service.batch.recipients import TableUnreadable, read_recipients
from service.batch.submission import SubmissionError, check_input, parse_common
from service.batch.validation import summarise
from service.commands.common import exit_not_issued
from service.database.batch_models import DONE, FAILED, INVALID, PENDING, BatchJob
from service.foundations.config import Settings, load_settings
from service.instruments.registry import Instrument, UnknownKind, get_instrument
from service.render.office.pool import OfficePool
from service.render.office.retry import OfficeError
from service.render.office.shared_workers import running_workers
from service.services import Wenshu

EXIT_INVALID = 2
SMALL_BATCH = 8  # up to this many copies, one cold soffice beats starting workers (~6 s)
QUEUE_HINT_SECONDS = 30.0  # a queued job not taken by then may have no worker to go to


def _fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    """Print message on stderr and exit."""
    click.echo(message, err=True)
    sys.exit(code)


@contextlib.contextmanager
def _own_workers(settings: Settings, workers: int) -> Iterator[OfficePool]:
    """Yield a pool of LibreOffice workers for this command, started at once, stopped after.

    Each running batch command takes a free slot (a lock file), so that two of them never
    share, or kill, each other's worker profiles; a slot's previous holder, killed with -9,
    left workers behind, which starting the pool on that slot removes.
    """
    slots = settings.instance_path / "batch-office"
    slots.mkdir(parents=True, exist_ok=True)
    for slot in range(64):
        lock = open(slots / f"slot-{slot}.lock", "w")  # noqa: SIM115 (held until the pool stops)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        break
    else:
        raise OfficeError("同时运行的批量命令太多")
    own = replace(settings, instance_path=slots / f"slot-{slot}", office_workers=workers)
    pool = OfficePool(own)
    pool.start()
    try:
        yield pool
    finally:
        pool.close()
        lock.close()


class _ProgressDisplay:
    """Done / total, copies per second and time left: a bar on a terminal, plain lines otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.bar: Any = None
        self.started = time.monotonic()
        self.first: int | None = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.first is None:
            self.first, self.started = done, time.monotonic()
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = (done - self.first) / elapsed
        left = f"，约剩{(total - done) / rate:.0f}秒" if rate > 0 and done < total else ""
        speed = f"{rate:.1f} 份/秒{left}" if done > self.first else "开始"
        if self.tty:
            if self.bar is None:
                # The rate and time left are ours: click's would count resumed copies as fast ones.
                self.bar = click.progressbar(
                    length=total, file=self.stream, show_pos=True, show_eta=False
                )
                self.bar.__enter__()
            self.bar.label = speed
            self.bar.length = total
            self.bar.update(done - self.shown)
        else:
            click.echo(f"进度 {done}/{total}（{speed}）", file=self.stream)
        self.shown = done

    def close(self) -> None:
        """Finish the bar."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command()
@click.argument("kind", required=False)
@click.argument("recipients", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--facts", "facts_file", type=click.Path(path_type=Path, dir_okay=False),
    help="各份共同的事实（JSON）；表格每行的列覆盖其中的同名字段",
)  # fmt: skip
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
    help="输出目录：每份 PDF、copies.zip、manifest.csv、merged.pdf",
)  # fmt: skip
@click.option("--skip-invalid", is_flag=True, help="跳过不合规的行，其余照常生成")
@click.option("--as", "issued_by", default="cli", show_default=True, help="经办人")
@click.option("--resume", "resume_id", type=int, metavar="JOB_ID", help="继续一个未完成的批量任务")
@click.option("--new", "fresh", is_flag=True, help="另起一批，不续做输入相同的未完成任务")
@click.option(
    "--chunk-size", type=click.IntRange(1, 500), default=DEFAULT_CHUNK, show_default=True,
    help="每次交给 LibreOffice 的份数",
)  # fmt: skip
@click.option(
    "--workers", type=click.IntRange(1, 8), default=2, show_default=True,
    help="本命令启动的 LibreOffice 进程数（设置了 WENSHU_OFFICE_ADDRESSES 时不启动）",
)  # fmt: skip
@click.option(
    "--queue", "queued", is_flag=True,
    help="交给任务队列（WENSHU_BROKER_URL）上的 wenshu worker 执行，本命令只跟踪进度并写出输出",
)  # fmt: skip
def batch(
    kind: str | None,
    recipients: Path | None,
    facts_file: Path | None,
    out_dir: Path,
    skip_invalid: bool,
    issued_by: str,
    resume_id: int | None,
    fresh: bool,
    chunk_size: int,
    workers: int,
    queued: bool,
) -> None:
    """Issue one instrument for every row of a recipients table (.csv/.xlsx): numbered, archived.

    wenshu batch KIND RECIPIENTS.csv --facts COMMON.json --out DIR; a stopped batch goes on
    with wenshu batch --resume JOB_ID --out DIR, or by running the same command again.
    """
    settings = load_settings()
    if queued and not settings.broker_url:
        _fail(
            "batch: --queue 需要任务队列；请设置 WENSHU_BROKER_URL（如 redis://127.0.0.1:6379/0）"
        )
    wenshu = Wenshu.open(settings)
    office = _BatchOffice(wenshu, workers)
    try:
        prepare_service(wenshu)
        expect = (lambda _copies: None) if queued else office.expect
        try:
            job = (
                _resumed(wenshu, resume_id, expect)
                if resume_id is not None
                else _prepared(
                    wenshu, kind, recipients, facts_file, skip_invalid, issued_by, fresh, expect
                )
            )
        except NotIssued as error:  # e.g. no usable template: no job was recorded
            exit_not_issued("batch", error)
        run = follow_queued if queued else partial(_run_here, office=office, chunk_size=chunk_size)
        job = run(wenshu, job)
        office.close()  # its workers are not needed for the outputs
        copies = issued_copies(wenshu, job.id)
        try:
            write_outputs(wenshu, copies, out_dir)
        except (OSError, ValueError) as error:
            _fail(
                f"out: 无法写出输出：{error}（文书都已归档；重试：wenshu batch --resume {job.id} --out DIR）",
                1,
            )
    finally:
        office.close()
        wenshu.close()
    click.echo(f"批量任务 #{job.id} 完成：{len(copies)} 份{_shared(copies)}，输出在 {out_dir}")


def _shared(copies: list[IssuedCopy]) -> str:
    """Return what the copies of one document share: its 文号 and the range of 份号; else ""."""
    if not copies or not copies[0].copy_number:
        return ""
    labels = sorted(copy.copy_label for copy in copies)
    return f"（共用文号 {copies[0].number}，份号 {labels[0]}–{labels[-1]}）"


class _BatchOffice:
    """The LibreOffice a batch converts on, chosen once the number of copies is known.

    The running service's workers when it has some on this instance (remote to this
    command: never started or killed by it); else, for more than SMALL_BATCH copies,
    workers of its own, started at once, so that they come up while the rows are checked;
    else one cold soffice. Workers named in the settings are the services' own converter.
    """

    def __init__(self, wenshu: Wenshu, workers: int) -> None:
        self.wenshu = wenshu
        self.workers = workers
        self.own: OfficePool | None = None
        self._stack = contextlib.ExitStack()
        self._chosen = False
        self.said = ""  # which LibreOffice, said once the copies go to it

    def expect(self, copies: int) -> None:
        """Choose the LibreOffice for this many copies, starting the command's own workers if so."""
        settings = self.wenshu.settings
        if self._chosen or not copies or settings.office_addresses:
            return
        self._chosen = True
        running = running_workers(settings)
        if running:
            self.wenshu.converter = OfficePool(replace(settings, office_addresses=tuple(running)))
            self.said = f"使用运行中服务的排版进程（{len(running)} 个）"
        elif copies > SMALL_BATCH:
            self.own = self._stack.enter_context(_own_workers(settings, self.workers))
            self.wenshu.converter = self.own
            self.said = f"启动本命令自己的排版进程（{self.workers} 个）"
        else:
            self.said = "启动本命令自己的排版进程"

    def ready(self) -> None:
        """Say which LibreOffice converts, and return once it can: for the command's own
        workers, when the first answers."""
        if self.said:
            click.echo(self.said, err=True)
        if self.own is not None:
            # Copies go to the first worker that answers; the others join as they come up.
            self.own.wait_ready(1)

    def close(self) -> None:
        """Stop the command's own workers, if it started any."""
        self._stack.close()


def _run_here(wenshu: Wenshu, job: BatchJob, office: _BatchOffice, chunk_size: int) -> BatchJob:
    """Run the job in this process on the LibreOffice the office chose for its pending copies."""
    office.expect(pending := len(job_items(wenshu, job.id, PENDING)))
    try:
        if pending:
            office.ready()
        return _run(wenshu, job, chunk_size)
    except OfficeError as error:
        _fail(f"batch: {error}\n继续：wenshu batch --resume {job.id} --out DIR", 1)


def follow_queued(wenshu: Wenshu, job: BatchJob, poll: float = 0.5) -> BatchJob:
    """Hand the job to the workers unless one holds it, and show its progress until it ends."""
    from service.batch.dispatch import DispatchFailed, QueueDispatcher

    dispatcher = QueueDispatcher(wenshu)
    display = _ProgressDisplay(sys.stderr)
    resume = f"wenshu batch --resume {job.id} --queue --out DIR"
    try:
        if job.status != DONE and not held_by_live_runner(job):  # a duplicate would do no harm
            dispatcher.submit(job.id)
            click.echo(f"批量任务 #{job.id} 已交给任务队列，等待 wenshu worker 执行", err=True)
        waiting_since = time.monotonic()
        while job.status not in {DONE, FAILED}:
            display(job.done, job.total)
            time.sleep(poll)
            job = load_job(wenshu, job.id)
            if job.status == PENDING and time.monotonic() - waiting_since > QUEUE_HINT_SECONDS:
                click.echo("仍在排队：请确认有 wenshu worker 连着同一个任务队列在运行", err=True)
                waiting_since = float("inf")
    except DispatchFailed as error:
        _fail(f"batch: {error}\n批量任务 #{job.id} 已保存；继续：{resume}", 1)
    except KeyboardInterrupt:
        _fail(f"\n批量任务 #{job.id} 仍在 worker 上执行；再次跟踪并写出输出：{resume}", 1)
    finally:
        display.close()
        dispatcher.close()
    if job.status == FAILED:
        _fail(
            f"batch: {job.error}\n批量任务 #{job.id} 已停止，已生成的文书都已归档；继续：{resume}",
            1,
        )
    return job


def _resumed(wenshu: Wenshu, job_id: int, expect: Callable[[int], None]) -> BatchJob:
    """Return the job to resume, or exit 2; expect is told how many copies are left."""
    try:
        job = load_job(wenshu, job_id)
    except UnknownJob as error:
        _fail(f"resume: {error}")
    click.echo(f"继续批量任务 #{job.id}（{job.kind}，已完成 {job.done}/{job.total} 份）")
    expect(len(job_items(wenshu, job.id, PENDING)))
    return job


def _prepared(
    wenshu: Wenshu,
    kind: str | None,
    recipients: Path | None,
    facts_file: Path | None,
    skip_invalid: bool,
    issued_by: str,
    fresh: bool,
    expect: Callable[[int], None],
) -> BatchJob:
    """Read and check the input; return the unfinished job with this input or a new one.

    expect is told how many rows the table has as soon as it is read, before they are checked.
    """
    if kind is None or recipients is None:
        _fail("batch: 需要文书种类和收文单位表格（或 --resume JOB_ID）")
    try:
        instrument = get_instrument(kind)
    except UnknownKind as error:
        _fail(f"kind: {error}")
    common = _read_common(facts_file, instrument)
    try:
        rows = read_recipients(recipients, instrument)
    except TableUnreadable as error:
        _fail(f"recipients: {error}")
    expect(len(rows))
    numbered = [(row.number, row.facts) for row in rows]
    checked = check_input(wenshu, instrument, common, numbered, issued_by)
    if not fresh and (job := checked.job) is not None:
        if job.status == DONE:
            click.echo(
                f"输入相同的批量任务 #{job.id} 已经完成（{job.done} 份），不再重复发文，"
                "只重新写出它的输出；确需另发一批请加 --new"
            )
        else:
            click.echo(
                f"继续输入相同的未完成批量任务 #{job.id}（已完成 {job.done}/{job.total} 份；"
                "另起一批请加 --new）"
            )
        return job
    check = checked.check
    row_warnings = {w for row in check.valid if row.facts for w in row.facts.warnings}
    for warning in [*check.warnings, *sorted(row_warnings)]:
        click.echo(f"提醒：{warning}", err=True)
    problems = check.problems
    if problems:
        for line in summarise(problems, len(rows)):
            click.echo(line, err=True)
        bad = len(rows) - len(check.valid)
        if not skip_invalid:
            # Skipping helps only when some rows pass.
            skip = "，或加 --skip-invalid 跳过这些行" if check.valid else ""
            _fail(f"batch: {bad} 行不合规，未生成任何文书（改正后重试{skip}）")
        click.echo(f"跳过 {bad} 行不合规的行", err=True)
    if not check.valid:
        _fail("batch: 没有可生成的行")
    job = create_job(
        wenshu, instrument, common, check, issued_by,
        source=recipients.name, skip_invalid=skip_invalid, fingerprint=checked.fingerprint,
    )  # fmt: skip
    click.echo(f"批量任务 #{job.id}：{instrument.title} {job.total} 份")
    return job


def _read_common(path: Path | None, instrument: Instrument) -> dict[str, Any]:
    """Return the common facts of a JSON file, checked as the batch page checks them, or exit 2."""
    if path is None:
        return {}
    try:
        return parse_common(path.read_text(encoding="utf-8"), instrument)
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"facts: 无法读取 {path}：{error}")
    except SubmissionError as error:
        _fail(f"facts: {error}")


def _run(wenshu: Wenshu, job: BatchJob, chunk_size: int) -> BatchJob:
    """Run the job with a progress display; on failure say how to resume, and exit 1."""
    if job.status == DONE:
        return job
    display = _ProgressDisplay(sys.stderr)
    started = time.monotonic()
    resume = (
        f"批量任务 #{job.id} 已停止，已生成的文书都已归档；"
        f"继续：wenshu batch --resume {job.id} --out DIR"
    )
    try:
        try:
            finished = run_job(wenshu, job.id, chunk_size=chunk_size, progress=display)
        finally:
            display.close()
    except JobBusy as error:
        _fail(f"batch: {error}", 1)
    except NotIssued as error:
        # A job keeps the template version it started with: resuming cannot mend a broken one.
        exit_not_issued("batch", error, "" if isinstance(error, TemplateUnusable) else resume)
    except KeyboardInterrupt:
        _fail(f"batch: 已中断\n{resume}", 1)
    elapsed = time.monotonic() - started
    made = finished.done - job.done
    invalid = len(job_items(wenshu, job.id, INVALID))
    skipped = f"，跳过 {invalid} 行" if invalid else ""
    rate = f"，{made / elapsed:.1f} 份/秒" if made and elapsed > 0 else ""
    click.echo(f"本次生成 {made} 份，用时 {elapsed:.1f} 秒{rate}{skipped}", err=True)
    return finished

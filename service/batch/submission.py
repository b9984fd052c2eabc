"""Batches handed in through the web: an upload staged, checked as the CLI checks it, and job views."""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from service.archive.access import issuer_classifications
from service.batch.drawn import held_to_draw
from service.batch.jobs import create_job, input_fingerprint, same_input_job
from service.batch.outputs import ARCHIVE, MANIFEST, MERGED, issued_copies, write_outputs
from service.batch.recipients import TableUnreadable, read_recipients
from service.batch.validation import RowProblem, RowsCheck, SnapshotArchive, check_rows
from service.database.batch_models import DONE, BatchJob
from service.foundations.plaintext import quote_back, quote_many
from service.instruments.registry import Instrument
from service.services import Wenshu

OUTPUTS = (MERGED, ARCHIVE, MANIFEST)
_TOKEN_CHARS = set("0123456789abcdef")


class SubmissionError(ValueError):
    """Raised for input that cannot become a batch at all (facts, table, nothing valid)."""


@dataclass(frozen=True)
class Checked:
    """A staged upload after checking: its token, the rows' outcome, and the job if one exists."""

    token: str
    rows: int
    check: RowsCheck
    fingerprint: str
    job: BatchJob | None = None

    @property
    def problems(self) -> list[RowProblem]:
        """Return every problem of every bad row."""
        return self.check.problems


def batches_folder(wenshu: Wenshu) -> Path:
    """Return the folder holding staged uploads and each job's outputs."""
    return wenshu.settings.batch_path


def outputs_folder(wenshu: Wenshu, job_id: int) -> Path:
    """Return where a job's merged.pdf, copies.zip and manifest.csv are written."""
    return batches_folder(wenshu) / str(job_id)


def parse_common(text: str, instrument: Instrument) -> dict[str, Any]:
    """Return the common facts from JSON text, or raise SubmissionError naming the problem."""
    if not text.strip():
        return {}
    try:
        facts = json.loads(text)
    except json.JSONDecodeError as error:
        raise SubmissionError(
            f"共同事实不是有效的 JSON：第{error.lineno}行：{error.msg}"
        ) from error
    if not isinstance(facts, dict):
        raise SubmissionError("共同事实应当是一个以字段名为键的 JSON 对象")
    unknown = [name for name in facts if name not in instrument.form()._fields]
    if unknown:
        raise SubmissionError(f"共同事实中的字段不属于{instrument.title}：{quote_many(unknown)}")
    return facts


def stage_upload(
    wenshu: Wenshu, owner: str, kind: str, common: dict[str, Any], name: str, data: bytes
) -> str:
    """Keep an uploaded table and its common facts for a second submission; return its token."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise SubmissionError(f"只能上传 .xlsx 或 .csv 表格，不能上传“{quote_back(name)}”")
    token = secrets.token_hex(16)
    folder = batches_folder(wenshu) / "uploads" / token
    folder.mkdir(parents=True)
    (folder / f"table{suffix}").write_bytes(data)
    meta = {"owner": owner, "kind": kind, "common": common, "name": name[:200]}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def stage_rows(
    wenshu: Wenshu,
    owner: str,
    kind: str,
    common: dict[str, Any],
    name: str,
    rows: list[tuple[int, dict[str, Any]]],
) -> str:
    """Keep rows taken from the unit directory and the common facts, as an upload is kept; return its token."""
    if not rows:
        raise SubmissionError(f"{name}：没有符合条件的单位")
    token = secrets.token_hex(16)
    folder = batches_folder(wenshu) / "uploads" / token
    folder.mkdir(parents=True)
    meta = {"owner": owner, "kind": kind, "common": common, "name": name[:200], "rows": rows}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def check_staged(wenshu: Wenshu, instrument: Instrument, token: str, owner: str) -> Checked:
    """Read and check a staged upload as `wenshu batch` does; the job of the same input if any."""
    folder, meta = _staged(wenshu, token, owner, instrument.kind)
    if "rows" in meta:  # taken from the unit directory, not from a table
        kept = [(int(number), dict(facts)) for number, facts in meta["rows"]]
        return check_input(wenshu, instrument, meta["common"], kept, owner, token)
    table = next(folder.glob("table.*"))
    try:
        rows = read_recipients(table, instrument)
    except TableUnreadable as error:
        raise SubmissionError(str(error).replace(table.name, meta["name"])) from error
    numbered = [(row.number, row.facts) for row in rows]
    return check_input(wenshu, instrument, meta["common"], numbered, owner, token)


def check_input(
    wenshu: Wenshu,
    instrument: Instrument,
    common: dict[str, Any],
    numbered: list[tuple[int, dict[str, Any]]],
    owner: str,
    token: str = "",
) -> Checked:
    """Check numbered rows over the common facts; name the job of the same input, if any."""
    fingerprint = input_fingerprint(instrument.kind, common, numbered, owner)
    existing = same_input_job(wenshu, fingerprint)
    with wenshu.database.session() as session:
        visible = issuer_classifications(session, owner, wenshu.settings.policy)
    archive = SnapshotArchive(wenshu.database, visible)  # what the owner may see, no more
    check = check_rows(instrument, common, numbered, archive, wenshu.settings.policy)
    check = held_to_draw(wenshu, instrument, check, owner)
    return Checked(token, len(numbered), check, fingerprint, existing)


def create_staged_job(
    wenshu: Wenshu, instrument: Instrument, checked: Checked, owner: str, skip_invalid: bool
) -> BatchJob:
    """Record the job of a checked upload and drop the staged files; raise if nothing can be issued."""
    if not checked.check.valid:
        raise SubmissionError("没有可生成的行")
    if checked.problems and not skip_invalid:
        raise SubmissionError("有不合规的行，请改正表格或选择跳过这些行")
    folder, meta = _staged(wenshu, checked.token, owner, instrument.kind)
    job = create_job(
        wenshu, instrument, meta["common"], checked.check, owner, source=meta["name"],
        skip_invalid=skip_invalid,
        fingerprint=checked.fingerprint,
    )  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)
    return job


def _staged(wenshu: Wenshu, token: str, owner: str, kind: str) -> tuple[Path, dict[str, Any]]:
    """Return a staged upload's folder and facts, if it is this owner's upload of this kind."""
    folder = batches_folder(wenshu) / "uploads" / token
    if len(token) != 32 or not set(token) <= _TOKEN_CHARS or not folder.is_dir():
        raise SubmissionError("上传的表格已失效，请重新上传")
    meta: dict[str, Any] = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta["owner"] != owner or meta["kind"] != kind:
        raise SubmissionError("上传的表格已失效，请重新上传")
    return folder, meta


def jobs_of(wenshu: Wenshu, issued_by: str) -> list[BatchJob]:
    """Return the jobs someone issued, newest first."""
    query = select(BatchJob).where(BatchJob.issued_by == issued_by).order_by(BatchJob.id.desc())
    with wenshu.database.session() as session:
        return list(session.scalars(query))


def outputs_ready(wenshu: Wenshu, job: BatchJob) -> bool:
    """Return whether the job is done and its outputs are written."""
    folder = outputs_folder(wenshu, job.id)
    return job.status == DONE and all((folder / name).is_file() for name in OUTPUTS)


def write_job_outputs(wenshu: Wenshu, job_id: int) -> Path:
    """Write a finished job's outputs into its folder under the instance; return the folder."""
    folder = outputs_folder(wenshu, job_id)
    write_outputs(wenshu, issued_copies(wenshu, job_id), folder)
    return folder

"""The JSON API's batch jobs: hand in common facts and rows, follow the job, download its outputs."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from werkzeug.wrappers import Response

from service.accounts.users import ISSUE
from service.batch.dispatch import submit_or_record
from service.batch.jobs import create_job, job_items
from service.batch.shared import shared_number
from service.batch.submission import OUTPUTS, check_input, outputs_ready
from service.database.batch_models import INVALID, BatchJob
from service.instruments.registry import get_instrument
from service.web import wenshu
from service.web.api import ApiProblem, blueprint, checked_kind, facts_object, json_object
from service.web.auth import current_account, requires
from service.web.batch import batch_dispatcher, job_state, owned_job, send_output

BATCH = "/batches/<id:job_id>"
SHAPE = '{"kind": "文书种类", "facts": {各份共同的事实}, "rows": [{每份自己的事实}, …]}'
MAX_ROWS = 10_000
Answer = tuple[Response, int] | tuple[Response, int, dict[str, str]]


@blueprint.post("/batches")
@requires(ISSUE)
def submit_batch() -> Answer:
    """Check every row, record the job and start it: 202; 422 with the bad rows; 200 if it exists."""
    payload = json_object(SHAPE, required=("kind", "facts", "rows"), optional=("skip_invalid",))
    kind = checked_kind(payload["kind"])
    common = facts_object(payload["facts"])
    rows, skip = _rows(payload["rows"]), payload.get("skip_invalid", False)
    if not isinstance(skip, bool):
        raise ApiProblem(400, "skip_invalid 应当是 true 或 false")
    owner, instrument = current_account().username, get_instrument(kind)
    checked = check_input(wenshu(), instrument, common, list(enumerate(rows, 1)), owner)
    if checked.job is not None:  # the same input again issues nothing new
        return jsonify(batch_json(checked.job)), 200, _location(checked.job)
    check = checked.check
    bad = [{"row": row.number, "errors": row.errors} for row in check.rows if row.facts is None]
    if (bad and not skip) or not check.valid:
        return jsonify(rows=bad, valid=len(check.valid), total=len(rows)), 422
    job = create_job(
        wenshu(), instrument, common, check, owner, source="API", skip_invalid=skip,
        fingerprint=checked.fingerprint,
    )  # fmt: skip
    problem = submit_or_record(batch_dispatcher(), wenshu(), job.id)
    if problem:
        message = f"批量任务 #{job.id} 已保存，但未能开始：{problem}；稍后 POST 其 resume 地址继续"
        return jsonify(error=message), 503, _location(job)
    return jsonify(batch_json(owned_job(job.id))), 202, _location(job)


def _rows(rows: Any) -> list[dict[str, Any]]:
    """Return the rows if they are a list of JSON objects of a sensible length, or raise ApiProblem."""
    if not isinstance(rows, list) or not rows:
        raise ApiProblem(400, "rows 应当是非空的数组，每份一个以字段名为键的 JSON 对象")
    if len(rows) > MAX_ROWS:
        raise ApiProblem(400, f"一个批量任务最多 {MAX_ROWS} 行，请分成几批")
    return [facts_object(row, f"rows 的第{number}项") for number, row in enumerate(rows, 1)]


def _location(job: BatchJob) -> dict[str, str]:
    """Return the Location header naming the job."""
    return {"Location": url_for("api.batch", job_id=job.id, _external=True)}


@blueprint.get(BATCH)
@requires(ISSUE)
def batch(job_id: int) -> Response:
    """A job's state, and its outputs' addresses once they are written."""
    return jsonify(batch_json(owned_job(job_id)))


@blueprint.post(BATCH + "/resume")
@requires(ISSUE)
def resume_batch(job_id: int) -> Answer:
    """Start a stopped job again where it stopped: 202 (200 if it is finished already)."""
    job = owned_job(job_id)
    if outputs_ready(wenshu(), job):
        return jsonify(batch_json(job)), 200
    problem = submit_or_record(batch_dispatcher(), wenshu(), job.id)
    if problem:
        raise ApiProblem(503, f"批量任务 #{job.id} 未能开始：{problem}")
    return jsonify(batch_json(owned_job(job.id))), 202, _location(job)


@blueprint.get(BATCH + "/<name>")
@requires(ISSUE)
def batch_output(job_id: int, name: str) -> Response:
    """merged.pdf, copies.zip or manifest.csv of a finished job."""
    return send_output(owned_job(job_id), name, "api")


def batch_json(job: BatchJob) -> dict[str, Any]:
    """Return a job as the API answers it: its state, skipped rows and outputs."""
    state = job_state(job)
    outputs = {
        name: url_for("api.batch_output", job_id=job.id, name=name, _external=True)
        for name in OUTPUTS
    }
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "status_text": state["status_text"],
        "done": job.done,
        "total": job.total,
        "error": job.error,
        "active": state["active"],
        "finished": state["finished"],
        "skipped_rows": [item.row_number for item in job_items(wenshu(), job.id, INVALID)],
        "numbering": get_instrument(job.kind).numbering.value,
        "number": shared_number(wenshu(), job.id),
        "outputs": outputs if state["finished"] else {},
    }

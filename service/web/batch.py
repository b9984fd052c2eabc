"""Batch pages: upload a recipients table, check every row, run the job in the background, download."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from forms.fields import InstrumentForm
from service.accounts.users import ADMINISTER, ISSUE
from service.acts.errors import NotIssued
from service.archive.audit import record_event
from service.batch.delivery import outputs_for
from service.batch.directory_rows import directory_units, towns_and_categories
from service.batch.dispatch import Dispatcher, submit_or_record
from service.batch.job_copies import job_copies
from service.batch.jobs import UnknownJob, job_items, load_job
from service.batch.recipient_table import recipient_fields, recipients_workbook
from service.batch.submission import (
    OUTPUTS,
    SubmissionError,
    check_staged,
    create_staged_job,
    jobs_of,
    outputs_ready,
    stage_rows,
    stage_upload,
)
from service.batch.validation import everywhere
from service.batch.voided import voided_output
from service.database.batch_models import DONE, INVALID, PENDING, RUNNING, BatchJob
from service.foundations.shipped import SAMPLES
from service.instruments.facts import describe_fields
from service.instruments.registry import INSTRUMENTS, Instrument
from service.web import wenshu
from service.web.auth import current_account, requires
from service.web.batch_form import (
    ALL,
    DIRECTORY,
    TABLE,
    batch_form,
    collective_field,
    common_facts,
    common_problems,
    directory_choice,
)
from service.web.deadlines import today
from service.web.documents import reader_classifications
from service.web.downloads import send_named
from service.web.kept_forms import restored_fields
from service.web.language import N_

blueprint = Blueprint("batch_web", __name__)
STATUS = {
    "pending": N_("排队中"),
    "running": N_("生成中"),
    "failed": N_("已停止"),
    "done": N_("已完成"),
}
DOWNLOADS = {
    "merged.pdf": "application/pdf",
    "copies.zip": "application/zip",
    "manifest.csv": "text/csv",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def batch_dispatcher() -> Dispatcher:
    """Return the app's dispatcher: its own thread, or Celery workers when a broker is set."""
    dispatcher: Dispatcher = current_app.extensions["batch_dispatcher"]
    return dispatcher


def _submit(job_id: int) -> None:
    """Hand the job to its runners; if the queue is unreachable, say so (the job can resume)."""
    problem = submit_or_record(batch_dispatcher(), wenshu(), job_id)
    if problem:
        flash(
            _(
                "批量任务 #%(id)s 已保存，但未能开始：%(problem)s。请稍后点“继续”。",
                id=job_id,
                problem=problem,
            )
        )


def owned_job(job_id: int) -> BatchJob:
    """Return the job if the signed-in account issued it or administers; 404 otherwise."""
    try:
        job = load_job(wenshu(), job_id)
    except UnknownJob:
        abort(404)
    account = current_account()
    if job.issued_by != account.username and not account.may(ADMINISTER):
        abort(404)
    return job


def job_state(job: BatchJob) -> dict[str, Any]:
    """Return the job's state as the progress page polls it."""
    ready = outputs_ready(wenshu(), job)
    active = batch_dispatcher().active(job)
    return {
        "id": job.id,
        "status": job.status,
        "status_text": _status_text(job, ready, active),
        "done": job.done,
        "total": job.total,
        "error": job.error,
        "active": active,
        "finished": ready,
    }


def _status_text(job: BatchJob, ready: bool, active: bool) -> str:
    """Return the job's state in words, naming the machine that runs it."""
    if job.status == RUNNING and job.runner:
        return _("生成中（由 %(runner)s 执行）", runner=job.runner.partition(":")[0])
    if job.status == PENDING and active:
        return _("排队中（等待空闲的生成进程接手）")
    if job.status == DONE and not ready:
        return _("正在写出输出") if active else _("已完成，输出尚未写出（点“继续”写出）")
    return _(STATUS[job.status]) if job.status in STATUS else job.status


@blueprint.get("/batch")
@requires(ISSUE)
def index() -> Any:
    """The clerk's batch jobs and the form of the kind chosen (as typed, when it outlived its session).

    ?kind=…&units=unreported&year=YYYY opens the form with the rows taken from the units
    that have not reported on that year, and the year filled where the form asks for it.
    """
    typed = restored_fields()
    return _form_page(typed=typed, status=200)


def _form_page(
    error: str = "", status: int = 400, typed: Mapping[str, str] | None = None, **context: Any
) -> Any:
    """Render the list and the form of the chosen kind, with an error or the rows' problems, as typed."""
    typed = request.form if typed is None and request.method == "POST" else typed
    chosen = (typed or {}).get("kind") or request.args.get("kind", "")
    instrument = INSTRUMENTS.get(chosen)
    jobs = jobs_of(wenshu(), current_account().username)
    form_context: dict[str, Any] = {}
    if instrument is not None:
        form_context = _form_context(instrument, typed, context.pop("form", None))
    page = render_template(
        "batch.html", jobs=jobs, status_text=STATUS, instruments=INSTRUMENTS.values(),
        instruments_by_kind=INSTRUMENTS, error=error, chosen=chosen, instrument=instrument,
        **form_context, **context,
    )  # fmt: skip
    return page, status


def _form_context(
    instrument: Instrument, typed: Mapping[str, str] | None, form: InstrumentForm | None
) -> dict[str, Any]:
    """Return what the form of a kind shows: its fields, the recipients' fields, the directory's choices."""
    asked = request.args
    year = asked.get("year", "")
    prefill = {"report_year": year} if year.isdigit() else {}
    if form is None:
        form = batch_form(instrument, typed, prefill)
    with wenshu().database.session() as session:
        towns, categories = towns_and_categories(session)
        units = len(directory_units(session))
    chosen = typed or {}
    # A document sent to many units takes its 主送 统称 through the form, its units by row.
    collective = collective_field(instrument)
    return {
        "form": form,
        "own_fields": [f for f in recipient_fields(instrument) if f != collective],
        "collective": collective,
        "common_problems": common_problems(instrument, form),
        "towns": towns,
        "categories": categories,
        "directory_size": units,
        "source": chosen.get("source") or (DIRECTORY if asked.get("units") else TABLE),
        "scope": chosen.get("scope") or asked.get("units", ALL),
        "report_year": chosen.get("year") or year or str(today().year - 1),
        "picked_town": chosen.get("town", ""),
        "picked_category": chosen.get("category", ""),
    }


@blueprint.post("/batch")
@requires(ISSUE)
def submit() -> Any:
    """Check the common facts and the rows (a table, the directory, or a staged check again) and start the job."""
    instrument = INSTRUMENTS.get(request.form.get("kind", ""))
    if instrument is None:
        return _form_page(_("请选择文书种类"), 400)
    owner = current_account().username
    form = None
    try:
        token = request.form.get("token", "")
        if not token:
            form = batch_form(instrument, request.form, {})
            common = common_facts(instrument, form)
            if common is None:
                return _form_page("", 400, form=form)  # the form says where, at the fields
            token = _stage(instrument, owner, common)
        checked = check_staged(wenshu(), instrument, token, owner)
        if checked.job is not None:
            flash(_("输入相同的批量任务 #%(id)s 已经存在，不再重复发文", id=checked.job.id))
            return redirect(url_for("batch_web.job", job_id=checked.job.id))
        skip = request.form.get("skip_invalid") == "1"
        if checked.problems and not skip:
            labels = {field["name"]: field["label"] for field in describe_fields(instrument)}
            shared = everywhere(checked.problems, checked.rows)
            collective = collective_field(instrument)
            if form is not None and collective is not None:  # a 主送 too long: said at the 统称 too
                form[collective].errors = [m for name, m in shared if name == collective]
            return _form_page(
                status=200, checked=checked, labels=labels, shared_problems=shared, form=form
            )
        job = create_staged_job(wenshu(), instrument, checked, owner, skip)
    except SubmissionError as error:
        return _form_page(str(error), 400)
    except NotIssued as error:  # e.g. no usable template: no job was recorded
        return _form_page(str(error), 503)
    _submit(job.id)
    return redirect(url_for("batch_web.job", job_id=job.id))


def _stage(instrument: Instrument, owner: str, common: dict[str, Any]) -> str:
    """Keep the rows (an uploaded table, or units of the directory) with the common facts; return the token."""
    if request.form.get("source") == DIRECTORY:
        name, rows = directory_choice(instrument, request.form)
        return stage_rows(wenshu(), owner, instrument.kind, common, name, rows)
    table = request.files.get("recipients")
    if table is None or not table.filename:
        raise SubmissionError(_("请上传收文单位表格（.xlsx 或 .csv），或选择从单位名录选取"))
    return stage_upload(wenshu(), owner, instrument.kind, common, table.filename, table.read())


@blueprint.get("/batch/<kind>/recipients.xlsx")
@requires(ISSUE)
def recipients_table(kind: str) -> Response:
    """The recipients table of a kind to fill: Chinese headers, drop-downs, one example row."""
    instrument = INSTRUMENTS.get(kind)
    if instrument is None:
        abort(404)
    example = json.loads((SAMPLES / f"{kind}.json").read_text(encoding="utf-8"))
    data = recipients_workbook(instrument, example)
    return send_named(
        io.BytesIO(data), XLSX, f"{instrument.title}_收文单位表格.xlsx", f"{kind}-recipients.xlsx"
    )


@blueprint.get("/batch/<id:job_id>")
@requires(ISSUE)
def job(job_id: int) -> str:
    """A job's progress, and its outputs once it is done."""
    found = owned_job(job_id)
    skipped = job_items(wenshu(), job_id, INVALID)
    copies = job_copies(wenshu(), job_id, reader_classifications())
    return render_template(
        "batch_job.html", job=found, progress=job_state(found), skipped=skipped,
        instrument=INSTRUMENTS.get(found.kind), outputs=OUTPUTS, copies=copies,
    )  # fmt: skip


@blueprint.get("/batch/<id:job_id>/progress.json")
@requires(ISSUE)
def progress(job_id: int) -> Response:
    """The job's progress as JSON, read from the database each time."""
    return jsonify(job_state(owned_job(job_id)))


@blueprint.post("/batch/<id:job_id>/resume")
@requires(ISSUE)
def resume(job_id: int) -> Response:
    """Hand an unfinished job (or one whose outputs are missing) to the executor again."""
    found = owned_job(job_id)
    if not outputs_ready(wenshu(), found):
        _submit(found.id)
        flash(_("批量任务 #%(id)s 已重新开始，已生成的文书不会重复生成", id=found.id))
    return redirect(url_for("batch_web.job", job_id=found.id))


@blueprint.get("/batch/<id:job_id>/<name>")
@requires(ISSUE)
def download(job_id: int, name: str) -> Response:
    """One of a finished job's outputs, to its owner or an administrator."""
    return send_output(owned_job(job_id), name)


def send_output(job: BatchJob, name: str, via: str = "web") -> Response:
    """Send one of a finished job's outputs (merged.pdf shown in the browser); 404 otherwise.

    The reader receives only the copies whose 密级 he may see (404 when there is none, as
    for a job without outputs); the download is recorded in the audit chain with the 文号
    it delivers, as every PDF download is.
    """
    if name not in DOWNLOADS or not outputs_ready(wenshu(), job):
        abort(404)
    delivery = outputs_for(wenshu(), job.id, reader_classifications())
    if delivery is None:
        abort(404)
    details = {"job_id": job.id, "file": name, "via": via,
               "numbers": [copy.number for copy in delivery.copies]}  # fmt: skip
    if any(copy.copy_number for copy in delivery.copies):  # copies sharing one 文号
        details["copy_numbers"] = [copy.copy_label for copy in delivery.copies]
    subject, reader = f"批量任务 #{job.id} {name}", current_account().username
    with wenshu().database.session() as session:
        record_event(session, "batch_download", reader, subject, details)
    marked = voided_output(wenshu(), delivery, name)  # voided copies are served marked 作废
    return send_named(
        delivery.folder / name if marked is None else io.BytesIO(marked), DOWNLOADS[name],
        f"批量任务{job.id}_{name}", f"batch-{job.id}_{name}", attachment=name != "merged.pdf",
    )  # fmt: skip

"""The archive page: the latest fixity and audit-chain check, a check on demand, and 四性检测 reports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.accounts import ADMINISTER
from service.archive.audit import ACTIONS, recent_events
from service.archive.checks import last_check, run_check, stored_problems
from service.archive.four_properties import PROPERTIES, assess_document, assess_set, years_on_record
from service.registry import INSTRUMENTS
from service.web import wenshu
from service.web.auth import current_account, requires
from service.web.documents import visible_document

blueprint = Blueprint("archive_web", __name__)
VIEWERS = frozenset({"clerk", "admin"})
TRIGGERS = {"schedule": "定时检测", "web": "网页上手动检测", "cli": "命令行检测"}


@blueprint.get("/archive")
@requires(VIEWERS)
def index() -> str:
    """The latest check of fixity and the audit chain, the newest audit entries, report filters."""
    check = last_check(wenshu())
    with wenshu().database.session() as session:
        events = recent_events(session, 20)
    return render_template(
        "archive.html", check=check, problems=stored_problems(check) if check else [],
        triggers=TRIGGERS, events=events, actions=ACTIONS, instruments=INSTRUMENTS.values(),
        years=years_on_record(wenshu()), may_run=current_account().may(ADMINISTER),
    )  # fmt: skip


@blueprint.post("/archive/verify")
@requires(ADMINISTER)
def verify() -> Response:
    """Run the check now and show its result."""
    result = run_check(wenshu(), current_account().username, "web")
    if result.ok:
        flash(f"检测完成：{result.documents} 份文书的文件与登记一致，审计链完整。")
    else:
        flash(f"检测完成：发现 {len(result.problems)} 个问题，见下表。")
    return redirect(url_for("archive_web.index"))


@blueprint.get("/archive/report")
@requires(VIEWERS)
def report() -> str | tuple[str, int]:
    """四性检测 of a set: the documents of a kind and a year, or the whole archive."""
    kind = request.args.get("kind", "")
    year_text = request.args.get("year", "").strip()
    if kind and kind not in INSTRUMENTS:
        abort(404)
    year = int(year_text) if year_text.isdigit() and 1900 <= int(year_text) <= 9999 else None
    if year_text and year is None:
        abort(400)
    assessment = assess_set(wenshu(), kind, year)
    return render_template(
        "archive_report.html", assessment=assessment, properties=PROPERTIES,
        kind_title=INSTRUMENTS[kind].title if kind else "", bureau=wenshu().settings.bureau.name,
    )  # fmt: skip


@blueprint.get("/archive/documents/<id:document_id>")
@requires(VIEWERS)
def document(document_id: int) -> str:
    """四性检测 of one document."""
    with wenshu().database.session() as session:
        visible_document(session, document_id)
    assessment = assess_document(wenshu(), document_id)
    if assessment is None:
        abort(404)
    return render_template(
        "archive_document.html", assessment=assessment, bureau=wenshu().settings.bureau.name
    )

"""The desk, the home page: a clerk's drafts, submissions, what is due with its next step, recent documents."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from service.accounts.users import APPROVE, ISSUE
from service.acts.drafts import list_drafts
from service.acts.duedates import (
    ALL_REGISTERED,
    ANNUAL_REPORT,
    CASE,
    CIRCULAR,
    CORRECTION,
    REVIEW_WINDOW,
    DueItem,
)
from service.archive.access import shown
from service.cases.overview import awaiting_approval, own_submissions
from service.cases.records import EXTENSION
from service.database.models import Case, Document, Submission
from service.web import wenshu
from service.web.auth import current_account
from service.web.case_forms import filled_alone
from service.web.deadlines import SOON, current_first
from service.web.documents import reader_classifications

blueprint = Blueprint("desk", __name__)
RECENT = 20  # documents the desk lists
CASE_ROLES = ISSUE | APPROVE  # who may open a case's page


@dataclass(frozen=True)
class Step:
    """What follows a due item: a link to take it, or (url empty) a word on what was done."""

    text: str
    url: str = ""


@blueprint.get("/")
def index() -> str:
    """The signed-in person's work: drafts, submissions waiting or returned, what is due, recent documents."""
    account = current_account()
    with wenshu().database.session() as session:
        latest = select(Document).where(shown(reader_classifications()))
        recent = session.scalars(latest.order_by(Document.id.desc()).limit(RECENT)).all()
        drafts = list_drafts(session, account.id)
        waiting, returned = own_submissions(session, account.username)
        in_cases = {row.case_id for row in [*waiting, *returned] if row.case_id is not None}
        query = select(Case.id, Case.cause).where(Case.id.in_(sorted(in_cases)))
        causes = {case_id: cause for case_id, cause in session.execute(query)}
        to_decide = [
            (row, case)
            for row, case in (awaiting_approval(session) if account.may(APPROVE) else [])
            if row.submitted_by != account.username  # no one approves his own submission
        ]
    due, computed_overdue = current_first(SOON)
    return render_template(
        "index.html", instruments=filled_alone() if account.may(ISSUE) else [],
        recent=recent, drafts=drafts, waiting=waiting, returned=returned, causes=causes,
        to_decide=to_decide, due=due, all_unreported=all_unreported(computed_overdue),
    )  # fmt: skip


@blueprint.app_template_global("may_open_cases")
def may_open_cases() -> bool:
    """Return whether the reader may open a case's page (a maintainer may not)."""
    return current_account().may(CASE_ROLES)


@blueprint.app_template_global("next_steps")
def next_steps(item: DueItem) -> list[Step]:
    """Return the steps that follow a due item, as far as the reader's role may take them."""
    account = current_account()
    if item.matter == CASE and item.case_id is not None and may_open_cases():
        return [Step(_("打开案件"), url_for("cases.show", case_id=item.case_id))]
    if not account.may(ISSUE):
        return []
    if item.matter == REVIEW_WINDOW and item.number:
        url = url_for("documents.new", kind="review_decision", notice_number=item.number,
                      applicant=item.unit)  # fmt: skip
        return [Step(_("作出复查决定"), url)]
    if item.matter == ANNUAL_REPORT and item.unit != ALL_REGISTERED and item.overdue:
        if item.ordered:
            return [Step(_("已发责令限期改正通知书%(number)s", number=item.ordered))]
        url = url_for("documents.new", kind="correction_order", unit=item.unit,
                      report_year=item.year)  # fmt: skip
        return [Step(_("责令限期改正"), url)]
    if item.matter == CORRECTION and item.year is not None:
        url = url_for("documents.new", kind="annual_report", unit=item.unit, report_year=item.year)
        return [Step(_("登记收到的报告"), url)]
    if item.matter == CORRECTION and item.days_left <= 0:
        url = url_for("documents.new", kind="inspection_record", unit=item.unit,
                      inspection_kind="回访")  # fmt: skip
        return [Step(_("回访检查"), url)]
    if item.matter == CIRCULAR and item.year is not None:
        url = url_for("documents.new", kind="safety_circular", assessment_year=item.year)
        return [Step(_("制作通报"), url)]
    return []


@blueprint.app_template_global("submission_link")
def submission_link(row: Submission) -> str:
    """Return where a clerk takes up a submission: a returned one's form, else its case ("" without one)."""
    if row.case_id is None:
        return ""
    if row.kind != EXTENSION and row.status == "returned":
        return url_for("documents.new", kind=row.kind, case=row.case_id, returned=row.id)
    return url_for("cases.show", case_id=row.case_id)


def all_unreported(overdue: list[DueItem]) -> Step | None:
    """Return the batch of correction orders for every unit whose report is overdue, if the reader may issue."""
    years = sorted(
        {item.year for item in overdue if item.matter == ANNUAL_REPORT and not item.ordered
         and item.unit != ALL_REGISTERED and item.year is not None}
    )  # fmt: skip
    if not years or not current_account().may(ISSUE):
        return None
    year = years[-1]
    units = sum(
        1
        for item in overdue
        if item.year == year and item.matter == ANNUAL_REPORT and not item.ordered
    )
    url = url_for("batch_web.index", kind="correction_order", units="unreported", year=year)
    return Step(
        _("为未报送%(year)s年度报告的%(n)s个单位批量生成责令限期改正通知书", year=year, n=units),
        url,
    )

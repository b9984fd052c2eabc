"""A closed case for the case-file tests: the story's case opened, investigated, notified, one record voided, closed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from service.acts.casework import Approval
from service.acts.extensions import approve_extension, request_extension
from service.acts.issuing import issue_document
from service.acts.opening import open_approved_case
from service.archive.units import import_units
from service.archive.voiding import void_document
from service.cases.status import CLOSED
from service.database.models import Case, Document
from service.services import Wenshu
from tests import sealed
from tests.conftest import sample

HEAD, CLERK = "刘建平", "李卫东"
UNITS = Path(__file__).resolve().parents[2] / "samples" / "units.csv"
CLOSED_ON = dt.date(2026, 5, 20)
# The kinds of the file, in the order it holds them, as this case is built.
FILED = ("case_opening", "site_record", "inquiry_record", "penalty_notice")


def open_case(wenshu: Wenshu) -> int:
    """Return the id of the story's case, its 立案审批表 approved by the head on the command line."""
    with wenshu.database.session() as session:
        import_units(session, UNITS)
    approval = Approval(head=HEAD, opinion="同意立案调查", day=dt.date(2026, 2, 4), via="cli")
    opening = open_approved_case(wenshu, sample("case_opening"), CLERK, approval)
    assert opening.case_id is not None
    return opening.case_id


def closed_case(wenshu: Wenshu, seal: bool = True) -> int:
    """Return the id of a closed case holding the instruments of FILED and one voided record.

    With seal, the seal is installed first, so the 事先告知书 (a sealed kind) is signed (it
    needs LibreOffice's pages: the blank pages of the fast tier have nowhere to press it). The records
    are issued in reverse order, so the file's order is the procedure's, not the issue's.
    The head approves an extension of the time limit too. The case is closed by its record,
    as the 结案报告 would close it.
    """
    if seal:
        sealed.install(wenshu)
    case_id = open_case(wenshu)
    for kind in ("inquiry_record", "site_record"):
        issue_document(wenshu, kind, sample(kind), CLERK, case_id=case_id)
    wrong = issue_document(
        wenshu, "inspection_record", sample("inspection_record"), CLERK, case_id=case_id
    )
    with wenshu.database.session() as session:
        void_document(session, wrong.id, "记错了被检查单位", HEAD)
    issue_document(wenshu, "penalty_notice", sample("penalty_notice"), CLERK, case_id=case_id)
    extension = request_extension(wenshu, case_id, 30, "当事人申请听证，案情复杂", CLERK)
    approve_extension(wenshu, extension.id, HEAD, "同意延长30日", via="api")
    with wenshu.database.session() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.status, case.closed_on = CLOSED, CLOSED_ON
    return case_id


def case_documents(wenshu: Wenshu, case_id: int) -> list[Document]:
    """Return the issued documents of a case, oldest first."""
    with wenshu.database.session() as session:
        return list(
            session.scalars(
                select(Document)
                .where(Document.case_id == case_id, Document.status == "issued")
                .order_by(Document.id)
            )
        )

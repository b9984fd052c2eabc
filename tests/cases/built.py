"""Cases built by hand for the procedure's pure tests: a CaseFile and its documents, no database.

The dates follow the shared story: 立案 4 February 2026, the notice served on Wednesday
11 March (its 3 working days end on 16 March, the 5 working days of the 听证 window on
18 March), the hearing on 25 March, the decision on 16 April.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from service.cases.records import CaseDocument, CaseFile
from service.cases.refusing import Errors
from service.cases.status import case_status
from service.cases.steps import step_refusals
from service.instruments.registry import get_instrument

D = dt.date
OPENED = D(2026, 2, 4)
SERVED = D(2026, 3, 11)
HEARD = D(2026, 3, 25)
REVIEWED = D(2026, 4, 8)
DISCUSSED = D(2026, 4, 13)
DECIDED = D(2026, 4, 16)
OFFICERS = [
    {"name": "李卫东", "certificate": "43060021001"},
    {"name": "彭丽君", "certificate": "43060021002"},
]
_ids = itertools.count(1)


def document(
    kind: str,
    day: dt.date,
    served_on: dt.date | None = None,
    status: str = "issued",
    **facts: Any,
) -> CaseDocument:
    """Return an instrument of the case dated day, its facts stored as JSON keeps them."""
    document_id = next(_ids)
    stored = {name: _stored(value) for name, value in facts.items()}
    return CaseDocument(
        id=document_id, kind=kind, title=get_instrument(kind).title,
        number=f"君档测〔{day.year}〕{document_id}号", status=status, document_date=day, facts=stored, served_on=served_on,
        issued_at=dt.datetime.combine(day, dt.time(9)),
    )  # fmt: skip


def case_file(
    *documents: CaseDocument, opened_on: dt.date = OPENED, extension_days: int = 0
) -> CaseFile:
    """Return an approved case holding the documents, its status read from them."""
    return CaseFile(
        id=1, number="君档立〔2026〕3号", status=case_status(True, documents),
        cause="擅自销毁档案", party="岳阳市君山区鼎盛档案服务有限公司", opened_on=opened_on,
        closed_on=None, facts={"officers": OFFICERS, "opening_date": opened_on.isoformat()},
        documents=documents, extension_days=extension_days,
    )  # fmt: skip


def notice(
    served_on: dt.date | None = SERVED,
    offered: bool = True,
    statement_days: int = 3,
    status: str = "issued",
    **facts: Any,
) -> CaseDocument:
    """Return a 事先告知书 with a fine of 45000, dated the day before it is served on served_on."""
    told = {"fine": "45000", "illegal_gains": None, "hearing_offered": offered} | facts
    day = D(2026, 3, 10) if served_on is None else served_on - dt.timedelta(days=1)
    return document("penalty_notice", day, served_on, status, statement_days=statement_days, **told)


def hearing_notice(hearing_date: dt.date = HEARD, status: str = "issued") -> CaseDocument:
    """Return a 听证通知书 of 16 March for a hearing on hearing_date."""
    return document(
        "hearing_notice", D(2026, 3, 16), D(2026, 3, 16), status, hearing_date=hearing_date,
        request_date=D(2026, 3, 13),
    )  # fmt: skip


def hearing_record(day: dt.date = HEARD) -> CaseDocument:
    """Return a 听证笔录 of a hearing held on day."""
    return document("hearing_record", day, hearing_date=day, officers=OFFICERS)


def review(
    day: dt.date = REVIEWED, conclusion: str = "同意", status: str = "issued"
) -> CaseDocument:
    """Return a 法制审核意见书 by 周敏 dated day."""
    return document("legal_review", day, None, status, conclusion=conclusion, reviewer="周敏")


def discussion(day: dt.date = DISCUSSED, conclusion: str = "给予行政处罚") -> CaseDocument:
    """Return a 集体讨论记录 of a meeting on day."""
    return document("collective_discussion", day, conclusion=conclusion, meeting_date=day)


def decision(
    day: dt.date = DECIDED, served_on: dt.date | None = None, status: str = "issued"
) -> CaseDocument:
    """Return a 行政处罚决定书 of day with a fine of 45000."""
    return document("penalty_decision", day, served_on, status, fine="45000", decision_date=day)


def heard_case(*more: CaseDocument) -> CaseFile:
    """Return the story's case up to the collective discussion: notice, hearing, review, discussion."""
    return case_file(notice(), hearing_notice(), hearing_record(), review(), discussion(), *more)


def decision_values(**changes: Any) -> dict[str, Any]:
    """Return the checked facts of the story's decision, typed as the form gives them."""
    values = {
        "decision_date": DECIDED,
        "fine": Decimal("45000"),
        "illegal_gains": None,
        "waiver_date": None,
    }
    return values | changes


def refusals(case: CaseFile, kind: str, **values: Any) -> Errors:
    """Return what the procedure's steps refuse for a kind with these checked facts."""
    return step_refusals(case, get_instrument(kind), values, {})


def messages(errors: Errors, key: str) -> str:
    """Return the messages at a key as one text, failing when there are none."""
    assert key in errors, errors
    return " ".join(errors[key])


def _stored(value: Any) -> Any:
    """Return a fact as the archive stores it (JSON: dates and amounts as strings)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value

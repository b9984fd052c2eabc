"""Tests of the order of a case's documents in its file: the procedure's steps, each receipt after what it served."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from service.custody.case_order import procedural_order


@dataclass(frozen=True)
class Filed:
    """A document of a case, as the order reads it."""

    id: int
    kind: str
    document_date: dt.date
    number: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    service_receipt_id: int | None = None


def day(month: int, date: int) -> dt.date:
    """Return a day of 2026."""
    return dt.date(2026, month, date)


def test_steps_come_in_the_procedures_order_whatever_the_order_of_issue() -> None:
    """This test ensures that a file runs 立案, evidence, orders, 告知, 听证, 法制审核, 集体讨论, decision, 结案."""
    documents = [
        Filed(1, "case_closing", day(5, 20)),
        Filed(2, "penalty_decision", day(4, 16)),
        Filed(3, "collective_discussion", day(4, 10)),
        Filed(4, "legal_review", day(4, 8)),
        Filed(5, "hearing_record", day(3, 30)),
        Filed(6, "hearing_notice", day(3, 16)),
        Filed(7, "penalty_notice", day(3, 10)),
        Filed(8, "correction_order", day(2, 20)),
        Filed(9, "inquiry_record", day(2, 10)),
        Filed(10, "site_record", day(2, 6)),
        Filed(11, "case_opening", day(2, 4)),
    ]
    shuffled = random.Random(14).sample(documents, len(documents))
    assert [d.id for d in procedural_order(shuffled)] == list(range(11, 0, -1))


def test_within_a_step_documents_go_by_date_then_by_issue() -> None:
    """This test ensures that two records of the investigation go by their dates, equal dates by id."""
    documents = [
        Filed(5, "inquiry_record", day(2, 10)),
        Filed(3, "site_record", day(2, 12)),
        Filed(4, "inspection_record", day(2, 10)),
        Filed(1, "case_opening", day(2, 4)),
    ]
    assert [d.id for d in procedural_order(documents)] == [1, 4, 5, 3]


def test_a_receipt_follows_the_document_it_served() -> None:
    """This test ensures that a 送达回证 comes right after what it served, found by id or by 文号."""
    notice = Filed(2, "penalty_notice", day(3, 10), "君档罚告〔2026〕1号", service_receipt_id=3)
    decision = Filed(4, "penalty_decision", day(4, 16), "君档罚决〔2026〕1号")
    documents = [
        Filed(6, "case_closing", day(5, 20)),
        Filed(5, "service_receipt", day(4, 17), facts={"served_number": "君档罚决〔2026〕1号"}),
        decision,
        Filed(3, "service_receipt", day(3, 11)),
        notice,
        Filed(1, "case_opening", day(2, 4)),
    ]
    assert [d.id for d in procedural_order(documents)] == [1, 2, 3, 4, 5, 6]


def test_two_receipts_of_one_document_follow_it_by_date() -> None:
    """This test ensures that a document served twice (mail returned, then 公告) is followed by both receipts in date order."""
    documents = [
        Filed(4, "service_receipt", day(4, 30), facts={"served_number": "君档罚决〔2026〕1号"}),
        Filed(3, "service_receipt", day(4, 18), facts={"served_number": "君档罚决〔2026〕1号"}),
        Filed(2, "penalty_decision", day(4, 16), "君档罚决〔2026〕1号"),
        Filed(1, "case_opening", day(2, 4)),
    ]
    assert [d.id for d in procedural_order(documents)] == [1, 2, 3, 4]


def test_what_no_step_names_comes_after_the_decision_and_before_the_closing() -> None:
    """This test ensures that a receipt of something outside the case and an unknown kind are kept, before the 结案报告."""
    documents = [
        Filed(5, "case_closing", day(5, 20)),
        Filed(4, "service_receipt", day(3, 1), facts={"served_number": "君档监通〔2026〕9号"}),
        Filed(3, "some_future_kind", day(2, 1)),
        Filed(2, "penalty_decision", day(4, 16)),
        Filed(1, "case_opening", day(2, 4)),
    ]
    assert [d.id for d in procedural_order(documents)] == [1, 2, 3, 4, 5]

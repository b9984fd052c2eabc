"""The order of a case's documents in its file: the steps of the procedure, each receipt after what it served."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

RECEIPT = "service_receipt"
# The steps of the penalty procedure (行政处罚法 第五十四条至第六十五条) in the order a file
# holds them; within a step documents go by date, then by the order they were issued.
STEPS: tuple[frozenset[str], ...] = (
    frozenset({"case_opening"}),  # 立案
    frozenset({"inquiry_record", "site_record", "inspection_record"}),  # the evidence gathered
    frozenset({"enforcement_notice", "correction_order"}),  # orders made on what was found
    frozenset({"penalty_notice"}),  # 事先告知
    frozenset({"hearing_notice", "hearing_record"}),  # 听证
    frozenset({"legal_review"}),  # 法制审核
    frozenset({"collective_discussion"}),  # 集体讨论
    frozenset({"penalty_decision"}),  # 决定
)
CLOSING = "case_closing"  # 结案报告: the file's last document


class Filed(Protocol):
    """What the order is read from: a document of the case."""

    @property
    def id(self) -> int:
        """The document's id, the order it was issued in."""

    @property
    def kind(self) -> str:
        """The instrument kind."""

    @property
    def number(self) -> str:
        """Its 文号."""

    @property
    def document_date(self) -> dt.date:
        """Its 成文日期."""

    @property
    def facts(self) -> Mapping[str, Any]:
        """Its facts; a 送达回证's name the 文号 it served (served_number)."""

    @property
    def service_receipt_id(self) -> int | None:
        """The id of the 送达回证 that served it, once recorded."""


D = TypeVar("D", bound=Filed)


def procedural_order(documents: Sequence[D]) -> list[D]:
    """Return the documents as the case file holds them.

    The procedure's steps in turn, each by date then id; a 送达回证 right after the
    document it served (found by the id the served document records, else by the 文号 the
    receipt names); a kind no step names, and a receipt of something outside the case,
    after the decision by date; the 结案报告 last.
    """
    receipts = [d for d in documents if d.kind == RECEIPT]
    others = [d for d in documents if d.kind != RECEIPT]
    served_by: dict[int, list[D]] = {}
    unmatched: list[D] = []
    for receipt in receipts:
        served = _served(receipt, others)
        if served is None:
            unmatched.append(receipt)
        else:
            served_by.setdefault(served.id, []).append(receipt)
    ordered: list[D] = []
    for document in sorted([*others, *unmatched], key=_place):
        ordered.append(document)
        ordered.extend(sorted(served_by.get(document.id, []), key=_by_date))
    return ordered


def _served(receipt: Filed, documents: Sequence[D]) -> D | None:
    """Return the document of the case a receipt served, or None."""
    for document in documents:
        if document.service_receipt_id == receipt.id:
            return document
    served_number = str(receipt.facts.get("served_number") or "")
    return next((d for d in documents if served_number and d.number == served_number), None)


def _place(document: Filed) -> tuple[int, dt.date, int]:
    """Return where a document stands: its step, then its date and id."""
    if document.kind == CLOSING:
        step = len(STEPS) + 1
    else:
        step = next((n for n, kinds in enumerate(STEPS) if document.kind in kinds), len(STEPS))
    return (step, *_by_date(document))


def _by_date(document: Filed) -> tuple[dt.date, int]:
    """Return a document's date and id, the order within a step."""
    return document.document_date, document.id

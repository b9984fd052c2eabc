"""A case's status, read from the instruments issued in it: 立案审批 to 结案."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

AWAITING, OPENED, INVESTIGATION, NOTIFIED, HEARING, DECIDED, EXECUTION, CLOSED = (
    "立案审批",  # the 立案审批表 waits for the head's approval; the case has no number yet
    "立案",
    "调查",
    "告知",
    "听证",
    "决定",
    "执行",
    "结案",
)
STATUSES = (AWAITING, OPENED, INVESTIGATION, NOTIFIED, HEARING, DECIDED, EXECUTION, CLOSED)
# The steps of a case in progress: numbered, not yet closed.
IN_PROGRESS = tuple(status for status in STATUSES if status not in (AWAITING, CLOSED))
# The evidence an investigation gathers.
RECORDS = frozenset({"inquiry_record", "site_record", "inspection_record"})


class CaseInstrument(Protocol):
    """What the status is read from: an issued instrument of the case."""

    @property
    def kind(self) -> str:
        """The instrument kind."""

    @property
    def status(self) -> str:
        """ "issued" or "voided"."""

    @property
    def served_on(self) -> object:
        """The day it was served, or None."""


def case_status(numbered: bool, documents: Sequence[CaseInstrument]) -> str:
    """Return the furthest step the case's issued instruments show; voided ones count for nothing."""
    if not numbered:
        return AWAITING
    issued = [document for document in documents if document.status == "issued"]
    kinds = {document.kind for document in issued}
    if "case_closing" in kinds:
        return CLOSED
    decisions = [document for document in issued if document.kind == "penalty_decision"]
    if decisions:
        return EXECUTION if any(d.served_on is not None for d in decisions) else DECIDED
    if "hearing_notice" in kinds or "hearing_record" in kinds:
        return HEARING
    if "penalty_notice" in kinds:
        return NOTIFIED
    if kinds & RECORDS:
        return INVESTIGATION
    return OPENED

"""The archive check: fixity and signatures of every file and the audit chain, run on demand or on a schedule, kept."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from service.archive.access import Visibility, hidden_from
from service.archive.audit import (
    UNNAMED_BREAK,
    chain_head,
    count_events,
    hidden_events_before,
    record_event,
    verify_chain,
)
from service.archive.fixity import Problem, verify_archive
from service.custody.sealed_documents import SignatureCheck, SignatureTally, seal_trust
from service.database.models import ArchiveCheck, Document, utcnow
from service.services import Wenshu

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    """What one check found: counts, the problems (fixity, signatures, chain) and temporary leftovers."""

    checked_at: dt.datetime
    documents: int
    files: int
    audit_events: int
    chain_head: str
    problems: list[Problem]
    leftovers: list[Problem]
    signatures: SignatureTally

    @property
    def ok(self) -> bool:
        """Return whether the archive, its signatures and the audit chain are intact."""
        return not self.problems

    def to_json(self) -> dict[str, object]:
        """Return the result as a JSON object."""
        return {
            "ok": self.ok,
            "checked_at": self.checked_at.isoformat(timespec="seconds"),
            "documents": self.documents,
            "files": self.files,
            "audit_events": self.audit_events,
            "chain_head": self.chain_head,
            "problems": [problem.to_json() for problem in self.problems],
            "leftovers": [leftover.to_json() for leftover in self.leftovers],
            "signatures": self.signatures.to_json(),
        }


def run_check(wenshu: Wenshu, actor: str, trigger: str) -> CheckResult:
    """Return the result of checking the archive's files, their signatures and the audit chain, after keeping it.

    The result is stored as the latest check and recorded in the audit chain as "verify".
    Each file is read once, for its fixity values and its signatures alike.
    """
    signature_check = SignatureCheck(seal_trust(wenshu))
    report = verify_archive(wenshu.database, wenshu.archive, signature_check)
    unsigned_or_changed, signatures = signature_check.problems, signature_check.tally
    with wenshu.database.session() as session:
        chain = verify_chain(session)
        events = count_events(session)
        _last_id, head = chain_head(session)
    problems = (
        report.problems
        + unsigned_or_changed
        + [
            Problem("chain", "", f"audit_events/{problem.entry_id}", problem.message)
            for problem in chain
        ]
    )
    result = CheckResult(
        report.checked_at, report.documents, report.files, events, head, problems,
        report.leftovers, signatures,
    )  # fmt: skip
    with wenshu.database.session() as session:
        session.add(
            ArchiveCheck(
                started_at=report.checked_at, finished_at=utcnow(), trigger=trigger, actor=actor,
                documents=result.documents, files=result.files, audit_events=events,
                problems=[p.to_json() for p in problems],
                leftovers=[p.to_json() for p in result.leftovers],
            )
        )  # fmt: skip
        record_event(
            session, "verify", actor, "archive",
            {"trigger": trigger, "documents": result.documents, "files": result.files,
             "problems": len(problems), "leftovers": len(result.leftovers), "chain_head": head,
             "signatures": signatures.to_json()},
        )  # fmt: skip
    return result


def last_check(wenshu: Wenshu) -> ArchiveCheck | None:
    """Return the latest stored check, if any."""
    with wenshu.database.session() as session:
        return session.scalar(select(ArchiveCheck).order_by(ArchiveCheck.id.desc()).limit(1))


def stored_problems(check: ArchiveCheck) -> list[Problem]:
    """Return a stored check's problems as Problem values."""
    return [Problem(**problem) for problem in check.problems]


@dataclass(frozen=True)
class CheckSeen:
    """A stored check as one reader is shown it: counts and problems without hidden documents."""

    check: ArchiveCheck
    documents: int
    files: int
    audit_events: int
    problems: list[Problem]


def check_as_seen(session: Session, check: ArchiveCheck, classifications: Visibility) -> CheckSeen:
    """Return the check as a reader who sees the 密级 in classifications (None: all) is shown it.

    A document the reader may not see is answered as if it did not exist: it is not counted
    (nor its file, nor the audit entries about it), and no problem naming its 文号 or file
    is listed; a break in the audit chain at an entry about it is listed without its name.
    """
    hidden = hidden_from(session, classifications)
    problems = []
    for problem in stored_problems(check):
        if not hidden.mentioned_in(problem.number, problem.path, problem.message):
            problems.append(problem)
        elif problem.kind == "chain":  # the chain is everyone's; the entry's subject is not
            problems.append(replace(problem, message=UNNAMED_BREAK))
    if classifications is None:
        return CheckSeen(check, check.documents, check.files, check.audit_events, problems)
    # Records are never deleted, so those hidden now and issued before the check were counted.
    counted = session.execute(
        select(
            func.count(Document.id),
            func.count(distinct(Document.pdf_path)),
            func.count(distinct(func.nullif(Document.ofd_path, ""))),
        ).where(
            Document.classification.not_in(classifications),
            Document.issued_at <= check.started_at,
        )
    ).one()
    events = hidden_events_before(session, check.audit_events, classifications)
    return CheckSeen(
        check,
        max(0, check.documents - counted[0]),
        max(0, check.files - counted[1] - counted[2]),
        max(0, check.audit_events - events),
        problems,
    )

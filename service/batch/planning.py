"""Pending rows checked again and numbered: chunks of copies of one year, in row order.

Copies of a kind numbered on their own take the next numbers of their series, one each;
copies of a document sent to many units share its 文号 and take the next 份号
(service.batch.shared).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import update

from service.accounts.people import person_name
from service.acts.errors import NotIssued
from service.archive.access import issuer_classifications
from service.archive.numbering import peek_next_sequence
from service.batch.rendering import PlannedCopy
from service.batch.shared import SharedDocument, new_document, recorded_document
from service.batch.validation import RowProblem, SnapshotArchive, check_row, merged_facts
from service.database.batch_models import INVALID, PENDING, BatchItem, BatchJob
from service.database.models import utcnow
from service.foundations.formatting import format_document_number
from service.instruments.facts import Facts
from service.instruments.registry import Instrument, Numbering
from service.instruments.request import agency_code, computed_values, document_metadata
from service.render.pdfa import DocumentMetadata
from service.services import Wenshu


class RowsInvalid(NotIssued):
    """Raised when a row fails its rules at rendering time and the job does not skip such rows."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__("\n".join(problem.line() for problem in problems))
        self.problems = list(problems)


class ChunkPlanner:
    """Checks pending rows again and gives them numbers, one chunk of one year at a time."""

    def __init__(self, wenshu: Wenshu, job: BatchJob, instrument: Instrument) -> None:
        self.wenshu = wenshu
        self.job = job
        self.instrument = instrument
        # Rows are checked again as their issuer would read the archive, no more.
        with wenshu.database.session() as session:
            visible = issuer_classifications(session, job.issued_by, wenshu.settings.policy)
            # The copies name the person as 经办人, not the login the job records.
            self.agent = person_name(session, job.issued_by)
        self.archive = SnapshotArchive(wenshu.database, visible)
        self.agency_code = agency_code(instrument, wenshu.settings.bureau)
        self.next_sequence: dict[int, int] = {}
        self.invalidated = 0

    def chunks(self, items: Sequence[BatchItem], size: int) -> Iterator[list[PlannedCopy]]:
        """Yield numbered chunks of at most size copies, each of one year, in row order."""
        if self.instrument.numbering is Numbering.SHARED:
            yield from self._shared_chunks(items, size)
            return
        group: list[tuple[BatchItem, Facts]] = []
        for item, facts in self._checked(items):
            if group and (len(group) == size or self._year(group[0][1]) != self._year(facts)):
                yield self._numbered(group)
                group = []
            group.append((item, facts))
        if group:
            yield self._numbered(group)

    def _checked(self, items: Sequence[BatchItem]) -> Iterator[tuple[BatchItem, Facts]]:
        """Yield the rows that still pass their rules with their facts, as they are checked."""
        for item in items:
            checked = check_row(
                self.instrument,
                item.row_number,
                merged_facts(self.job.common_facts, item.facts),
                self.archive,
                self.wenshu.settings.policy,
            )
            if checked.facts is None:
                self._invalid(item, checked.errors)
            else:
                yield item, checked.facts

    def _year(self, facts: Facts) -> int:
        """Return the year a copy is numbered in: that of its 成文日期."""
        year: int = facts.values[self.instrument.date_field].year
        return year

    def _invalid(self, item: BatchItem, errors: dict[str, list[str]]) -> None:
        """Record a row that no longer passes its rules, or stop the job if it does not skip."""
        if not self.job.skip_invalid:
            raise RowsInvalid(
                [RowProblem(item.row_number, k, m) for k, ms in errors.items() for m in ms]
            )
        with self.wenshu.database.session() as session:
            session.execute(
                update(BatchItem)
                .where(BatchItem.id == item.id, BatchItem.status == PENDING)
                .values(status=INVALID, errors=errors)
            )
            session.execute(
                update(BatchJob).where(BatchJob.id == self.job.id).values(total=BatchJob.total - 1)
            )
        self.invalidated += 1

    def _numbered(self, group: list[tuple[BatchItem, Facts]]) -> list[PlannedCopy]:
        """Return the group as copies with the next numbers of their series and year."""
        instrument = self.instrument
        year = self._year(group[0][1])
        if year not in self.next_sequence:
            with self.wenshu.database.session() as session:
                self.next_sequence[year] = peek_next_sequence(session, instrument.series, year)
        issued_at = utcnow()
        copies = []
        for item, facts in group:
            sequence = self.next_sequence[year]
            self.next_sequence[year] += 1
            number = format_document_number(self.agency_code, year, sequence)
            metadata = document_metadata(
                instrument, facts, number, self.wenshu.settings.bureau,
                agent=self.agent, action_time=issued_at,
            )  # fmt: skip
            copies.append(
                PlannedCopy(
                    item_id=item.id,
                    row_number=item.row_number,
                    facts=facts,
                    extra=computed_values(instrument, facts, self.archive),
                    year=year,
                    sequence=sequence,
                    number=number,
                    recipient=str(facts.values.get(instrument.recipient_field) or ""),
                    issued_at=issued_at,
                    metadata=metadata,
                )
            )
        return copies

    def _shared_chunks(self, items: Sequence[BatchItem], size: int) -> Iterator[list[PlannedCopy]]:
        """Yield chunks of copies of one document: its 文号 and content, each its own 份号.

        Every row is checked before the first copy is planned, so that the 主送 list names
        exactly the units that receive a copy. A job with copies recorded goes on with the
        document they are copies of.
        """
        rows = list(self._checked(items))
        if not rows:
            return
        collective = self.job.common_facts.get(self.instrument.recipient_field)
        document = recorded_document(self.wenshu, self.job.id) or new_document(
            self.wenshu, self.instrument, [facts for _item, facts in rows], self.archive,
            collective,
        )  # fmt: skip
        issued_at = utcnow()
        metadata = document_metadata(
            self.instrument, rows[0][1], document.number, self.wenshu.settings.bureau,
            agent=self.agent, action_time=issued_at,
        )  # fmt: skip
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            yield [
                self._copy(document, item, facts, document.next_copy + start + index, metadata)
                for index, (item, facts) in enumerate(chunk)
            ]

    def _copy(
        self,
        document: SharedDocument,
        item: BatchItem,
        facts: Facts,
        copy_number: int,
        metadata: DocumentMetadata,
    ) -> PlannedCopy:
        """Return one planned copy of a shared document; the first one claims the 文号."""
        return PlannedCopy(
            item_id=item.id,
            row_number=item.row_number,
            facts=facts,
            extra={},
            year=document.year,
            sequence=document.sequence,
            number=document.number,
            recipient=str(facts.values.get(self.instrument.recipient_field) or ""),
            issued_at=metadata.action_time,
            metadata=metadata,
            copy_number=copy_number,
            context=document.copy_context(copy_number),
            claims=copy_number == 1 and not document.claimed,
        )

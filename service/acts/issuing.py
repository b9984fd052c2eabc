"""Issuing an instrument: validate, number, render, store and record, all or nothing."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError

from service.accounts.people import person_name
from service.acts.casework import (
    OPENING,
    Approval,
    Service,
    case_values,
    file_in_case,
    printed,
    procedure_checked,
    record_service,
    recorded_case,
    refuse_receipt_without_service,
    settle_approval,
)
from service.acts.drawing import kept_draw, refuse_unrecorded_draw
from service.acts.due_table import record_due
from service.acts.errors import FactsRefused, NumbersBusy, archive_refusal, nothing_used
from service.acts.ofd_files import ArchivedOfd, ofd_event, written_ofd
from service.acts.sealing import sealed_request, signed
from service.archive.access import Visibility
from service.archive.audit import record_event
from service.archive.discard import discard_unrecorded
from service.archive.lookup import DatabaseArchiveView
from service.archive.numbering import NumberTaken, claim_sequence, peek_next_sequence
from service.archive.store import Fixity, fixity_of
from service.archive.templates import LoadedTemplate, active_template
from service.cases.records import CaseFile
from service.database.models import Document, utcnow
from service.foundations.formatting import format_document_number
from service.instruments.facts import Facts, validate_facts
from service.instruments.registry import Instrument, get_instrument
from service.instruments.request import (
    agency_code,
    build_render_request,
    computed_values,
    document_metadata,
)
from service.render.pdfa import RenderedPdf
from service.render.pipeline import render_pdf
from service.render.stages import NO_TIMER, StageTimer
from service.services import Wenshu

MAX_ATTEMPTS = 5
_series_locks: dict[tuple[str, int], threading.Lock] = {}
_series_locks_guard = threading.Lock()


def _series_lock(series: str, year: int) -> threading.Lock:
    """Return the in-process lock serialising renders of one series and year."""
    with _series_locks_guard:
        return _series_locks.setdefault((series, year), threading.Lock())


def issue_document(
    wenshu: Wenshu,
    kind: str,
    raw_facts: Mapping[str, Any],
    issued_by: str,
    classifications: Visibility = None,
    case_id: int | None = None,
    approval: Approval | None = None,
    service: Service | None = None,
    timer: StageTimer = NO_TIMER,
) -> Document:
    """Return the recorded document after validating, numbering, rendering and archiving it.

    The 文号 printed in the PDF is the next in its series; it is claimed in the same
    transaction that records the document, so a failure at any step leaves neither a used
    number nor a file. Every expected failure is a NotIssued (service.acts.errors):
    KindUnknown or FactsRefused before anything is rendered, then TemplateUnusable,
    ConversionFailed, ArchiveUnwritable or NumbersBusy. Rules and computed content read
    only the documents of the 密级 in classifications (None: all), those the issuer may see.

    case_id names the enforcement case it is issued in; the procedure's refusals are
    FactsRefused keyed by field or "case". A kind the head approves is issued only with
    the approval given (service.acts.approving), which it prints and the audit entry keeps.
    A 送达回证 is issued only with the service it records (service.acts.serving), which
    marks the served document served in the same transaction. timer receives the time of
    each stage when a benchmark asks for it.
    """
    with nothing_used():
        instrument = get_instrument(kind)
        if instrument.approval and approval is None:
            raise FactsRefused({"case": [f"{instrument.title}须经负责人批准后才能编号印发"]})
        refuse_receipt_without_service(instrument, service)
        with timer.stage("facts"):
            archive = DatabaseArchiveView(wenshu.database, classifications)
            facts = validate_facts(instrument, raw_facts, archive, wenshu.settings.policy)
            case_file = procedure_checked(wenshu, instrument, facts, case_id)
            if instrument.draw_rules is not None:
                with wenshu.database.session() as session:
                    refuse_unrecorded_draw(session, instrument, facts, issued_by)
            extra = computed_values(
                instrument, facts, archive, **case_values(case_file), approval=printed(approval)
            )
        year = facts.values[instrument.date_field].year
        # Within one process, renders of a series wait their turn instead of racing for the
        # same number; across processes the compare-and-set in claim_sequence decides.
        with _series_lock(instrument.series, year):
            for _attempt in range(MAX_ATTEMPTS):
                try:
                    return _issue_once(
                        wenshu, instrument, facts, extra, year, issued_by, case_file, approval,
                        service, timer,
                    )  # fmt: skip
                except NumberTaken:
                    continue
        raise NumbersBusy(f"{instrument.title}：另有{MAX_ATTEMPTS}份文书同时取号，请稍后重试")


def _issue_once(
    wenshu: Wenshu,
    instrument: Instrument,
    facts: Facts,
    extra: dict[str, Any],
    year: int,
    issued_by: str,
    case_file: CaseFile | None = None,
    approval: Approval | None = None,
    service: Service | None = None,
    timer: StageTimer = NO_TIMER,
) -> Document:
    """Render with the next free number and record it; raise NumberTaken if it went meanwhile."""
    with timer.stage("database"), wenshu.database.session() as session:
        sequence = peek_next_sequence(session, instrument.series, year)
        template = active_template(session, wenshu.templates, instrument.kind)
        agent = person_name(session, issued_by)  # printed as 经办人: the person, not the login
    bureau = wenshu.settings.bureau
    number = format_document_number(agency_code(instrument, bureau), year, sequence)
    if instrument.kind == OPENING:  # the 立案审批表's 文号 is the number of the case it opens
        extra = {**extra, "case_number": number}
    issued_at = utcnow()
    metadata = document_metadata(
        instrument, facts, number, bureau, agent=agent, action_time=issued_at
    )
    request = build_render_request(
        instrument, facts, extra, number, template.data, bureau, metadata
    )
    request, seal = sealed_request(wenshu, instrument, request, timer)
    pdf = signed(render_pdf(request, wenshu.converter, timer), seal, timer)
    ofd = written_ofd(pdf.data, metadata, timer)
    with timer.stage("archive"):
        # The final bytes are hashed once, in memory, and stored as they are: never read back.
        fixity, ofd_fixity = fixity_of(pdf.data), fixity_of(ofd)
        stored: list[str] = []
        try:
            stored.append(wenshu.archive.put(pdf.data, fixity.sha256))
            stored.append(wenshu.archive.put(ofd, ofd_fixity.sha256, "ofd"))
        except OSError as error:
            discard_unrecorded(wenshu.database, wenshu.archive, stored)
            raise archive_refusal(wenshu.archive.root, error) from error
        relative, ofd_relative = stored
    try:
        with timer.stage("database"), wenshu.database.session() as session:
            claim_sequence(session, instrument.series, year, sequence)
            # Again where it counts: an issue of the same draw may have been recorded meanwhile.
            refuse_unrecorded_draw(session, instrument, facts, issued_by)
            document = document_record(
                instrument, facts, template, year=year, sequence=sequence, number=number,
                recipient=str(facts.values.get(instrument.recipient_field) or ""),
                pdf=pdf, fixity=fixity, path=relative, issued_by=issued_by, issued_at=issued_at,
                context=request.context, ofd=ArchivedOfd(ofd_relative, ofd_fixity),
            )  # fmt: skip
            session.add(document)
            session.flush()
            record_event(
                session, "issue", issued_by, number,
                {"document_id": document.id, "kind": instrument.kind, "sha256": fixity.sha256,
                 "sm3": fixity.sm3, "path": relative, **ofd_event(document),
                 **kept_draw(instrument, facts), **recorded_case(case_file, approval)},
            )  # fmt: skip
            if case_file is not None:
                file_in_case(session, case_file.id, document)
            if approval is not None:
                settle_approval(session, approval, document.id)
            if service is not None:
                record_service(session, service, document)
            record_due(session, document)
    except (NumberTaken, IntegrityError) as error:
        discard_unrecorded(wenshu.database, wenshu.archive, stored)
        raise NumberTaken(str(error)) from error
    except BaseException:
        discard_unrecorded(wenshu.database, wenshu.archive, stored)
        raise
    return document


def document_record(
    instrument: Instrument,
    facts: Facts,
    template: LoadedTemplate,
    *,
    year: int,
    sequence: int,
    number: str,
    recipient: str,
    pdf: RenderedPdf,
    fixity: Fixity,
    path: str,
    issued_by: str,
    issued_at: dt.datetime,
    context: Mapping[str, Any],
    copy_number: int = 0,
    ofd: ArchivedOfd | None = None,
) -> Document:
    """Return the record every issued document keeps, one by one or in a batch.

    context is the one the template was filled with, kept so that a re-render reproduces
    the archived file whatever has changed since in the archive it was computed from.
    copy_number is the 份号 of a copy of a document sent to many units (0: none); ofd is
    where its OFD was archived, with its fixity values.
    """
    ofd_values = (
        {"ofd_path": ofd.path, "ofd_size": ofd.fixity.size, "ofd_sha256": ofd.fixity.sha256,
         "ofd_sm3": ofd.fixity.sm3}
        if ofd is not None
        else {}
    )  # fmt: skip
    return Document(
        kind=instrument.kind,
        title=instrument.title,
        series=instrument.series,
        year=year,
        sequence=sequence,
        number=number,
        copy_number=copy_number,
        numbering=instrument.numbering.value,
        recipient=recipient,
        document_date=facts.values[instrument.date_field],
        facts=facts.to_json(),
        template_id=template.id,
        template_version=template.version,
        template_sha256=template.sha256,
        pdf_path=path,
        size=fixity.size,
        pages=pdf.pages,
        sha256=fixity.sha256,
        sm3=fixity.sm3,
        retention=instrument.retention,
        classification=instrument.classification,
        issued_by=issued_by,
        issued_at=issued_at,
        warnings=[*facts.warnings, *pdf.warnings],
        context=storable_context(context),
        **ofd_values,
    )


def storable_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """Return a rendered context as kept with its document: JSON that reads back the same.

    Contexts hold strings, numbers, booleans, lists and dicts with string keys (dates and
    amounts are already printed), so a re-render from the kept copy fills the template as
    the issue did. Anything JSON would change (a date, a tuple, a number as key, NaN) is a
    defect of the context's builder; TypeError is raised rather than keep another context.
    """
    try:
        stored: dict[str, Any] = json.loads(
            json.dumps(context, ensure_ascii=False, allow_nan=False)
        )
    except (TypeError, ValueError) as error:
        raise TypeError(f"the rendered context cannot be kept as JSON: {error}") from error
    if stored != context:
        raise TypeError("the rendered context reads back changed from JSON (a tuple or a key)")
    return stored

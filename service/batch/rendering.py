"""A chunk of copies rendered to finished PDF/A: merged in one LibreOffice call and split, or one by one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.acts.sealing import signature_lines
from service.archive.store import Fixity
from service.archive.templates import LoadedTemplate
from service.batch.compose import CompiledTemplate, merge_obstacle
from service.batch.finishing import ConvertedCopy, FinishingPool, finish
from service.batch.fitting import convert_merged_fitted
from service.batch.split import SplitFailed
from service.foundations.config import Bureau
from service.instruments.facts import Facts
from service.instruments.registry import Instrument
from service.instruments.request import build_render_request
from service.render.office.converter import Converter
from service.render.pdfa import DocumentMetadata, RenderedPdf
from service.render.pipeline import render_pdf
from service.render.request import RenderRequest
from service.render.sealing import BureauSeal

log = logging.getLogger(__name__)
# The fewest copies of a chunk finished by worker processes rather than the batch's threads.
WORKERS_FROM = 16


@dataclass(frozen=True)
class PlannedCopy:
    """One copy about to be rendered: its row, facts, 文号 and the metadata it will carry.

    A copy of a document sent to many units (service.batch.shared) has its 份号 and the
    document's context, filled once for all copies; only the copy that first records the
    shared 文号 claims it. Any other copy is numbered on its own and claims its number.
    """

    item_id: int
    row_number: int
    facts: Facts
    extra: dict[str, Any]
    year: int
    sequence: int
    number: str
    recipient: str
    issued_at: dt.datetime
    metadata: DocumentMetadata
    copy_number: int = 0  # 份号; 0 for a document of its own
    context: Mapping[str, Any] | None = None  # filled already; else built from the facts
    claims: bool = True  # whether recording it advances the series to its sequence


@dataclass(frozen=True)
class RenderedCopy:
    """A finished copy: its PDF/A with metadata, its fixity values, the context it was filled with."""

    plan: PlannedCopy
    pdf: RenderedPdf
    fixity: Fixity
    context: Mapping[str, Any]
    # The same pages as OFD, written from the final PDF (service.render.ofd); its fixity values.
    ofd: bytes = b""
    ofd_fixity: Fixity | None = None


# A copy converted, its metadata written: its plan, its PDF, the context it was filled with.
Converted = tuple[PlannedCopy, RenderedPdf, Mapping[str, Any]]


class ChunkRenderer:
    """Renders chunks of copies of one template; safe to call from several threads at once."""

    ofd = (
        True  # whether copies get their OFD: always, but to measure what it costs (bench/batch.py)
    )

    def __init__(
        self,
        instrument: Instrument,
        template: LoadedTemplate,
        bureau: Bureau,
        converter: Converter,
        seal: BureauSeal | None = None,
    ) -> None:
        self.instrument = instrument
        self.template = template
        self.bureau = bureau
        self.converter = converter
        # The installed seal and signer when the kind bears a seal, pressed on every copy.
        self.seal = seal
        self._pool_lock = threading.Lock()
        # Started by the first chunk worth it, before it is converted, so that its processes
        # are up when the chunk is.
        self._pool: FinishingPool | None = None
        self.compiled = CompiledTemplate(template.data)
        # Whether copies merge depends on the template alone: every converter takes options.
        obstacle = merge_obstacle(template.data)
        if obstacle:
            log.info("%s: copies converted one by one: %s", instrument.kind, obstacle)
        self.merging = obstacle is None

    def render(self, copies: Sequence[PlannedCopy]) -> list[RenderedCopy]:
        """Return the copies rendered, in order: sealed and signed when the kind bears the seal.

        Each copy's OFD is written from its final PDF. Both are made, and hashed, by worker
        processes (service.batch.finishing); a chunk of fewer than WORKERS_FROM copies is
        finished here, where the fonts are often made already, rather than in workers that
        would first make them (about a second each).
        """
        pool = self._finishing() if len(copies) >= WORKERS_FROM else None
        converted = self._converted(copies)
        unfinished = [
            ConvertedCopy(pdf.data, plan.metadata, self._lines(context), with_ofd=self.ofd)
            for plan, pdf, context in converted
        ]
        finished = (
            pool.finish_all(unfinished)
            if pool is not None
            else [finish(copy, self.seal) for copy in unfinished]
        )
        return [
            RenderedCopy(
                plan,
                dataclasses.replace(pdf, data=done.pdf),
                done.fixity,
                context,
                ofd=done.ofd,
                ofd_fixity=done.ofd_fixity,
            )
            for (plan, pdf, context), done in zip(converted, finished, strict=True)
        ]

    def close(self) -> None:
        """Stop the worker processes that finish the copies."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def _converted(self, copies: Sequence[PlannedCopy]) -> list[Converted]:
        """Return the copies converted and their metadata written, in order."""
        with tempfile.TemporaryDirectory(prefix="wenshu-batch-") as work:
            if self.merging and len(copies) > 1:
                try:
                    return self._render_merged(copies, Path(work))
                except SplitFailed as error:
                    log.warning("merged conversion could not be split (%s); one by one", error)
            return [self._render_one(copy) for copy in copies]

    def _render_merged(self, copies: Sequence[PlannedCopy], work: Path) -> list[Converted]:
        """Fill every copy, convert them as one document, cut it, and write each part's metadata.

        Copies crowded onto a lonely last page are merged again tighter (service.batch.fitting).
        """
        contexts = [self._request(copy).context for copy in copies]
        bodies = [self.compiled.render_body(dict(context)) for context in contexts]
        metadata = [copy.metadata for copy in copies]
        pdfs = convert_merged_fitted(self.compiled, bodies, self.converter, work, metadata)
        return list(zip(copies, pdfs, contexts, strict=True))

    def _request(self, copy: PlannedCopy) -> RenderRequest:
        """Return what is rendered for one copy, built as for a single document."""
        if copy.context is not None:
            return RenderRequest(copy.context, template=self.template.data, metadata=copy.metadata)
        return build_render_request(
            self.instrument, copy.facts, copy.extra, copy.number, self.template.data,
            self.bureau, copy.metadata,
        )  # fmt: skip

    def _render_one(self, copy: PlannedCopy) -> Converted:
        """Render one copy the way a single document is rendered."""
        request = self._request(copy)
        return copy, render_pdf(request, self.converter), request.context

    def _lines(self, context: Mapping[str, Any]) -> tuple[str, str] | None:
        """Return the 发文机关署名 and 成文日期 the seal presses on, or None when no seal is pressed."""
        if self.seal is None:
            return None
        return signature_lines(self.instrument, context)

    def _finishing(self) -> FinishingPool:
        """Return the pool finishing this renderer's copies, started again if it was closed."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = FinishingPool(self.seal)
            return self._pool

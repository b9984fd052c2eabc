"""Conversion that keeps the signature and the 版记 with the text: pages checked, spacing tightened as GB/T 9704 7.3.5 allows.

A document is converted as filled; only when a page is crowded out (service.render.crowding:
only the 版记, only the signature, blank, or a page left short before them) is it converted
again with its body set tighter, at most twice. The standard's remedy is to "adjust line
and character spacing"; the type size never changes (the body stays 3号, 16 pt), and the
tightest setting stays legible: 24 lines a page (26.5 pt apart, 1.66 times the type size,
against 22 lines and 29 pt) and 29 characters a line (15.25 pt a character, against 28 and
15.8 pt). When no setting cures it, the best attempt is kept (the earliest of equals, so
the untightened one when none helps) and each lonely page left becomes a warning recorded
with the document, rather than a refusal to issue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from service.render.baselines import drop_destinations
from service.render.crowding import ConvertedPages, Crowding, TextFrame, crowded_pages
from service.render.office.converter import Converter
from service.render.ooxml.anchors import DESTINATION_OPTIONS, anchor_names, marked_package
from service.render.ooxml.spacing import BodyGrid, body_grid, tightened
from service.render.pdfa import DocumentMetadata, RenderedPdf, metadata_written
from service.render.seal import SealPlacement, press_seal
from service.render.stages import NO_TIMER, StageTimer


@dataclass(frozen=True)
class Tightening:
    """A tighter body grid: lines a page, characters a line."""

    lines: int
    chars: int

    def apply(self, docx: bytes, grid: BodyGrid) -> bytes:
        """Return the package with its body set on this grid."""
        return tightened(docx, grid, self.lines, self.chars)

    def frame(self, grid: BodyGrid) -> TextFrame:
        """Return the text frame the pages of a package set on this grid are measured in."""
        return TextFrame.of(grid, self.lines)


# First a line more a page; then two lines more and a character more a line.
TIGHTENINGS = (Tightening(23, 28), Tightening(24, 29))


@dataclass(frozen=True)
class Attempt:
    """One conversion of a document: its PDF, what is wrong with its pages, and how it was set."""

    path: Path
    problems: tuple[Crowding, ...]
    tightening: Tightening | None = None

    @property
    def score(self) -> tuple[int, int]:
        """Return how bad the pages are: lonely pages first, then the empty lines of gaps."""
        lonely = sum(1 for problem in self.problems if problem.lonely)
        return lonely, sum(problem.empty_lines for problem in self.problems)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Return the lonely pages as warnings to record with the document: what, where, what to do.

        A gap left is no warning: the page after it holds text with the signature, as it must.
        """
        tightest = TIGHTENINGS[-1]
        return tuple(
            f"版面：{problem.text}；已按 GB/T 9704 第7.3.5条把行距、字距收紧到每页{tightest.lines}行、"
            f"每行{tightest.chars}字（字号不变）仍未能排开。请核对 PDF，可精简正文或抄送机关后"
            "作废重发，或请模板维护人员调整版式"
            for problem in self.problems
            if problem.lonely
        )


# Converts the documents of the given indices, set on a tighter grid (or as filled, for None).
Converting = Callable[[Sequence[int], Tightening | None], Sequence[Attempt]]


def fit_documents(count: int, convert: Converting) -> list[Attempt]:
    """Return the best attempt of each of count documents, tightening only the crowded ones.

    Every document is converted as filled; those with problems are converted again at each
    tightening in turn, until none is left. The best attempt has the fewest lonely pages, then
    the fewest empty lines left in gaps; the earliest of equals.
    """
    best: dict[int, Attempt] = {}
    pending = list(range(count))
    for tightening in (None, *TIGHTENINGS):
        if not pending:
            break
        for index, attempt in zip(pending, convert(pending, tightening), strict=True):
            if index not in best or attempt.score < best[index].score:
                best[index] = attempt
        pending = [index for index in pending if best[index].problems]
    return [best[index] for index in range(count)]


def convert_fitted(
    docx: bytes, work: Path, name: str, converter: Converter, timer: StageTimer = NO_TIMER
) -> Attempt:
    """Return the best conversion of a filled DOCX, its PDF written in work (as name…pdf).

    The PDF still holds the destinations that found the signature and the 版记: finished_pdf
    drops them as it writes the metadata, so that the file is rewritten once.
    """
    with timer.stage("fit"):
        grid = body_grid(docx)
        marked = marked_package(docx)

    def convert(_: Sequence[int], tightening: Tightening | None) -> list[Attempt]:
        with timer.stage("fit"):
            source = tightening.apply(marked, grid) if tightening else marked
            stem = f"{name}-{tightening.lines}x{tightening.chars}" if tightening else name
            docx_path, pdf_path = work / f"{stem}.docx", work / f"{stem}.pdf"
            docx_path.write_bytes(source)
        with timer.stage("convert"):
            converter.convert(docx_path, pdf_path, DESTINATION_OPTIONS)
        with timer.stage("fit"):
            frame = tightening.frame(grid) if tightening else TextFrame.of(grid)
            with pikepdf.open(pdf_path) as pdf:
                converted = ConvertedPages(pdf, frame)
                problems = crowded_pages(converted, range(len(pdf.pages)), anchor_names())
        return [Attempt(pdf_path, problems, tightening)]

    return fit_documents(1, convert)[0]


def finished_pdf(
    attempt: Attempt,
    metadata: DocumentMetadata,
    seal: SealPlacement | None = None,
    timer: StageTimer = NO_TIMER,
) -> RenderedPdf:
    """Return the attempt's PDF with its destinations dropped, the seal pressed if given, and
    its metadata written: one pass over the open file, saved once."""
    with pikepdf.open(attempt.path) as pdf:
        if seal is not None:
            with timer.stage("seal"):
                press_seal(pdf, seal)
        with timer.stage("metadata"):
            # The bookmarks were only there to find the signature and the 版记.
            drop_destinations(pdf)
            return metadata_written(pdf, metadata, attempt.warnings)

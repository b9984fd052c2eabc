"""Previews: an instrument rendered from checked facts with no 文号, no archive file and no record."""

from __future__ import annotations

import struct
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.accounts.people import person_name
from service.acts.drawing import refuse_unrecorded_draw
from service.acts.errors import PageUndrawable, nothing_used
from service.archive.access import Visibility
from service.archive.lookup import DatabaseArchiveView
from service.archive.templates import active_template
from service.database.models import utcnow
from service.instruments.facts import Facts, validate_facts
from service.instruments.registry import Instrument, get_instrument
from service.instruments.request import (
    agency_code,
    build_render_request,
    computed_values,
    document_metadata,
)
from service.render.pages import page_png
from service.render.pdfa import RenderedPdf
from service.render.pipeline import render_pdf
from service.services import Wenshu

PREVIEW_MARK = "（预览）"
PREVIEW_ACTION = "预览（未编号，未归档）"
PREVIEW_DPI = 72  # sharp enough to read the text on a form page, small enough for a data: URI


@dataclass(frozen=True)
class FirstPage:
    """The first page of a preview as a PNG image, and how many pages the preview has."""

    png: bytes
    pages: int

    @property
    def size(self) -> tuple[int, int]:
        """Return the image's width and height in pixels, read from the PNG header."""
        width, height = struct.unpack(">II", self.png[16:24])
        return width, height


def preview_number(agency_code: str, year: int) -> str:
    """Return the placeholder printed where the 文号 goes: 君档监通〔2026〕　号（预览）."""
    # The ideographic space keeps the gap a number would fill; the mark says it is not one.
    return f"{agency_code}〔{year}〕\u3000号{PREVIEW_MARK}"


def preview_pdf(
    wenshu: Wenshu,
    kind: str,
    raw_facts: Mapping[str, Any],
    previewed_by: str = "",
    classifications: Visibility = None,
) -> bytes:
    """Return the instrument as a PDF marked as a preview, checked exactly as for issuing.

    Raises NotIssued for every expected failure, as issue_document does. The active
    template, the context hook and the bureau are the ones issuing would use; only the 文号
    is a placeholder and the metadata says preview. Nothing is numbered, stored or recorded.
    As for issuing, only documents of the 密级 in classifications are read (None: all).
    """
    return _render_preview(wenshu, kind, raw_facts, previewed_by, classifications).data


def preview_first_page(
    wenshu: Wenshu,
    kind: str,
    raw_facts: Mapping[str, Any],
    previewed_by: str = "",
    dpi: int = PREVIEW_DPI,
    classifications: Visibility = None,
) -> FirstPage:
    """Return the preview's first page as a PNG image with its page count.

    Raises as preview_pdf does, and PageUndrawable when the page cannot be drawn.
    """
    pdf = _render_preview(wenshu, kind, raw_facts, previewed_by, classifications)
    (png,) = _drawn_pages(pdf.data, range(1, 2), dpi)
    return FirstPage(png, pdf.pages)


@dataclass(frozen=True)
class EveryPage:
    """Every page of a preview as PNG images, and the warnings its layout left."""

    pngs: tuple[bytes, ...]
    warnings: tuple[str, ...]

    def sizes(self) -> list[tuple[int, int]]:
        """Return each image's width and height in pixels, read from its PNG header."""
        return [struct.unpack(">II", png[16:24]) for png in self.pngs]


def preview_every_page(
    wenshu: Wenshu,
    kind: str,
    raw_facts: Mapping[str, Any],
    previewed_by: str = "",
    dpi: int = PREVIEW_DPI,
    classifications: Visibility = None,
) -> EveryPage:
    """Return every page of the preview as an image, for the clerk to review before numbering.

    Raises as preview_pdf does, and PageUndrawable when a page cannot be drawn.
    """
    pdf = _render_preview(wenshu, kind, raw_facts, previewed_by, classifications)
    return EveryPage(_drawn_pages(pdf.data, range(1, pdf.pages + 1), dpi), pdf.warnings)


def _drawn_pages(pdf: bytes, pages: range, dpi: int) -> tuple[bytes, ...]:
    """Return the PDF's pages as PNG images; raise PageUndrawable when one cannot be drawn."""
    with tempfile.TemporaryDirectory(prefix="wenshu-preview-") as work:
        path = Path(work) / "preview.pdf"
        path.write_bytes(pdf)
        try:
            return tuple(page_png(path, page, dpi) for page in pages)
        except (OSError, ValueError, subprocess.SubprocessError) as error:
            raise PageUndrawable(f"预览图无法绘制：{error}") from error


def _render_preview(
    wenshu: Wenshu,
    kind: str,
    raw_facts: Mapping[str, Any],
    previewed_by: str,
    classifications: Visibility,
) -> RenderedPdf:
    """Return the validated facts rendered with the placeholder number and preview metadata."""
    with nothing_used():
        instrument = get_instrument(kind)
        archive = DatabaseArchiveView(wenshu.database, classifications)
        facts = validate_facts(instrument, raw_facts, archive, wenshu.settings.policy)
        extra = computed_values(instrument, facts, archive)
        with wenshu.database.session() as session:
            # A preview shows the list of a recorded draw, as issuing would, never of a typed seed.
            refuse_unrecorded_draw(session, instrument, facts, previewed_by)
            template = active_template(session, wenshu.templates, instrument.kind)
            # The preview names the person as 经办人, as the issued document will.
            agent = person_name(session, previewed_by) if previewed_by else "—"
        return render_unnumbered(
            wenshu, instrument, facts, extra, template.data, agent, PREVIEW_ACTION
        )


def render_unnumbered(
    wenshu: Wenshu,
    instrument: Instrument,
    facts: Facts,
    extra: dict[str, Any],
    template: bytes,
    agent: str,
    action: str,
) -> RenderedPdf:
    """Return facts rendered with a template under the preview number, marked as a preview.

    Nothing is numbered, archived or recorded: used for a clerk's preview and for trying a
    template candidate with the sample facts.
    """
    bureau = wenshu.settings.bureau
    number = preview_number(
        agency_code(instrument, bureau), facts.values[instrument.date_field].year
    )
    metadata = document_metadata(
        instrument, facts, number, bureau, agent=agent, action_time=utcnow(),
        business_action=action, title=f"{instrument.title}{PREVIEW_MARK}",
    )  # fmt: skip
    request = build_render_request(instrument, facts, extra, number, template, bureau, metadata)
    return render_pdf(request, wenshu.converter)

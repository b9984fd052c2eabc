"""Merged copies kept off lonely pages: each copy checked in the merged conversion, the crowded ones merged again tighter.

A copy whose last page holds only the 版记 or the signature (service.render.crowding) in
the merged conversion is not converted alone: the crowded copies of a chunk are merged
again, set tighter (service.render.fit), and converted together, so that a batch whose
copies all crowd the same way (a circular whose text differs only in the unit's name) costs
three conversions a chunk at most, not three a copy. A copy comes out as it would alone:
the same attempts in the same order, the best kept by the same rule.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path

import pikepdf
from lxml import etree

from service.batch.compose import EXPORT_OPTIONS, CompiledTemplate
from service.batch.split import copy_starts, split_copies
from service.render.crowding import ConvertedPages, TextFrame, crowded_pages
from service.render.fit import Attempt, Tightening, fit_documents
from service.render.office.converter import Converter
from service.render.ooxml.anchors import anchor_names, kept_styles, mark_body
from service.render.ooxml.parts_edit import STYLES, read_parts
from service.render.ooxml.spacing import body_grid
from service.render.pdfa import DocumentMetadata, RenderedPdf


def convert_merged_fitted(
    compiled: CompiledTemplate,
    bodies: Sequence[etree._Element],
    converter: Converter,
    work: Path,
    metadata: Sequence[DocumentMetadata],
) -> list[RenderedPdf]:
    """Return each filled copy's best conversion with its metadata written, and what is still
    wrong with its pages as its warnings."""
    grid = body_grid(compiled.template)
    pages: dict[Path, int] = {}  # of each part written
    kept = kept_styles(read_parts(compiled.template, (STYLES,)).get(STYLES))

    def convert(indices: Sequence[int], tightening: Tightening | None) -> list[Attempt]:
        folder = work / (f"{tightening.lines}x{tightening.chars}" if tightening else "merged")
        folder.mkdir()
        marked = []
        for position, index in enumerate(indices):
            body = copy.deepcopy(bodies[index])  # merging takes the body's paragraphs away
            mark_body(body, position, kept)
            marked.append(body)
        merged = compiled.merge(marked)
        docx_path, pdf_path = folder / "merged.docx", folder / "merged.pdf"
        docx_path.write_bytes(tightening.apply(merged, grid) if tightening else merged)
        converter.convert(docx_path, pdf_path, EXPORT_OPTIONS)
        frame = tightening.frame(grid) if tightening else TextFrame.of(grid)
        with pikepdf.open(pdf_path) as pdf:
            starts = copy_starts(pdf, len(indices))
            ends = [*starts[1:], len(pdf.pages)]
            converted = ConvertedPages(pdf, frame)
            problems = [
                crowded_pages(converted, range(start, end), anchor_names(position))
                for position, (start, end) in enumerate(zip(starts, ends, strict=True))
            ]
            # Cut from the PDF open already, each part saved once with its copy's metadata.
            parts = split_copies(pdf, len(indices), folder, [metadata[i] for i in indices])
        pages.update(
            (part, end - start) for part, start, end in zip(parts, starts, ends, strict=True)
        )
        return [
            Attempt(part, found, tightening) for part, found in zip(parts, problems, strict=True)
        ]

    return [
        RenderedPdf(best.path.read_bytes(), pages[best.path], best.warnings)
        for best in fit_documents(len(bodies), convert)
    ]

"""The 案卷 as one PDF/A: its parts and documents merged, every page numbered, bookmarked and described.

Every page of the volume bears its 页号 at the top outer corner (the right of an odd page,
the left of an even one), as archives number the pages of a volume: clear of the GB/T
9704 "— 1 —" each document keeps at its foot, and of the 信函格式's letterhead, whose top is
30 mm down. The numbers run from the cover, so the number printed on a page is the page a
PDF reader shows, which the 目录's ranges and the bookmarks use too. The numbers are a
page converted by LibreOffice, with its embedded font, laid over each page.
"""

from __future__ import annotations

import io
import tempfile
from contextlib import ExitStack
from pathlib import Path

import pikepdf

from service.custody.case_volume import CaseVolume
from service.custody.volume_parts import Parts
from service.render.pdfa import DocumentMetadata, write_metadata


class NumbersMismatch(RuntimeError):
    """Raised when the converted page numbers do not match the volume's pages one for one."""


def assemble_volume(
    volume: CaseVolume, parts: Parts, numbers: bytes, metadata: DocumentMetadata
) -> bytes:
    """Return the volume's PDF/A-2b: cover, 目录, documents, 备考表, numbered and bookmarked.

    The documents' pages are taken as archived, less their signature fields: a signature
    covers its own file, which the volume does not reproduce byte for byte, so it would
    only show as broken here; the 备考表 says which documents were signed and checked.
    """
    with ExitStack() as stack, pikepdf.open(io.BytesIO(parts.cover)) as pdf:
        sources = [
            stack.enter_context(pikepdf.open(io.BytesIO(data)))
            for data in (parts.contents, *(d.data for d in volume.documents), parts.notes)
        ]
        for source in (pdf, *sources):
            drop_form(source)
        for source in sources:
            pdf.pages.extend(source.pages)
        drop_structure(pdf)
        number_pages(pdf, stack.enter_context(pikepdf.open(io.BytesIO(numbers))))
        add_bookmarks(pdf, volume, parts)
        with tempfile.TemporaryDirectory(prefix="wenshu-case-file-") as work:
            merged = Path(work) / "volume.pdf"
            pdf.save(merged, deterministic_id=True)
            return write_metadata(merged, metadata).data


def drop_form(pdf: pikepdf.Pdf) -> None:
    """Remove a part's form: its fields (the signature's) and their widgets, its other annotations kept."""
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]
    for page in pdf.pages:
        drop_widgets(page)


def drop_widgets(page: pikepdf.Page) -> None:
    """Remove the form fields' widgets from a page, keeping its other annotations."""
    annotations = page.obj.get("/Annots")
    if not isinstance(annotations, pikepdf.Array):
        return
    kept = [a for a in annotations if a.get("/Subtype") != pikepdf.Name.Widget]
    if kept:
        page.obj.Annots = pikepdf.Array(kept)
    else:
        del page.obj["/Annots"]


def drop_structure(pdf: pikepdf.Pdf) -> None:
    """Remove the cover's logical structure, which the merged pages would contradict.

    Each converted part has a structure tree of its own, numbered from 0; merged, only the
    cover's would remain, and every other page would claim entries of it. PDF/A-2b asks
    for none, so the volume keeps none rather than a false one.
    """
    for key in ("/StructTreeRoot", "/MarkInfo"):
        if key in pdf.Root:
            del pdf.Root[key]
    for page in pdf.pages:
        if "/StructParents" in page.obj:
            del page.obj["/StructParents"]
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            if "/StructParent" in annotation:
                del annotation["/StructParent"]


def number_pages(pdf: pikepdf.Pdf, numbers: pikepdf.Pdf) -> None:
    """Lay each page of numbers over the page of the volume it numbers, corner on corner.

    A landscape page gets its number at its own top outer corner: the numbers page is
    placed with its top corner on that side at the page's.
    """
    if len(numbers.pages) != len(pdf.pages):
        raise NumbersMismatch(
            f"the page numbers came out {len(numbers.pages)} pages for {len(pdf.pages)}"
        )
    for index, (page, number) in enumerate(zip(pdf.pages, numbers.pages, strict=True)):
        width, height = _size(number)
        left, _bottom, right, top = _box(page)
        x = right - width if index % 2 == 0 else left  # page 1, 3, … is a front: right side
        page.add_overlay(number, pikepdf.Rectangle(x, top - height, x + width, top))


def add_bookmarks(pdf: pikepdf.Pdf, volume: CaseVolume, parts: Parts) -> None:
    """Write the outline: one entry a part, and one a document under 卷内文件."""
    layout = parts.layout
    documents = pikepdf.OutlineItem("卷内文件", layout.starts[0] - 1 if layout.starts else 0)
    documents.children.extend(
        pikepdf.OutlineItem(f"{d.index} {d.title} {d.number}", start - 1)
        for d, start in zip(volume.documents, layout.starts, strict=True)
    )
    pdf.Root.PageMode = pikepdf.Name.UseOutlines  # a reader opens the volume with them shown
    with pdf.open_outline() as outline:
        outline.root.extend(
            [
                pikepdf.OutlineItem("封面", 0),
                pikepdf.OutlineItem("卷内文件目录", layout.cover_pages),
                documents,
                pikepdf.OutlineItem("卷内备考表", layout.notes_start - 1),
            ]
        )


def _box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """Return a page's media box: left, bottom, right, top."""
    box = page.mediabox
    return float(box[0]), float(box[1]), float(box[2]), float(box[3])


def _size(page: pikepdf.Page) -> tuple[float, float]:
    """Return the width and height of a page."""
    left, bottom, right, top = _box(page)
    return right - left, top - bottom

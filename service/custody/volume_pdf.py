"""The 案卷 as one PDF/A: its parts and documents merged, its documents' pages numbered, all labelled.

Only the documents' pages bear a 页号, 1 on the first document's first page, each at its
top right (service.custody.volume_numbering says why): above the 信函格式's letterhead, whose
top is 30 mm down, and clear of the GB/T 9704 "— 1 —" each document keeps at its foot. The
numbers are a page converted by LibreOffice, with its embedded font, laid over each page.
The page labels make a reader show the same: 封面, 目录, the 页号, 备考.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

import pikepdf

from service.custody.case_volume import CaseVolume
from service.custody.volume_numbering import Layout
from service.custody.volume_parts import Parts
from service.render.pdfa import DocumentMetadata, write_metadata


class NumbersMismatch(RuntimeError):
    """Raised when the converted page numbers do not match the volume's pages one for one."""


def assemble_volume(
    volume: CaseVolume, parts: Parts, numbers: bytes, metadata: DocumentMetadata
) -> bytes:
    """Return the volume's PDF/A-2b: cover, 目录, documents, 备考表, numbered, labelled, bookmarked.

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
        layout = parts.layout
        numbered = pdf.pages[layout.numbered_from - 1 : layout.notes_start - 1]
        number_pages(numbered, stack.enter_context(pikepdf.open(io.BytesIO(numbers))))
        label_pages(pdf, layout)
        add_bookmarks(pdf, volume, layout)
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


def number_pages(pages: Sequence[pikepdf.Page], numbers: pikepdf.Pdf) -> None:
    """Lay each page of numbers over the page it numbers, its top right corner on the page's.

    A landscape page gets its number at its own top right: the numbers page is placed with
    its top right corner at the page's.
    """
    if len(numbers.pages) != len(pages):
        raise NumbersMismatch(
            f"the page numbers came out {len(numbers.pages)} pages for {len(pages)}"
        )
    for page, number in zip(pages, numbers.pages, strict=True):
        width, height = _size(number)
        _left, _bottom, right, top = _box(page)
        page.add_overlay(number, pikepdf.Rectangle(right - width, top - height, right, top))


def label_pages(pdf: pikepdf.Pdf, layout: Layout) -> None:
    """Label the volume's pages as a reader shows them: 封面, 目录, the 页号 1 to N, 备考.

    A numbered page's label is its 页号, so that the page a reader goes to by number is the
    page printed with it; an unnumbered part is labelled by its name.
    """
    labels = pikepdf.NumberTree.new(pdf)
    labels[0] = part_label("封面", layout.cover_pages)
    labels[layout.cover_pages] = part_label("目录", layout.contents_pages)
    if layout.document_pages:
        labels[layout.numbered_from - 1] = pikepdf.Dictionary(S=pikepdf.Name.D)
    labels[layout.notes_start - 1] = part_label("备考", layout.notes_pages)
    pdf.Root.PageLabels = labels.obj


def part_label(name: str, pages: int) -> pikepdf.Dictionary:
    """Return the label of an unnumbered part: its name on one page, name and 1, 2, … on more."""
    if pages == 1:
        return pikepdf.Dictionary(P=pikepdf.String(name))
    return pikepdf.Dictionary(P=pikepdf.String(name), S=pikepdf.Name.D)


def add_bookmarks(pdf: pikepdf.Pdf, volume: CaseVolume, layout: Layout) -> None:
    """Write the outline: one entry a part, and one a document under 卷内文件."""
    documents = pikepdf.OutlineItem("卷内文件", layout.numbered_from - 1)
    documents.children.extend(
        pikepdf.OutlineItem(f"{d.index} {d.title} {d.number}", layout.volume_page(start) - 1)
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

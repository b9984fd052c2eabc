"""A merged conversion cut where each copy begins; each part a PDF/A-2b file of its own.

A part keeps its pages, the fonts they use (subsets covering the whole merged document,
still embedded), the output intent and the XMP packet, which service.render.pdfa rewrites
for the part's own document afterwards. LibreOffice's tag structure is not carried over:
PDF/A-2b does not need it, and it describes the whole merged document.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import pikepdf

from service.batch.compose import copy_anchor
from service.render.pdfa import DocumentMetadata, metadata_written

# Catalog entries a part takes over from the merged document.
_CATALOG = ("/OutputIntents", "/Metadata", "/Lang", "/ViewerPreferences")


class SplitFailed(RuntimeError):
    """Raised when the merged PDF does not show where every copy begins."""


def copy_starts(pdf: pikepdf.Pdf, count: int) -> list[int]:
    """Return the index of each copy's first page, from the named destinations."""
    pages: dict[tuple[int, int], int] = {
        page.obj.objgen: index for index, page in enumerate(pdf.pages)
    }
    destinations: dict[str, pikepdf.Object] = {}
    if "/Dests" in pdf.Root:
        destinations.update((str(k).lstrip("/"), v) for k, v in pdf.Root.Dests.items())
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        destinations.update(pikepdf.NameTree(pdf.Root.Names.Dests).items())
    starts = []
    for index in range(count):
        target = destinations.get(copy_anchor(index))
        if isinstance(target, pikepdf.Dictionary):
            target = target.get("/D")
        page = pages.get(target[0].objgen) if isinstance(target, pikepdf.Array) else None
        if page is None:
            raise SplitFailed(f"合并转换的 PDF 中找不到第{index + 1}份副本的起始页")
        starts.append(page)
    if starts[0] != 0 or any(b <= a for a, b in pairwise(starts)):
        raise SplitFailed(f"合并转换的 PDF 中副本起始页次序不对：{starts}")
    return starts


def split_copies(
    merged: Path | pikepdf.Pdf,
    count: int,
    directory: Path,
    metadata: Sequence[DocumentMetadata] | None = None,
) -> list[Path]:
    """Write the pages of each of count copies to directory/part-N.pdf; return the paths.

    merged is the merged PDF's path or the PDF already open. Given each copy's metadata,
    a part is written with it (service.render.pdfa), saved once instead of saved, opened
    and saved again.
    """
    if isinstance(merged, Path):
        with pikepdf.open(merged) as pdf:
            return split_copies(pdf, count, directory, metadata)
    pdf = merged
    starts = copy_starts(pdf, count)
    ends = [*starts[1:], len(pdf.pages)]
    shared = {key: _indirect(pdf, pdf.Root[key]) for key in _CATALOG if key in pdf.Root}
    info = _indirect(pdf, pdf.trailer.Info) if "/Info" in pdf.trailer else None
    paths = []
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        path = directory / f"part-{index}.pdf"
        written = None if metadata is None else metadata[index]
        _write_part(pdf, pdf.pages[start:end], shared, info, path, written)
        paths.append(path)
    return paths


def _indirect(pdf: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """Return value as an indirect object (copy_foreign takes only those), strings as they are."""
    if isinstance(value, pikepdf.String | pikepdf.Name) or value.is_indirect:
        return value
    return pdf.make_indirect(value)


def _write_part(
    source: pikepdf.Pdf,
    pages: Sequence[pikepdf.Page],
    shared: dict[str, pikepdf.Object],
    info: pikepdf.Object | None,
    path: Path,
    metadata: DocumentMetadata | None = None,
) -> None:
    """Write the given pages with the merged document's PDF/A catalog entries as one file,
    with the copy's metadata when given."""
    with pikepdf.new() as part:
        part.pages.extend(pages)
        for page in part.pages:
            # The structure tree they point into stays behind.
            if "/StructParents" in page.obj:
                del page.obj["/StructParents"]
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    del annotation["/StructParent"]
        for key, value in shared.items():
            if isinstance(value, pikepdf.String):
                part.Root[key] = pikepdf.String(str(value))
            elif isinstance(value, pikepdf.Name):
                part.Root[key] = pikepdf.Name(str(value))
            else:
                part.Root[key] = part.copy_foreign(value)
        if info is not None:
            part.trailer.Info = part.copy_foreign(info)
        if metadata is None:
            part.save(path)
        else:
            path.write_bytes(metadata_written(part, metadata).data)

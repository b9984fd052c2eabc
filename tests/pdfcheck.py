"""Structural checks of produced PDFs, shared by the tests: PDF/A, fonts, geometry, text."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pikepdf.pdfa
from lxml import etree
from PIL import Image
from pypdf import PdfReader

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
# GB/T 9704 text area: top 37 mm, left 28 mm, 156 × 225 mm; ±1 mm tolerance, plus the
# page number, which sits 7 mm below the text area.
TEXT_LEFT, TEXT_TOP = 28 * MM, 37 * MM
TEXT_RIGHT, TEXT_BOTTOM = (28 + 156) * MM, (37 + 225) * MM
TOLERANCE = 1 * MM


@dataclass(frozen=True)
class Word:
    """A word's box on a page, in points from the top-left corner."""

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def pdfa_identification(path: Path) -> tuple[str, str]:
    """Return pdfaid:part and pdfaid:conformance from the XMP packet."""
    with pikepdf.open(path) as pdf:
        root = etree.fromstring(pdf.Root.Metadata.read_bytes())
    ns = "{http://www.aiim.org/pdfa/ns/id/}"
    part = next(root.iter(f"{ns}part")).text or ""
    conformance = next(root.iter(f"{ns}conformance")).text or ""
    return part, conformance


def pdfa_violations(path: Path) -> list[str]:
    """Return the PDF/A-2b violations pikepdf's validator finds."""
    report = pikepdf.pdfa.validate_written(path, "2b")
    return [f"{f.rule} {f.where}: {f.message}" for f in report.findings if f.kind == "violation"]


def fonts(path: Path) -> list[dict[str, str]]:
    """Return pdffonts' rows: name, type, emb."""
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID: read emb from the right.
        rows.append({"name": parts[0], "emb": parts[-5]})
    return rows


def page_sizes(path: Path) -> list[tuple[float, float]]:
    """Return each page's width and height in points."""
    reader = PdfReader(path)
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def words(path: Path) -> list[Word]:
    """Return every word's bounding box, from pdftotext -bbox."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True
    ).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    found = []
    for number, page in enumerate(root.iter("{*}page"), start=1):
        for word in page.iter("{*}word"):
            found.append(
                Word(
                    number,
                    word.text or "",
                    *(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")),
                )
            )
    return found


def is_page_number(word: Word) -> bool:
    """Return whether a word is part of the "— n —" page number."""
    return bool(re.fullmatch(r"[—\d]+", word.text))


# LibreOffice hangs a closing mark at the end of a full line past the right edge, as
# Word does with its default 允许标点溢出边界 (LibreOffice 7.4 ignores w:overflowPunct).
HANGING_MARKS = "，。、；：！？”’）》"


def text_area(width: float, height: float) -> tuple[float, float, float, float]:
    """Return left, top, right, bottom of the text area of a page of this size.

    A landscape page turns the portrait margins with it: the 37 mm 天头 becomes the left
    margin and the 28 mm binding margin the top.
    """
    if width > height:
        return 37 * MM, 28 * MM, (297 - 35) * MM, (210 - 26) * MM
    return TEXT_LEFT, TEXT_TOP, TEXT_RIGHT, TEXT_BOTTOM


# The 信函格式's 发文机关标志 stands above the text area on the first page, its top edge 30 mm
# below the top of the page (GB/T 9704 10.1).
LETTERHEAD_TOP = 30 * MM


def outside_text_area(path: Path) -> list[Word]:
    """Return words (page numbers aside) that leave the GB/T 9704 text area.

    A line may end in one hanging closing mark whose box starts inside the area; a
    信函格式's letterhead may stand above it on the first page.
    """
    sizes = page_sizes(path)
    outside = []
    for w in words(path):
        if is_page_number(w):
            continue
        left, top, right_edge, bottom = text_area(*sizes[w.page - 1])
        if w.page == 1 and LETTERHEAD_TOP - TOLERANCE <= w.y0 < top:
            continue
        right = w.x1
        if w.text and w.text[-1] in HANGING_MARKS:
            right -= (w.x1 - w.x0) / len(w.text)
        if (
            w.x0 < left - TOLERANCE
            or right > right_edge + TOLERANCE
            or w.y0 < top - TOLERANCE
            or w.y1 > bottom + TOLERANCE
        ):
            outside.append(w)
    return outside


def text(path: Path) -> str:
    """Return the PDF's text with all whitespace removed (lines wrap anywhere in Chinese)."""
    reader = PdfReader(path)
    joined = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    return re.sub(r"—\d+—", "", joined)  # page numbers fall between a page's last and next line


def poppler_text(path: Path) -> str:
    """Return the text as pdftotext reads it, whitespace and page numbers removed.

    pypdf 7 maps astral-plane characters through a WinAnsi-encoded TrueType subset
    wrongly (𠀀𠀁 reads back as 𠀀𠀀); poppler reads the same ToUnicode map right.
    """
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    joined = re.sub(r"\s+", "", out.decode("utf-8"))
    return re.sub(r"—\d+—", "", joined)


@dataclass(frozen=True)
class Placement:
    """Where an image XObject is drawn: its page, resource name and box in points from the top-left."""

    page: int
    name: str
    x0: float
    y0: float
    x1: float
    y1: float


def image_placements(path: Path) -> list[Placement]:
    """Return each image drawn by a page's content stream, read back from the q/Q, cm and Do operators."""
    found = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            height = float(page.mediabox[3])
            xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
            ctm, stack = pikepdf.Matrix(), []
            for instruction in pikepdf.parse_content_stream(page):
                if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                    continue
                op, operands = str(instruction.operator), instruction.operands
                if op == "q":
                    stack.append(ctm)
                elif op == "Q":
                    ctm = stack.pop()
                elif op == "cm":
                    ctm = pikepdf.Matrix(*map(float, operands)) @ ctm
                elif op == "Do" and xobjects.get(str(operands[0])) is not None:
                    if xobjects[str(operands[0])].get("/Subtype") != pikepdf.Name.Image:
                        continue
                    xs, ys = zip(
                        *(ctm.transform(p) for p in ((0, 0), (1, 0), (0, 1), (1, 1))), strict=True
                    )
                    found.append(
                        Placement(
                            number,
                            str(operands[0]),
                            min(xs),
                            height - max(ys),
                            max(xs),
                            height - min(ys),
                        )
                    )
    return found


def lines(path: Path) -> list[list[Word]]:
    """Return the words grouped in lines (one page, one top), top to bottom on each page."""
    grouped: dict[tuple[int, float], list[Word]] = {}
    for word in words(path):
        grouped.setdefault((word.page, round(word.y0, 1)), []).append(word)
    return [sorted(grouped[key], key=lambda w: w.x0) for key in sorted(grouped)]


def render_page(path: Path, page: int, dpi: int = 72) -> Image.Image:
    """Return one page drawn by pdftoppm; at 72 dpi a pixel is a point, from the top-left."""
    png = subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(path),
        ],
        capture_output=True,
        check=True,
    ).stdout
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGB")

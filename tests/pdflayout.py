"""Where a PDF puts its rules and glyphs, read from the pages' content streams (GB/T 9704 geometry).

Positions are in points from the page's top-left corner, as in pdfcheck. LibreOffice draws
each text portion in a BT … ET block (Td, Tf, then Tj or TJ) and each rule or border
as a stroked line (m, l, S) under the page's own matrix; that is all this reader follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

MM = 72 / 25.4
# The ideographic em box of the CJK faces: 0.88 em above the baseline, 0.12 em below it.
EM_ABOVE, EM_BELOW = 0.88, 0.12
HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


@dataclass(frozen=True)
class Rule:
    """A straight stroked line: page, ends, height (y, from the top) and width, colour as RGB."""

    page: int
    x0: float
    x1: float
    y: float
    width: float
    color: tuple[float, float, float]

    @property
    def length(self) -> float:
        """Return the rule's length in points."""
        return self.x1 - self.x0

    @property
    def red(self) -> bool:
        """Return whether the rule is drawn in red."""
        return self.color[0] > 0.8 and max(self.color[1:]) < 0.3


@dataclass(frozen=True)
class Glyph:
    """One shown character: its page, advance box x0–x1, baseline, size and font."""

    page: int
    char: str
    x0: float
    x1: float
    baseline: float
    size: float
    font: str

    @property
    def top(self) -> float:
        """Return the top of the character's em box."""
        return self.baseline - EM_ABOVE * self.size

    @property
    def bottom(self) -> float:
        """Return the bottom of the character's em box."""
        return self.baseline + EM_BELOW * self.size


def _instructions(page: pikepdf.Page) -> Iterator[tuple[str, list[Any]]]:
    """Yield each operator of a page's content stream with its operands."""
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInstruction):
            yield str(instruction.operator), list(instruction.operands)


def rules(path: Path) -> list[Rule]:
    """Return every horizontal stroked line of every page, duplicates (drawn twice) once."""
    found: set[Rule] = set()
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            height = float(page.mediabox[3])
            ctm, width, color = pikepdf.Matrix(), 1.0, (0.0, 0.0, 0.0)
            stack: list[tuple[pikepdf.Matrix, float, tuple[float, float, float]]] = []
            start: tuple[float, float] | None = None
            segments: list[tuple[tuple[float, float], tuple[float, float]]] = []
            for op, operands in _instructions(page):
                if op == "q":
                    stack.append((ctm, width, color))
                elif op == "Q":
                    ctm, width, color = stack.pop()
                elif op == "cm":
                    ctm = pikepdf.Matrix(*map(float, operands)) @ ctm
                elif op == "w":
                    width = float(operands[0])
                elif op == "RG":
                    color = (float(operands[0]), float(operands[1]), float(operands[2]))
                elif op == "m":
                    start = ctm.transform((float(operands[0]), float(operands[1])))
                elif op == "l" and start is not None:
                    end = ctm.transform((float(operands[0]), float(operands[1])))
                    segments.append((start, end))
                    start = end
                elif op == "S":
                    scale = abs(ctm.a) or 1.0
                    for (ax, ay), (bx, by) in segments:
                        if abs(ay - by) < 0.01 and abs(ax - bx) > 0.5:
                            found.add(
                                Rule(
                                    number,
                                    round(min(ax, bx), 2),
                                    round(max(ax, bx), 2),
                                    round(height - ay, 2),
                                    round(width * scale, 3),
                                    color,
                                )
                            )
                    segments = []
                elif op in ("n", "f", "f*", "B", "b"):
                    segments = []
    return sorted(found, key=lambda r: (r.page, r.y, r.x0))


def _unicode_map(font: Any) -> dict[int, str]:
    """Return a simple font's codes mapped to text through its ToUnicode CMap."""
    mapping: dict[int, str] = {}
    if "/ToUnicode" not in font:
        return mapping
    data = font.ToUnicode.read_bytes()
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        values = HEX.findall(section)
        for code, text in zip(values[::2], values[1::2], strict=False):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        values = HEX.findall(section)
        for low, high, text in zip(values[::3], values[1::3], values[2::3], strict=False):
            first = int.from_bytes(bytes.fromhex(text.decode()), "big")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def _widths(font: Any) -> dict[int, float]:
    """Return a simple font's advance widths (thousandths of an em) by code."""
    first = int(font.get("/FirstChar", 0))
    return {first + i: float(width) for i, width in enumerate(font.get("/Widths", []))}


def glyphs(path: Path) -> list[Glyph]:
    """Return every shown character with its box, page by page in drawing order."""
    found: list[Glyph] = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            height = float(page.mediabox[3])
            fonts = page.obj.get("/Resources", {}).get("/Font", {})
            x = y = size = 0.0
            font_name, codes, widths = "", {}, {}
            line_x = line_y = 0.0
            for op, operands in _instructions(page):
                if op == "BT":
                    line_x = line_y = 0.0
                elif op == "Td":  # moves the start of the line, from where it was
                    line_x += float(operands[0])
                    line_y += float(operands[1])
                    x, y = line_x, line_y
                elif op == "Tm":
                    line_x, line_y = float(operands[4]), float(operands[5])
                    x, y = line_x, line_y
                elif op == "Tf":
                    font = fonts[str(operands[0])]
                    font_name = str(font.get("/BaseFont", ""))
                    codes, widths = _unicode_map(font), _widths(font)
                    size = float(operands[1])
                elif op in ("Tj", "TJ"):
                    items = operands[0] if op == "TJ" else [operands[0]]
                    for item in items:
                        if not isinstance(item, pikepdf.String):
                            x -= float(item) / 1000 * size
                            continue
                        for code in bytes(item):
                            advance = widths.get(code, 1000) / 1000 * size
                            char = codes.get(code, "")
                            found.append(
                                Glyph(number, char, x, x + advance, height - y, size, font_name)
                            )
                            x += advance
    return found


def text_glyphs(path: Path, text: str, page: int | None = None) -> list[Glyph]:
    """Return the glyphs of the first run of consecutive glyphs that spells text."""
    shown = [g for g in glyphs(path) if page is None or g.page == page]
    chars = "".join(g.char for g in shown)
    at = chars.find(text)
    if at < 0:
        raise AssertionError(f"{text!r} not found in {path.name}")
    return shown[at : at + len(text)]

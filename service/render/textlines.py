"""Lines of text on a PDF page with each glyph's box, read from the page's content stream."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pikepdf

# Glyphs whose baselines differ by less than this (in points) are on one line.
SAME_LINE = 1.0
HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>|\[|\]")
SECTIONS = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)


@dataclass(frozen=True)
class Glyph:
    """One shown character and its box in page space (points, y up): x0–x1, bottom–top."""

    char: str
    x0: float
    x1: float
    baseline: float
    bottom: float
    top: float


@dataclass(frozen=True)
class TextLine:
    """The glyphs sharing one baseline, left to right."""

    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        """Return the line's characters, whitespace left out (Chinese lines carry no spaces)."""
        return "".join(g.char for g in self.glyphs if not g.char.isspace())

    @property
    def baseline(self) -> float:
        """Return the line's baseline height."""
        return self.glyphs[0].baseline

    @property
    def top(self) -> float:
        """Return the top of the line's highest glyph box."""
        return max(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        """Return the bottom of the line's lowest glyph box."""
        return min(g.bottom for g in self.glyphs)

    def span(self, wanted: str) -> tuple[Glyph, ...] | None:
        """Return the last run of glyphs that spells wanted (whitespace ignored), or None."""
        shown = [g for g in self.glyphs if not g.char.isspace()]
        text = "".join(g.char for g in shown)
        target = "".join(wanted.split())
        at = text.rfind(target) if target else -1
        if at < 0:
            return None
        # A ToUnicode entry may map one glyph to several characters: count characters.
        found: list[Glyph] = []
        position = 0
        for glyph in shown:
            if position + len(glyph.char) > at and position < at + len(target):
                found.append(glyph)
            position += len(glyph.char)
        return tuple(found)


@dataclass
class _FontMetrics:
    """What drawing a font's codes needs: code width, code length, its characters, its height."""

    two_byte: bool
    widths: dict[int, float]
    default_width: float
    unicode: dict[int, str]
    ascent: float
    descent: float

    def codes(self, data: bytes) -> list[int]:
        """Return the character codes in a shown string."""
        if not self.two_byte:
            return list(data)
        return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]

    def char(self, code: int) -> str:
        """Return the characters a code stands for (the replacement character when unknown)."""
        if code in self.unicode:
            return self.unicode[code]
        return chr(code) if not self.two_byte else "\ufffd"


@dataclass
class _State:
    """The graphics and text state that places glyphs."""

    ctm: pikepdf.Matrix
    font: _FontMetrics | None = None
    size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    scale: float = 1.0
    leading: float = 0.0
    rise: float = 0.0

    def copy(self) -> _State:
        """Return a copy for q."""
        return _State(**vars(self))


def page_lines(page: pikepdf.Page) -> list[TextLine]:
    """Return the page's text lines from top to bottom (text in form XObjects is not read)."""
    glyphs = _page_glyphs(page)
    glyphs.sort(key=lambda g: (-g.baseline, g.x0))
    lines: list[list[Glyph]] = []
    for glyph in glyphs:
        if lines and abs(lines[-1][0].baseline - glyph.baseline) < SAME_LINE:
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return [TextLine(tuple(sorted(line, key=lambda g: g.x0))) for line in lines]


def _page_glyphs(page: pikepdf.Page) -> list[Glyph]:
    """Return every glyph the page's own content stream shows."""
    fonts = page.obj.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary())
    metrics: dict[str, _FontMetrics] = {}
    state = _State(pikepdf.Matrix())
    stack: list[_State] = []
    text_matrix = line_matrix = pikepdf.Matrix()
    found: list[Glyph] = []
    for instruction in pikepdf.parse_content_stream(page):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            continue  # an inline image shows no text
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            stack.append(state.copy())
        elif op == "Q" and stack:
            state = stack.pop()
        elif op == "cm":
            state.ctm = pikepdf.Matrix(*map(float, operands)) @ state.ctm
        elif op == "BT":
            text_matrix = line_matrix = pikepdf.Matrix()
        elif op == "Tf":
            name = str(operands[0])
            if name not in metrics and name in fonts:
                metrics[name] = _metrics(fonts[name])
            state.font, state.size = metrics.get(name), float(operands[1])
        elif op in ("Tc", "Tw", "Tz", "TL", "Ts"):
            _set_text_parameter(state, op, float(operands[0]))
        elif op in ("Td", "TD", "T*", "'", '"'):
            if op == "TD":
                state.leading = -float(operands[1])
            if op == '"':
                state.word_spacing, state.char_spacing = float(operands[0]), float(operands[1])
            if op in ("Td", "TD"):
                tx, ty = float(operands[0]), float(operands[1])
            else:
                tx, ty = 0.0, -state.leading
            line_matrix = pikepdf.Matrix(1, 0, 0, 1, tx, ty) @ line_matrix
            text_matrix = line_matrix
            if op in ("'", '"'):
                text_matrix = _show(state, [operands[-1]], text_matrix, found)
        elif op == "Tm":
            text_matrix = line_matrix = pikepdf.Matrix(*map(float, operands))
        elif op in ("Tj", "TJ"):
            shown = list(operands[0]) if op == "TJ" else [operands[0]]
            text_matrix = _show(state, shown, text_matrix, found)
    return found


def _set_text_parameter(state: _State, op: str, value: float) -> None:
    """Set one of Tc, Tw, Tz, TL, Ts."""
    if op == "Tc":
        state.char_spacing = value
    elif op == "Tw":
        state.word_spacing = value
    elif op == "Tz":
        state.scale = value / 100
    elif op == "TL":
        state.leading = value
    else:
        state.rise = value


def _show(
    state: _State, shown: Sequence[object], text_matrix: pikepdf.Matrix, found: list[Glyph]
) -> pikepdf.Matrix:
    """Add the glyphs of strings (and TJ's adjustments) to found; return the moved text matrix."""
    font = state.font
    for item in shown:
        if isinstance(item, int | float | Decimal):
            advance = -float(item) / 1000 * state.size * state.scale
            text_matrix = pikepdf.Matrix(1, 0, 0, 1, advance, 0) @ text_matrix
            continue
        if font is None or not isinstance(item, pikepdf.String):
            continue
        data = bytes(item)
        for code in font.codes(data):
            width = font.widths.get(code, font.default_width) / 1000 * state.size
            space = state.word_spacing if code == 32 and not font.two_byte else 0.0
            advance = (width + state.char_spacing + space) * state.scale
            to_page = text_matrix @ state.ctm
            x0, baseline = to_page.transform((0.0, state.rise))
            x1, _ = to_page.transform((width * state.scale, state.rise))
            _, top = to_page.transform((0.0, state.rise + font.ascent * state.size))
            _, bottom = to_page.transform((0.0, state.rise + font.descent * state.size))
            found.append(Glyph(font.char(code), x0, x1, baseline, bottom, top))
            text_matrix = pikepdf.Matrix(1, 0, 0, 1, advance, 0) @ text_matrix
    return text_matrix


def _metrics(font: pikepdf.Object) -> _FontMetrics:
    """Return a font dictionary's widths, code length, characters and vertical extent."""
    two_byte = font.get("/Subtype") == pikepdf.Name.Type0
    widths: dict[int, float] = {}
    if two_byte:
        descendant = font.DescendantFonts[0]
        descriptor = descendant.get("/FontDescriptor", pikepdf.Dictionary())
        default_width = float(descendant.get("/DW", 1000))
        entries = list(descendant.get("/W", pikepdf.Array()))
        i = 0
        while i + 1 < len(entries):
            first = int(entries[i])
            if isinstance(entries[i + 1], pikepdf.Array):
                for offset, width in enumerate(entries[i + 1]):
                    widths[first + offset] = float(width)
                i += 2
            else:
                for code in range(first, int(entries[i + 1]) + 1):
                    widths[code] = float(entries[i + 2])
                i += 3
    else:
        descriptor = font.get("/FontDescriptor", pikepdf.Dictionary())
        default_width = float(descriptor.get("/MissingWidth", 0))
        first_char = int(font.get("/FirstChar", 0))
        for offset, width in enumerate(font.get("/Widths", pikepdf.Array())):
            widths[first_char + offset] = float(width)
    bbox = [float(v) for v in descriptor.get("/FontBBox", [0, -200, 0, 800])]
    # LibreOffice writes Ascent and Descent 0 for some fonts; the bounding box holds every glyph.
    ascent = max(float(descriptor.get("/Ascent", 0)), bbox[3])
    descent = min(float(descriptor.get("/Descent", 0)), bbox[1])
    unicode = _to_unicode(font["/ToUnicode"].read_bytes()) if "/ToUnicode" in font else {}
    return _FontMetrics(two_byte, widths, default_width, unicode, ascent / 1000, descent / 1000)


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """Return the code → characters map of a ToUnicode CMap (bfchar and bfrange sections)."""
    mapping: dict[int, str] = {}
    for kind, body in SECTIONS.findall(cmap):
        tokens: list[bytes | None] = []  # None opens an array, b"]" closes it
        for match in HEX.finditer(body):
            token = match.group(0)
            tokens.append(None if token == b"[" else b"]" if token == b"]" else match.group(1))
        if kind == b"bfchar":
            for source, target in zip(tokens[::2], tokens[1::2], strict=False):
                if source is not None and target not in (None, b"]"):
                    mapping[_hex_int(source)] = _utf16(target)
            continue
        i = 0
        while i + 2 < len(tokens):
            low, high, target = tokens[i], tokens[i + 1], tokens[i + 2]
            if low is None or high is None or low == b"]" or high == b"]":
                i += 1
                continue
            if target is None:  # <low> <high> [<t1> <t2> ...]
                close = tokens.index(b"]", i + 3)
                for offset, each in enumerate(tokens[i + 3 : close]):
                    mapping[_hex_int(low) + offset] = _utf16(each or b"")
                i = close + 1
                continue
            start = _utf16(target)
            for offset in range(_hex_int(high) - _hex_int(low) + 1):
                mapping[_hex_int(low) + offset] = start[:-1] + chr(ord(start[-1]) + offset)
            i += 3
    return mapping


def _hex_int(token: bytes | None) -> int:
    """Return a hex token's value."""
    return int(b"".join((token or b"0").split()) or b"0", 16)


def _utf16(token: bytes | None) -> str:
    """Return the characters of a hex token holding UTF-16BE."""
    raw = bytes.fromhex(b"".join((token or b"").split()).decode("ascii"))
    return raw.decode("utf-16-be", errors="replace") or "\ufffd"

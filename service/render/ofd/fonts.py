"""A PDF's embedded font program as an OpenType font an OFD reader draws: glyphs, widths, cmap."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

from service.foundations.bounded import BoundedCache
from service.render.ofd.errors import OfdError
from service.render.ofd.type1 import Type1Program, Type1Unreadable, read_type1

NOTDEF = ".notdef"
# pikepdf's objects are typed dynamically: a dictionary, stream or array read from the file.
PdfObject = Any


class OfdFontError(OfdError):
    """A font of the PDF that the OFD cannot carry, with the reason."""


@dataclass
class EmbeddedFont:
    """One PDF font as the OFD carries it: its file, names, and how its codes become glyphs.

    glyphs maps a code of the PDF's strings to the glyph index in program; widths gives each
    code's advance in thousandths of the size; text gives the Unicode text of a code (from
    ToUnicode). bytes_per_code is 2 for an Identity-H composite font, else 1.
    """

    name: str
    family: str
    program: bytes
    extension: str
    glyphs: dict[int, int]
    widths: dict[int, float]
    text: dict[int, str]
    bytes_per_code: int = 1
    missing_width: float = 0.0
    bold: bool = False
    italic: bool = False
    serif: bool = False
    fixed_width: bool = False
    unmapped: set[int] = field(default_factory=set)

    def codes(self, data: bytes) -> list[int]:
        """Return the codes a PDF string holds."""
        if self.bytes_per_code == 1:
            return list(data)
        return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]

    def width(self, code: int) -> float:
        """Return a code's advance in thousandths of the size."""
        return self.widths.get(code, self.missing_width)


_REFERENCE = re.compile(rb"\d+\s+\d+\s+R\b")

# Fonts already turned into TrueType, by what they were made from: the copies of a batch,
# cut from one conversion, share their subsets, which are then made once.
_MADE: BoundedCache[bytes, EmbeddedFont] = BoundedCache(32)


def embedded_font(font: PdfObject) -> EmbeddedFont:
    """Return the OFD form of a PDF font dictionary; raises OfdFontError for what it can't carry.

    A font made from the same program, encoding, widths and ToUnicode before is taken again
    (the last 32 are kept).
    """
    key = _source_key(font)
    made = _MADE.get(key)
    if made is None:
        made = _embedded_font(font)
        _MADE.put(key, made)
    return made


def _source_key(font: PdfObject) -> bytes:
    """Return a digest of everything a font's OFD form is made from."""
    digest = hashlib.sha256()
    parts = [font]
    if "/DescendantFonts" in font:
        parts.append(font.DescendantFonts[0])
    for part in parts:
        for name in ("/Subtype", "/BaseFont", "/Encoding", "/FirstChar", "/Widths", "/W", "/DW"):
            digest.update(_plain(part.get(name)).encode())
        descriptor = part.get("/FontDescriptor")
        streams = [part.get("/ToUnicode"), part.get("/CIDToGIDMap")]
        if descriptor is not None:
            digest.update(repr(descriptor.get("/Flags")).encode())
            streams += [descriptor.get(n) for n in ("/FontFile", "/FontFile2", "/FontFile3")]
        for stream in streams:
            if isinstance(stream, pikepdf.Stream):
                digest.update(hashlib.sha256(stream.read_raw_bytes()).digest())
            digest.update(b"|")
    return digest.digest()


def _plain(value: PdfObject) -> str:
    """Return a PDF value as text that does not depend on its object numbers.

    A value that holds no reference is written by qpdf at once (its dictionaries' keys in
    order); one that does is walked, each reference replaced by what it refers to.
    """
    if isinstance(value, pikepdf.Stream):
        return ""
    if isinstance(value, (pikepdf.Array, pikepdf.Dictionary)):
        written = value.unparse(resolved=True)
        if not _REFERENCE.search(written):
            return "=" + written.decode("latin-1")
    if isinstance(value, pikepdf.Array):
        return "[" + " ".join(_plain(item) for item in value) + "]"
    if isinstance(value, pikepdf.Dictionary):
        return "<<" + " ".join(f"{key} {_plain(value[key])}" for key in sorted(value.keys())) + ">>"
    return str(value)


def _embedded_font(font: PdfObject) -> EmbeddedFont:
    """Return the OFD form of a PDF font dictionary, made anew."""
    subtype = str(font.get("/Subtype"))
    if subtype == "/Type0":
        return _composite(font)
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        raise OfdFontError(f"字体 {font.get('/BaseFont')} 未嵌入（没有 FontDescriptor）")
    text = to_unicode(font)
    widths = _simple_widths(font)
    missing = float(descriptor.get("/MissingWidth", 0))
    if "/FontFile" in descriptor:
        glyphs, program = _type1_program(descriptor.FontFile.read_bytes(), text, widths)
        extension = "ttf"
    elif "/FontFile2" in descriptor:
        glyphs, program = _truetype_program(descriptor.FontFile2.read_bytes(), text, simple=True)
        extension = "ttf"
    elif "/FontFile3" in descriptor:
        glyphs, program = _cff_program(descriptor.FontFile3.read_bytes(), text, widths)
        extension = "otf"
    else:
        raise OfdFontError(f"字体 {font.get('/BaseFont')} 未嵌入")
    return _described(font, descriptor, program, extension, glyphs, widths, text, 1, missing)


def _composite(font: PdfObject) -> EmbeddedFont:
    """Return an Identity-H Type0 font with a TrueType or CFF descendant."""
    if str(font.get("/Encoding")) != "/Identity-H":
        raise OfdFontError(f"字体 {font.get('/BaseFont')} 的编码 {font.get('/Encoding')} 不受支持")
    descendant = font.DescendantFonts[0]
    descriptor = descendant.FontDescriptor
    text = to_unicode(font)
    widths = _cid_widths(descendant)
    default = float(descendant.get("/DW", 1000))
    if "/FontFile2" in descriptor:
        gid_map = descendant.get("/CIDToGIDMap")
        data = descriptor.FontFile2.read_bytes()
        if isinstance(gid_map, pikepdf.Stream):
            raw = gid_map.read_bytes()
            cid_gid = {i // 2: int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)}
        else:
            cid_gid = {}
        glyphs, program = _truetype_program(data, text, simple=False, cid_gid=cid_gid)
        extension = "ttf"
    elif "/FontFile3" in descriptor:
        glyphs, program = _cff_program(descriptor.FontFile3.read_bytes(), text, widths, cid=True)
        extension = "otf"
    else:
        raise OfdFontError(f"字体 {font.get('/BaseFont')} 未嵌入")
    return _described(font, descriptor, program, extension, glyphs, widths, text, 2, default)


def _described(
    font: PdfObject,
    descriptor: PdfObject,
    program: bytes,
    extension: str,
    glyphs: dict[int, int],
    widths: dict[int, float],
    text: dict[int, str],
    bytes_per_code: int,
    missing: float,
) -> EmbeddedFont:
    """Return the EmbeddedFont with the names and flags its descriptor gives."""
    base = str(font.get("/BaseFont", "/Font"))[1:]
    name = base.split("+", 1)[-1]
    flags = int(descriptor.get("/Flags", 0))
    return EmbeddedFont(
        name=name,
        family=re.sub(r"-(Regular|Bold|Black|Light|Medium|Italic)\b.*$", "", name),
        program=program,
        extension=extension,
        glyphs=glyphs,
        widths=widths,
        text=text,
        bytes_per_code=bytes_per_code,
        missing_width=missing,
        bold=float(descriptor.get("/StemV", 0)) >= 140 or "Bold" in name or "Black" in name,
        italic=bool(flags & 64) or float(descriptor.get("/ItalicAngle", 0)) != 0,
        serif=bool(flags & 2),
        fixed_width=bool(flags & 1),
        unmapped={code for code in widths if code not in glyphs},
    )


def _simple_widths(font: PdfObject) -> dict[int, float]:
    """Return a simple font's advances by code, from /Widths."""
    first = int(font.get("/FirstChar", 0))
    return {first + i: float(w) for i, w in enumerate(font.get("/Widths", []))}


def _cid_widths(descendant: PdfObject) -> dict[int, float]:
    """Return a CID font's advances by CID, from /W."""
    widths: dict[int, float] = {}
    spec = list(descendant.get("/W", []))
    i = 0
    while i < len(spec):
        first = int(spec[i])
        if isinstance(spec[i + 1], pikepdf.Array):
            for k, w in enumerate(spec[i + 1]):
                widths[first + k] = float(w)
            i += 2
        else:
            last, w = int(spec[i + 1]), float(spec[i + 2])
            for cid in range(first, last + 1):
                widths[cid] = w
            i += 3
    return widths


_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def to_unicode(font: PdfObject) -> dict[int, str]:
    """Return the text of each code by the font's ToUnicode CMap (bfchar and bfrange)."""
    stream = font.get("/ToUnicode")
    if not isinstance(stream, pikepdf.Stream):
        return {}
    data = stream.read_bytes()
    text: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        values = _HEX.findall(block)
        for code, value in zip(values[0::2], values[1::2], strict=False):
            text[int(code, 16)] = _utf16(value)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for line in re.findall(
            rb"<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*(?:<[0-9A-Fa-f]+>|\[[^]]*\])", block
        ):
            parts = _HEX.findall(line)
            low, high = int(parts[0], 16), int(parts[1], 16)
            if b"[" in line:
                for k, value in enumerate(parts[2:]):
                    text[low + k] = _utf16(value)
            else:
                start = _utf16(parts[2])
                for k in range(high - low + 1):
                    text[low + k] = start[:-1] + chr(ord(start[-1]) + k)
    return text


def _utf16(value: bytes) -> str:
    """Return the text of a ToUnicode destination (UTF-16BE in hex)."""
    raw = bytes.fromhex(value.decode("ascii"))
    return raw.decode("utf-16-be", errors="replace")


def _type1_program(
    data: bytes, text: dict[int, str], widths: dict[int, float]
) -> tuple[dict[int, int], bytes]:
    """Return the code→glyph index map and a TrueType font made from a Type 1 program.

    The cubic outlines become quadratic ones within a thousandth of the em (fontTools'
    cu2qu), so that every OFD reader, TrueType-only ones included, draws them.
    """
    try:
        program = read_type1(data)
    except (Type1Unreadable, ValueError, IndexError) as error:
        raise OfdFontError(f"Type 1 字体程序无法读取：{error}") from error
    sources = program.sources
    upm = round(1 / program.matrix[0]) if program.matrix and program.matrix[0] else 1000
    names = [NOTDEF, *sorted(n for n in sources if n != NOTDEF)]
    made = {glyph: _made_glyph(program, glyph, upm) for glyph in names}
    code_names = {code: glyph for code, glyph in program.encoding.items() if glyph in sources}
    glyph_index = {glyph: i for i, glyph in enumerate(names)}
    glyphs = {code: glyph_index[glyph] for code, glyph in code_names.items()}
    builder = FontBuilder(upm, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap(_unicode_cmap(code_names, text))
    builder.setupGlyf({glyph: _compiled(m) for glyph, m in made.items()}, calcGlyphBounds=False)
    # TrueType rasterisers place a glyph by its left side bearing: it must be the outline's xMin
    metrics = {glyph: (m.advance, m.bounds[0] if m.bounds else 0) for glyph, m in made.items()}
    _finish(builder, program.name, metrics, upm)
    _measured(builder.font, list(made.values()))
    return glyphs, _saved(builder.font)


@dataclass(frozen=True)
class _MadeGlyph:
    """A glyph made TrueType once: its compiled glyf entry, bounds, points, contours, advance."""

    data: bytes
    bounds: tuple[int, int, int, int] | None
    points: int
    contours: int
    advance: int


# Glyphs already made, by font, glyph name, program as encrypted and the Subrs it may call: a
# document's subset shares most of its glyphs with the last one's, and decrypting and
# compiling a glyph is most of what making a font costs.
_GLYPHS: BoundedCache[tuple[str, str, bytes, bytes], _MadeGlyph] = BoundedCache(50_000)
_EMPTY = _MadeGlyph(b"", None, 0, 0, 0)


def _made_glyph(program: Type1Program, glyph: str, upm: int) -> _MadeGlyph:
    """Return a glyph as TrueType, made once per font, name and program."""
    if glyph not in program.sources:
        return _EMPTY
    key = (program.name.split("+")[-1], glyph, program.sources[glyph], program.subrs_digest)
    known = _GLYPHS.get(key)
    if known is not None:
        return known
    pen = TTGlyphPen(None)
    charstring = program.charstring(glyph)
    charstring.draw(Cu2QuPen(pen, upm / 1000, reverse_direction=True))
    outline = pen.glyph()
    if outline.numberOfContours > 0:
        outline.recalcBounds(None)
        bounds = (outline.xMin, outline.yMin, outline.xMax, outline.yMax)
        made = _MadeGlyph(
            outline.compile(None, optimizeSize=False), bounds, len(outline.coordinates),
            outline.numberOfContours, round(charstring.width),
        )  # fmt: skip
    else:
        made = _MadeGlyph(b"", None, 0, 0, round(charstring.width))
    _GLYPHS.put(key, made)
    return made


def _compiled(made: _MadeGlyph) -> Glyph:
    """Return a glyf entry holding a made glyph's compiled bytes, written as they are."""
    glyph = Glyph(made.data)
    glyph.numberOfContours = made.contours
    glyph.flags = []
    return glyph


def _unicode_cmap(names_by_code: dict[int, str], text: dict[int, str]) -> dict[int, str]:
    """Return a Unicode→glyph name map: each code's single character, the first code winning."""
    cmap: dict[int, str] = {}
    for code in sorted(names_by_code):
        value = text.get(code, "")
        if len(value) == 1 and ord(value) not in cmap:
            cmap[ord(value)] = names_by_code[code]
    return cmap


def _measured(font: TTFont, made: list[_MadeGlyph]) -> None:
    """Write the font-wide bounds and maxima that fontTools would find by expanding every glyph."""
    font.recalcBBoxes = False  # the glyphs are written as compiled; these are their values
    drawn = [m for m in made if m.bounds is not None]
    head, hhea, maxp = font["head"], font["hhea"], font["maxp"]
    if drawn:
        head.xMin = min(m.bounds[0] for m in drawn if m.bounds)
        head.yMin = min(m.bounds[1] for m in drawn if m.bounds)
        head.xMax = max(m.bounds[2] for m in drawn if m.bounds)
        head.yMax = max(m.bounds[3] for m in drawn if m.bounds)
        hhea.minLeftSideBearing = head.xMin
        hhea.minRightSideBearing = min(m.advance - m.bounds[2] for m in drawn if m.bounds)
        hhea.xMaxExtent = head.xMax
    hhea.advanceWidthMax = max((m.advance for m in made), default=0)
    maxp.maxPoints = max((m.points for m in made), default=0)
    maxp.maxContours = max((m.contours for m in made), default=0)


def _finish(
    builder: FontBuilder, name: str, advances: dict[str, tuple[int, int]], upm: int
) -> None:
    """Give a built font its metrics, names, OS/2 and post tables, dated 1 January 1904 (its epoch)."""
    builder.setupHorizontalMetrics(advances)
    builder.font.recalcTimestamp = False
    builder.font["head"].created = builder.font["head"].modified = 0
    ascent, descent = round(upm * 0.88), -round(upm * 0.12)
    builder.setupHorizontalHeader(ascent=ascent, descent=descent)
    family = name.split("-")[0]
    builder.setupNameTable({"familyName": family, "styleName": "Regular", "psName": name})
    builder.setupOS2(
        sTypoAscender=ascent, sTypoDescender=descent, usWinAscent=ascent, usWinDescent=-descent
    )
    builder.setupPost()


def _saved(font: TTFont) -> bytes:
    """Return a font's file bytes."""
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _truetype_program(
    data: bytes,
    text: dict[int, str],
    *,
    simple: bool,
    cid_gid: dict[int, int] | None = None,
) -> tuple[dict[int, int], bytes]:
    """Return the code→glyph map of a TrueType program, the font given a Unicode cmap."""
    try:
        font = TTFont(io.BytesIO(data), lazy=False)
        order = font.getGlyphOrder()
    except Exception as error:
        raise OfdFontError(f"TrueType 字体程序无法读取：{error}") from error
    glyphs: dict[int, int] = {}
    if simple:
        glyphs = _simple_truetype_glyphs(font, order, text)
    else:
        for code in text:
            glyphs[code] = cid_gid.get(code, code) if cid_gid else code
    names = {code: order[gid] for code, gid in glyphs.items() if gid < len(order)}
    cmap = _unicode_cmap(names, text)
    _replace_cmap(font, cmap)
    _complete(font)
    return glyphs, _saved(font)


def _simple_truetype_glyphs(font: TTFont, order: list[str], text: dict[int, str]) -> dict[int, int]:
    """Return a simple TrueType font's code→glyph map as PDF 32000 9.6.6.4 reads its cmap.

    A (3,0) symbol cmap maps 0xF000 + code (or code); a (1,0) cmap maps the code itself; a
    (3,1) Unicode cmap maps the code's character, by ToUnicode, or 0xF000 + code.
    """
    index = {glyph: i for i, glyph in enumerate(order)}
    table = font.get("cmap")
    glyphs: dict[int, int] = {}
    symbol = table.getcmap(3, 0) if table is not None else None
    mac = table.getcmap(1, 0) if table is not None else None
    unicode = table.getcmap(3, 1) if table is not None else None
    for code in range(256):
        name = None
        if symbol is not None:
            name = symbol.cmap.get(0xF000 + code) or symbol.cmap.get(code)
        if name is None and mac is not None:
            name = mac.cmap.get(code)
        if name is None and unicode is not None:
            character = text.get(code, "")
            name = unicode.cmap.get(0xF000 + code) or (
                unicode.cmap.get(ord(character)) if len(character) == 1 else None
            )
        if name is not None and name in index:
            glyphs[code] = index[name]
    return glyphs


def _complete(font: TTFont) -> None:
    """Give a subset TrueType program the tables a font file needs and PDF leaves out (name, OS/2, post)."""
    if "head" not in font or "hhea" not in font:
        raise OfdFontError("TrueType 字体程序缺少 head 或 hhea 表")
    builder = FontBuilder(font=font)
    upm = font["head"].unitsPerEm
    name = "Embedded"
    if "name" not in font:
        builder.setupNameTable({"familyName": name, "styleName": "Regular", "psName": name})
    if "OS/2" not in font:
        ascent, descent = font["hhea"].ascent, font["hhea"].descent
        builder.setupOS2(
            sTypoAscender=ascent, sTypoDescender=descent, usWinAscent=max(ascent, 0),
            usWinDescent=max(-descent, 0), sxHeight=round(upm * 0.5), sCapHeight=round(upm * 0.7),
        )  # fmt: skip
    if "post" not in font:
        builder.setupPost(keepGlyphNames=False)


def _replace_cmap(font: TTFont, cmap: dict[int, str]) -> None:
    """Give a font a single Windows Unicode cmap."""
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable, table__c_m_a_p

    subtable = CmapSubtable.newSubtable(4 if max(cmap, default=0) <= 0xFFFF else 12)
    subtable.platformID, subtable.platEncID, subtable.language = 3, 1, 0
    subtable.cmap = cmap
    table = table__c_m_a_p()
    table.tableVersion = 0
    table.tables = [subtable]
    font["cmap"] = table


def _cff_program(
    data: bytes, text: dict[int, str], widths: dict[int, float], cid: bool = False
) -> tuple[dict[int, int], bytes]:
    """Return the code→glyph map of a bare CFF (or OpenType) program wrapped as OpenType."""
    if data[:4] == b"OTTO":
        font = TTFont(io.BytesIO(data))
        order = font.getGlyphOrder()
        glyphs = {code: code for code in text} if cid else {}
        names = {code: order[gid] for code, gid in glyphs.items() if gid < len(order)}
        _replace_cmap(font, _unicode_cmap(names, text))
        return glyphs, _saved(font)
    raise OfdFontError("CFF 字体程序（FontFile3）尚不受支持")

"""Writes the OFD package (GB/T 33190-2016): OFD.xml, Document.xml, resources and one file a page."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from service.render.ofd.errors import OfdError
from service.render.ofd.fonts import EmbeddedFont
from service.render.ofd.images import Crop, image_file
from service.render.ofd.pdfpage import GlyphRun, PageDrawing, PathShape, PlacedImage
from service.render.ofd.zipped import zip_members
from service.render.ooxml.package_parts import safe_parser

OFD_NS = "http://www.ofdspec.org/2016"
_E = f"{{{OFD_NS}}}"
DOC = "Doc_0"
CAPS = ("Butt", "Round", "Square")
JOINS = ("Miter", "Round", "Bevel")
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class OfdInfo:
    """The document's metadata for DocInfo: title, author, dates, keywords and custom data."""

    doc_id: str
    title: str
    author: str
    subject: str
    created: dt.date
    modified: dt.date
    keywords: tuple[str, ...] = ()
    creator: str = "wenshu"
    creator_version: str = ""
    custom: tuple[tuple[str, str], ...] = ()


@dataclass
class _Ids:
    """Hands out the document's unit IDs, one sequence for every object and resource."""

    last: int = 0

    def next(self) -> int:
        self.last += 1
        return self.last


@dataclass
class _Resources:
    """The fonts and images the pages use, each written once with its ID."""

    ids: _Ids
    fonts: dict[tuple[int, int], tuple[int, EmbeddedFont]] = field(default_factory=dict)
    # by the image's object and the pixels shown of it (None: all)
    images: dict[tuple[tuple[int, int], Crop], tuple[int, str, bytes]] = field(default_factory=dict)

    def font_id(self, key: tuple[int, int], font: EmbeddedFont) -> int:
        if key not in self.fonts:
            self.fonts[key] = (self.ids.next(), font)
        return self.fonts[key][0]

    def image_id(self, placed: PlacedImage) -> int:
        key = (placed.key, placed.crop)
        if key not in self.images:
            ident = self.ids.next()
            kind, data = image_file(placed.image, placed.crop)
            self.images[key] = (ident, kind, data)
        return self.images[key][0]


@functools.lru_cache(maxsize=8192)
def _n(value: float) -> str:
    """Return a number as OFD writes it: millimetres to a thousandth, no trailing zeros.

    Kept for the values met again (advances, sizes, margins): a page writes thousands.
    """
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _box(x: float, y: float, w: float, h: float) -> str:
    return " ".join(_n(v) for v in (x, y, w, h))


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, _E + tag, {k: v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _root(tag: str, **attributes: str) -> etree._Element:
    return etree.Element(_E + tag, attributes, nsmap={"ofd": OFD_NS})


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def _colour(rgb: tuple[int, int, int], tag: str) -> str:
    return _element(tag, {"Value": " ".join(str(v) for v in rgb)})


# What XML 1.0 cannot hold: control characters, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """Return text with the characters XML 1.0 cannot hold replaced."""
    return _NOT_XML.sub(REPLACEMENT, text)


def _text_object(run: GlyphRun, ids: _Ids, resources: _Resources) -> str:
    """Return a glyph run as a TextObject: its Unicode text, glyph indices and advances."""
    font = run.font
    size = run.size
    texts = [_xml_text(font.text.get(code) or REPLACEMENT) for code in run.codes]
    glyphs = [font.glyphs.get(code, 0) for code in run.codes]
    deltas: list[float] = []
    for text, advance in zip(texts, run.advances, strict=True):
        deltas.append(advance)
        deltas.extend([0.0] * (len(text) - 1))
    code = "".join(texts)
    width = sum(run.advances)
    attributes = {
        "ID": str(ids.next()),
        "Font": str(resources.font_id(run.font_key, font)),
        "Size": _n(size),
    }
    if font.bold:
        attributes["Weight"] = "700"
    if run.transform is None:
        left, top = run.x - size * 0.25, run.y - size * 1.15
        attributes["Boundary"] = _box(left, top, width + size * 0.5, size * 1.5)
        x, y = run.x - left, run.y - top
    else:
        reach = size * 1.5 + width
        left, top = run.x - reach, run.y - reach
        attributes["Boundary"] = _box(left, top, 2 * reach, 2 * reach)
        a, b, c, d = run.transform
        attributes["CTM"] = " ".join(
            _n(v) if i >= 4 else f"{v:.6f}" for i, v in enumerate((a, b, c, d, reach, reach))
        )
        x = y = 0.0
    mode = run.render_mode % 4
    if mode in (1, 2):
        attributes["Stroke"] = "true"
    if mode in (1, 3):
        attributes["Fill"] = "false"
    children = [_colour(run.fill, "FillColor")]
    if mode in (1, 2):
        children.append(_colour(run.stroke, "StrokeColor"))
    counts = {"CodePosition": "0", "CodeCount": str(len(code)), "GlyphCount": str(len(glyphs))}
    glyph_list = _element("Glyphs", {}, text=" ".join(map(str, glyphs)))
    children.append(_element("CGTransform", counts, glyph_list))
    place = {"X": _n(x), "Y": _n(y)}
    if len(code) > 1:
        place["DeltaX"] = " ".join(_n(v) for v in deltas[: len(code) - 1])
    children.append(_element("TextCode", place, text=code))
    return _element("TextObject", attributes, "".join(children))


def _path_object(shape: PathShape, ids: _Ids) -> str:
    """Return a painted path as a PathObject, its steps relative to its Boundary."""
    points = [p for segment in shape.segments for p in segment.points]
    if not points:
        return ""
    pad = shape.line_width if shape.stroke else 0.0
    left = min(p[0] for p in points) - pad
    top = min(p[1] for p in points) - pad
    right = max(p[0] for p in points) + pad
    bottom = max(p[1] for p in points) + pad
    steps: list[str] = []
    for segment in shape.segments:
        steps.append(segment.op)
        steps.extend(f"{_n(x - left)} {_n(y - top)}" for x, y in segment.points)
    attributes = {
        "ID": str(ids.next()),
        "Boundary": _box(left, top, max(right - left, 0.001), max(bottom - top, 0.001)),
        "LineWidth": _n(shape.line_width),
    }
    if shape.stroke:
        attributes["Cap"] = CAPS[shape.cap % 3]
        attributes["Join"] = JOINS[shape.join % 3]
        attributes["MiterLimit"] = _n(shape.miter_limit)
        if shape.dash:
            attributes["DashOffset"] = _n(shape.dash_offset)
            attributes["DashPattern"] = " ".join(_n(v) for v in shape.dash)
    else:
        attributes["Stroke"] = "false"
    if shape.fill:
        attributes["Fill"] = "true"
        if shape.even_odd:
            attributes["Rule"] = "Even-Odd"
    children = []
    if shape.stroke:
        children.append(_colour(shape.stroke_colour, "StrokeColor"))
    if shape.fill:
        children.append(_colour(shape.fill_colour, "FillColor"))
    children.append(_element("AbbreviatedData", {}, text=" ".join(steps)))
    return _element("PathObject", attributes, "".join(children))


def _image_object(placed: PlacedImage, ids: _Ids, resources: _Resources) -> str:
    """Return a placed image as an ImageObject: the unit square mapped by its CTM into its Boundary."""
    a, b, c, d, e, f = placed.matrix
    corners = [(e, f), (a + e, b + f), (c + e, d + f), (a + c + e, b + d + f)]
    left, top = min(p[0] for p in corners), min(p[1] for p in corners)
    width = max(p[0] for p in corners) - left
    height = max(p[1] for p in corners) - top
    resource = resources.image_id(placed)
    attributes = {
        "ID": str(ids.next()),
        "Boundary": _box(left, top, max(width, 0.001), max(height, 0.001)),
        "CTM": " ".join(_n(v) for v in (a, b, c, d, e - left, f - top)),
        "ResourceID": str(resource),
    }
    return _element("ImageObject", attributes)


def _page_xml(page: PageDrawing, ids: _Ids, resources: _Resources, default: PageDrawing) -> bytes:
    """Return a page's Content.xml, its objects written as text (a page holds hundreds)."""
    parts = [f"<?xml version='1.0' encoding='UTF-8'?>\n<ofd:Page xmlns:ofd=\"{OFD_NS}\">"]
    if (page.width, page.height, page.application_box) != (
        default.width,
        default.height,
        default.application_box,
    ):
        area = _root("Area")
        _sub(area, "PhysicalBox", _box(0, 0, page.width, page.height))
        _sub(area, "ApplicationBox", _box(*page.application_box))
        parts.append(etree.tostring(area, encoding="unicode").replace(f' xmlns:ofd="{OFD_NS}"', ""))
    parts.append(f'<ofd:Content><ofd:Layer ID="{ids.next()}" Type="Body">')
    for item in page.items:
        if isinstance(item, GlyphRun):
            parts.append(_text_object(item, ids, resources))
        elif isinstance(item, PathShape):
            parts.append(_path_object(item, ids))
        else:
            parts.append(_image_object(item, ids, resources))
    parts.append("</ofd:Layer></ofd:Content></ofd:Page>")
    return "".join(parts).encode("utf-8")


def _element(tag: str, attributes: dict[str, str], children: str = "", text: str = "") -> str:
    """Return one element of a page as XML text: its text escaped, children as given.

    A page's attribute values are numbers, lists of numbers and the standard's names, all
    written here, so they are written as they are.
    """
    written = "".join(f' {name}="{value}"' for name, value in attributes.items())
    inner = children + _escaped(text)
    if not inner:
        return f"<ofd:{tag}{written}/>"
    return f"<ofd:{tag}{written}>{inner}</ofd:{tag}>"


def _escaped(text: str) -> str:
    """Return element text escaped as XML writes it (a carriage return kept as a reference)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _area(parent: etree._Element, page: PageDrawing, tag: str = "Area") -> None:
    area = _sub(parent, tag)
    _sub(area, "PhysicalBox", _box(0, 0, page.width, page.height))
    _sub(area, "ApplicationBox", _box(*page.application_box))


def _ofd_xml(info: OfdInfo) -> bytes:
    root = _root("OFD", Version="1.0", DocType="OFD")
    body = _sub(root, "DocBody")
    doc_info = _sub(body, "DocInfo")
    _sub(doc_info, "DocID", info.doc_id)
    _sub(doc_info, "Title", info.title)
    _sub(doc_info, "Author", info.author)
    _sub(doc_info, "Subject", info.subject)
    _sub(doc_info, "CreationDate", info.created.isoformat())
    _sub(doc_info, "ModDate", info.modified.isoformat())
    if info.keywords:
        keywords = _sub(doc_info, "Keywords")
        for keyword in info.keywords:
            _sub(keywords, "Keyword", keyword)
    _sub(doc_info, "Creator", info.creator)
    if info.creator_version:
        _sub(doc_info, "CreatorVersion", info.creator_version)
    if info.custom:
        custom = _sub(doc_info, "CustomDatas")
        for name, value in info.custom:
            _sub(custom, "CustomData", value, Name=name)
    _sub(body, "DocRoot", f"{DOC}/Document.xml")
    return _xml(root)


def _document_xml(pages: list[str], default: PageDrawing, ids: _Ids, page_ids: list[int]) -> bytes:
    root = _root("Document")
    common = _sub(root, "CommonData")
    _sub(common, "MaxUnitID", str(ids.last))
    _area(common, default, "PageArea")
    _sub(common, "PublicRes", "PublicRes.xml")
    _sub(common, "DocumentRes", "DocumentRes.xml")
    listed = _sub(root, "Pages")
    for ident, location in zip(page_ids, pages, strict=True):
        _sub(listed, "Page", ID=str(ident), BaseLoc=location)
    return _xml(root)


def _public_res(resources: _Resources) -> tuple[bytes, dict[str, bytes]]:
    root = _root("Res", BaseLoc="Res")
    files: dict[str, bytes] = {}
    if resources.fonts:
        fonts = _sub(root, "Fonts")
        for ident, font in resources.fonts.values():
            attributes = {"ID": str(ident), "FontName": font.name, "FamilyName": font.family}
            for flag, value in (
                ("Bold", font.bold),
                ("Italic", font.italic),
                ("Serif", font.serif),
                ("FixedWidth", font.fixed_width),
            ):
                if value:
                    attributes[flag] = "true"
            name = f"font_{ident}.{font.extension}"
            _sub(_sub(fonts, "Font", **attributes), "FontFile", name)
            files[name] = font.program
    return _xml(root), files


def _document_res(resources: _Resources) -> tuple[bytes, dict[str, bytes]]:
    root = _root("Res", BaseLoc="Res")
    files: dict[str, bytes] = {}
    if resources.images:
        media = _sub(root, "MultiMedias")
        for ident, kind, data in resources.images.values():
            name = f"image_{ident}.{'jpg' if kind == 'JPEG' else 'png'}"
            _sub(
                _sub(media, "MultiMedia", ID=str(ident), Type="Image", Format=kind),
                "MediaFile",
                name,
            )
            files[name] = data
    return _xml(root), files


def write_package(pages: Iterable[PageDrawing], info: OfdInfo) -> bytes:
    """Return the OFD file of the pages with the document's metadata."""
    drawings = list(pages)
    if not drawings:
        raise ValueError("an OFD needs at least one page")
    ids = _Ids()
    resources = _Resources(ids)
    default = drawings[0]
    page_ids = [ids.next() for _ in drawings]
    contents = [_page_xml(page, ids, resources, default) for page in drawings]
    public, font_files = _public_res(resources)
    document_res, image_files = _document_res(resources)
    locations = [f"Pages/Page_{i}/Content.xml" for i in range(len(drawings))]
    entries: list[tuple[str, bytes]] = [("OFD.xml", _ofd_xml(info))]
    entries.append((f"{DOC}/Document.xml", _document_xml(locations, default, ids, page_ids)))
    entries.append((f"{DOC}/PublicRes.xml", public))
    entries.append((f"{DOC}/DocumentRes.xml", document_res))
    entries.extend(
        (f"{DOC}/{location}", content)
        for location, content in zip(locations, contents, strict=True)
    )
    entries.extend(
        (f"{DOC}/Res/{name}", data) for name, data in {**font_files, **image_files}.items()
    )
    return zip_members(entries, (info.created.year, info.created.month, info.created.day))


def read_info(ofd: bytes) -> OfdInfo:
    """Return the DocInfo of an OFD file as written here (raises OfdError if it cannot be read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(ofd)) as archive:
            root = etree.fromstring(archive.read("OFD.xml"), parser=safe_parser())
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as error:
        raise OfdError(f"OFD 文件无法读取：{error}") from error
    info = root.find(f"{_E}DocBody/{_E}DocInfo")
    if info is None:
        raise OfdError("OFD.xml 中没有 DocInfo")

    def text(tag: str) -> str:
        return info.findtext(_E + tag) or ""

    def day(tag: str) -> dt.date:
        try:
            return dt.date.fromisoformat(text(tag))
        except ValueError:
            return dt.date(1970, 1, 1)

    return OfdInfo(
        doc_id=text("DocID"),
        title=text("Title"),
        author=text("Author"),
        subject=text("Subject"),
        created=day("CreationDate"),
        modified=day("ModDate"),
        keywords=tuple(k.text or "" for k in info.iterfind(f"{_E}Keywords/{_E}Keyword")),
        creator=text("Creator"),
        creator_version=text("CreatorVersion"),
        custom=tuple(
            (c.get("Name", ""), c.text or "")
            for c in info.iterfind(f"{_E}CustomDatas/{_E}CustomData")
        ),
    )

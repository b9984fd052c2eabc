"""Builders of DOCX files that reach outside themselves (linked pictures, fields, OLE), made in code."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.shared import Mm

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
EXTERNAL = ' TargetMode="External"'
VML_NS = "urn:schemas-microsoft-com:vml"
OFFICE_NS = "urn:schemas-microsoft-com:office:office"


def png(colour: tuple[int, int, int], size: int = 40) -> bytes:
    """Return a PNG of one colour, so that a picture in a PDF can be told by its pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"".join(b"\x00" + bytes(colour) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )  # fmt: skip


@functools.cache  # python-docx takes a tenth of a second to start a document
def document(*texts: str) -> bytes:
    """Return a GB/T 9704 page DOCX with one paragraph per text."""
    made = Document()
    section = made.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin = Mm(37), Mm(28)
    section.bottom_margin, section.right_margin = Mm(35), Mm(26)
    for text in texts:
        made.add_paragraph(text)
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def parts_of(data: bytes) -> dict[str, bytes]:
    """Return every member of a DOCX by name."""
    package = zipfile.ZipFile(io.BytesIO(data))
    return {name: package.read(name) for name in package.namelist()}


def with_parts(data: bytes, replace: dict[str, bytes]) -> bytes:
    """Return a DOCX with some members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in replace:
                target.writestr(item, source.read(item.filename))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


def with_body(data: bytes, xml: str) -> bytes:
    """Return a DOCX with WordprocessingML (w, r, v, o and wp prefixes) added at the end of its body."""
    body = parts_of(data)["word/document.xml"].decode("utf-8")
    end = body.rindex("<w:sectPr")
    return with_parts(data, {"word/document.xml": (body[:end] + xml + body[end:]).encode()})


def with_relationships(
    data: bytes, rels_part: str, *relationships: tuple[str, str, str, bool]
) -> bytes:
    """Return a DOCX whose rels part lists more relationships: (id, type, target, external)."""
    current = parts_of(data).get(rels_part)
    listing = (
        current.decode("utf-8")
        if current
        else '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
    )
    added = "".join(
        f"<Relationship Id={quoteattr(rid)} Type={quoteattr(kind if '/' in kind else RELATIONSHIP + kind)} "
        f"Target={quoteattr(target)}{EXTERNAL if external else ''}/>"
        for rid, kind, target, external in relationships
    )
    return with_parts(
        data, {rels_part: listing.replace("</Relationships>", added + "</Relationships>").encode()}
    )


def paragraph(text: str, *runs: str) -> str:
    """Return a paragraph of plain text followed by further runs (raw XML)."""
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>{"".join(runs)}</w:p>'


def drawing(blip_attributes: str) -> str:
    """Return a run holding a DrawingML picture whose a:blip has these attributes."""
    return (
        '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:extent cx="1440000" cy="1440000"/><wp:docPr id="9" name="P"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="9" name="P"/><pic:cNvPicPr/></pic:nvPicPr>'
        f"<pic:blipFill><a:blip {blip_attributes}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1440000" cy="1440000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


def vml_shape(inner: str, attributes: str = "") -> str:
    """Return a run holding a VML shape with this content (v:imagedata, v:fill, …)."""
    return (
        f'<w:r><w:pict><v:shape xmlns:v="{VML_NS}" xmlns:o="{OFFICE_NS}" id="s9" '
        f'style="width:100pt;height:100pt" {attributes}>'
        f"{inner}</v:shape></w:pict></w:r>"
    )


def complex_field(*instruction_runs: str, result: str = "旧结果") -> str:
    """Return the runs of a field whose instruction is split over these runs."""
    instruction = "".join(
        f'<w:r><w:instrText xml:space="preserve">{escape(text)}</w:instrText></w:r>'
        for text in instruction_runs
    )
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + instruction
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + f"<w:r><w:t>{escape(result)}</w:t></w:r>"
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )  # fmt: skip


def simple_field(instruction: str, result: str = "旧结果") -> str:
    """Return a w:fldSimple with this instruction."""
    return f"<w:fldSimple w:instr={quoteattr(instruction)}><w:r><w:t>{escape(result)}</w:t></w:r></w:fldSimple>"


def linked_picture(data: bytes, target: str, rid: str = "rIdOut1") -> bytes:
    """Return a DOCX with a picture linked (a:blip r:link) to an outside target, in its own paragraph."""
    data = with_relationships(data, "word/_rels/document.xml.rels", (rid, "image", target, True))
    return with_body(data, paragraph("链接图片：", drawing(f'r:link="{rid}"')))


def with_first_child(data: bytes, part: str, xml: str) -> bytes:
    """Return a DOCX with XML added as the first children of a part's root element."""
    text = parts_of(data)[part].decode("utf-8")
    inside = text.index(">", text.index("<w:")) + 1
    return with_parts(data, {part: (text[:inside] + xml + text[inside:]).encode()})


def word_part(root: str, xml: str) -> bytes:
    """Return a WordprocessingML part (footnotes, a header, a glossary document…) holding this XML."""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{root} xmlns:w="{W_NS}" '
        f'xmlns:r="{R_NS}" xmlns:v="{VML_NS}" xmlns:o="{OFFICE_NS}">{xml}</w:{root}>'
    ).encode()

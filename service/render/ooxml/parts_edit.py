"""Reading and replacing XML parts of a filled DOCX package, every other member kept byte for byte."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

from lxml import etree

from service.render.ooxml.package_parts import safe_parser

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
STYLES = "word/styles.xml"


def w(tag: str) -> str:
    """Return a WordprocessingML tag or attribute name in Clark notation."""
    return f"{{{W}}}{tag}"


def read_parts(docx: bytes, names: tuple[str, ...]) -> dict[str, etree._Element]:
    """Return the named XML parts the package holds, parsed; a missing part is left out."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        present = set(package.namelist())
        return {
            name: etree.fromstring(package.read(name), safe_parser())
            for name in names
            if name in present
        }


def with_parts(docx: bytes, parts: Mapping[str, etree._Element]) -> bytes:
    """Return the package with the given parts written in place of its own."""
    out = io.BytesIO()
    # The package only travels to LibreOffice: its members are stored, not compressed again
    # (compressing took two thirds of the time here, some 3 ms a document).
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target,
    ):
        for item in source.infolist():
            root = parts.get(item.filename)
            if root is None:
                data = source.read(item)
            else:
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(item, data, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def default_paragraph_style(styles: etree._Element | None) -> etree._Element | None:
    """Return the default paragraph style of a styles part (Normal), which others are based on."""
    if styles is None:
        return None
    for style in styles.iter(w("style")):
        if style.get(w("type")) == "paragraph" and style.get(w("default")) in ("1", "true", "on"):
            return style
    return None

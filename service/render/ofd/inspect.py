"""What an archived OFD shows of itself: whether it opens, its pages, DocInfo, fonts and actions."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from service.render.ofd.validation import part_errors
from service.render.ooxml.package_parts import safe_parser

_NS = "{http://www.ofdspec.org/2016}"
# Elements through which an OFD acts or carries other files: none belongs in an official act.
ACTIVE = ("Actions", "Action", "URI", "Attachments", "Extensions", "Sound", "Movie")


@dataclass(frozen=True)
class OfdFindings:
    """What reading an OFD found; error says why it did not open."""

    error: str = ""
    pages: int = 0
    custom: dict[str, str] = field(default_factory=dict)
    title: str = ""
    fonts_missing: tuple[str, ...] = ()
    fonts: int = 0
    active: tuple[str, ...] = ()
    schema: dict[str, list[str]] = field(default_factory=dict)

    @property
    def opened(self) -> bool:
        """Return whether the package could be read."""
        return not self.error


def inspect_ofd(data: bytes) -> OfdFindings:
    """Return what an OFD file shows: pages, DocInfo, missing font files, active content, schema errors."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            root = etree.fromstring(package.read("OFD.xml"), parser=safe_parser())
            doc_root = root.findtext(f"{_NS}DocBody/{_NS}DocRoot") or ""
            document = etree.fromstring(package.read(doc_root), parser=safe_parser())
            pages = document.findall(f"{_NS}Pages/{_NS}Page")
            missing, fonts, active = [], 0, set()
            schema: dict[str, list[str]] = {}
            for name in sorted(names):
                if not name.endswith(".xml"):
                    continue
                tree = etree.fromstring(package.read(name), parser=safe_parser())
                if errors := part_errors(name, tree):
                    schema[name] = errors
                active |= {
                    etree.QName(e).localname
                    for e in tree.iter()
                    if isinstance(e.tag, str) and etree.QName(e).localname in ACTIVE
                }
                if name.endswith("Res.xml"):
                    folder = posixpath.join(posixpath.dirname(name), tree.get("BaseLoc") or "")
                    for font in tree.iter(f"{_NS}Font"):
                        fonts += 1
                        location = font.findtext(f"{_NS}FontFile") or ""
                        if posixpath.normpath(posixpath.join(folder, location)) not in names:
                            missing.append(font.get("FontName") or location)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError) as error:
        return OfdFindings(error=f"无法打开：{error}")
    info = root.find(f"{_NS}DocBody/{_NS}DocInfo")
    custom = {}
    title = ""
    if info is not None:
        title = info.findtext(f"{_NS}Title") or ""
        custom = {
            c.get("Name", ""): c.text or ""
            for c in info.iterfind(f"{_NS}CustomDatas/{_NS}CustomData")
        }
    return OfdFindings(
        pages=len(pages),
        custom=custom,
        title=title,
        fonts_missing=tuple(missing),
        fonts=fonts,
        active=tuple(sorted(active)),
        schema=schema,
    )

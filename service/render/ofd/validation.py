"""An OFD package checked against the schemas of GB/T 33190-2016 Annex A (service/render/ofd/schema)."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

from service.render.ooxml.package_parts import safe_parser

SCHEMA_DIR = Path(__file__).parent / "schema"
# Which schema each part of the package follows, by the end of its name.
PARTS = (
    ("OFD.xml", "OFD.xsd"),
    ("Document.xml", "Document.xsd"),
    ("Res.xml", "Res.xsd"),
    ("Content.xml", "Page.xsd"),
)


@cache
def _schema(name: str) -> etree.XMLSchema:
    """Return one of the standard's schemas, its includes read from the same folder."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name)))


def schema_errors(ofd: bytes) -> dict[str, list[str]]:
    """Return each part of the package that does not validate, with libxml2's messages.

    A package that is not a zip, or lacks OFD.xml, comes back as one entry naming why.
    """
    try:
        package = zipfile.ZipFile(io.BytesIO(ofd))
    except zipfile.BadZipFile as error:
        return {"": [f"不是 OFD 包（zip）：{error}"]}
    errors: dict[str, list[str]] = {}
    with package:
        names = package.namelist()
        if "OFD.xml" not in names:
            return {"OFD.xml": ["包中没有 OFD.xml"]}
        for name in names:
            if not any(name.endswith(end) for end, _xsd in PARTS):
                continue
            try:
                tree = etree.fromstring(package.read(name), parser=safe_parser())
            except etree.XMLSyntaxError as error:
                errors[name] = [str(error)]
                continue
            found = part_errors(name, tree)
            if found:
                errors[name] = found
    return errors


def part_errors(name: str, tree: etree._Element) -> list[str]:
    """Return libxml2's messages for one parsed part against the schema its name calls for."""
    schema = next((xsd for end, xsd in PARTS if name.endswith(end)), None)
    if schema is None:
        return []
    validator = _schema(schema)
    if validator.validate(tree):
        return []
    return [f"第{e.line}行：{e.message}" for e in validator.error_log]

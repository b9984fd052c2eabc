"""An OFD package checked against the schemas of GB/T 33190-2016 Annex A (service/render/ofd/schema)."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).parent / "schema"
# Which schema each part of the package follows, by the end of its name.
PARTS = (
    ("OFD.xml", "OFD.xsd"),
    ("Document.xml", "Document.xsd"),
    ("Res.xml", "Res.xsd"),
    ("Content.xml", "Page.xsd"),
)
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


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
            schema = next((xsd for end, xsd in PARTS if name.endswith(end)), None)
            if schema is None:
                continue
            try:
                tree = etree.fromstring(package.read(name), parser=_SAFE)
            except etree.XMLSyntaxError as error:
                errors[name] = [str(error)]
                continue
            validator = _schema(schema)
            if not validator.validate(tree):
                errors[name] = [f"第{e.line}行：{e.message}" for e in validator.error_log]
    return errors

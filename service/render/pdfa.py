"""Writes the document's metadata into the PDF/A: title, 文号, issuer, date and DA/T 46 core elements."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from lxml import etree

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
XMP_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
XMP_MM = "http://ns.adobe.com/xap/1.0/mm/"
ST_EVT = "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# DA/T 46-2009 core elements go into properties PDF/A-2 predefines, so that no extension
# schema is needed and strict validators accept the packet:
#   题名 dc:title; 文号 dc:identifier and pdf:Keywords; 责任者 dc:creator; 日期 dc:date;
#   文种 dc:type; 格式 dc:format; 密级 and 保管期限 xmpRights:UsageTerms (and xmpRights:Marked
#   when not public); 业务行为, 行为主体 and 行为时间 one xmpMM:History event.


@dataclass(frozen=True)
class RenderedPdf:
    """A finished PDF/A, its page count, and what its layout could not avoid (to record with it)."""

    data: bytes
    pages: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentMetadata:
    """What the archive knows of a document before it is stored; written into its PDF."""

    title: str
    document_number: str
    responsible_body: str
    date: dt.date
    retention_period: str
    classification: str
    kind: str
    agent: str
    action_time: dt.datetime
    business_action: str = "发文"
    # What the document was derived from, written as dc:source: for a list drawn by the
    # system, the record of the draw as JSON, so that anyone can redo it from the file alone.
    source: str = ""

    def usage_terms(self) -> str:
        """Return 密级 and 保管期限 as one usage-terms sentence."""
        return f"密级：{self.classification}；保管期限：{self.retention_period}"


def write_metadata(pdf_path: Path, metadata: DocumentMetadata) -> RenderedPdf:
    """Return the PDF at pdf_path with metadata written into its Info and XMP, still PDF/A-2b."""
    with pikepdf.open(pdf_path) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["dc:title"] = metadata.title
            xmp["dc:creator"] = [metadata.responsible_body]
            xmp["dc:description"] = f"{metadata.document_number} {metadata.title}"
            xmp["pdf:Keywords"] = metadata.document_number
            xmp["pdf:Producer"] = "LibreOffice; wenshu"
            xmp["xmp:CreatorTool"] = "wenshu"
        _add_archival_properties(pdf, metadata)
        out = io.BytesIO()
        # Fixed IDs keep the output a function of its input.
        pdf.save(out, deterministic_id=True)
        return RenderedPdf(out.getvalue(), len(pdf.pages))


def _add_archival_properties(pdf: pikepdf.Pdf, metadata: DocumentMetadata) -> None:
    """Write the DA/T 46 elements that pikepdf's metadata API cannot set into the XMP packet."""
    stream = pdf.Root.Metadata
    root = etree.fromstring(stream.read_bytes())
    rdf = root if root.tag == f"{{{RDF}}}RDF" else root.find(f"{{{RDF}}}RDF")
    if rdf is None:
        raise ValueError("the PDF's XMP packet has no rdf:RDF")
    names = ("identifier", "date", "type", "format", "source")
    for element in list(
        rdf.iter(*(f"{{{DC}}}{n}" for n in names), f"{{{XMP_RIGHTS}}}*", f"{{{XMP_MM}}}History")
    ):
        element.getparent().remove(element)
    nsmap = {"dc": DC, "xmpRights": XMP_RIGHTS, "xmpMM": XMP_MM, "stEvt": ST_EVT}
    about = {f"{{{RDF}}}about": ""}
    description = etree.SubElement(rdf, f"{{{RDF}}}Description", about, nsmap=nsmap)
    etree.SubElement(description, f"{{{DC}}}identifier").text = metadata.document_number
    etree.SubElement(description, f"{{{DC}}}format").text = "application/pdf"
    if metadata.source:
        etree.SubElement(description, f"{{{DC}}}source").text = metadata.source
    _container(description, f"{{{DC}}}date", "Seq", [metadata.date.isoformat()])
    _container(description, f"{{{DC}}}type", "Bag", [metadata.title, metadata.kind])
    marked = metadata.classification != "公开"
    etree.SubElement(description, f"{{{XMP_RIGHTS}}}Marked").text = "True" if marked else "False"
    terms = _container(description, f"{{{XMP_RIGHTS}}}UsageTerms", "Alt", [metadata.usage_terms()])
    terms[0][0].set(XML_LANG, "x-default")
    history = _container(description, f"{{{XMP_MM}}}History", "Seq", [])
    event = etree.SubElement(history[0], f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
    etree.SubElement(event, f"{{{ST_EVT}}}action").text = "created"
    etree.SubElement(event, f"{{{ST_EVT}}}when").text = metadata.action_time.isoformat(
        timespec="seconds"
    )
    etree.SubElement(event, f"{{{ST_EVT}}}softwareAgent").text = "wenshu"
    etree.SubElement(
        event, f"{{{ST_EVT}}}parameters"
    ).text = f"{metadata.business_action}；经办人：{metadata.agent}"
    packet = etree.tostring(root, encoding="utf-8")
    stream.write(
        b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        + packet
        + b'\n<?xpacket end="w"?>'
    )


def _container(parent: etree._Element, tag: str, kind: str, items: list[str]) -> etree._Element:
    """Return a new property holding an rdf:Seq, Bag or Alt of text items."""
    prop = etree.SubElement(parent, tag)
    container = etree.SubElement(prop, f"{{{RDF}}}{kind}")
    for item in items:
        etree.SubElement(container, f"{{{RDF}}}li").text = item
    return prop


def read_archival_metadata(pdf_path: Path) -> dict[str, str]:
    """Return the DA/T 46 elements found in a PDF's XMP, keyed by their Chinese names."""
    with pikepdf.open(pdf_path) as pdf:
        xmp = pdf.open_metadata()
        raw = etree.fromstring(pdf.Root.Metadata.read_bytes())

    def first(tag: str) -> str:
        found = next(raw.iter(tag), None)
        if found is None:
            return ""
        items = [li.text or "" for li in found.iter(f"{{{RDF}}}li")]
        return "、".join(items) if items else (found.text or "").strip()

    return {
        "题名": str(xmp.get("dc:title", "")),
        "文号": first(f"{{{DC}}}identifier"),
        "责任者": first(f"{{{DC}}}creator"),
        "日期": first(f"{{{DC}}}date"),
        "格式": first(f"{{{DC}}}format"),
        "文种": first(f"{{{DC}}}type"),
        "密级和保管期限": first(f"{{{XMP_RIGHTS}}}UsageTerms"),
        "业务行为": first(f"{{{ST_EVT}}}parameters"),
        "行为时间": first(f"{{{ST_EVT}}}when"),
    }


def read_source(pdf_path: Path) -> str:
    """Return the dc:source a PDF's XMP holds ("" when none); raise ValueError for an unreadable file."""
    try:
        with pikepdf.open(pdf_path) as pdf:
            stream = pdf.Root.get("/Metadata")
            if not isinstance(stream, pikepdf.Stream):
                return ""
            root = etree.fromstring(stream.read_bytes())
    except (pikepdf.PdfError, OSError, etree.XMLSyntaxError) as error:
        raise ValueError(str(error) or type(error).__name__) from error
    found = next(root.iter(f"{{{DC}}}source"), None)
    return (found.text or "") if found is not None else ""

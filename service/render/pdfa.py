"""Writes the document's metadata into the PDF/A: title, 文号, issuer, date and DA/T 46 core elements."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from lxml import etree
from pikepdf.models.metadata import DOCINFO_MAPPING, DateConverter

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
XMP_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
XMP_MM = "http://ns.adobe.com/xap/1.0/mm/"
ST_EVT = "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PDF = "http://ns.adobe.com/pdf/1.3/"
XMP = "http://ns.adobe.com/xap/1.0/"
PRODUCER = "LibreOffice; wenshu"
CREATOR_TOOL = "wenshu"
XPACKET_BEGIN = b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
XPACKET_END = b'\n<?xpacket end="w"?>\n'
EMPTY_XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="' + RDF.encode() + b'"/></x:xmpmeta>'
)

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
        return metadata_written(pdf, metadata)


def metadata_written(
    pdf: pikepdf.Pdf, metadata: DocumentMetadata, warnings: tuple[str, ...] = ()
) -> RenderedPdf:
    """Return an open PDF with metadata written into its Info and XMP, saved once to bytes.

    The XMP packet is parsed, changed and written once; nothing is read back from disk.
    """
    _write_xmp(pdf, metadata)
    out = io.BytesIO()
    # Fixed IDs keep the output a function of its input. A pdf:PDFVersion in the XMP is
    # already in step (_write_xmp): the save need not parse the packet again to check it.
    pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return RenderedPdf(out.getvalue(), len(pdf.pages), warnings)


# The properties written here, found wherever an earlier packet had them and replaced.
_REPLACED = (
    f"{{{DC}}}title", f"{{{DC}}}creator", f"{{{DC}}}description", f"{{{PDF}}}Keywords",
    f"{{{PDF}}}Producer", f"{{{XMP}}}CreatorTool", f"{{{DC}}}identifier", f"{{{DC}}}date",
    f"{{{DC}}}type", f"{{{DC}}}format", f"{{{DC}}}source", f"{{{XMP_MM}}}History",
)  # fmt: skip


def _write_xmp(pdf: pikepdf.Pdf, metadata: DocumentMetadata) -> None:
    """Write title, 文号, issuer and the DA/T 46 elements into the XMP packet and the Info.

    LibreOffice's packet keeps its PDF/A identification and dates; the properties written
    here replace any it had, in one rdf:Description of their own. The Info dictionary is
    derived from the packet as pikepdf derives it (its DOCINFO_MAPPING), so the two agree
    as PDF/A requires.
    """
    stream = pdf.Root.get("/Metadata")
    data = stream.read_bytes() if isinstance(stream, pikepdf.Stream) else b""
    root = etree.fromstring(data) if data.strip() else etree.fromstring(EMPTY_XMP)
    rdf = root if root.tag == f"{{{RDF}}}RDF" else root.find(f"{{{RDF}}}RDF")
    if rdf is None:
        raise ValueError("the PDF's XMP packet has no rdf:RDF")
    for element in list(rdf.iter(*_REPLACED, f"{{{XMP_RIGHTS}}}*")):
        element.getparent().remove(element)
    descriptions = rdf.findall(f"{{{RDF}}}Description")
    for description in descriptions:
        for name in list(description.attrib):
            if name in _REPLACED or name.startswith(f"{{{XMP_RIGHTS}}}"):
                del description.attrib[name]
        if len(description) == 0 and all(n.startswith(f"{{{RDF}}}") for n in description.attrib):
            rdf.remove(description)
    about = {d.get(f"{{{RDF}}}about") or "" for d in descriptions} - {""}
    shared = about.pop() if len(about) == 1 else ""
    for description in rdf.findall(f"{{{RDF}}}Description"):
        description.set(f"{{{RDF}}}about", shared)
    for version in rdf.iter(f"{{{PDF}}}PDFVersion"):
        version.text = pdf.pdf_version  # what pikepdf's save would otherwise correct
    _add_properties(rdf, metadata, shared)
    packet = XPACKET_BEGIN + etree.tostring(root, encoding="utf-8", pretty_print=True) + XPACKET_END
    if isinstance(stream, pikepdf.Stream):
        stream.write(packet)
    else:
        pdf.Root.Metadata = pikepdf.Stream(pdf, packet, Type=pikepdf.Name.Metadata,
                                           Subtype=pikepdf.Name.XML)  # fmt: skip
    _write_info(pdf, metadata, rdf)


def _add_properties(rdf: etree._Element, metadata: DocumentMetadata, about: str) -> None:
    """Add one rdf:Description holding every property this module writes."""
    nsmap = {"dc": DC, "pdf": PDF, "xmp": XMP, "xmpRights": XMP_RIGHTS, "xmpMM": XMP_MM,
             "stEvt": ST_EVT}  # fmt: skip
    description = etree.SubElement(rdf, f"{{{RDF}}}Description", {f"{{{RDF}}}about": about},
                                   nsmap=nsmap)  # fmt: skip
    default = {XML_LANG: "x-default"}
    _container(description, f"{{{DC}}}title", "Alt", [metadata.title])[0][0].attrib.update(default)
    _container(description, f"{{{DC}}}creator", "Seq", [metadata.responsible_body])
    subject = _container(description, f"{{{DC}}}description", "Alt", [_subject(metadata)])
    subject[0][0].attrib.update(default)
    for tag, text in (
        (f"{{{PDF}}}Keywords", metadata.document_number),
        (f"{{{PDF}}}Producer", PRODUCER),
        (f"{{{XMP}}}CreatorTool", CREATOR_TOOL),
        (f"{{{DC}}}identifier", metadata.document_number),
        (f"{{{DC}}}format", "application/pdf"),
    ):
        etree.SubElement(description, tag).text = text
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


def _subject(metadata: DocumentMetadata) -> str:
    """Return the document's description: its 文号 and title."""
    return f"{metadata.document_number} {metadata.title}"


def _write_info(pdf: pikepdf.Pdf, metadata: DocumentMetadata, rdf: etree._Element) -> None:
    """Write the Info dictionary from the XMP values, as pikepdf's metadata editor would."""
    written = {
        "/Author": metadata.responsible_body,
        "/Subject": _subject(metadata),
        "/Title": metadata.title,
        "/Keywords": metadata.document_number,
        "/Producer": PRODUCER,
        "/Creator": CREATOR_TOOL,
    }
    info = pdf.docinfo
    for mapping in DOCINFO_MAPPING:
        value = written.get(mapping.name)
        if value is None:  # a date LibreOffice wrote: kept in the Info as the XMP has it
            found = _simple_value(rdf, f"{{{mapping.ns}}}{mapping.key}")
            value = DateConverter.docinfo_from_xmp(found) if found else None
        if value is None:
            if mapping.name in info:
                del info[mapping.name]
            continue
        try:
            info[mapping.name] = value.encode("ascii")
        except UnicodeEncodeError:
            info[mapping.name] = value  # qpdf writes it as UTF-16 with a byte order mark


def _simple_value(rdf: etree._Element, tag: str) -> str | None:
    """Return a simple property's text, written as an element or as a Description's attribute."""
    for description in rdf.findall(f"{{{RDF}}}Description"):
        if tag in description.attrib:
            return str(description.get(tag))
        found = description.find(tag)
        if found is not None:
            return found.text or ""
    return None


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

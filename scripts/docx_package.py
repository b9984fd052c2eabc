"""Assembles a template package: page setup, page-number footers, parts, and the zip itself."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from gbt9704 import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_H,
    PAGE_W,
    TWIPS_PER_MM,
    W_NS,
    styles_xml,
)

# LibreOffice hangs a DOCX footer from the top of its area, so the footer distance that puts
# the page number's 一字线 7 mm below the text area was measured, not derived (GB/T 9704 7.5).
FOOTER_FROM_EDGE = round(25.3 * TWIPS_PER_MM)
LANDSCAPE_FOOTER = 652  # a landscape table's page number, where it always was


def footer_xml(align: str) -> str:
    """Return a footer with the page number as "— 1 —", one character in from its side."""
    indent = '<w:ind w:left="280"/>' if align == "left" else '<w:ind w:right="280"/>'
    field_runs = (
        '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> —</w:t></w:r>'
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {W_NS}><w:p><w:pPr>'
        f'<w:pStyle w:val="Footer"/><w:jc w:val="{align}"/>{indent}</w:pPr>{field_runs}</w:p></w:ftr>'
    )


def header_xml() -> str:
    """Return a header holding the bare page number at its right: a 案卷's 页号.

    Archives number a volume's document pages at the top right, as pages written on one side
    (a PDF page has no back), clear of the GB/T 9704 "— 1 —" each document prints at its foot.
    """
    field_runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {W_NS}><w:p><w:pPr>'
        f'<w:pStyle w:val="Footer"/><w:jc w:val="right"/></w:pPr>{field_runs}</w:p></w:hdr>'
    )


def first_footer_xml() -> str:
    """Return the first page's footer of the 信函格式: empty, since its first page has no number."""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {W_NS}><w:p><w:pPr>'
        '<w:pStyle w:val="Footer"/></w:pPr></w:p></w:ftr>'
    )


def section_xml(landscape: bool = False, letter: bool = False, numbers: str = "footer") -> str:
    """Return the section properties: A4 with the GB/T 9704 margins, odd/even page numbers.

    A letter (信函格式, GB/T 9704 10.1) shows no page number on its first page. numbers:
    "footer" (GB/T 9704's), "header" (a 案卷's 页号 at the top right) or "none".
    """
    if landscape:
        # A landscape table page keeps the binding margin on the long edge at the top.
        size = f'<w:pgSz w:w="{PAGE_H}" w:h="{PAGE_W}" w:orient="landscape"/>'
        margins = (
            f'<w:pgMar w:top="{MARGIN_LEFT}" w:right="{MARGIN_BOTTOM}" '
            f'w:bottom="{MARGIN_RIGHT}" w:left="{MARGIN_TOP}" w:header="851" '
            f'w:footer="{LANDSCAPE_FOOTER}" w:gutter="0"/>'
        )
    else:
        size = f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        margins = (
            f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
            f'w:left="{MARGIN_LEFT}" w:header="851" w:footer="{FOOTER_FROM_EDGE}" w:gutter="0"/>'
        )
    first = '<w:footerReference w:type="first" r:id="rIdFooterFirst"/>' if letter else ""
    title_page = "<w:titlePg/>" if letter else ""
    references = {
        "footer": '<w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
        f'<w:footerReference w:type="even" r:id="rIdFooterEven"/>{first}',
        "header": '<w:headerReference w:type="default" r:id="rIdHeaderOdd"/>'
        '<w:headerReference w:type="even" r:id="rIdHeaderEven"/>',
        "none": "",
    }[numbers]
    return f'<w:sectPr>{references}{size}{margins}<w:cols w:space="720"/>{title_page}</w:sectPr>'


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/word/footer3.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>
<Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>
<Relationship Id="rIdFooterFirst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer3.xml"/>
<Relationship Id="rIdHeaderOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>
<Relationship Id="rIdHeaderEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>
</Relationships>"""

SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings {W_NS}><w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/>
<w:characterSpacingControl w:val="compressPunctuation"/><w:compat>
<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>
</w:compat></w:settings>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>wenshu</Application></Properties>"""


def core_xml(title: str) -> str:
    """Return core properties naming the instrument."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>wenshu</dc:creator>"
        "</cp:coreProperties>"
    )


def write_docx(
    path: Path,
    title: str,
    body: list[Any],
    landscape: bool = False,
    letter: bool = False,
    numbers: str = "footer",
) -> None:
    """Write a complete template package to path; letter: the 信函格式's page setup.

    numbers says where the page numbers go (section_xml); the package holds only the
    header and footer parts its section refers to.
    """
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W_NS}><w:body>'
        + "".join(part.xml() for part in body)
        + section_xml(landscape, letter, numbers)
        + "</w:body></w:document>"
    )
    numbered = {
        "footer": {"word/footer1.xml": footer_xml("right"), "word/footer2.xml": footer_xml("left")}
        | ({"word/footer3.xml": first_footer_xml()} if letter else {}),
        # The settings ask for even pages' own header; a 案卷's even pages number alike.
        "header": {"word/header1.xml": header_xml(), "word/header2.xml": header_xml()},
        "none": {},
    }[numbers]
    present = {name.rsplit("/", 1)[-1] for name in numbered}
    parts = {
        "[Content_Types].xml": _only_present(CONTENT_TYPES, present),
        "_rels/.rels": PACKAGE_RELS,
        "docProps/core.xml": core_xml(title),
        "docProps/app.xml": APP,
        "word/_rels/document.xml.rels": _only_present(DOCUMENT_RELS, present),
        "word/document.xml": document,
        "word/styles.xml": styles_xml(),
        "word/settings.xml": SETTINGS,
        **numbered,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in parts.items():
            # A fixed timestamp keeps the file identical, and its SHA-256 stable, across rebuilds.
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, xml)


def _only_present(xml: str, present: set[str]) -> str:
    """Return a part list without the header and footer parts the package does not hold."""
    optional = re.compile(r"(header|footer)\d\.xml")
    return "\n".join(
        line
        for line in xml.splitlines()
        if not (found := optional.search(line)) or found.group(0) in present
    )

"""Builds GB/T 9704-2012 DOCX templates from paragraph lists, with only the styles they use.

The shipped templates in templates_docx/ were made with this module (version 1 of each);
from then on a template maintainer edits the DOCX in Word or LibreOffice. Keeping the
package small matters: LibreOffice spends 50-70 ms of each conversion importing the
350 KB of styles that python-docx's default template carries.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

TWIPS_PER_MM = 1440 / 25.4
PAGE_W, PAGE_H = 11906, 16838  # A4
MARGIN_TOP = round(37 * TWIPS_PER_MM)  # 天头 37 mm
MARGIN_LEFT = round(28 * TWIPS_PER_MM)  # 订口 28 mm
TEXT_W = round(156 * TWIPS_PER_MM)  # 版心 156 mm wide
TEXT_H = round(225 * TWIPS_PER_MM)  # and 225 mm high
MARGIN_RIGHT = PAGE_W - MARGIN_LEFT - TEXT_W
MARGIN_BOTTOM = PAGE_H - MARGIN_TOP - TEXT_H
FOOTER_FROM_EDGE = round((297 - 37 - 225 - 7 - 5) * TWIPS_PER_MM)  # page number 7 mm below
LINE_PITCH = TEXT_H // 22  # 22 lines a page
BODY_PT = 16  # 三号
# 28 characters a line: 156 mm is 442 pt, so each 16 pt character is set 0.25 pt tighter.
CHAR_SPACING = -5  # twentieths of a point
CHAR_W = BODY_PT * 20 + CHAR_SPACING  # twips taken by one body character
RED = "FF0000"

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"

W_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def fonts(name: str) -> str:
    """Return an rFonts element naming one font for every script."""
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'


def run(text: str, bold: bool = False, color: str | None = None) -> str:
    """Return a run with literal text (Jinja tags pass through unchanged)."""
    props = ""
    if bold:
        props += "<w:b/>"
    if color:
        props += f'<w:color w:val="{color}"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def tab_run() -> str:
    """Return a run holding one tab."""
    return "<w:r><w:tab/></w:r>"


@dataclass
class Para:
    """One paragraph: a style, its runs and optional direct paragraph properties."""

    style: str
    runs: list[str] = field(default_factory=list)
    ppr: str = ""

    def xml(self) -> str:
        """Return the paragraph's WordprocessingML."""
        ppr = f'<w:pPr><w:pStyle w:val="{self.style}"/>{self.ppr}</w:pPr>'
        return f"<w:p>{ppr}{''.join(self.runs)}</w:p>"


def p(style: str, text: str = "", **kwargs: str) -> Para:
    """Return a paragraph of one run of text in a style."""
    return Para(style, [run(text)] if text else [], kwargs.get("ppr", ""))


def tag(statement: str) -> Para:
    """Return a docxtpl paragraph-level tag ({%p ... %}), removed with its paragraph on render."""
    return p("Body", "{%p " + statement + " %}")


def paragraphs(name: str, style: str = "Body") -> list[Para]:
    """Return a loop writing each paragraph of a long-text fact as its own paragraph."""
    return [tag(f"for line in {name}"), p(style, "{{ line }}"), tag("endfor")]


def closing(style: str, text: str) -> Para:
    """Return the last paragraph of the body, kept on the page of the signature and seal.

    GB/T 9704 7.3.5: the seal must share a page with text, never stand alone on one.
    """
    return Para(style, [run(text)], "<w:keepNext/><w:keepLines/>")


def heading(text: str) -> Para:
    """Return a first-level heading (一、) in 黑体."""
    return p("Heading1", text)


def masthead(mark: str = "{{ issuer_mark }}", number: str = "{{ number }}") -> list[Para]:
    """Return the 版头: red 发文机关标志, 发文字号 centred under it, and the red rule."""
    rule = f'<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="{RED}"/></w:pBdr>'
    return [
        Para("Masthead", [run(mark, color=RED)]),
        p("Blank"),
        Para("DocNumber", [run(number)], rule),
        p("Blank"),
    ]


def signature(issuer: str = "{{ issuer }}", date: str = "{{ issue_date }}") -> list[Para]:
    """Return the signature: 成文日期 right-aligned four characters in, 署名 centred above it."""
    date_right = TEXT_W - 4 * CHAR_W
    # 2026年3月5日 is about 6.5 characters wide; the name is centred over the date's middle.
    issuer_centre = date_right - round(6.5 * CHAR_W / 2)
    issuer_tabs = f'<w:tabs><w:tab w:val="center" w:pos="{issuer_centre}"/></w:tabs>'
    date_tabs = f'<w:tabs><w:tab w:val="right" w:pos="{date_right}"/></w:tabs>'
    keep = "<w:keepNext/>"  # the signature never starts a page on its own
    return [
        Para("Blank", [], keep),
        Para("Blank", [], keep),
        Para("Signature", [tab_run(), run(issuer)], keep + issuer_tabs),
        Para("Signature", [tab_run(), run(date)], date_tabs),
    ]


def copies_note(field_name: str = "cc") -> list[Para]:
    """Return the 版记 line 抄送, shown only when the fact is given."""
    rules = (
        '<w:pBdr><w:top w:val="single" w:sz="6" w:space="4" w:color="000000"/>'
        '<w:bottom w:val="single" w:sz="6" w:space="4" w:color="000000"/></w:pBdr>'
    )
    return [
        tag(f"if {field_name}"),
        p("Blank"),
        Para("Imprint", [run("抄送：{{ " + field_name + " }}。")], rules),
        tag("endif"),
    ]


def _style(style_id: str, name: str, ppr: str, rpr: str) -> str:
    """Return a paragraph style based on Normal."""
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


def _size(points: float) -> str:
    """Return run-size elements for a size in points."""
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def styles_xml() -> str:
    """Return styles.xml with the GB/T 9704 styles and nothing else."""
    exact = f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/>'
    no_indent = '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
    centred = '<w:jc w:val="center"/>'
    styles = [
        _style("Body", "正文（仿宋）", "", ""),
        # A heading never ends a page: it stays with the paragraph it introduces.
        _style("Heading1", "一级标题（黑体）", "<w:keepNext/>", fonts(HEITI)),
        _style("Heading2", "二级标题（楷体）", "<w:keepNext/>", fonts(KAITI)),
        _style("Addressee", "主送机关", no_indent, ""),
        _style(
            "Title",
            "标题（小标宋）",
            no_indent + centred + '<w:spacing w:line="720" w:lineRule="exact"/>',
            fonts(XIAOBIAOSONG) + _size(22) + '<w:spacing w:val="0"/>',
        ),
        _style(
            "Masthead",
            "发文机关标志",
            no_indent + centred + '<w:spacing w:line="800" w:lineRule="exact"/>',
            fonts(XIAOBIAOSONG) + _size(26) + f'<w:color w:val="{RED}"/><w:spacing w:val="0"/>',
        ),
        _style("DocNumber", "发文字号", no_indent + centred, ""),
        _style("Signature", "署名和成文日期", no_indent, ""),
        _style("Blank", "空行", no_indent, ""),
        _style("Imprint", "版记", no_indent + '<w:ind w:left="320" w:right="320"/>', _size(14)),
        _style("TableText", "表格文字", no_indent + centred, _size(14)),
    ]
    normal = (
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        f'<w:pPr>{exact}<w:ind w:firstLineChars="200" w:firstLine="{2 * BODY_PT * 20}"/>'
        '<w:jc w:val="both"/></w:pPr>'
        f"<w:rPr>{fonts(FANGSONG)}{_size(BODY_PT)}"
        f'<w:spacing w:val="{CHAR_SPACING}"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
        "</w:rPr></w:style>"
    )
    footer = (
        '<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/>'
        '<w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/>'
        '<w:ind w:firstLine="0" w:firstLineChars="0"/></w:pPr>'
        f'<w:rPr>{fonts(SONGTI)}{_size(14)}<w:spacing w:val="0"/></w:rPr></w:style>'
    )
    table = (
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
        '<w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr></w:style>"
    )
    defaults = (
        f"<w:docDefaults><w:rPrDefault><w:rPr>{fonts(FANGSONG)}{_size(BODY_PT)}"
        '<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>'
        "<w:pPrDefault><w:pPr/></w:pPrDefault></w:docDefaults>"
    )
    body = defaults + normal + footer + table + "".join(styles)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {W_NS}>{body}</w:styles>'


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


def section_xml(landscape: bool = False) -> str:
    """Return the section properties: A4 with the GB/T 9704 margins, odd/even page numbers."""
    if landscape:
        # A landscape table page keeps the binding margin on the long edge at the top.
        size = f'<w:pgSz w:w="{PAGE_H}" w:h="{PAGE_W}" w:orient="landscape"/>'
        margins = (
            f'<w:pgMar w:top="{MARGIN_LEFT}" w:right="{MARGIN_BOTTOM}" '
            f'w:bottom="{MARGIN_RIGHT}" w:left="{MARGIN_TOP}" w:header="851" '
            f'w:footer="{FOOTER_FROM_EDGE // 2}" w:gutter="0"/>'
        )
    else:
        size = f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        margins = (
            f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
            f'w:left="{MARGIN_LEFT}" w:header="851" w:footer="{FOOTER_FROM_EDGE}" w:gutter="0"/>'
        )
    return (
        '<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
        '<w:footerReference w:type="even" r:id="rIdFooterEven"/>'
        f'{size}{margins}<w:cols w:space="720"/></w:sectPr>'
    )


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
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


def write_docx(path: Path, title: str, body: list[Any], landscape: bool = False) -> None:
    """Write a complete template package to path."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W_NS}><w:body>'
        + "".join(part.xml() for part in body)
        + section_xml(landscape)
        + "</w:body></w:document>"
    )
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "docProps/core.xml": core_xml(title),
        "docProps/app.xml": APP,
        "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/document.xml": document,
        "word/styles.xml": styles_xml(),
        "word/settings.xml": SETTINGS,
        "word/footer1.xml": footer_xml("right"),
        "word/footer2.xml": footer_xml("left"),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in parts.items():
            # A fixed timestamp keeps the file identical, and its SHA-256 stable, across rebuilds.
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, xml)


# Tables ------------------------------------------------------------------------------------

TABLE_BORDERS = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)


@dataclass
class Cell:
    """One table cell: its paragraphs (or one line of text) and how many grid columns it spans."""

    content: str | list[Para]
    span: int = 1
    align: str = "center"
    bold: bool = False

    def paragraphs(self) -> list[Para]:
        """Return the cell's paragraphs."""
        if isinstance(self.content, list):
            return self.content
        justify = f'<w:jc w:val="{self.align}"/>'
        return [Para("TableText", [run(self.content, bold=self.bold)], justify)]


@dataclass
class Row:
    """One table row; a header row repeats at the top of every page."""

    cells: list[Cell]
    header: bool = False
    # A row of long text may continue on the next page; its cells then align at the top, so
    # that a label stays beside the first line (and text extraction reads it before the text).
    can_split: bool = False

    def xml(self, widths: list[int]) -> str:
        """Return the row's WordprocessingML."""
        trpr = ("" if self.can_split else "<w:cantSplit/>") + (
            "<w:tblHeader/>" if self.header else ""
        )
        valign = "top" if self.can_split else "center"
        cells = []
        column = 0
        for cell in self.cells:
            width = sum(widths[column : column + cell.span])
            column += cell.span
            span = f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else ""
            tcpr = f'<w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}<w:vAlign w:val="{valign}"/></w:tcPr>'
            body = "".join(part.xml() for part in cell.paragraphs())
            cells.append(f"<w:tc>{tcpr}{body}</w:tc>")
        return f"<w:tr><w:trPr>{trpr}</w:trPr>{''.join(cells)}</w:tr>"


def tag_row(statement: str, columns: int) -> Row:
    """Return a docxtpl row-level tag ({%tr ... %}), removed with its row on render."""
    return Row([Cell("{%tr " + statement + " %}", span=columns)])


@dataclass
class Table:
    """A bordered table of fixed column widths (twips), centred in the text area."""

    widths: list[int]
    rows: list[Row]

    def xml(self) -> str:
        """Return the table's WordprocessingML."""
        total = sum(self.widths)
        tblpr = (
            f'<w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
            f'{TABLE_BORDERS}<w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in self.widths)
        rows = "".join(row.xml(self.widths) for row in self.rows)
        return f"<w:tbl>{tblpr}<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"


def list_table(
    columns: list[tuple[str, float]], items: str, cells: list[str], landscape: bool = False
) -> Table:
    """Return a table with a repeated header row and one row per item of a context list.

    columns: (header text, share of the text width); cells: the template text of each
    cell of the repeated row, e.g. "{{ row.unit }}".
    """
    width = TEXT_H if landscape else TEXT_W
    shares = sum(share for _, share in columns)
    widths = [int(width * share / shares) for _, share in columns]
    header = Row([Cell(text, bold=True) for text, _ in columns], header=True)
    body = Row([Cell(text, align="left" if len(text) > 20 else "center") for text in cells])
    count = len(columns)
    return Table(
        widths, [header, tag_row(f"for row in {items}", count), body, tag_row("endfor", count)]
    )

"""Builds GB/T 9704-2012 DOCX templates from paragraph lists: the grid, runs, paragraphs and styles.

The shipped templates in templates_docx/ were made with this module (version 1 of each);
from then on a template maintainer edits the DOCX in Word or LibreOffice. Keeping the
package small matters: LibreOffice spends 50-70 ms of each conversion importing the
350 KB of styles that python-docx's default template carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

TWIPS_PER_MM = 1440 / 25.4
PAGE_W, PAGE_H = 11906, 16838  # A4
MARGIN_TOP = round(37 * TWIPS_PER_MM)  # 天头 37 mm
MARGIN_LEFT = round(28 * TWIPS_PER_MM)  # 订口 28 mm
TEXT_W = round(156 * TWIPS_PER_MM)  # 版心 156 mm wide
TEXT_H = round(225 * TWIPS_PER_MM)  # and 225 mm high
MARGIN_RIGHT = PAGE_W - MARGIN_LEFT - TEXT_W
MARGIN_BOTTOM = PAGE_H - MARGIN_TOP - TEXT_H
LINE_PITCH = TEXT_H // 22  # 22 lines a page; the page-fitting step may set it tighter
LINE_PT = LINE_PITCH / 20
BODY_PT = 16  # 三号
# Where LibreOffice sets a glyph in a line of exact height: the baseline four fifths of the
# way down (its fixed line spacing), and the ideographic em box of the CJK faces from 0.88 em
# above the baseline to 0.12 em below it (Noto CJK, Fandol). Spacing in mm is computed with them.
BASELINE_SHARE = 0.8
EM_ABOVE_BASELINE = 0.88
EM_BELOW_BASELINE = 0.12
MM = 72 / 25.4  # points in a millimetre
MASTHEAD_PT, MASTHEAD_LINE_PT = 26, 30  # 发文机关标志: 一号, in a line just taller than its em box
TITLE_PT, TITLE_LINE_PT = 22, 36  # 标题: 二号
IMPRINT_PT = 14  # 版记: 四号
# 28 characters a line: 156 mm is 442 pt, so each 16 pt character is set 0.25 pt tighter.
CHAR_SPACING = -5  # twentieths of a point
CHAR_W = BODY_PT * 20 + CHAR_SPACING  # twips taken by one body character
RED = "FF0000"
# The two blank lines the seal presses into above the 署名 (GB/T 9704 7.3.5.1: the 署名 below the
# seal's centre, its top within a line of the body). A 42 mm seal, its centre 1 mm above the
# 署名's glyphs, needs 22 mm from the body's last glyphs to the 署名's. Two lines of the 22-line
# grid leave 23.6 mm, but set at 24 lines a page, as the page-fitting step may, only 21 mm: the
# seal would cover the body. So these lines keep their height on any grid (22.7 mm left at 24
# lines): the fitting step rewrites only line heights equal to the grid's pitch (28.95 pt).
SEAL_LINE_PT = 29

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


def exact_line(points: float, before: float = 0) -> str:
    """Return paragraph spacing: an exact line height and space before it, both in points."""
    return (
        f'<w:spacing w:before="{round(before * 20)}" w:after="0" '
        f'w:line="{round(points * 20)}" w:lineRule="exact"/>'
    )


def baseline_in_line(line_points: float) -> float:
    """Return how far below the top of a line of exact height LibreOffice sets the baseline."""
    return BASELINE_SHARE * line_points


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

    GB/T 9704 7.3.5: the seal must share a page with text, never stand alone on one. The
    paragraph is kept with the signature but not kept whole: Word, where maintainers edit the
    templates, carries only its last lines over, two at least (widow control), where a
    paragraph kept whole would jump to the next page in one piece and leave its lines empty.
    LibreOffice 7.4 moves a paragraph kept with the next whole either way; the page it leaves
    short is the page-fitting step's to close (service/render/fit.py).
    """
    return Para(style, [run(text)], "<w:keepNext/><w:widowControl/>")


def heading(text: str) -> Para:
    """Return a first-level heading (一、) in 黑体."""
    return p("Heading1", text)


def seal_lines() -> list[Para]:
    """Return the two blank lines above the 署名 that the seal presses into, kept with it."""
    return [Para("Blank", [], "<w:keepNext/>" + exact_line(SEAL_LINE_PT)) for _ in range(2)]


def signature(
    issuer: str = "{{ issuer }}", date: str = "{{ issue_date }}", imprint: bool = False
) -> list[Para]:
    """Return the signature: 成文日期 right-aligned four characters in, 署名 centred above it.

    imprint: a 版记 follows, floating at the foot of the page and anchored to the line after
    the date. The date is then kept with that line: when the 版记 does not fit under the text,
    the signature goes to the next page with it, and the closing lines with them, instead of
    the 版记 standing there alone (a page left short, which the page-fitting step can close).
    """
    date_right = TEXT_W - 4 * CHAR_W
    # 2026年3月5日 is about 6.5 characters wide; the name is centred over the date's middle.
    issuer_centre = date_right - round(6.5 * CHAR_W / 2)
    issuer_tabs = f'<w:tabs><w:tab w:val="center" w:pos="{issuer_centre}"/></w:tabs>'
    date_tabs = f'<w:tabs><w:tab w:val="right" w:pos="{date_right}"/></w:tabs>'
    keep = "<w:keepNext/>"  # the signature never starts a page on its own
    return [
        *seal_lines(),
        Para("Signature", [tab_run(), run(issuer)], keep + issuer_tabs),
        Para("Signature", [tab_run(), run(date)], (keep if imprint else "") + date_tabs),
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
            no_indent + centred + exact_line(TITLE_LINE_PT),
            fonts(XIAOBIAOSONG) + _size(TITLE_PT) + '<w:spacing w:val="0"/>',
        ),
        _style(
            "Masthead",
            "发文机关标志",
            no_indent + centred + exact_line(MASTHEAD_LINE_PT),
            fonts(XIAOBIAOSONG)
            + _size(MASTHEAD_PT)
            + f'<w:color w:val="{RED}"/><w:spacing w:val="0"/>',
        ),
        _style("DocNumber", "发文字号", no_indent + centred, ""),
        _style("Signature", "署名和成文日期", no_indent, ""),
        _style("Blank", "空行", no_indent, ""),
        _style("Imprint", "版记", no_indent + exact_line(LINE_PT), _size(IMPRINT_PT)),
        _style("TableText", "表格文字", no_indent + centred, _size(14)),
    ]
    # Word's 标点溢出边界 off, and no space between Chinese and Latin letters or digits. LibreOffice
    # 7.4 reads w:overflowPunct inverted (val 1 turns its hanging punctuation off, so a closing
    # mark stays inside the text area; Word, which never renders an issued document, would let
    # it hang) and ignores w:autoSpaceDE/DN, whose gap the filling step closes instead
    # (service/render/fill/scripts.py); both are written for Word and for maintainers.
    normal = (
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        f'<w:pPr>{exact}<w:ind w:firstLineChars="200" w:firstLine="{2 * BODY_PT * 20}"/>'
        '<w:overflowPunct w:val="1"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
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

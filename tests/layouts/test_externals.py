"""Tests of lint's refusal of everything that would make LibreOffice fetch or include outside content."""

from __future__ import annotations

import codecs
import io
import warnings
import zipfile
from pathlib import Path

import pytest
from docx import Document

from service.instruments.registry import INSTRUMENTS
from service.layouts.lint import LintReport
from service.render.ooxml.outside_references import OutsideReference, find_outside_references
from tests.layouts.test_lint import ALL_FIELDS, lint
from tests.outside_docx import (
    complex_field,
    document,
    drawing,
    linked_picture,
    paragraph,
    parts_of,
    png,
    simple_field,
    vml_shape,
    with_body,
    with_first_child,
    with_parts,
    with_relationships,
    word_part,
)

# What lint refuses here is found before the trial render, whose child is tested on its own.
pytestmark = pytest.mark.usefixtures("trial_in_process")
ROOT = Path(__file__).resolve().parents[2]
RELS = "word/_rels/document.xml.rels"
FETCHING = ["INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO",
            "DATABASE", "RD", "EMBED"]  # fmt: skip
NOT_WEB = [
    "file:///etc/passwd",
    "FILE:///C:/Windows/win.ini",
    r"\\fileserver\share\seal.png",
    "//fileserver/share/seal.png",
    "../secret.docx",
    "secret.docx",
    "mhtml:file://C:/x.mht!x.png",
    "javascript:alert(1)",
    "mailto:office@example.org",
    "C:\\seal.png",
    "ftp://127.0.0.1/seal.png",
]


def clean() -> bytes:
    """Return a template lint accepts (every field of the supervision notice used)."""
    return document(ALL_FIELDS)


def outside(data: bytes) -> list[OutsideReference]:
    """Return the outside references found in template bytes."""
    return find_outside_references(data)


def errors(report: LintReport) -> str:
    """Return every error of a lint report as one text."""
    return " ".join(f"{p.where}｜{p.message}｜{p.advice}" for p in report.errors)


def refused(data: bytes) -> str:
    """Return every outside reference found in template bytes as one text (lint's errors without lint's slower checks)."""
    return " ".join(f"{r.where}｜{r.message}｜{r.advice}" for r in outside(data))


@pytest.mark.parametrize("kind", sorted(INSTRUMENTS))
def test_shipped_templates_reach_nothing_outside(kind: str) -> None:
    """This test ensures that no shipped template is taken for one that reaches outside."""
    assert outside((ROOT / "templates_docx" / f"{kind}.docx").read_bytes()) == []


def test_web_hyperlinks_are_accepted() -> None:
    """This test ensures that http and https hyperlinks, which LibreOffice shows as text, pass lint."""
    data = with_relationships(
        clean(), RELS, ("rIdWeb1", "hyperlink", "http://www.saac.gov.cn/", True),
        ("rIdWeb2", "hyperlink", "HTTPS://www.example.org/a?b=c", True),
    )  # fmt: skip
    data = with_body(
        data,
        paragraph(
            "网址：", '<w:hyperlink r:id="rIdWeb1"><w:r><w:t>国家档案局</w:t></w:r></w:hyperlink>'
        )
        + paragraph(
            "网址：", '<w:hyperlink r:id="rIdWeb2"><w:r><w:t>示例</w:t></w:r></w:hyperlink>'
        )
        + paragraph("域：", complex_field(' HYPERLINK "https://www.saac.gov.cn/" \\o "提示" '))
        + paragraph("书签：", complex_field(' HYPERLINK \\l "附件一" '))
        + paragraph("页码：", complex_field(" PAGE "), simple_field(" NUMPAGES "))
        + paragraph("图形：", vml_shape("", 'href="https://www.saac.gov.cn/"')),
    )
    assert outside(data) == []
    assert not lint(data).errors


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:8/seal.png", "https://example.org/seal.png", *NOT_WEB]
)
def test_linked_picture_is_refused(target: str) -> None:
    """This test ensures that a picture linked to any outside address, web or file, is refused where it is."""
    report = lint(linked_picture(clean(), target))
    text = errors(report)
    assert "图片或媒体链接到包外的文件" in text
    assert "正文（word/document.xml）第" in text and "链接图片" in text  # the paragraph it is in
    assert "插入—图片" in text  # and how to fix it


def test_picture_embedded_from_outside_is_refused() -> None:
    """This test ensures that a picture whose r:embed names an external relationship is refused."""
    data = with_relationships(clean(), RELS, ("rIdOut1", "image", "file:///etc/hostname", True))
    data = with_body(data, paragraph("嵌入：", drawing('r:embed="rIdOut1"')))
    assert "图片链接到包外的文件（file:///etc/hostname）" in refused(data)


@pytest.mark.parametrize(
    ("rels_part", "kind", "target"),
    [
        (RELS, "image", "http://127.0.0.1:8/a.png"),
        (RELS, "oleObject", "file:///C:/data.xlsx"),
        (RELS, "subDocument", "http://127.0.0.1:8/sub.docx"),
        (RELS, "frame", "http://127.0.0.1:8/frame.html"),
        ("word/_rels/settings.xml.rels", "attachedTemplate", "file:///C:/Templates/公文.dotx"),
        ("word/_rels/settings.xml.rels", "mailMergeSource", "file:///C:/units.xlsx"),
        ("word/_rels/webSettings.xml.rels", "frame", "file:///C:/frame.html"),
        ("word/_rels/header1.xml.rels", "image", "http://127.0.0.1:8/logo.png"),
        ("_rels/.rels", "http://schemas.example.org/anything", "http://127.0.0.1:8/x"),
        *[(RELS, "hyperlink", target) for target in NOT_WEB],
    ],
)
def test_external_relationship_is_refused(rels_part: str, kind: str, target: str) -> None:
    """This test ensures that every external relationship but a web hyperlink is refused, in any part."""
    data = with_relationships(clean(), rels_part, ("rIdOut9", kind, target, True))
    text = refused(data)
    assert "rIdOut9" in text and target[:40] in text


@pytest.mark.parametrize("mode", ["external", " External ", "EXTERNAL"])
def test_target_mode_is_read_as_any_reader_would(mode: str) -> None:
    """This test ensures that TargetMode spelled in another case or with spaces is still external.

    The target is a relative path, which only its mode sends outside the package.
    """
    listing = (
        parts_of(clean())[RELS]
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rIdOut9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/image" Target="../../secret.png" TargetMode="{mode}"/></Relationships>',
        )
    )
    assert "../../secret.png" in refused(with_parts(clean(), {RELS: listing.encode()}))


@pytest.mark.parametrize(
    ("kind", "target"),
    [("aFChunk", "chunk.htm"), ("package", "embeddings/data.xlsx"), ("oleObject", "embeddings/o.bin"),
     ("image", "file:///etc/passwd"), ("image", r"\\server\share\a.png")],
)  # fmt: skip
def test_internal_relationship_that_brings_content_in_is_refused(kind: str, target: str) -> None:
    """This test ensures that altChunk, packages and OLE objects are refused inside the package too, as are
    internal targets that name an outside address."""
    data = with_relationships(clean(), RELS, ("rIdIn9", kind, target, False))
    assert "rIdIn9" in refused(data)


def instr(form: str, keyword: str) -> str:
    """Return a paragraph holding a field of that keyword written in one of the forms Word allows."""
    argument = ' "http://127.0.0.1:8/x" '
    runs = {
        "simple": simple_field(f" {keyword}{argument}"),
        "complex": complex_field(f" {keyword}{argument}"),
        "split": complex_field(f" {keyword[:2]}", f"{keyword[2:]}", argument),
        "lower": complex_field(f" {keyword.lower()}{argument}"),
        "spaces": complex_field(f"\u3000\t {keyword} \\d{argument}\\* MERGEFORMAT"),
        "invisible": complex_field(f"\u200b{keyword}{argument}"),
        "deleted": complex_field("").replace(
            "<w:r><w:instrText",
            f'<w:r><w:delInstrText xml:space="preserve"> {keyword}{argument}</w:delInstrText></w:r><w:r><w:instrText',
            1,
        ),
        "nested": complex_field(" IF 1 = 1 ", "").replace(
            '<w:r><w:fldChar w:fldCharType="separate"/>',
            complex_field(f" {keyword}{argument}") + '<w:r><w:fldChar w:fldCharType="separate"/>',
            1,
        ),
    }
    return paragraph("域测试：", runs[form])


@pytest.mark.parametrize(
    "form", ["simple", "complex", "split", "lower", "spaces", "invisible", "deleted", "nested"]
)
@pytest.mark.parametrize("keyword", FETCHING)
def test_fetching_field_is_refused(keyword: str, form: str) -> None:
    """This test ensures that each field that reads outside content is refused, however its code is written."""
    text = refused(with_body(clean(), instr(form, keyword)))
    assert f"{keyword} 域会在转换时读取外部文件" in text
    assert "域测试" in text and "Ctrl+Shift+F9" in text


def test_fetching_field_is_refused_by_lint() -> None:
    """This test ensures that lint itself refuses a template holding a fetching field, saying where."""
    report = lint(with_body(clean(), instr("split", "INCLUDETEXT")))
    assert "正文（word/document.xml）" in errors(report) and "INCLUDETEXT 域" in errors(report)


def test_hyperlink_field_to_an_unquoted_share_is_refused() -> None:
    """This test ensures that an unquoted \\\\server path is read as the target, not as a switch."""
    field = complex_field(" HYPERLINK \\\\fileserver\\share\\x.docx ")
    assert "HYPERLINK 域指向" in refused(with_body(clean(), paragraph("共享：", field)))


@pytest.mark.parametrize("target", NOT_WEB)
def test_hyperlink_field_to_anything_but_the_web_is_refused(target: str) -> None:
    """This test ensures that a HYPERLINK field is refused unless it points to http or https."""
    plain = refused(
        with_body(clean(), paragraph("链接：", complex_field(f' HYPERLINK "{target}" ')))
    )
    switched = refused(
        with_body(
            clean(),
            paragraph("链接：", simple_field(f' HYPERLINK \\o "提示" "{target}" \\t "_blank"')),
        )
    )
    assert "HYPERLINK 域指向" in plain
    assert "HYPERLINK 域指向" in switched


def test_field_whose_type_comes_from_a_nested_field_is_refused() -> None:
    """This test ensures that a field whose first word is made by a nested field cannot slip through."""
    inner = complex_field(' QUOTE "INCLUDETEXT" ')
    outer = complex_field("", ' "file:///etc/passwd" ').replace(
        '<w:r><w:instrText xml:space="preserve"></w:instrText></w:r>', inner, 1
    )
    assert "嵌套的域开头" in refused(with_body(clean(), paragraph("嵌套：", outer)))


def test_field_code_with_a_placeholder_is_refused() -> None:
    """This test ensures that a field code written from facts is refused: facts could make it fetch."""
    data = with_body(clean(), paragraph("域：", complex_field(' HYPERLINK "{{ situation }}" ')))
    assert "域代码中含有模板占位符" in refused(data)


@pytest.mark.parametrize(
    ("part", "root"),
    [("word/footnotes.xml", "footnotes"), ("word/endnotes.xml", "endnotes"),
     ("word/comments.xml", "comments"), ("word/glossary/document.xml", "document"),
     ("word/header7.xml", "hdr"), ("word/footer7.xml", "ftr")],
)  # fmt: skip
def test_fields_in_every_part_are_refused(part: str, root: str) -> None:
    """This test ensures that notes, comments, the glossary, headers and footers are checked, not only the body."""
    data = with_parts(clean(), {part: word_part(root, instr("complex", "INCLUDETEXT"))})
    text = refused(data)
    assert part in text and "INCLUDETEXT" in text


def test_linked_picture_in_a_real_header_is_refused() -> None:
    """This test ensures that a header made by Word's own means is checked with its relationships."""
    made = Document()
    made.add_paragraph(ALL_FIELDS)
    made.sections[0].header.paragraphs[0].text = "页眉文字"
    out = io.BytesIO()
    made.save(out)
    names = [n for n in parts_of(out.getvalue()) if n.startswith("word/header")]
    header = names[0]
    data = with_relationships(out.getvalue(), f"word/_rels/{header.split('/')[-1]}.rels",
                              ("rIdH1", "image", "file:///etc/passwd", True))  # fmt: skip
    data = with_first_child(data, header, paragraph("页眉图片", drawing('r:link="rIdH1"')))
    text = refused(data)
    assert f"页眉（{header}）第1段（“页眉图片”）" in text


@pytest.mark.parametrize(
    ("inner", "attributes", "expected"),
    [
        (
            '<v:imagedata r:id="rIdV1" o:title=""/>',
            "",
            "图片链接到包外的文件（http://127.0.0.1:8/v.png）",
        ),
        (
            '<v:imagedata r:href="rIdV1"/>',
            "",
            "图片或媒体链接到包外的文件（http://127.0.0.1:8/v.png）",
        ),
        (
            '<v:imagedata o:href="file:///C:/seal.png"/>',
            "",
            "图片链接到包外的文件（file:///C:/seal.png）",
        ),
        ('<v:imagedata src="file:///etc/passwd"/>', "", "取自包外的文件（file:///etc/passwd）"),
        (
            '<v:fill src="http://127.0.0.1:8/fill.png" type="frame"/>',
            "",
            "取自包外的文件（http://127.0.0.1:8/fill.png）",
        ),
        ('<v:stroke src="file:///etc/passwd"/>', "", "取自包外的文件（file:///etc/passwd）"),
        (
            '<v:fill o:relid="rIdV1" type="frame"/>',
            "",
            "图片链接到包外的文件（http://127.0.0.1:8/v.png）",
        ),
        ("", 'href="file:///etc/passwd"', "图形的超链接指向 file:///etc/passwd"),
    ],
)
def test_vml_links_are_refused(inner: str, attributes: str, expected: str) -> None:
    """This test ensures that VML pictures, fills, strokes and shape links to outside are refused where they are."""
    data = clean()
    if "rIdV1" in inner:
        data = with_relationships(data, RELS, ("rIdV1", "image", "http://127.0.0.1:8/v.png", True))
    found = outside(with_body(data, paragraph("图形：", vml_shape(inner, attributes))))
    assert len(found) == 1 and expected in found[0].message
    assert "图形：" in found[0].where


@pytest.mark.parametrize(
    "xml",
    [
        '<w:r><w:object><o:OLEObject Type="Link" ProgID="Excel.Sheet.12" r:id="rIdO1" UpdateMode="Always"/></w:object></w:r>',
        '<w:r><w:pict><o:OLEObject Type="Embed" ProgID="Package" r:id="rIdO1"/></w:pict></w:r>',
        '<w:r><w:object w:dxaOrig="100" w:dyaOrig="100"/></w:r>',
        '<w:r><w:control r:id="rIdO1" w:name="x"/></w:r>',
    ],
)
def test_ole_objects_and_controls_are_refused(xml: str) -> None:
    """This test ensures that OLE objects, embedded or linked, and ActiveX controls are refused."""
    data = with_relationships(clean(), RELS, ("rIdO1", "oleObject", "file:///C:/units.xlsx", True))
    text = refused(with_body(data, paragraph("对象：", xml)))
    assert "OLE 对象" in text or "ActiveX" in text


def test_embedded_object_member_is_refused() -> None:
    """This test ensures that an embedded object file anywhere in the package is refused."""
    data = with_parts(clean(), {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0" + bytes(60)})
    assert "嵌入的对象文件" in refused(data)


@pytest.mark.parametrize(
    ("part", "xml", "expected"),
    [
        ("word/document.xml", '<w:p><w:subDoc r:id="rIdS1"/></w:p>', "子文档"),
        ("word/document.xml", '<w:altChunk r:id="rIdS1"/>', "altChunk"),
        ("word/settings.xml", '<w:attachedTemplate r:id="rIdS1"/>', "附加了文档模板"),
        (
            "word/settings.xml",
            '<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:dataSource r:id="rIdS1"/></w:mailMerge>',
            "邮件合并",
        ),
        ("word/settings.xml", '<w:odso><w:udl w:val="Provider=x"/></w:odso>', "邮件合并数据源"),
        (
            "word/webSettings.xml",
            '<w:frameset><w:frame><w:sourceFileName r:id="rIdS1"/></w:frame></w:frameset>',
            "网页框架",
        ),
    ],
)
def test_documents_and_sources_from_outside_are_refused(part: str, xml: str, expected: str) -> None:
    """This test ensures that subdocuments, altChunks, attached templates, mail merge and frames are refused."""
    data = clean()
    if part == "word/document.xml":
        data = with_body(data, xml)
    else:
        data = with_first_child(data, part, xml)
    found = [r for r in outside(data) if expected in r.message]
    assert found and part in found[0].where


def test_chart_with_external_data_is_refused() -> None:
    """This test ensures that a chart whose data lives outside the package is refused."""
    chart = (
        '<?xml version="1.0" encoding="UTF-8"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/'
        'drawingml/2006/chart" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><c:externalData r:id="rIdC1"><c:autoUpdate val="1"/></c:externalData></c:chartSpace>'
    )
    data = with_parts(clean(), {"word/charts/chart1.xml": chart.encode()})
    data = with_relationships(data, "word/charts/_rels/chart1.xml.rels",
                              ("rIdC1", "oleObject", "file:///C:/data.xlsx", True))  # fmt: skip
    assert "图表引用了外部数据" in refused(data)


def encoded(xml: bytes, encoding: str, bom: bool) -> bytes:
    """Return XML re-encoded, its declaration saying so, with or without a byte order mark."""
    text = xml.decode("utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'")
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    marks = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    return (marks[encoding] if bom else b"") + text.encode(encoding)


ENCODINGS = [("utf-16-le", True), ("utf-16-be", True), ("utf-16-le", False), ("utf-16-be", False)]


@pytest.mark.parametrize(("encoding", "bom"), ENCODINGS)
def test_utf16_parts_are_read_in_their_encoding(encoding: str, bom: bool) -> None:
    """This test ensures that a field in a UTF-16 body is found, and a clean UTF-16 body is not refused."""
    hostile = with_body(clean(), instr("split", "INCLUDEPICTURE"))
    body = parts_of(hostile)["word/document.xml"]
    assert "INCLUDEPICTURE 域" in errors(
        lint(with_parts(hostile, {"word/document.xml": encoded(body, encoding, bom)}))
    )
    plain = parts_of(clean())["word/document.xml"]
    assert outside(with_parts(clean(), {"word/document.xml": encoded(plain, encoding, bom)})) == []


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), *ENCODINGS])
@pytest.mark.parametrize("part", ["word/document.xml", RELS])
def test_entity_declarations_are_refused_in_any_encoding(
    part: str, encoding: str, bom: bool
) -> None:
    """This test ensures that a DOCTYPE or entity declaration (XXE) is refused in every part and encoding."""
    original = parts_of(clean())[part]
    hostile = original.replace(
        b"?>", b'?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1
    )
    data = hostile if encoding == "utf-8" else encoded(hostile, encoding, bom)
    report = lint(with_parts(clean(), {part: data}))
    assert "实体声明" in errors(report)
    assert not [p for p in report.problems if p.level == "warning"]  # lint read no further


def test_part_that_does_not_parse_is_refused() -> None:
    """This test ensures that an XML part that does not parse is an error, not a part skipped."""
    report = lint(with_parts(clean(), {"word/footnotes.xml": b"<w:footnotes><w:p>"}))
    assert "XML 无法解析" in errors(report) and "word/footnotes.xml" in errors(report)


def test_main_document_under_another_name_is_checked() -> None:
    """This test ensures that a part is read as XML when a relationship says so, whatever its name."""
    hostile = parts_of(with_body(clean(), instr("complex", "INCLUDETEXT")))["word/document.xml"]
    data = with_parts(clean(), {"word/main.bin": hostile})
    data = with_relationships(data, "_rels/.rels", ("rIdMain", "customXml", "word/main.bin", False))
    assert "word/main.bin" in refused(data)


SVG_OUTSIDE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<image xlink:href="file:///etc/passwd" width="10" height="10"/></svg>'
)
SVG_STYLED = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(http://127.0.0.1:8/p.svg#p) }'
    b'</style><rect width="10" height="10"/></svg>'
)
SVG_INSIDE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<defs><rect id="r" width="5" height="5"/></defs><use xlink:href="#r"/>'
    b'<image href="data:image/png;base64,AAAA"/><a href="https://www.saac.gov.cn/"><text>x</text></a></svg>'
)


@pytest.mark.parametrize("svg", [SVG_OUTSIDE, SVG_STYLED])
@pytest.mark.parametrize("name", ["word/media/image9.svg", "word/media/image9.png"])
def test_svg_picture_linking_outside_is_refused(svg: bytes, name: str) -> None:
    """This test ensures that an SVG picture that loads outside files is refused, even named .png."""
    data = with_relationships(with_parts(clean(), {name: svg}), RELS,
                              ("rIdSvg", "image", name.removeprefix("word/"), False))  # fmt: skip
    assert "SVG 图片" in refused(data)


def test_svg_picture_with_its_own_references_is_accepted() -> None:
    """This test ensures that an SVG referring only to itself, inline data and web links passes."""
    data = with_relationships(with_parts(clean(), {"word/media/image9.svg": SVG_INSIDE}), RELS,
                              ("rIdSvg", "image", "media/image9.svg", False))  # fmt: skip
    assert outside(data) == []


@pytest.mark.parametrize("second", ["word/document.xml", "Word/Document.xml"])
def test_two_members_of_one_name_are_refused(second: str) -> None:
    """This test ensures that a package with two parts of one name (which is read?) is refused."""
    out = io.BytesIO()
    hostile = parts_of(with_body(clean(), instr("simple", "INCLUDETEXT")))["word/document.xml"]
    with zipfile.ZipFile(out, "w") as package, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate, as it should
        for name, content in parts_of(clean()).items():
            package.writestr(name, content)
        package.writestr(second, hostile)
    assert "两个同名的部件" in refused(out.getvalue())


@pytest.mark.parametrize(
    "tag",
    ["{{ situation|safe }}", "{{ situation | safe }}", "{% filter safe %}{{ situation }}{% endfilter %}",
     "{% autoescape false %}{{ situation }}{% endautoescape %}"],
)  # fmt: skip
def test_turning_escaping_off_is_refused(tag: str) -> None:
    """This test ensures that a template cannot write raw document XML with safe or autoescape false."""
    assert "关闭了转义" in errors(lint(document(ALL_FIELDS, tag)))


def test_escaping_off_split_across_runs_is_refused() -> None:
    """This test ensures that a safe filter Word split over two runs is still found."""
    split = with_body(
        clean(), paragraph("", "<w:r><w:t>{{ situation |</w:t></w:r><w:r><w:t>safe }}</w:t></w:r>")
    )
    assert "关闭了转义" in errors(lint(split))


def test_every_refusal_says_where_what_and_how() -> None:
    """This test ensures that each problem names its place and gives advice, in Chinese."""
    data = linked_picture(with_body(clean(), instr("complex", "INCLUDETEXT")), "file:///etc/passwd")
    report = lint(data)
    assert len(report.errors) == 2
    for problem in report.errors:
        assert problem.where.startswith("正文（word/document.xml）第")
        assert problem.advice and any("\u4e00" <= c <= "\u9fff" for c in problem.message)


def test_embedded_picture_is_accepted() -> None:
    """This test ensures that an ordinary picture kept inside the package is not refused."""
    made = Document()
    made.add_paragraph(ALL_FIELDS)
    made.add_picture(io.BytesIO(png((200, 0, 0))))
    out = io.BytesIO()
    made.save(out)
    assert outside(out.getvalue()) == []


def test_controls_and_macros_are_refused_without_lint() -> None:
    """This test ensures that the check alone, as the start of the service runs it, refuses controls and macros."""
    data = with_parts(clean(), {"word/activeX/activeX1.xml": b"<ax/>", "word/vbaProject.bin": b"x"})
    assert refused(data).count("宏或 ActiveX") == 2


def test_part_with_an_xml_content_type_is_checked() -> None:
    """This test ensures that a part is read as XML when the content types say so, whatever its name."""
    hostile = parts_of(with_body(clean(), instr("complex", "LINK")))["word/document.xml"]
    types = parts_of(clean())["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/extra.dat" ContentType="application/vnd.example+xml"/></Types>',
    )
    data = with_parts(clean(), {"word/extra.dat": hostile, "[Content_Types].xml": types})
    assert "word/extra.dat" in refused(data)


@pytest.mark.parametrize("target", ["word/main.bin", "/word/main.bin", "./word/../word/main%2Ebin"])
def test_relationship_targets_are_resolved_as_readers_do(target: str) -> None:
    """This test ensures that absolute, dotted and percent-encoded targets reach the part they name."""
    hostile = parts_of(with_body(clean(), instr("complex", "INCLUDETEXT")))["word/document.xml"]
    data = with_parts(clean(), {"word/main.bin": hostile})
    data = with_relationships(data, "_rels/.rels", ("rIdMain", "customXml", target, False))
    assert "word/main.bin" in refused(data)


def test_compressed_svg_picture_is_checked() -> None:
    """This test ensures that a gzip-compressed SVG (svgz) picture is unpacked and checked."""
    import gzip

    name = "word/media/image9.svgz"
    data = with_relationships(
        with_parts(clean(), {name: gzip.compress(SVG_OUTSIDE)}),
        RELS,
        ("rIdSvg", "image", "media/image9.svgz", False),
    )
    assert "SVG 图片" in refused(data)


def test_strict_ooxml_is_checked() -> None:
    """This test ensures that ISO strict namespaces hide neither fields nor linked pictures."""
    strict = (
        '<w:p xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main" '
        'xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships">'
        '<w:fldSimple w:instr=" INCLUDETEXT &quot;/etc/passwd&quot; "/>'
        '<w:r><w:drawing><a:blip xmlns:a="http://purl.oclc.org/ooxml/drawingml/main" r:link="rIdS1"/>'
        "</w:drawing></w:r></w:p>"
    )
    text = refused(with_body(clean(), strict))
    assert "INCLUDETEXT 域" in text and "图片或媒体链接到包外的文件" in text


@pytest.mark.parametrize(
    "runs",
    [
        '<w:r><w:instrText xml:space="preserve"> INCLUDETEXT "/etc/passwd" </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> INCLUDETEXT "/etc/passwd" </w:instrText></w:r>',
    ],
)
def test_field_code_without_its_marks_is_refused(runs: str) -> None:
    """This test ensures that instruction text outside a field, or a field never closed, is still judged."""
    assert "INCLUDETEXT 域" in refused(with_body(clean(), paragraph("残缺：", runs)))


def test_package_that_cannot_be_read_is_refused_without_lint() -> None:
    """This test ensures that the check alone refuses what is not a package, a bomb and a damaged member."""
    assert "不是有效的 DOCX" in refused(b"PK\x03\x04 not really a zip")
    bomb = with_parts(clean(), {"word/media/huge.bin": bytes(60 * 1024 * 1024)})
    assert "ZIP 炸弹" in refused(bomb)
    damaged = bytearray(with_parts(clean(), {"word/media/seal.png": png((1, 2, 3)) * 50}))
    start = damaged.find(b"word/media/seal.png")
    damaged[start + 120] ^= 0xFF  # inside the compressed picture, past its local header
    assert "部件已损坏" in refused(bytes(damaged))


def test_thousands_of_unclosed_tags_are_scanned_in_linear_time() -> None:
    """This test ensures that 40,000 unclosed {{ cannot hold the request for minutes before lint's child runs."""
    import threading

    hostile = with_body(clean(), paragraph("{{ x " * 40_000 + "{{ situation|safe }}"))
    found: list[list[OutsideReference]] = []
    scan = threading.Thread(
        target=lambda: found.append(find_outside_references(hostile)), daemon=True
    )
    scan.start()
    scan.join(timeout=60)  # the quadratic scan took over three minutes; the linear one milliseconds
    assert found and any("关闭了转义" in reference.message for reference in found[0])

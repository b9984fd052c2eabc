"""The OFD writer on PDFs made here: text, paths and images placed as the PDF places them, refusals named."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image

from service.render.ofd import images
from service.render.ofd.convert import pdf_to_ofd
from service.render.ofd.errors import OfdError
from service.render.ofd.package import OfdInfo, read_info
from service.render.ofd.validation import schema_errors

MM = 72 / 25.4
NS = {"ofd": "http://www.ofdspec.org/2016"}
INFO = OfdInfo(
    doc_id="0123456789abcdef0123456789abcdef",
    title="执法监督通知（决定）书",
    author="岳阳市君山区史志档案局",
    subject="君档监通〔2026〕1号 执法监督通知（决定）书",
    created=dt.date(2026, 3, 5),
    modified=dt.date(2026, 3, 5),
    keywords=("君档监通〔2026〕1号",),
    custom=(("文号", "君档监通〔2026〕1号"), ("密级", "公开"), ("保管期限", "30年")),
)
# The characters the test font draws, each a box of its own width, by the code the PDF uses.
CHARACTERS = {1: "档", 2: "案", 3: "<", 4: "&", 5: "\x07"}


def _font_program() -> bytes:
    """Return a small TrueType font: a box glyph for each code, named g1…, 1000 units a em."""
    names = [".notdef", *(f"g{code}" for code in CHARACTERS)]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0xF000 + code: f"g{code}" for code in CHARACTERS})
    glyphs = {}
    for index, name in enumerate(names):
        pen = TTGlyphPen(None)
        if index:
            pen.moveTo((100, 0))
            pen.lineTo((100, 700))
            pen.lineTo((100 + 100 * index, 700))
            pen.lineTo((100 + 100 * index, 0))
            pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (1000, 100 if i else 0) for i, name in enumerate(names)})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Boxes", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    out = io.BytesIO()
    builder.font.save(out)
    return out.getvalue()


def _to_unicode() -> bytes:
    lines = [f"<{code:02X}> <{ord(text):04X}>" for code, text in CHARACTERS.items()]
    return (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        + f"{len(lines)} beginbfchar\n".encode() + "\n".join(lines).encode()
        + b"\nendbfchar endcmap end end\n"
    )  # fmt: skip


def _pdf(
    content: bytes, *, image: bool = False, font: bool = True, width: int = 1000,
    widths_apart: bool = False, halves: bool = False,
) -> bytes:  # fmt: skip
    """Return a one-page A4 PDF drawing content with the box font as /F1 and an image as /Im1.

    Each glyph is width thousandths of an em wide; widths_apart puts the widths in an object
    of their own. With halves, /Im1 is 4 × 2 pixels, its left half red and its right blue.
    """
    pdf = pikepdf.new()
    resources = pikepdf.Dictionary()
    if font:
        program = pdf.make_stream(_font_program())
        descriptor = pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/ABCDEF+Boxes-Regular"),
            Flags=4, FontBBox=[0, -120, 1000, 880], ItalicAngle=0, Ascent=880, Descent=-120,
            CapHeight=700, StemV=80, FontFile2=program,
        )  # fmt: skip
        resources.Font = pikepdf.Dictionary(
            F1=pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Font,
                    Subtype=pikepdf.Name.TrueType,
                    BaseFont=pikepdf.Name("/ABCDEF+Boxes-Regular"),
                    FirstChar=1,
                    LastChar=5,
                    Widths=(
                        pdf.make_indirect(pikepdf.Array([width] * 5))
                        if widths_apart
                        else [width] * 5
                    ),
                    FontDescriptor=pdf.make_indirect(descriptor),
                    ToUnicode=pdf.make_stream(_to_unicode()),
                )
            )
        )
    if halves:
        picture = Image.new("RGB", (4, 2), (200, 0, 0))
        picture.paste((0, 0, 200), (2, 0, 4, 2))
        resources.XObject = pikepdf.Dictionary(
            Im1=pdf.make_stream(picture.tobytes(), Type=pikepdf.Name.XObject,
                                Subtype=pikepdf.Name.Image, Width=4, Height=2,
                                ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)
        )  # fmt: skip
    if image:
        picture = Image.new("RGB", (4, 2), (200, 0, 0))
        alpha = Image.new("L", (4, 2), 128)
        mask = pdf.make_stream(alpha.tobytes(), Type=pikepdf.Name.XObject,
                               Subtype=pikepdf.Name.Image, Width=4, Height=2,
                               ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8)  # fmt: skip
        resources.XObject = pikepdf.Dictionary(
            Im1=pdf.make_stream(picture.tobytes(), Type=pikepdf.Name.XObject,
                                Subtype=pikepdf.Name.Image, Width=4, Height=2,
                                ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8, SMask=mask)
        )  # fmt: skip
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595.276, 841.89],
            Resources=resources,
            Contents=pdf.make_stream(content),
        )
    )
    pdf.pages.append(page)
    out = io.BytesIO()
    pdf.save(out, static_id=True)
    return out.getvalue()


def _part(ofd: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(ofd)) as package:
        return etree.fromstring(package.read(name))


def _page(ofd: bytes) -> etree._Element:
    return _part(ofd, "Doc_0/Pages/Page_0/Content.xml")


def _numbers(text: str) -> list[float]:
    return [float(v) for v in text.split()]


def test_text_is_a_text_object_at_the_glyphs_origins_in_the_embedded_font() -> None:
    """This test ensures that a TJ run becomes one TextObject: its baseline, advances, size, glyph ids and text."""
    content = b"BT /F1 16 Tf 1 0 0 rg 100 700 Td [<0102> -500 <01>] TJ ET"
    ofd = pdf_to_ofd(_pdf(content), INFO)
    assert schema_errors(ofd) == {}
    text = _page(ofd).find(".//ofd:TextObject", NS)
    assert text is not None
    boundary = _numbers(text.get("Boundary", ""))
    code = text.find("ofd:TextCode", NS)
    assert code is not None and code.text == "档案档"
    x = boundary[0] + float(code.get("X", ""))
    y = boundary[1] + float(code.get("Y", ""))
    assert x == pytest.approx(100 / MM, abs=0.001)
    assert y == pytest.approx((841.89 - 700) / MM, abs=0.001)
    assert float(text.get("Size", "")) == pytest.approx(16 / MM, abs=0.001)
    # 16 pt advance, then the next glyph 0.5 em further (the TJ adjustment of -500)
    assert _numbers(code.get("DeltaX", "")) == pytest.approx([16 / MM, 24 / MM], abs=0.001)
    assert text.findtext("ofd:CGTransform/ofd:Glyphs", namespaces=NS) == "1 2 1"
    assert text.find("ofd:FillColor", NS).get("Value") == "255 0 0"  # type: ignore[union-attr]
    font = _part(ofd, "Doc_0/PublicRes.xml").find(".//ofd:Font", NS)
    assert font is not None and font.get("FontName") == "Boxes-Regular"
    with zipfile.ZipFile(io.BytesIO(ofd)) as package:
        embedded = TTFont(
            io.BytesIO(package.read(f"Doc_0/Res/{font.findtext('ofd:FontFile', namespaces=NS)}"))
        )
    assert (
        embedded.getBestCmap()[ord("档")] == embedded.getGlyphOrder()[1]
    )  # a reader without CGTransform


def test_hostile_text_is_kept_as_typed_and_what_xml_cannot_hold_is_replaced() -> None:
    """This test ensures that < and & are escaped as text and a control character becomes U+FFFD."""
    ofd = pdf_to_ofd(_pdf(b"BT /F1 12 Tf 72 700 Td <030405> Tj ET"), INFO)
    code = _page(ofd).find(".//ofd:TextCode", NS)
    assert code is not None and code.text == "<&\ufffd"
    assert schema_errors(ofd) == {}


def test_turned_text_keeps_its_turn_as_a_ctm() -> None:
    """This test ensures that text under a rotated text matrix is drawn through the object's CTM."""
    ofd = pdf_to_ofd(_pdf(b"BT /F1 10 Tf 0 1 -1 0 300 400 Tm <01> Tj ET"), INFO)
    text = _page(ofd).find(".//ofd:TextObject", NS)
    assert text is not None
    a, b, c, d, _e, _f = _numbers(text.get("CTM", ""))
    # PDF turns the text a quarter to the left; in OFD's y-down page that is (0, -1, 1, 0)
    assert (a, b, c, d) == pytest.approx((0, -1, 1, 0), abs=1e-6)


def test_paths_keep_their_shape_colour_width_and_fill_rule() -> None:
    """This test ensures that a stroked line and an even-odd filled rectangle become PathObjects in place."""
    content = b"1 0 0 RG 2.25 w 0 J 56.7 718.8 m 538.6 718.8 l S 0 0 1 rg 100 100 50 20 re f*"
    ofd = pdf_to_ofd(_pdf(content, font=False), INFO)
    line, box = _page(ofd).findall(".//ofd:PathObject", NS)
    assert float(line.get("LineWidth", "")) == pytest.approx(2.25 / MM, abs=0.001)
    assert line.find("ofd:StrokeColor", NS).get("Value") == "255 0 0"  # type: ignore[union-attr]
    left, top = _numbers(line.get("Boundary", ""))[:2]
    steps = (line.findtext("ofd:AbbreviatedData", namespaces=NS) or "").split()
    assert steps[0] == "M" and steps[3] == "L"
    assert left + float(steps[1]) == pytest.approx(56.7 / MM, abs=0.001)
    assert top + float(steps[2]) == pytest.approx((841.89 - 718.8) / MM, abs=0.001)
    assert (box.get("Fill"), box.get("Stroke"), box.get("Rule")) == ("true", "false", "Even-Odd")
    assert _numbers(box.get("Boundary", "")) == pytest.approx(
        [100 / MM, (841.89 - 120) / MM, 50 / MM, 20 / MM], abs=0.001
    )
    assert (box.findtext("ofd:AbbreviatedData", namespaces=NS) or "").endswith(" C")
    assert schema_errors(ofd) == {}


def test_an_image_with_a_soft_mask_is_a_png_with_alpha_in_its_placement() -> None:
    """This test ensures that an image keeps its transparency and is placed by Boundary and CTM as in the PDF."""
    ofd = pdf_to_ofd(_pdf(b"q 119.06 0 0 59.53 200 300 cm /Im1 Do Q", image=True, font=False), INFO)
    image = _page(ofd).find(".//ofd:ImageObject", NS)
    assert image is not None
    assert _numbers(image.get("Boundary", "")) == pytest.approx(
        [200 / MM, (841.89 - 300 - 59.53) / MM, 42.0, 21.0], abs=0.01
    )
    assert _numbers(image.get("CTM", "")) == pytest.approx([42.0, 0, 0, 21.0, 0, 0], abs=0.01)
    media = _part(ofd, "Doc_0/DocumentRes.xml").find(".//ofd:MultiMedia", NS)
    assert media is not None and (media.get("Type"), media.get("Format")) == ("Image", "PNG")
    with zipfile.ZipFile(io.BytesIO(ofd)) as package:
        png = Image.open(
            io.BytesIO(package.read(f"Doc_0/Res/{media.findtext('ofd:MediaFile', namespaces=NS)}"))
        )
    assert png.mode == "RGBA" and png.getpixel((0, 0)) == (200, 0, 0, 128)


def test_docinfo_carries_the_title_dates_and_the_documents_number_secrecy_and_retention() -> None:
    """This test ensures that OFD.xml's DocInfo holds the metadata and reads back the same."""
    ofd = pdf_to_ofd(_pdf(b"BT /F1 12 Tf 72 700 Td <01> Tj ET"), INFO)
    assert read_info(ofd) == INFO
    assert _part(ofd, "OFD.xml").findtext(".//ofd:CreationDate", namespaces=NS) == "2026-03-05"


def test_the_same_pdf_gives_the_same_bytes_and_a_zip_every_tool_reads(tmp_path: Path) -> None:
    """This test ensures that the OFD is written alike each time and is a ZIP that unzip and zipfile test whole."""
    pdf = _pdf(b"BT /F1 12 Tf 72 700 Td <0102> Tj ET 0 0 1 RG 1 w 10 10 m 20 20 l S")
    first, second = pdf_to_ofd(pdf, INFO), pdf_to_ofd(pdf, INFO)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert package.testzip() is None
        assert package.namelist()[:2] == ["OFD.xml", "Doc_0/Document.xml"]
    (tmp_path / "x.ofd").write_bytes(first)
    assert (
        subprocess.run(["unzip", "-tq", str(tmp_path / "x.ofd")], capture_output=True).returncode
        == 0
    )


@pytest.mark.parametrize("widths_apart", [False, True])
def test_fonts_alike_but_for_their_widths_are_not_taken_for_one_another(widths_apart: bool) -> None:
    """This test ensures that a font kept once made is not given to another PDF whose font differs only in its widths, under the same object numbers."""
    content = b"BT /F1 16 Tf 100 700 Td <0102> Tj ET"
    for width in (1000, 500, 1000):
        ofd = pdf_to_ofd(_pdf(content, width=width, widths_apart=widths_apart), INFO)
        code = _page(ofd).find(".//ofd:TextCode", NS)
        assert code is not None
        assert _numbers(code.get("DeltaX", "")) == pytest.approx(
            [16 * width / 1000 / MM], abs=0.001
        )


def _images(ofd: bytes) -> list[Image.Image]:
    with zipfile.ZipFile(io.BytesIO(ofd)) as package:
        return [
            Image.open(io.BytesIO(package.read(n))).convert("RGB")
            for n in package.namelist()
            if n.endswith(".png")
        ]


def test_an_image_cut_by_an_upright_clip_keeps_only_the_pixels_shown() -> None:
    """This test ensures that an image a clip cuts in half (a picture cropped in Word) is written as the half shown, where it is shown."""
    content = b"q 0 0 100 841.89 re W n q 200 0 0 100 0 600 cm /Im1 Do Q Q"
    ofd = pdf_to_ofd(_pdf(content, font=False, halves=True), INFO)
    assert schema_errors(ofd) == {}
    placed = _page(ofd).find(".//ofd:ImageObject", NS)
    assert placed is not None
    assert _numbers(placed.get("Boundary", "")) == pytest.approx(
        [0, (841.89 - 700) / MM, 100 / MM, 100 / MM], abs=0.002
    )
    [picture] = _images(ofd)
    assert picture.size == (2, 2) and picture.getcolors() == [(4, (200, 0, 0))]


@pytest.mark.parametrize(
    "clip",
    [
        b"0 0 595.276 841.89 re W n",  # the page
        b"-10 -10 700 900 re W* n",  # more than the page
        b"0 0 300 841.89 re W n",  # a column around what is drawn
    ],
)
def test_a_clip_that_cuts_nothing_changes_nothing(clip: bytes) -> None:
    """This test ensures that a clip around the page or around what is drawn leaves text, paths and images as they are."""
    drawn = (
        b"BT /F1 16 Tf 72 700 Td <0102> Tj ET 50 600 100 50 re f q 200 0 0 100 50 400 cm /Im1 Do Q"
    )
    ofd = pdf_to_ofd(_pdf(b"q " + clip + b" " + drawn + b" Q", halves=True), INFO)
    plain = pdf_to_ofd(_pdf(drawn, halves=True), INFO)
    assert etree.tostring(_page(ofd)) == etree.tostring(_page(plain))
    assert [i.size for i in _images(ofd)] == [(4, 2)]


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"q 0 0 80 841.89 re W n BT /F1 16 Tf 72 700 Td <0102> Tj ET Q", "截去一部分的文字"),
        (b"q 0 0 80 841.89 re W n 50 600 100 50 re f Q", "截去一部分的图形"),
        (
            b"q 0 0 m 300 0 l 0 841 l h W n q 200 0 0 100 0 600 cm /Im1 Do Q Q",
            "非矩形裁剪路径裁剪的图片",
        ),
        (b"q 0 0 m 900 0 l 0 1800 l h W n 50 600 10 10 re f Q", "非矩形裁剪路径裁剪的图形"),
        (
            b"q 0 0 50 841.89 re W n q 0 200 -100 0 100 600 cm /Im1 Do Q Q",
            "截去一部分的转了角度的图片",
        ),
        (b"q 300 0 100 841.89 re W n q 200 0 0 100 0 600 cm /Im1 Do Q Q", "完全被裁剪掉的图片"),
    ],
)
def test_what_a_clip_cuts_and_the_ofd_cannot_is_refused_by_place(
    content: bytes, named: str
) -> None:
    """This test ensures that text or a path a clip cuts, or an image cut other than upright, is refused with where it is."""
    with pytest.raises(OfdError, match=re.escape(named)) as refused:
        pdf_to_ofd(_pdf(content, halves=True), INFO)
    assert "第 1 页" in str(refused.value)


def test_a_forms_box_is_its_clip() -> None:
    """This test ensures that an image drawn by a form XObject is cut to the form's BBox as a clip would cut it."""
    pdf = pikepdf.open(io.BytesIO(_pdf(b"q /Fm1 Do Q", font=False, halves=True)))
    resources = pdf.pages[0].Resources
    form = pdf.make_stream(
        b"q 200 0 0 100 0 0 cm /Im1 Do Q", Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form, BBox=[0, 0, 100, 100],
        Resources=pikepdf.Dictionary(XObject=resources.XObject),
    )  # fmt: skip
    resources.XObject.Fm1 = form
    out = io.BytesIO()
    pdf.save(out)
    [picture] = _images(pdf_to_ofd(out.getvalue(), INFO))
    assert picture.size == (2, 2) and picture.getcolors() == [(4, (200, 0, 0))]


def _alpha(ofd: bytes) -> list[int]:
    """Return the alpha of the package's one PNG, pixel by pixel."""
    with zipfile.ZipFile(io.BytesIO(ofd)) as package:
        [name] = [n for n in package.namelist() if n.endswith(".png")]
        return list(Image.open(io.BytesIO(package.read(name))).getchannel("A").tobytes())


def test_an_image_met_again_is_made_once_and_one_that_differs_anew(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """This test ensures that the same image (the seal) in another PDF, under other object numbers, is encoded once, and an image whose mask differs is not taken for it."""
    images._MADE.clear()
    made: list[object] = []
    original = images._image_file

    def counted(image: object, crop: object) -> tuple[str, bytes]:
        made.append(crop)
        return original(image, crop)  # type: ignore[arg-type]

    monkeypatch.setattr(images, "_image_file", counted)
    content = b"q 100 0 0 50 72 600 cm /Im1 Do Q"
    first = pdf_to_ofd(_pdf(content, image=True), INFO)
    shifted = _pdf(b"BT /F1 12 Tf 72 700 Td <01> Tj ET " + content, image=True)  # more objects
    assert pdf_to_ofd(shifted, INFO) and len(made) == 1
    pdf = pikepdf.open(io.BytesIO(_pdf(content, image=True)))
    mask = pdf.pages[0].Resources.XObject.Im1.SMask
    mask.write(bytes([255]) * 8)  # opaque: another picture
    out = io.BytesIO()
    pdf.save(out)
    other = pdf_to_ofd(out.getvalue(), INFO)
    assert len(made) == 2
    alphas = [_alpha(ofd) for ofd in (first, other)]
    assert alphas == [[128] * 8, [255] * 8]


@pytest.mark.parametrize(
    ("content", "font", "named"),
    [
        (b"BT /F1 12 Tf 72 700 Td <01> Tj ET /Sh1 sh", True, "第 1 页使用了渐变填充"),
        (b"BT /F9 12 Tf 72 700 Td <01> Tj ET", True, "/F9"),
        (b"BT 72 700 Td <01> Tj ET", True, "设定字体之前"),
        (b"q /Missing Do Q", False, "/Missing"),
    ],
)
def test_what_the_ofd_cannot_show_is_refused_with_where_and_why(
    content: bytes, font: bool, named: str
) -> None:
    """This test ensures that a shading, a missing font or object, or text before a font is refused by name."""
    with pytest.raises(OfdError, match=re.escape(named)):
        pdf_to_ofd(_pdf(content, font=font), INFO)


def test_a_font_not_embedded_is_refused() -> None:
    """This test ensures that a PDF naming a font it does not embed is refused: the OFD would not look the same."""
    pdf = pikepdf.open(io.BytesIO(_pdf(b"BT /F1 12 Tf 72 700 Td <01> Tj ET")))
    font = pdf.pages[0].Resources.Font.F1
    del font.FontDescriptor["/FontFile2"]
    out = io.BytesIO()
    pdf.save(out)
    with pytest.raises(OfdError, match="未嵌入"):
        pdf_to_ofd(out.getvalue(), INFO)

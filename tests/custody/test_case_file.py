"""Tests of a closed case's file (案卷) as one PDF/A: its parts, 页号 and labels, bookmarks, fixity, refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from flask import Flask
from sqlalchemy import select

from service.archive.pdfinspect import is_sealed
from service.archive.store import fixity_of
from service.background.startup import prepare_service
from service.cases.records import NoSuchCase
from service.custody.case_file import case_file_pdf
from service.custody.case_volume import CaseNotClosed, FilesDiffer
from service.custody.printed_tables import section, table_rows
from service.database.models import Document
from service.foundations.config import load_settings
from service.render.office.pool import OfficePool
from service.render.pages import PageWord, page_texts, page_words
from service.render.pdfa import read_archival_metadata
from service.services import Wenshu
from tests import pdfcheck
from tests.archive.conftest import flip_byte
from tests.custody.case_files import (
    FILED_COUNT,
    HEAD,
    SEALED_COUNT,
    case_documents,
    closed_case,
    filed_order,
    is_sealed_kind,
    open_case,
    printed_opinion,
    short_closed_case,
)

BUREAU = "岳阳市君山区史志档案局"
CONTENTS = ("序号", "文号", "责任者", "文件题名", "日期", "页号", "备注")
FIXITY = ("序号", "文号", "算法", "固化值")
# The 信函格式's letterhead starts 30 mm down (GB/T 9704 10.1): the volume's 页号 stay above it.
LETTERHEAD_TOP = 30 * pdfcheck.MM
# The faces fontconfig maps the official fonts to (service/render/fonts.conf): 仿宋, 小标宋
# and 宋体 (Noto Serif CJK Black and Regular), 黑体 (Noto Sans CJK).
OFFICIAL_FACES = ("FandolFang", "NotoSerifCJK", "NotoSansCJK")


@dataclass(frozen=True)
class Made:
    """A closed case, its documents and its file written out."""

    wenshu: Wenshu
    case_id: int
    documents: list[Document]  # issued, oldest first
    path: Path

    def document(self, kind: str) -> Document:
        """Return the case's issued document of a kind."""
        return next(d for d in self.documents if d.kind == kind)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, office_pool: OfficePool) -> Iterator[Made]:
    """One closed case on SQLite and its file, made once for the module's checks of the PDF."""
    folder = tmp_path_factory.mktemp("case-file")
    wenshu = Wenshu.open(load_settings({"instance_path": folder / "instance"}), office_pool)
    prepare_service(wenshu)
    case_id = closed_case(wenshu)
    path = folder / "volume.pdf"
    path.write_bytes(case_file_pdf(wenshu, case_id))
    yield Made(wenshu, case_id, case_documents(wenshu, case_id), path)
    wenshu.database.dispose()


def below_numbers(words: list[PageWord]) -> list[PageWord]:
    """Return the words of the text area and below it: the volume's page numbers left out."""
    return [word for word in words if word.y1 > LETTERHEAD_TOP]


def bookmarks(path: Path) -> dict[str, int]:
    """Return the page (from 1) each bookmark of the outline's top level leads to."""
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        return {item.title: target(pdf, item) for item in outline.root}


def target(pdf: pikepdf.Pdf, item: pikepdf.OutlineItem) -> int:
    """Return the page (from 1) a bookmark leads to."""
    destination = item.destination
    assert isinstance(destination, pikepdf.Array)
    return pdf.pages.index(pikepdf.Page(destination[0])) + 1


def contents_rows(path: Path) -> list[list[str]]:
    """Return the rows of the 卷内文件目录 as printed, on its pages from the second on."""
    pages = range(2, bookmarks(path)["卷内文件"])
    words = [word for word in page_words(path) if word.page in pages]
    return table_rows(below_numbers(words), CONTENTS)


def notes_text(path: Path) -> str:
    """Return the text of the 备考表's pages, whitespace removed."""
    return plain("".join(page_texts(path)[bookmarks(path)["卷内备考表"] - 1 :]))


def pages_of(row: list[str]) -> range:
    """Return the 页号 a 目录 row names: 5, or 5-8."""
    first, _, last = row[CONTENTS.index("页号")].partition("-")
    return range(int(first), int(last or first) + 1)


def labels(path: Path) -> list[str]:
    """Return each page's label, as a PDF reader shows it, read back from the page label tree."""
    with pikepdf.open(path) as pdf:
        return [page.label for page in pdf.pages]


def unnumbered_before(path: Path) -> int:
    """Return how many pages come before the one a reader shows as 1: the cover's and the 目录's."""
    return labels(path).index("1")


def part_labels(name: str, pages: int) -> list[str]:
    """Return the labels of an unnumbered part: its name on one page, name and 1, 2, … on more."""
    return [name] if pages == 1 else [f"{name}{n}" for n in range(1, pages + 1)]


def document_pages(made: Made) -> int:
    """Return the pages of the case's archived documents together: the 页号 the volume runs to."""
    return sum(document.pages for document in made.documents)


def plain(text: str) -> str:
    """Return text without any whitespace."""
    return "".join(text.split())


@pytest.mark.office
def test_the_file_is_pdfa_described_as_the_case(made: Made) -> None:
    """This test ensures that the file is valid PDF/A-2b whose DA/T 46 metadata name the volume and the case."""
    assert pdfcheck.pdfa_identification(made.path) == ("2", "B")
    assert pdfcheck.pdfa_violations(made.path) == []
    written = read_archival_metadata(made.path)
    number = made.document("case_opening").number
    assert written["文号"] == number
    assert written["题名"].startswith(f"{BUREAU}关于岳阳君信档案数字化服务有限公司擅自提供")
    assert written["题名"].endswith("的行政处罚案卷")
    assert written["责任者"] == BUREAU
    assert written["日期"] == "2026-05-20"
    assert written["密级和保管期限"] == "密级：公开；保管期限：永久"
    assert written["业务行为"].startswith("组卷")


@pytest.mark.office
def test_its_own_pages_use_the_official_fonts_embedded(made: Made, tmp_path: Path) -> None:
    """This test ensures that the cover, 目录 and 备考表 embed every font, each an official font's face."""
    parts = tmp_path / "parts.pdf"
    marks = bookmarks(made.path)
    with pikepdf.open(made.path) as volume, pikepdf.new() as out:
        own = [*range(marks["卷内文件"] - 1), *range(marks["卷内备考表"] - 1, len(volume.pages))]
        for index in own:
            out.pages.append(volume.pages[index])
        out.save(parts)
    fonts = pdfcheck.fonts(parts)
    assert fonts and all(row["emb"] == "yes" for row in fonts)
    faces = {row["name"].partition("+")[2] for row in fonts}
    assert all(face.startswith(OFFICIAL_FACES) for face in faces), faces
    text = plain("".join(page_texts(parts)))
    assert "卷内文件目录" in text and "卷内备考表" in text and "全宗名称" in text


@pytest.mark.office
def test_the_contents_list_the_documents_in_procedural_order(made: Made) -> None:
    """This test ensures that the 目录 lists the issued documents in procedural order, the voided record left out."""
    rows = contents_rows(made.path)
    expected = filed_order(made.documents)
    assert [row[0] for row in rows] == [str(n) for n in range(1, FILED_COUNT + 1)]
    assert [row[1] for row in rows] == [document.number for document in expected]
    assert [row[4] for row in rows] == [f"{d.document_date:%Y%m%d}" for d in expected]
    assert all(row[2] == BUREAU for row in rows)
    assert [row[6] for row in rows] == ["电子印章" if is_sealed_kind(d) else "" for d in expected]
    titles = [row[3] for row in rows]
    assert titles[:4] == ["立案审批表", "现场检查（勘验）笔录", "询问笔录", "行政处罚事先告知书"]
    assert titles[4] == "送达回证（行政处罚事先告知书）"  # a receipt names what it served
    assert titles[-1] == "结案报告"
    with made.wenshu.database.session() as session:
        voided = session.scalars(
            select(Document.number).where(
                Document.case_id == made.case_id, Document.status == "voided"
            )
        ).one()
    filed_pages = page_texts(made.path)[: bookmarks(made.path)["卷内备考表"] - 1]
    assert voided not in [row[1] for row in rows]
    assert voided not in plain("".join(filed_pages))


@pytest.mark.office
def test_each_page_range_holds_its_document(made: Made) -> None:
    """This test ensures that the 页号 a 目录 row names, from 1 on the first document, are its archived pages."""
    volume_pages = [plain(text) for text in page_texts(made.path)]
    rows = contents_rows(made.path)
    before = unnumbered_before(made.path)
    assert before == bookmarks(made.path)["卷内文件"] - 1 >= 2  # the cover and the 目录
    following = 1
    for row, document in zip(rows, filed_order(made.documents), strict=True):
        pages = pages_of(row)
        assert pages.start == following
        archived = page_texts(made.wenshu.archive.absolute(document.pdf_path))
        assert len(pages) == len(archived) == document.pages
        for number, text in zip(pages, archived, strict=True):
            assert plain(text) in volume_pages[before + number - 1], (document.number, number)
        following = pages.stop
    assert following - 1 == document_pages(made)
    assert "卷内备考表" in volume_pages[before + following - 1]


@pytest.mark.office
def test_only_the_documents_pages_bear_a_number_at_their_top_right(made: Made) -> None:
    """This test ensures that each document page prints its 页号 top right above the letterhead, and no other page a number."""
    words = page_words(made.path)
    shown = labels(made.path)
    before, last = unnumbered_before(made.path), document_pages(made)
    for page in range(1, len(shown) + 1):
        top = [word for word in words if word.page == page and word.y1 < LETTERHEAD_TOP]
        number = page - before
        if 1 <= number <= last:
            assert [word.text for word in top] == [str(number)] == [shown[page - 1]], page
            assert top[0].x1 == pytest.approx(pdfcheck.TEXT_RIGHT, abs=pdfcheck.MM), page
        else:
            assert top == [], (page, shown[page - 1])
    # The documents keep their own "— n —" at their foot, apart from the volume's numbers.
    inquiry = next(row for row in contents_rows(made.path) if row[3] == "询问笔录")
    second = before + pages_of(inquiry)[1]
    feet = [w.text for w in words if w.page == second and w.y0 > pdfcheck.TEXT_BOTTOM]
    assert "2" in feet


@pytest.mark.office
def test_a_reader_shows_the_parts_by_name_and_the_documents_by_their_numbers(made: Made) -> None:
    """This test ensures that the page labels are 封面, 目录, 1 to the last 页号, 备考, and the file stays PDF/A-2b."""
    shown = labels(made.path)
    marks = bookmarks(made.path)
    contents = marks["卷内文件"] - marks["卷内文件目录"]
    notes = len(shown) - marks["卷内备考表"] + 1
    assert notes == 2  # the 备考表's sheet and its fixity annex
    assert shown == [
        "封面",
        *part_labels("目录", contents),
        *(str(number) for number in range(1, document_pages(made) + 1)),
        *part_labels("备考", notes),
    ]
    assert pdfcheck.pdfa_violations(made.path) == []


@pytest.mark.office
def test_bookmarks_lead_to_each_part_and_document(made: Made) -> None:
    """This test ensures that the outline has the cover, 目录, each document under 卷内文件, and the 备考表."""
    rows = contents_rows(made.path)
    before = unnumbered_before(made.path)
    with pikepdf.open(made.path) as pdf, pdf.open_outline() as outline:
        assert pdf.Root.PageMode == pikepdf.Name.UseOutlines
        top = [(item.title, target(pdf, item)) for item in outline.root]
        children = [(item.title, target(pdf, item)) for item in outline.root[2].children]
    assert top == [
        ("封面", 1),
        ("卷内文件目录", 2),
        ("卷内文件", before + 1),
        ("卷内备考表", before + pages_of(rows[-1]).stop),
    ]
    assert children == [
        (f"{row[0]} {row[3]} {row[1]}", before + pages_of(row).start) for row in rows
    ]


@pytest.mark.office
def test_the_notes_list_each_files_fixity_as_stored(made: Made) -> None:
    """This test ensures that the 备考表 lists every document's SHA-256 and SM3, those of its archived file."""
    rows = table_rows(
        section(below_numbers(page_words(made.path)), "附：卷内文件固化信息", None), FIXITY
    )
    expected = filed_order(made.documents)
    assert [row[1] for row in rows] == [document.number for document in expected]
    for row, document in zip(rows, expected, strict=True):
        stored = fixity_of(made.wenshu.archive.absolute(document.pdf_path).read_bytes())
        assert (row[2], row[3]) == ("SHA-256SM3", stored.sha256 + stored.sm3)
        assert (stored.sha256, stored.sm3) == (document.sha256, document.sm3)


@pytest.mark.office
def test_the_notes_say_what_is_signed_and_who_approved_what(made: Made) -> None:
    """This test ensures that the 备考表 counts the numbered pages, names the sealed documents and the head's approvals."""
    text = notes_text(made.path)
    expected = filed_order(made.documents)
    signed = "、".join(str(n) for n, d in enumerate(expected, 1) if is_sealed_kind(d))
    unsigned = "、".join(str(n) for n, d in enumerate(expected, 1) if not is_sealed_kind(d))
    assert f"加盖本局电子印章的文件{SEALED_COUNT}件（序号{signed}），电子签名经核验有效" in text
    assert f"序号{unsigned}：未加盖电子印章（本种文书不加盖印章）" in text
    opening, decision = made.document("case_opening"), made.document("penalty_decision")
    approvals = re.findall(r"负责人(\w+?)批准(.+?)，审批意见：(.+?)（审计链第\d+条）", text)
    assert approvals == [
        (HEAD, f"立案审批表（{opening.number}）", printed_opinion(made.wenshu, opening)),
        (HEAD, f"行政处罚决定书（{decision.number}）", printed_opinion(made.wenshu, decision)),
        (HEAD, "延长办案期限30日", "同意延长30日"),
    ]
    assert f"卷内文件{FILED_COUNT}件，共{document_pages(made)}页，按办案程序排列" in text
    assert f"页号自第一件文件首页起编为1至{document_pages(made)}，印在各页右上角" in text
    assert "封面、卷内文件目录和本表不编页号" in text
    assert re.search(r"本案作废的文书1份（君档巡记〔2026〕\d+号）不入卷", text)
    assert "立卷人：检查人：立卷时间：" in text


@pytest.mark.office
def test_the_cover_gives_the_case_and_the_volumes_extent(made: Made) -> None:
    """This test ensures that the cover names the fonds, the case, its dates, documents, their pages, retention and 密级."""
    cover = plain(page_texts(made.path)[0])
    for expected in (
        "行政处罚案卷", f"全宗名称{BUREAU}", f"案号{made.document('case_opening').number}",
        "当事人岳阳君信档案数字化服务有限公司", "立案日期2026年2月4日结案日期2026年5月20日",
        f"卷内文件{FILED_COUNT}件页数{document_pages(made)}页", "保管期限永久密级公开", "立卷人立卷日期年月日",
    ):  # fmt: skip
        assert expected in cover, expected


@pytest.mark.office
def test_signature_fields_stay_with_the_archived_originals(made: Made) -> None:
    """This test ensures that the volume carries no form field: the signed notice's signature stays in its own file."""
    notice = made.document("penalty_notice")
    assert is_sealed(made.wenshu.archive.absolute(notice.pdf_path))
    assert not is_sealed(made.path)
    with pikepdf.open(made.path) as pdf:
        assert "/AcroForm" not in pdf.Root and "/StructTreeRoot" not in pdf.Root
        for page in pdf.pages:
            annotations = page.obj.get("/Annots", pikepdf.Array())
            assert all(a.get("/Subtype") != pikepdf.Name.Widget for a in annotations)


def test_an_open_case_has_no_file_yet(app: Flask) -> None:
    """This test ensures that a case before 结案 is refused, saying so, before anything is converted."""
    wenshu: Wenshu = app.extensions["wenshu"]
    case_id = open_case(wenshu)
    with pytest.raises(CaseNotClosed) as refused:
        case_file_pdf(wenshu, case_id)
    assert str(refused.value).startswith("案件尚未结案：")
    assert "“立案”阶段" in str(refused.value)


def test_an_unknown_case_has_no_file(app: Flask) -> None:
    """This test ensures that a case id naming no case is NoSuchCase."""
    with pytest.raises(NoSuchCase):
        case_file_pdf(app.extensions["wenshu"], 4242)


def test_a_changed_archived_file_stops_the_file(app: Flask) -> None:
    """This test ensures that a document whose archived file changed stops the volume, naming its 文号."""
    wenshu: Wenshu = app.extensions["wenshu"]
    case_id = short_closed_case(wenshu)
    changed = next(d for d in case_documents(wenshu, case_id) if d.kind == "inquiry_record")
    flip_byte(wenshu, changed)
    with pytest.raises(FilesDiffer) as refused:
        case_file_pdf(wenshu, case_id)
    assert refused.value.problems == [
        f"{changed.number}：文件 {changed.pdf_path} 与登记的固化信息不符"
    ]

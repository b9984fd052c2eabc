"""Tests of what the 案卷's own parts say: 页号 ranges, the title, the 备考表's statement and approvals."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import docx
import pikepdf

from service.custody.case_volume import Approval, CaseVolume, FiledDocument, most_closed
from service.custody.volume_numbering import Layout, page_range
from service.custody.volume_parts import (
    CONTENTS,
    COVER,
    NOTES,
    approval_lines,
    contents_context,
    cover_context,
    render_parts,
    statement,
    volume_title,
)

BUREAU = "岳阳市君山区史志档案局"
UNSIGNED_KIND = "未加盖电子印章（本种文书不加盖印章）"


def filed(index: int, kind: str, number: str, pages: int, signed: bool = False) -> FiledDocument:
    """Return a document of the file."""
    return FiledDocument(
        index=index, id=index, kind=kind, number=number, title=f"题名{index}", author=BUREAU,
        date=dt.date(2026, 2, index), data=b"", pages=pages, sha256="a" * 64, sm3="b" * 64,
        signed=signed, signature="电子签名有效" if signed else UNSIGNED_KIND,
    )  # fmt: skip


VOLUME = CaseVolume(
    id=7,
    number="君档立〔2026〕3号",
    cause="擅自提供属于国家所有的档案案",
    party="岳阳君信档案数字化服务有限公司",
    opened_on=dt.date(2026, 2, 4),
    closed_on=dt.date(2026, 5, 20),
    documents=(
        filed(1, "case_opening", "君档立〔2026〕3号", 1),
        filed(2, "inquiry_record", "君档询录〔2026〕1号", 3),
        filed(3, "penalty_notice", "君档罚告〔2026〕1号", 2, signed=True),
    ),
    voided=("君档巡记〔2026〕4号",),
    approvals=(
        Approval(
            "刘建平",
            "立案审批表（君档立〔2026〕3号）",
            "同意立案调查",
            dt.datetime(2026, 2, 4, 1, 30, tzinfo=dt.UTC),
            12,
        ),
    ),
    classification="公开",
)


def test_documents_are_numbered_from_one_after_the_cover_and_the_contents() -> None:
    """This test ensures that 页号 1 is the first document's first page, whatever the cover and 目录 take."""
    layout = Layout.of(VOLUME, 1, 2, 1)
    assert layout.starts == (1, 2, 5)
    assert layout.document_pages == 6
    assert layout.numbered_from == 4  # the volume's page after the cover and the two of the 目录
    assert [layout.volume_page(n) for n in (1, 2, 6)] == [4, 5, 9]
    assert (layout.notes_start, layout.total) == (10, 10)
    longer = Layout.of(VOLUME, 2, 3, 2)
    assert (longer.starts, longer.document_pages) == (layout.starts, layout.document_pages)
    assert (longer.numbered_from, longer.notes_start, longer.total) == (6, 12, 13)


def test_a_page_range_is_one_number_for_one_page() -> None:
    """This test ensures that the 目录 prints 5 for a one-page document and 5-8 for four pages."""
    assert page_range(5, 1) == "5"
    assert page_range(5, 4) == "5-8"


def test_the_contents_list_each_document_with_its_pages_and_seal() -> None:
    """This test ensures that a 目录 row holds 序号, 文号, 责任者, 题名, an eight-digit date, 页号 and the seal note."""
    rows = contents_context(VOLUME)["rows"]
    assert [row["pages"] for row in rows] == ["1", "2-4", "5-6"]  # the documents' pages alone
    assert rows[2] == {
        "index": "3", "number": "君档罚告〔2026〕1号", "author": BUREAU, "title": "题名3",
        "date": "20260203", "pages": "5-6", "note": "电子印章",
    }  # fmt: skip
    assert rows[0]["note"] == ""


def test_the_title_names_the_party_once() -> None:
    """This test ensures that a cause already naming the party is not preceded by it again."""
    named = replace(VOLUME, cause="岳阳君信档案数字化服务有限公司擅自提供属于国家所有的档案案")
    expected = (
        f"{BUREAU}关于岳阳君信档案数字化服务有限公司擅自提供属于国家所有的档案案的行政处罚案卷"
    )
    assert volume_title(named, BUREAU) == expected
    assert volume_title(VOLUME, BUREAU) == expected


def test_the_cover_counts_documents_and_their_pages() -> None:
    """This test ensures that the cover's 页数 is the documents' pages, the numbered ones, not the whole volume's."""
    cover = cover_context(VOLUME, BUREAU)
    assert (cover["document_count"], cover["page_count"]) == ("3", "6")
    assert (cover["opened_on"], cover["closed_on"]) == ("2026年2月4日", "2026年5月20日")
    assert (cover["retention"], cover["classification"]) == ("永久", "公开")


def test_the_statement_counts_pages_and_says_what_was_left_out() -> None:
    """This test ensures that the 备考表 gives documents and their numbered pages, which are sealed, and the voided ones left out."""
    lines = statement(VOLUME, BUREAU)
    assert lines[0].startswith(f"本卷为{BUREAU}办理的岳阳君信档案数字化服务有限公司擅自提供")
    assert "档案案（案号君档立〔2026〕3号）" in lines[0]  # a cause ending in 案 takes no 一案
    assert lines[1].startswith("卷内文件3件，共6页，按办案程序排列")
    assert lines[1].endswith(
        "页号自第一件文件首页起编为1至6，印在各页右上角，封面、卷内文件目录和本表不编页号。"
    )
    assert (
        lines[2] == "加盖本局电子印章的文件1件（序号3），电子签名经核验有效，签名后文件未被改动。"
    )
    assert lines[3] == f"序号1、2：{UNSIGNED_KIND}。"
    assert lines[4] == "本案作废的文书1份（君档巡记〔2026〕4号）不入卷，其作废记录见审计链。"


def test_approvals_say_who_approved_what_and_when() -> None:
    """This test ensures that each approval names the head, what was approved, the opinion, the time and the audit entry."""
    assert approval_lines(VOLUME) == [
        "1. 2026-02-04 09:30（北京时间），负责人刘建平批准立案审批表（君档立〔2026〕3号），"
        "审批意见：同意立案调查（审计链第12条）。"
    ]
    assert approval_lines(replace(VOLUME, approvals=())) == ["审计链中没有本案负责人审批的记录。"]


def test_a_volume_is_as_closed_as_its_most_closed_document() -> None:
    """This test ensures that the volume's 密级 is the most closed of its documents', an unknown one above all."""
    assert most_closed([]) == "公开"
    assert most_closed(["公开", "内部", "公开"]) == "内部"
    assert most_closed(["秘密", "公开"]) == "秘密"
    assert most_closed(["机密", "某级"]) == "某级"


class PagesByRows:
    """A converter writing as many blank pages as a part needs at ten 目录 rows a page.

    It stands for LibreOffice where only the parts' lengths matter: the cover and the 备考表
    take one page, the 目录 one page for each ten documents.
    """

    def __init__(self) -> None:
        self.converted: list[str] = []

    def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
        """Write the part's pages to pdf_path."""
        document = docx.Document(str(docx_path))
        title = document.paragraphs[0].text
        rows = sum(len(table.rows) - 1 for table in document.tables)  # the header aside
        pages = -(-rows // 10) if title == "卷内文件目录" else 1
        self.converted.append(docx_path.stem)
        with pikepdf.new() as pdf:
            for _ in range(pages):
                pdf.add_blank_page(page_size=(595, 842))
            pdf.save(pdf_path)


def test_a_longer_contents_moves_no_page_range() -> None:
    """This test ensures that a 目录 of two pages is converted once, its ranges counting the documents alone."""
    documents = tuple(filed(n, "inquiry_record", f"君档询录〔2026〕{n}号", 2) for n in range(1, 13))
    volume = replace(VOLUME, documents=documents)
    converter = PagesByRows()
    parts = render_parts(volume, BUREAU, converter)
    assert converter.converted == [COVER, CONTENTS, NOTES]
    layout = parts.layout
    assert (layout.cover_pages, layout.contents_pages, layout.notes_pages) == (1, 2, 1)
    assert layout.starts[:3] == (1, 3, 5)
    assert (layout.document_pages, layout.numbered_from) == (24, 4)
    assert (layout.notes_start, layout.total) == (28, 1 + 2 + 24 + 1)
    assert [row["pages"] for row in contents_context(volume)["rows"]][-1] == "23-24"
    with pikepdf.open(io.BytesIO(parts.contents)) as contents:
        assert len(contents.pages) == 2

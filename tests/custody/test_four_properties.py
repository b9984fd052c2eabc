"""Tests of 四性检测: authenticity, integrity, usability and security, per document and per set."""

from __future__ import annotations

import io
from collections.abc import Callable

import pikepdf
import pytest
from sqlalchemy import text

from service.acts.issuing import issue_document
from service.archive.store import fixity_of
from service.archive.voiding import void_document
from service.custody.four_properties import (
    AUTHENTICITY,
    INTEGRITY,
    PROPERTIES,
    SECURITY,
    USABILITY,
    DocumentAssessment,
    assess_document,
    assess_set,
)
from service.database.models import Document
from service.services import Wenshu
from tests.archive.conftest import flip_byte
from tests.conftest import sample

pytestmark = pytest.mark.office


def assessed(wenshu: Wenshu, document: Document) -> DocumentAssessment:
    """Return a document's four-property report."""
    report = assess_document(wenshu, document.id)
    assert report is not None
    return report


def failed(report: DocumentAssessment) -> dict[str, list[str]]:
    """Return the failed checks by property: {property: [check name, …]}."""
    found: dict[str, list[str]] = {}
    for name, check in report.failed_checks():
        found.setdefault(name, []).append(check.name)
    return found


def detail(report: DocumentAssessment, check_name: str) -> str:
    """Return what one check found."""
    return next(c.detail for r in report.properties for c in r.checks if c.name == check_name)


def rewrite_pdf(wenshu: Wenshu, document: Document, change: Callable[[pikepdf.Pdf], None]) -> None:
    """Change an archived PDF with pikepdf and record the new file's fixity, as a forger would."""
    path = wenshu.archive.absolute(document.pdf_path)
    with pikepdf.open(path) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out, encryption=getattr(pdf, "wanted_encryption", False))
    data = out.getvalue()
    path.write_bytes(data)
    fixity = fixity_of(data)
    with wenshu.database.engine.begin() as connection:
        connection.execute(
            text("UPDATE documents SET sha256 = :sha256, sm3 = :sm3, size = :size WHERE id = :id"),
            {"sha256": fixity.sha256, "sm3": fixity.sm3, "size": fixity.size, "id": document.id},
        )


def test_issued_document_holds_all_four(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that an issued document passes every check of the four properties."""
    report = assessed(wenshu, notices[0])
    assert [result.name for result in report.properties] == list(PROPERTIES)
    assert report.passed, report.failed_checks()
    names = {r.name: [c.name for c in r.checks] for r in report.properties}
    assert {"固化信息", "存储位置", "大小", "页数", "文号（XMP dc:identifier）"} <= set(
        names[AUTHENTICITY]
    )
    assert {"必备元数据", "所在系列文号连续", "业务行为记录"} <= set(names[INTEGRITY])
    assert names[USABILITY] == [
        "能够打开", "PDF/A-2b", "字体嵌入", "未加密", "OFD 能够打开", "OFD 结构（GB/T 33190）",
        "OFD 字体嵌入",
    ]  # fmt: skip
    assert names[SECURITY] == ["无 JavaScript", "无嵌入文件", "无启动动作", "OFD 无动作与附件"]


def test_changed_byte_fails_authenticity(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that one changed byte fails the fixity check of authenticity."""
    flip_byte(wenshu, notices[0], offset=5000)
    report = assessed(wenshu, notices[0])
    assert "固化信息" in failed(report)[AUTHENTICITY]
    assert detail(report, "固化信息") == "SHA-256、SM3与登记不符"


def test_metadata_not_matching_the_file_fails_authenticity(
    wenshu: Wenshu, notices: list[Document]
) -> None:
    """This test ensures that a record whose page count or 文号 differs from the file fails."""
    with wenshu.database.engine.begin() as connection:
        connection.execute(text("UPDATE documents SET pages = pages + 1 WHERE id = :id"),
                           {"id": notices[0].id})  # fmt: skip
    assert failed(assessed(wenshu, notices[0])) == {AUTHENTICITY: ["页数", "OFD 页数"]}

    def other_number(pdf: pikepdf.Pdf) -> None:
        xmp = pdf.Root.Metadata.read_bytes().replace(
            "君档监通〔2026〕2号".encode(), "君档监通〔2026〕9号".encode()
        )
        pdf.Root.Metadata.write(xmp)

    rewrite_pdf(wenshu, notices[1], other_number)
    report = assessed(wenshu, notices[1])
    assert "文号（XMP dc:identifier）" in failed(report)[AUTHENTICITY]
    assert "文件中为“君档监通〔2026〕9号”" in detail(report, "文号（XMP dc:identifier）")


def test_missing_file_fails(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that a document whose file is gone fails authenticity and usability."""
    wenshu.archive.absolute(notices[0].pdf_path).unlink()
    report = assessed(wenshu, notices[0])
    assert not report.passed
    assert detail(report, "固化信息") == "登记的文件不存在"
    assert failed(report)[USABILITY] == ["能够打开"]


def test_number_gap_fails_integrity(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that a record deleted with raw SQL shows as a gap in its series and year."""
    with wenshu.database.engine.begin() as connection:
        connection.execute(text("DELETE FROM documents WHERE id = :id"), {"id": notices[1].id})
    whole = assess_set(wenshu)
    assert not whole.passed
    numbering = whole.checks[1].checks[0]
    assert (numbering.name, numbering.passed) == ("文号连续", False)
    assert numbering.detail == "缺少登记：君档监通〔2026〕2号"
    report = assessed(wenshu, notices[0])
    assert failed(report) == {INTEGRITY: ["所在系列文号连续"]}
    # The deleted record's file is now one no record refers to.
    extra = whole.checks[0].checks[1]
    assert (extra.name, extra.passed) == ("无登记外文件", False)
    assert notices[1].pdf_path in extra.detail


def test_deleted_last_record_is_a_gap(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that deleting the newest record shows as a gap, through the series counter."""
    with wenshu.database.engine.begin() as connection:
        connection.execute(text("DELETE FROM documents WHERE id = :id"), {"id": notices[2].id})
    numbering = assess_set(wenshu, "supervision_notice", 2026).checks[1].checks[0]
    assert numbering.detail == "缺少登记：君档监通〔2026〕3号"


def test_voided_document_keeps_its_number(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that a voided document is no gap and its voiding is checked as recorded."""
    with wenshu.database.session() as session:
        void_document(session, notices[1].id, "主送单位写错", "李科长")
    whole = assess_set(wenshu)
    assert whole.passed, whole.failures()
    assert detail(assessed(wenshu, notices[1]), "业务行为记录") == "发文、作废已记入审计链"


def test_unrecorded_action_fails_integrity(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that a document whose issuing is missing from the audit chain fails."""
    with wenshu.database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET subject = '' WHERE id = 1"))
    report = assessed(wenshu, notices[0])
    assert failed(report) == {INTEGRITY: ["业务行为记录"]}
    assert assess_set(wenshu).checks[0].checks[0].passed is False  # the chain is broken too


def test_javascript_fails_security(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that a PDF given a JavaScript open action fails security."""

    def add_script(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pikepdf.Dictionary(
            Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")
        )

    rewrite_pdf(wenshu, notices[0], add_script)
    report = assessed(wenshu, notices[0])
    assert failed(report)[SECURITY] == ["无 JavaScript"]
    assert "JavaScript 动作" in detail(report, "无 JavaScript")


def test_embedded_file_and_launch_action_fail_security(
    wenshu: Wenshu, notices: list[Document]
) -> None:
    """This test ensures that an attached file and a launch action each fail security."""

    def attach_and_launch(pdf: pikepdf.Pdf) -> None:
        pdf.attachments["readme.txt"] = pikepdf.AttachedFileSpec(
            pdf, b"hello", mime_type="text/plain"
        )
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10],
            A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")),
        )  # fmt: skip
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))

    rewrite_pdf(wenshu, notices[0], attach_and_launch)
    report = assessed(wenshu, notices[0])
    assert failed(report)[SECURITY] == ["无嵌入文件", "无启动动作"]
    assert "readme.txt" in detail(report, "无嵌入文件")


def test_font_not_embedded_fails_usability(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that a font without its font file fails usability, named."""

    def add_font(pdf: pikepdf.Pdf) -> None:
        helvetica = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
        pdf.pages[0].Resources.Font.Extra = pdf.make_indirect(helvetica)

    rewrite_pdf(wenshu, notices[0], add_font)
    report = assessed(wenshu, notices[0])
    assert "字体嵌入" in failed(report)[USABILITY]
    assert detail(report, "字体嵌入") == "未嵌入：Helvetica"


def test_encrypted_pdf_fails_usability(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that an encrypted PDF (opening without a password) fails usability."""

    def encrypt(pdf: pikepdf.Pdf) -> None:
        pdf.wanted_encryption = pikepdf.Encryption(owner="owner", user="")  # type: ignore[attr-defined]

    rewrite_pdf(wenshu, notices[0], encrypt)
    report = assessed(wenshu, notices[0])
    assert "未加密" in failed(report)[USABILITY]


def test_set_by_kind_and_year(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that a set report covers exactly the documents of its kind and year."""
    issue_document(wenshu, "enforcement_notice", sample("enforcement_notice"), "王文书")
    notices_only = assess_set(wenshu, "supervision_notice", 2026)
    assert [d.number for d in notices_only.documents] == [n.number for n in notices]
    assert notices_only.passed
    assert [c.name for c in notices_only.checks[0].checks] == ["审计链"]  # no file check for a part
    assert len(assess_set(wenshu).documents) == 4
    assert assess_set(wenshu, year=2025).documents == []
    assert assess_set(wenshu).passed_count(SECURITY) == 4

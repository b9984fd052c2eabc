"""The 四性检测 and the archive's check of each document's OFD: each refusal caught, named and placed."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from sqlalchemy import text

from service.archive.fixity import verify_archive
from service.archive.store import fixity_of
from service.custody.four_properties import AUTHENTICITY, INTEGRITY, SECURITY, USABILITY
from service.database.models import Document
from service.services import Wenshu
from tests.custody.test_four_properties import assessed, detail, failed

pytestmark = pytest.mark.office


def rewrite_ofd(
    wenshu: Wenshu, document: Document, change: Callable[[dict[str, bytes]], None]
) -> None:
    """Change an archived OFD's parts and record the new file's fixity, as a forger would."""
    path = wenshu.archive.absolute(document.ofd_path)
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    data = out.getvalue()
    fixity = fixity_of(data)
    path.unlink()
    moved = wenshu.archive.put(data, fixity.sha256, "ofd")  # where its new hash puts it
    with wenshu.database.engine.begin() as connection:
        connection.execute(
            text("UPDATE documents SET ofd_sha256 = :sha256, ofd_sm3 = :sm3, ofd_size = :size, "
                 "ofd_path = :path WHERE id = :id"),
            {"sha256": fixity.sha256, "sm3": fixity.sm3, "size": fixity.size, "path": moved,
             "id": document.id},
        )  # fmt: skip


def test_an_issued_documents_ofd_passes_every_check(
    wenshu: Wenshu, notices: list[Document]
) -> None:
    """This test ensures that the OFD of an issued document passes its checks under each property."""
    report = assessed(wenshu, notices[0])
    assert report.passed, report.failed_checks()
    names = {
        r.name: [c.name for c in r.checks if c.name.startswith("OFD")] for r in report.properties
    }
    assert names == {
        AUTHENTICITY: ["OFD 固化信息", "OFD 存储位置", "OFD 页数"],
        INTEGRITY: ["OFD 著录项目"],
        USABILITY: ["OFD 能够打开", "OFD 结构（GB/T 33190）", "OFD 字体嵌入"],
        SECURITY: ["OFD 无动作与附件"],
    }


def test_a_changed_ofd_fails_authenticity_and_the_archive_check(
    wenshu: Wenshu, notices: list[Document]
) -> None:
    """This test ensures that one byte changed in an OFD fails its fixity, in 四性检测 and in verify."""
    path = wenshu.archive.absolute(notices[1].ofd_path)
    data = bytearray(path.read_bytes())
    data[-200] ^= 0x01
    path.write_bytes(bytes(data))
    assert failed(assessed(wenshu, notices[1])).get(AUTHENTICITY) == ["OFD 固化信息"]
    report = verify_archive(wenshu.database, wenshu.archive)
    assert [(p.kind, p.number, p.path) for p in report.problems] == [
        ("changed", notices[1].number, notices[1].ofd_path)
    ]


def test_a_missing_ofd_is_named(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that an OFD gone from the archive fails authenticity and usability, and verify names it."""
    wenshu.archive.absolute(notices[0].ofd_path).unlink()
    assert failed(assessed(wenshu, notices[0])) == {
        AUTHENTICITY: ["OFD 固化信息"],
        USABILITY: ["OFD 能够打开"],
    }
    report = verify_archive(wenshu.database, wenshu.archive)
    assert [(p.kind, p.path) for p in report.problems] == [("missing", notices[0].ofd_path)]


def test_an_ofd_no_record_names_is_extra(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that a file under ofd/ that no record refers to is listed as extra."""
    planted = wenshu.archive.root / "ofd" / "00" / "00" / ("0" * 64 + ".ofd")
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(wenshu.archive.read(notices[0].ofd_path))
    report = verify_archive(wenshu.database, wenshu.archive)
    assert [(p.kind, p.path) for p in report.problems] == [("extra", f"ofd/00/00/{'0' * 64}.ofd")]
    assert report.files == 7  # three PDFs, three OFDs and the planted one


def test_docinfo_not_matching_the_record_fails_integrity(
    wenshu: Wenshu, notices: list[Document]
) -> None:
    """This test ensures that an OFD whose DocInfo gives another 密级 than its record fails, naming it."""

    def secret(parts: dict[str, bytes]) -> None:
        parts["OFD.xml"] = parts["OFD.xml"].replace(
            '<ofd:CustomData Name="密级">公开'.encode(), '<ofd:CustomData Name="密级">秘密'.encode()
        )

    rewrite_ofd(wenshu, notices[0], secret)
    report = assessed(wenshu, notices[0])
    assert failed(report) == {INTEGRITY: ["OFD 著录项目"]}
    assert "密级：登记为“公开”，文件中为“秘密”" in detail(report, "OFD 著录项目")


def test_an_ofd_without_its_font_file_fails_usability(
    wenshu: Wenshu, notices: list[Document]
) -> None:
    """This test ensures that a font resource whose file is gone from the package is named."""

    def without_font(parts: dict[str, bytes]) -> None:
        font = next(name for name in parts if name.endswith(".ttf"))
        del parts[font]

    rewrite_ofd(wenshu, notices[0], without_font)
    report = assessed(wenshu, notices[0])
    assert failed(report) == {USABILITY: ["OFD 字体嵌入"]}
    assert detail(report, "OFD 字体嵌入").startswith("未嵌入：")


def test_an_ofd_that_acts_fails_security_and_one_out_of_order_fails_the_schema(
    wenshu: Wenshu, notices: list[Document]
) -> None:
    """This test ensures that an Action in a page fails security, and a part against the schema fails structure."""

    def acting(parts: dict[str, bytes]) -> None:
        page = "Doc_0/Pages/Page_0/Content.xml"
        parts[page] = parts[page].replace(
            b"<ofd:Content>",
            b'<ofd:Content><ofd:Layer ID="9999"><ofd:PathObject ID="9998" Boundary="0 0 1 1">'
            b'<ofd:Actions><ofd:Action Event="CLICK"><ofd:URI URI="http://example.invalid/"/>'
            b"</ofd:Action></ofd:Actions><ofd:AbbreviatedData>M 0 0 L 1 1</ofd:AbbreviatedData>"
            b"</ofd:PathObject></ofd:Layer>",
            1,
        )
        parts["Doc_0/Document.xml"] = parts["Doc_0/Document.xml"].replace(
            b"<ofd:CommonData>", b"<ofd:Unknown/><ofd:CommonData>", 1
        )

    rewrite_ofd(wenshu, notices[0], acting)
    report = assessed(wenshu, notices[0])
    assert failed(report) == {USABILITY: ["OFD 结构（GB/T 33190）"], SECURITY: ["OFD 无动作与附件"]}
    assert "Document.xml" in detail(report, "OFD 结构（GB/T 33190）")
    assert "Actions" in detail(report, "OFD 无动作与附件")

"""Tests of the BagIt export: a valid bag of PDFs named by 文号 with DA/T 46 metadata, or nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import bagit
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from service.acts.issuing import issue_document
from service.archive.audit import verify_chain
from service.archive.voiding import void_document
from service.commands.cli import main
from service.custody.export import ExportRefused, export_bag, safe_file_name
from service.database.models import AuditEvent, Document
from service.services import Wenshu
from tests.archive.conftest import flip_byte
from tests.conftest import sample

pytestmark = pytest.mark.office


def test_export_is_a_valid_bag(wenshu: Wenshu, notices: list[Document], tmp_path: Path) -> None:
    """This test ensures that the export validates as BagIt, with sha256 and sha512 and the bureau."""
    with wenshu.database.session() as session:
        void_document(session, notices[2].id, "事实有误", "李科长")
    out = tmp_path / "bag"
    result = export_bag(wenshu, out, "王文书")
    assert result.numbers == [f"君档监通〔2026〕{n}号" for n in (1, 2, 3)]
    bag = bagit.Bag(str(out))
    bag.validate()  # raises BagValidationError on any difference
    assert sorted(bag.algorithms) == ["sha256", "sha512"]
    assert (out / "manifest-sha256.txt").exists() and (out / "manifest-sha512.txt").exists()
    assert bag.info["Source-Organization"] == "岳阳市君山区史志档案局"
    assert bag.info["Wenshu-Documents"] == "3"
    assert sorted(path.name for path in (out / "data").iterdir()) == sorted(
        f"君档监通〔2026〕{n}号.{suffix}" for n in (1, 2, 3) for suffix in ("pdf", "ofd", "json")
    )
    pdf = (out / "data" / "君档监通〔2026〕1号.pdf").read_bytes()
    assert pdf == wenshu.archive.absolute(notices[0].pdf_path).read_bytes()
    ofd = (out / "data" / "君档监通〔2026〕1号.ofd").read_bytes()
    assert ofd == wenshu.archive.absolute(notices[0].ofd_path).read_bytes()


def test_metadata_holds_the_core_elements(
    wenshu: Wenshu, notices: list[Document], tmp_path: Path
) -> None:
    """This test ensures that each document's JSON holds the DA/T 46 core elements and its actions."""
    with wenshu.database.session() as session:
        void_document(session, notices[1].id, "主送单位写错", "李科长")
    export_bag(wenshu, tmp_path / "bag", "王文书")
    metadata = json.loads(
        (tmp_path / "bag" / "data" / "君档监通〔2026〕2号.json").read_text(encoding="utf-8")
    )
    document = notices[1]
    assert metadata["title"] == "执法监督通知（决定）书"
    assert metadata["document_number"] == "君档监通〔2026〕2号"
    assert metadata["responsible_body"] == "岳阳市君山区史志档案局"
    assert metadata["date"] == document.document_date.isoformat()
    assert (metadata["retention_period"], metadata["classification"]) == ("30年", "公开")
    assert metadata["format"] == "application/pdf; PDF/A-2b"
    assert (metadata["size"], metadata["pages"]) == (document.size, document.pages)
    assert metadata["fixity"] == {"sha256": document.sha256, "sm3": document.sm3}
    assert metadata["storage_path"] == document.pdf_path
    assert metadata["file"] == "data/君档监通〔2026〕2号.pdf"
    assert metadata["ofd"] == {
        "format": "application/ofd; GB/T 33190-2016",
        "file": "data/君档监通〔2026〕2号.ofd",
        "size": document.ofd_size,
        "fixity": {"sha256": document.ofd_sha256, "sm3": document.ofd_sm3},
        "storage_path": document.ofd_path,
    }
    issued, voided = metadata["business_actions"]
    assert (issued["action"], issued["agent"]) == ("发文", "王文书")
    assert (voided["action"], voided["agent"], voided["reason"]) == (
        "作废",
        "李科长",
        "主送单位写错",
    )
    assert voided["time"]


def test_export_by_kind_and_year(wenshu: Wenshu, notices: list[Document], tmp_path: Path) -> None:
    """This test ensures that --kind and --year select what goes into the bag."""
    issue_document(wenshu, "enforcement_notice", sample("enforcement_notice"), "王文书")
    only = export_bag(wenshu, tmp_path / "enforcement", "王文书", kind="enforcement_notice")
    assert len(only.numbers) == 1 and only.numbers[0] not in {n.number for n in notices}
    assert len(export_bag(wenshu, tmp_path / "all", "王文书", year=2026).numbers) == 4
    with pytest.raises(ExportRefused, match="没有符合条件的文书"):
        export_bag(wenshu, tmp_path / "none", "王文书", year=2025)
    assert not (tmp_path / "none").exists()


def test_export_refuses_a_changed_file(
    wenshu: Wenshu, notices: list[Document], tmp_path: Path
) -> None:
    """This test ensures that a file that fails its fixity stops the export and leaves nothing."""
    flip_byte(wenshu, notices[1])
    exports = tmp_path / "exports"
    with pytest.raises(ExportRefused) as refused:
        export_bag(wenshu, exports / "bag", "王文书")
    assert refused.value.problems == [
        f"君档监通〔2026〕2号：文件 {notices[1].pdf_path} 与登记的固化信息不符"
    ]
    assert list(exports.iterdir()) == []  # neither the bag nor its staging folder


def test_export_refuses_a_folder_in_use(
    wenshu: Wenshu, notices: list[Document], tmp_path: Path
) -> None:
    """This test ensures that an existing, non-empty folder is never written into."""
    (tmp_path / "bag").mkdir()
    (tmp_path / "bag" / "keep.txt").write_text("mine")
    with pytest.raises(ExportRefused, match="不是空目录"):
        export_bag(wenshu, tmp_path / "bag", "王文书")
    assert [p.name for p in (tmp_path / "bag").iterdir()] == ["keep.txt"]
    (tmp_path / "empty").mkdir()
    export_bag(wenshu, tmp_path / "empty", "王文书")  # an empty folder is fine
    bagit.Bag(str(tmp_path / "empty")).validate()


def test_export_is_recorded_in_the_chain(
    wenshu: Wenshu, notices: list[Document], tmp_path: Path
) -> None:
    """This test ensures that an export appends an entry binding the bag's manifest to the chain."""
    export_bag(wenshu, tmp_path / "bag", "王文书", kind="supervision_notice", year=2026)
    manifest = (tmp_path / "bag" / "manifest-sha256.txt").read_bytes()
    with wenshu.database.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.actor, event.subject) == ("export", "王文书", "archive")
        assert event.details["manifest_sha256"] == hashlib.sha256(manifest).hexdigest()
        assert (event.details["kind"], event.details["year"], event.details["documents"]) == (
            "supervision_notice", 2026, 3,
        )  # fmt: skip
        assert verify_chain(session) == []
        head = bagit.Bag(str(tmp_path / "bag")).info["Wenshu-Audit-Chain-Head"]
        assert head == event.previous_hash  # the bag names the chain as it was before the export


def test_export_command(
    wenshu: Wenshu, notices: list[Document], cli: CliRunner, tmp_path: Path
) -> None:
    """This test ensures that `wenshu archive export` writes the bag and refuses bad requests."""
    ok = cli.invoke(main, ["archive", "export", "--out", str(tmp_path / "bag"), "--year", "2026"])
    assert ok.exit_code == 0, ok.output
    assert ok.output == f"exported 3 documents to {tmp_path / 'bag'}\n"
    bagit.Bag(str(tmp_path / "bag")).validate()
    unknown = cli.invoke(
        main, ["archive", "export", "--out", str(tmp_path / "x"), "--kind", "nope"]
    )
    assert unknown.exit_code == 2
    assert "没有这种文书：nope" in unknown.output
    flip_byte(wenshu, notices[0])
    changed = cli.invoke(main, ["archive", "export", "--out", str(tmp_path / "y")])
    assert changed.exit_code == 1
    assert "君档监通〔2026〕1号" in changed.output


def test_safe_file_names() -> None:
    """This test ensures that 文号 keep their characters and only unsafe ones are replaced."""
    assert safe_file_name("君档监通〔2026〕3号") == "君档监通〔2026〕3号"
    assert safe_file_name('a/b\\c:d*e?f"g<h>i|j\x00k') == "a_b_c_d_e_f_g_h_i_j_k"
    assert safe_file_name("../..") == "_.."
    assert safe_file_name("") == "文书"

"""Tests of a closed case exported for transfer: a valid BagIt bag of its 案卷, its documents by 文号, case.json."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bagit
import pikepdf
import pytest
from flask import Flask
from sqlalchemy import select

from service.archive.audit import verify_chain
from service.background.startup import prepare_service
from service.custody.case_bag import export_case_bag
from service.custody.case_volume import CaseNotClosed
from service.custody.export import ExportRefused
from service.database.models import AuditEvent, Document
from service.foundations.config import load_settings
from service.render.office.pool import OfficePool
from service.services import Wenshu
from tests.custody.case_files import (
    CLOSED_ON,
    FILED_COUNT,
    HEAD,
    case_documents,
    closed_case,
    filed_order,
    is_sealed_kind,
    open_case,
    short_closed_case,
)

BUREAU = "岳阳市君山区史志档案局"


@dataclass(frozen=True)
class Exported:
    """A closed case, its documents and its bag."""

    wenshu: Wenshu
    case_id: int
    documents: list[Document]  # issued, oldest first
    out: Path

    @property
    def number(self) -> str:
        """Return the case number: its 立案审批表's 文号."""
        return next(d.number for d in self.documents if d.kind == "case_opening")

    def record(self) -> dict[str, Any]:
        """Return the bag's case.json."""
        data: dict[str, Any] = json.loads((self.out / "data" / "case.json").read_text("utf-8"))
        return data


@pytest.fixture(scope="module")
def exported(
    tmp_path_factory: pytest.TempPathFactory, office_pool: OfficePool
) -> Iterator[Exported]:
    """One closed case on SQLite, exported once for the module's checks of the bag."""
    folder = tmp_path_factory.mktemp("case-bag")
    wenshu = Wenshu.open(load_settings({"instance_path": folder / "instance"}), office_pool)
    prepare_service(wenshu)
    case_id = closed_case(wenshu)
    out = folder / "bag"
    export_case_bag(wenshu, case_id, out, "王档案员")
    yield Exported(wenshu, case_id, case_documents(wenshu, case_id), out)
    wenshu.database.dispose()


@pytest.mark.office
def test_the_bag_validates_and_holds_the_volume_and_each_document(exported: Exported) -> None:
    """This test ensures that the bag validates, holding the 案卷 and each document's archived file by 文号."""
    bag = bagit.Bag(str(exported.out))
    bag.validate()  # raises BagValidationError on any difference
    assert sorted(bag.algorithms) == ["sha256", "sha512"]
    names = sorted(path.name for path in (exported.out / "data").iterdir())
    documents = exported.documents
    assert names == sorted(
        ["case.json", f"{exported.number}案卷.pdf", *(f"{d.number}.pdf" for d in documents)]
    )
    for document in documents:
        archived = exported.wenshu.archive.absolute(document.pdf_path).read_bytes()
        assert (exported.out / "data" / f"{document.number}.pdf").read_bytes() == archived
    assert bag.info["Source-Organization"] == BUREAU
    assert bag.info["External-Identifier"] == f"wenshu:case:{exported.number}"
    assert bag.info["Wenshu-Documents"] == str(FILED_COUNT)


@pytest.mark.office
def test_case_json_describes_the_case_its_documents_and_approvals(exported: Exported) -> None:
    """This test ensures that case.json gives the case, each document's fixity and 页号 range, and the approvals."""
    record = exported.record()
    assert record["case_number"] == exported.number
    assert record["party"] == "岳阳君信档案数字化服务有限公司"
    assert record["cause"].endswith("擅自提供属于国家所有的档案案")
    assert (record["opened_on"], record["closed_on"]) == ("2026-02-04", CLOSED_ON.isoformat())
    assert (record["retention_period"], record["classification"]) == ("永久", "公开")
    expected = filed_order(exported.documents)
    assert [entry["number"] for entry in record["documents"]] == [d.number for d in expected]
    for entry, document in zip(record["documents"], expected, strict=True):
        assert entry["kind"] == document.kind and entry["title"].startswith(document.title)
        assert entry["fixity"] == {"sha256": document.sha256, "sm3": document.sm3}
        assert entry["file"] == f"data/{document.number}.pdf"
        assert entry["signed"] is is_sealed_kind(document)
    ranges, number = [], 1  # the 页号 count the documents' pages alone, from 1
    for document in expected:
        last = number + document.pages - 1
        ranges.append(str(number) if last == number else f"{number}-{last}")
        number = last + 1
    assert [entry["case_file_pages"] for entry in record["documents"]] == ranges
    decision = next(d.number for d in expected if d.kind == "penalty_decision")
    assert [entry["approved"] for entry in record["approvals"]] == [
        f"立案审批表（{exported.number}）",
        f"行政处罚决定书（{decision}）",
        "延长办案期限30日",
    ]
    assert all(entry["head"] == HEAD for entry in record["approvals"])
    assert record["voided"][0].startswith("君档巡记〔2026〕")


@pytest.mark.office
def test_case_json_vouches_for_the_volume_in_the_bag(exported: Exported) -> None:
    """This test ensures that case.json's size, pages, numbered pages, SHA-256 and SM3 of the 案卷 are those of the file in the bag."""
    entry = exported.record()["case_file"]
    data = (exported.out / entry["file"]).read_bytes()
    assert entry["file"] == f"data/{exported.number}案卷.pdf"
    assert entry["size"] == len(data)
    assert entry["fixity"] == {
        "sha256": hashlib.sha256(data).hexdigest(),
        "sm3": hashlib.new("sm3", data).hexdigest(),
    }
    with pikepdf.open(exported.out / entry["file"]) as pdf:
        assert entry["pages"] == len(pdf.pages)
        shown = [page.label for page in pdf.pages]
    numbered = sum(document.pages for document in exported.documents)
    assert entry["numbered_pages"] == numbered
    first = entry["first_numbered_page"]  # from 1: the page a reader shows as 1
    assert shown[first - 1 : first - 1 + numbered] == [str(n) for n in range(1, numbered + 1)]
    assert shown[first - 2].startswith("目录") and shown[first - 1 + numbered].startswith("备考")


@pytest.mark.office
def test_the_export_is_recorded_in_the_audit_chain(exported: Exported) -> None:
    """This test ensures that the export is an audit entry naming the case and the bag's manifest, the chain intact."""
    with exported.wenshu.database.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id.desc())
        ).first()
        assert verify_chain(session) == []
    assert event is not None
    assert (event.actor, event.subject) == ("王档案员", f"{exported.number}案卷")
    manifest = (exported.out / "manifest-sha256.txt").read_bytes()
    assert event.details["manifest_sha256"] == hashlib.sha256(manifest).hexdigest()
    assert (event.details["case_id"], event.details["documents"]) == (exported.case_id, FILED_COUNT)


def test_a_folder_in_use_is_refused_before_anything_is_made(app: Flask, tmp_path: Path) -> None:
    """This test ensures that a folder holding files is refused and left as it was."""
    wenshu: Wenshu = app.extensions["wenshu"]
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("已有文件", encoding="utf-8")
    with pytest.raises(ExportRefused, match="已存在且不是空目录"):
        export_case_bag(wenshu, short_closed_case(wenshu), used)
    assert [path.name for path in used.iterdir()] == ["keep.txt"]


def test_an_open_case_is_not_exported(app: Flask, tmp_path: Path) -> None:
    """This test ensures that a case before 结案 is refused and leaves no folder behind."""
    wenshu: Wenshu = app.extensions["wenshu"]
    exports = tmp_path / "exports"
    with pytest.raises(CaseNotClosed):
        export_case_bag(wenshu, open_case(wenshu), exports / "bag")
    assert not exports.exists()

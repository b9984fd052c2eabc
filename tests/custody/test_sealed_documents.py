"""Tests of the archive check on signatures: issued sealed documents verify, a removed or broken signature is named."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from service.acts.issuing import issue_document
from service.acts.seal_install import install_seal
from service.background.scheduled_check import ScheduledCheck
from service.commands.cli import main
from service.custody.checks import last_check, run_check
from service.custody.four_properties import (
    AUTHENTICITY,
    DocumentAssessment,
    assess_document,
    assess_set,
)
from service.custody.sealed_documents import SignatureTally
from service.database.models import Document
from service.services import Wenshu
from tests.conftest import sample
from tests.custody.forgery import forge, install, strip_signature
from tests.pki import PASSPHRASE, bureau_pkcs12, trust_root_pem
from tests.render.specimen_seal import specimen_seal_png

pytestmark = pytest.mark.office

Archive = tuple[Document, Document]  # a notice issued before the seal was installed, one after


@pytest.fixture
def archive(wenshu: Wenshu) -> Archive:
    """A supervision notice issued before any seal, the seal installed, then one issued sealed."""
    before = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    install(wenshu)
    sealed = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    return before, sealed


def flip_signed_byte(data: bytes) -> bytes:
    """Return the PDF with one byte changed halfway through the first range the signature covers."""
    [signature] = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    _start, length, *_rest = signature.byte_range
    changed = bytearray(data)
    changed[length // 2] ^= 0x01
    return bytes(changed)


def replace_first_page(data: bytes) -> bytes:
    """Return the PDF with an incremental update giving its first page other content."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    forged = b"BT /F1 24 Tf 72 700 Td (FORGED) Tj ET"
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=forged))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_check_verifies_sealed_documents_and_passes_unsealed_ones(
    wenshu: Wenshu, archive: Archive
) -> None:
    """This test ensures that the archive check verifies a sealed document's signature and passes unsigned documents issued before the seal or of a kind without one."""
    issue_document(wenshu, "inspection_record", sample("inspection_record"), "王文书")
    result = run_check(wenshu, "管理员", "web")
    assert result.ok, result.problems
    assert result.signatures == SignatureTally(verified=1, unsealed=2, failed=0)
    assert result.to_json()["signatures"] == {"verified": 1, "unsealed": 2, "failed": 0}


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (strip_signature, "未加盖电子印章：执法监督通知（决定）书应加盖电子印章"),
        (flip_signed_byte, "签名后文件被改动：签名所覆盖的内容与签名值不符"),
        (replace_first_page, "签名后又追加了增量更新，改动了页面内容或文件结构"),
    ],
    ids=["stripped", "byte-changed", "page-replaced"],
)
def test_forged_sealed_document_is_named(
    wenshu: Wenshu, archive: Archive, change: Callable[[bytes], bytes], said: str
) -> None:
    """This test ensures that a sealed document whose signature was removed, whose signed bytes changed, or whose page an update replaced is a signature problem by 文号 and path, though its fixity values were forged to match."""
    _before, sealed = archive
    forge(wenshu, sealed, change)
    result = run_check(wenshu, "管理员", "web")
    assert not result.ok
    [problem] = result.problems
    assert (problem.kind, problem.number, problem.path) == (
        "signature", sealed.number, sealed.pdf_path,
    )  # fmt: skip
    assert said in problem.message
    assert problem.title == "电子签名未通过核验"
    assert result.signatures.failed == 1


def test_verify_command_adds_signature_lines(
    wenshu: Wenshu, archive: Archive, cli: CliRunner
) -> None:
    """This test ensures that wenshu archive verify says how many signatures hold when all is well, and exits 1 naming a document whose signature was removed."""
    ok = cli.invoke(main, ["archive", "verify"])
    assert ok.exit_code == 0, ok.output
    first, second = ok.output.splitlines()
    assert first.startswith("ok: 2 份文书的文件与登记一致")
    assert second == "ok: 电子签名 1 份核验有效，1 份未加盖电子印章（签发时无须加盖）"
    _before, sealed = archive
    forge(wenshu, sealed, strip_signature)
    bad = cli.invoke(main, ["archive", "verify"])
    assert bad.exit_code == 1
    [line] = bad.output.splitlines()
    kind, number, path, message = line.split("\t")
    assert (kind, number, path) == ("signature", sealed.number, sealed.pdf_path)
    assert "签名已被去除" in message
    report = json.loads(cli.invoke(main, ["archive", "verify", "--json"]).stdout)
    assert report["signatures"] == {"verified": 0, "unsealed": 1, "failed": 1}
    assert [p["kind"] for p in report["problems"]] == ["signature"]


def test_scheduled_check_checks_signatures(wenshu: Wenshu, archive: Archive) -> None:
    """This test ensures that the scheduled archive check runs the signature check and keeps its problem."""
    _before, sealed = archive
    forge(wenshu, sealed, strip_signature)
    ScheduledCheck(wenshu, dt.timedelta(hours=24)).work()
    stored = last_check(wenshu)
    assert stored is not None and stored.trigger == "schedule"
    assert [(p["kind"], p["number"]) for p in stored.problems] == [("signature", sealed.number)]


def signature_check(report: DocumentAssessment) -> tuple[bool, str]:
    """Return whether a document's 电子签名 check of authenticity passed, and what it found."""
    [check] = [
        c
        for r in report.properties
        if r.name == AUTHENTICITY
        for c in r.checks
        if c.name == "电子签名"
    ]
    return check.passed, check.detail


def test_four_properties_list_the_signature_of_each_document(
    wenshu: Wenshu, archive: Archive
) -> None:
    """This test ensures that the 四性检测 lists under authenticity each document's signature: valid, unsealed before the seal, or removed."""
    before, sealed = archive
    whole = assess_set(wenshu)
    assert whole.passed, whole.failures()
    found = {report.document_id: signature_check(report) for report in whole.documents}
    assert found[before.id] == (True, "未加盖电子印章（签发时尚未安装电子印章）")
    passed, said = found[sealed.id]
    assert passed and said.startswith("电子签名有效：签名者“岳阳市君山区史志档案局”")
    forge(wenshu, sealed, strip_signature)
    report = assess_document(wenshu, sealed.id)
    assert report is not None
    failed = [(name, check.name) for name, check in report.failed_checks()]
    # The forger kept the file's name, which no longer is its SHA-256: 存储位置 tells that.
    assert failed == [(AUTHENTICITY, "存储位置"), (AUTHENTICITY, "电子签名")]
    assert "签名已被去除" in signature_check(report)[1]
    failures = assess_set(wenshu).failures()
    assert (sealed.number, AUTHENTICITY, "电子签名") in [
        (d.number, name, c.name) for d, name, c in failures
    ]


def test_renewed_certificate_keeps_earlier_signatures_and_the_first_install_date(
    wenshu: Wenshu, archive: Archive
) -> None:
    """This test ensures that after a renewal (same subject, same root, another key) earlier signatures still hold, and a signature removed from a document issued before the renewal is still caught."""
    _before, sealed = archive
    install_seal(
        wenshu, specimen_seal_png(), bureau_pkcs12("bureau-other-key"), PASSPHRASE,
        trust_root_pem(), 42.0, "管理员",
    )  # fmt: skip
    renewed = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    result = run_check(wenshu, "管理员", "web")
    assert result.ok, result.problems
    assert result.signatures == SignatureTally(verified=2, unsealed=1, failed=0)
    assert renewed.sha256 != sealed.sha256
    forge(wenshu, sealed, strip_signature)
    [problem] = run_check(wenshu, "管理员", "web").problems
    assert (problem.kind, problem.number) == ("signature", sealed.number)


def test_unreadable_seal_is_said_with_each_failed_signature(
    wenshu: Wenshu, archive: Archive
) -> None:
    """This test ensures that when the installed seal's files cannot be read, signed documents fail with the reason and how to fix it."""
    _before, sealed = archive
    manifest = wenshu.settings.instance_path / "seal" / "seal.json"
    manifest.write_text("{}", encoding="utf-8")
    [problem] = run_check(wenshu, "管理员", "web").problems
    assert (problem.kind, problem.number) == ("signature", sealed.number)
    assert "没有配置信任根证书" in problem.message
    assert "已安装的电子印章文件损坏或缺失" in problem.message

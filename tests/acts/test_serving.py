"""Tests of serving a document: its 送达回证 issued, the document marked served, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from service.acts.casework import Service
from service.acts.errors import DocumentUnknown, FactsRefused, NotServable
from service.acts.issuing import issue_document
from service.acts.serving import serve_document
from service.archive.voiding import void_document
from service.background.startup import prepare_service
from service.batch.jobs import create_job
from service.batch.validation import SnapshotArchive, check_rows
from service.cases.status import DECIDED, EXECUTION
from service.database.models import AuditEvent, Case, Document, utcnow
from service.foundations.config import load_settings
from service.instruments.registry import get_instrument
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import sample
from tests.fake_office import BlankPageOffice
from tests.sealed import install, seal_marks, signature_statuses

CLERK = "李卫东"
UNIT = sample("correction_order")["unit"]  # the correction order's addressee
ISSUED_ON = dt.date.fromisoformat(sample("correction_order")["issue_date"])
TODAY = ISSUED_ON + dt.timedelta(days=10)
SERVERS = [{"name": "李卫东", "certificate": "43061100026"}, {"name": "彭丽君"}]


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Wenshu]:
    """Services on a fresh SQLite instance converting to blank pages: serving never reads the PDF."""
    wenshu = Wenshu.open(load_settings({"instance_path": tmp_path / "instance"}), BlankPageOffice())
    prepare_service(wenshu)
    yield wenshu
    wenshu.database.dispose()


def served_facts(**changes: Any) -> dict[str, Any]:
    """Return what a clerk records of handing the correction order to the unit's mail clerk."""
    return {
        "method": "直接送达",
        "served_on": (ISSUED_ON + dt.timedelta(days=1)).isoformat(),
        "recipient": UNIT,
        "place": "君山区良心堡镇人民政府党政办公室",
        "signer": "张敏",
        "signer_relation": "负责收件的人",
        "server": SERVERS,
    } | changes


def issued(wenshu: Wenshu, case_id: int | None = None) -> Document:
    """Return a correction order just issued (in the case, if one is named)."""
    return issue_document(
        wenshu, "correction_order", sample("correction_order"), CLERK, case_id=case_id
    )


def reloaded(wenshu: Wenshu, document_id: int) -> Document:
    """Return the document as recorded now."""
    with wenshu.database.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        session.expunge(document)
    return document


def refused(wenshu: Wenshu, document_id: int, **changes: Any) -> dict[str, list[str]]:
    """Return the field errors of serving the document with these changes to the facts."""
    with pytest.raises(FactsRefused) as refusal:
        serve_document(wenshu, document_id, served_facts(**changes), CLERK, today=TODAY)
    return refusal.value.errors


def opened_case(wenshu: Wenshu) -> int:
    """Return the id of a case opened and numbered, as an approved 立案审批表 leaves it."""
    with wenshu.database.session() as session:
        case = Case(
            number="君档立〔2026〕1号", status="立案", cause="擅自提供属于国家所有的档案案",
            party=UNIT, opened_on=ISSUED_ON - dt.timedelta(days=30), facts={},
            created_by=CLERK, created_at=utcnow(),
        )  # fmt: skip
        session.add(case)
        session.flush()
        return case.id


def recorded_as_decision(wenshu: Wenshu, document: Document) -> None:
    """Record the document as a penalty decision, as the archive keeps one.

    The steps a case takes before its decision are the procedure's tests' business; serving
    reads only what a decision's record says: its kind and its date.
    """
    with wenshu.database.session() as session:
        session.execute(
            update(Document)
            .where(Document.id == document.id)
            .values(kind="penalty_decision", title="行政处罚决定书")
        )


def test_serving_issues_the_receipt_and_marks_the_document_served(services: Wenshu) -> None:
    """This test ensures that serving issues a 送达回证 of the document's 文号, title and recipient,
    and records the day and the receipt on the document, with an audit entry "serve"."""
    order = issued(services)
    receipt = serve_document(
        services, order.id, served_facts(served_title="别的文书"), CLERK, today=TODAY
    )
    assert receipt.kind == "service_receipt"
    assert receipt.number == "君档送证〔2026〕1号"
    assert receipt.recipient == UNIT
    assert receipt.document_date == ISSUED_ON + dt.timedelta(days=1)
    assert (receipt.facts["served_number"], receipt.facts["served_title"]) == (
        order.number, "责令限期改正通知书",
    )  # fmt: skip
    served = reloaded(services, order.id)
    assert (served.served_on, served.service_receipt_id) == (receipt.document_date, receipt.id)
    with services.database.session() as session:
        entry = session.scalars(select(AuditEvent).where(AuditEvent.action == "serve")).one()
    assert (entry.actor, entry.subject) == (CLERK, order.number)
    assert entry.details == {
        "document_id": order.id, "service_receipt_id": receipt.id,
        "service_receipt": receipt.number, "served_on": receipt.document_date.isoformat(),
        "method": "直接送达",
    }  # fmt: skip


def test_the_recipient_named_signed_and_the_clerk_served_unless_others_are_named(
    services: Wenshu,
) -> None:
    """This test ensures that served_on, method and recipient suffice for a document handed over:
    the recipient named is who signed, and the one recording the service its 送达人."""
    order = issued(services)
    minimal = {"served_on": "2026-10-20", "method": "直接送达", "recipient": UNIT}
    receipt = serve_document(services, order.id, minimal, CLERK, today=TODAY)
    assert (receipt.facts["signer"], receipt.facts["server"]) == (
        UNIT,
        [{"name": CLERK, "certificate": None}],
    )
    assert receipt.facts["signer_relation"] is None


def test_a_receipt_is_issued_only_by_serving(services: Wenshu) -> None:
    """This test ensures that a 送达回证 issued on its own is refused: the document it names
    would stay unserved, and no time limit would run from its service."""
    with pytest.raises(FactsRefused) as refusal:
        issue_document(services, "service_receipt", sample("service_receipt"), CLERK)
    assert "登记送达" in refusal.value.errors["served_number"][0]


def test_receipts_are_not_made_in_a_batch(services: Wenshu) -> None:
    """This test ensures that a batch of receipts is refused: each marks its own document served."""
    instrument = get_instrument("service_receipt")
    common = {k: v for k, v in sample("service_receipt").items() if k != "recipient"}
    rows = [(2, {"recipient": UNIT})]
    check = check_rows(instrument, common, rows, SnapshotArchive(services.database), {})
    with pytest.raises(FactsRefused) as refusal:
        create_job(services, instrument, common, check, CLERK)
    assert refusal.value.errors == {
        "kind": ["送达回证在登记每份文书的送达时逐份生成，不能批量生成"]
    }


def test_an_unknown_or_hidden_document_is_unknown(services: Wenshu) -> None:
    """This test ensures that a document that does not exist, or of a 密级 the clerk may not see,
    is answered alike: it does not exist."""
    with pytest.raises(DocumentUnknown, match="没有 id 为 999 的文书"):
        serve_document(services, 999, served_facts(), CLERK, today=TODAY)
    order = issued(services)
    with pytest.raises(DocumentUnknown):
        serve_document(services, order.id, served_facts(), CLERK, frozenset({"秘密"}), TODAY)


def test_a_voided_document_is_not_served(services: Wenshu) -> None:
    """This test ensures that a voided document cannot be served, and no receipt number is used."""
    order = issued(services)
    with services.database.session() as session:
        void_document(session, order.id, "主送单位名称有误", CLERK)
    with pytest.raises(NotServable, match="已作废") as refusal:
        serve_document(services, order.id, served_facts(), CLERK, today=TODAY)
    assert refusal.value.receipt is None
    assert reloaded(services, order.id).served_on is None


def test_a_document_is_served_once(services: Wenshu) -> None:
    """This test ensures that a document served already is not served again, the refusal naming
    the receipt that served it."""
    order = issued(services)
    first = serve_document(services, order.id, served_facts(), CLERK, today=TODAY)
    with pytest.raises(NotServable, match=first.number) as refusal:
        serve_document(services, order.id, served_facts(), CLERK, today=TODAY)
    assert refusal.value.receipt == (first.id, first.number)


def test_a_service_recorded_meanwhile_wins_and_the_second_receipt_uses_nothing(
    services: Wenshu,
) -> None:
    """This test ensures that a receipt whose document was served while it rendered is not
    recorded: refused in its transaction, its number and file left unused."""
    order = issued(services)
    first = serve_document(services, order.id, served_facts(), CLERK, today=TODAY)
    files = sorted(p for p in services.settings.archive_path.rglob("*") if p.is_file())
    late = Service(order.id, ISSUED_ON + dt.timedelta(days=2), "直接送达", "彭丽君")
    facts = served_facts(served_number=order.number, served_title=order.title)
    with pytest.raises(NotServable, match=first.number):
        issue_document(services, "service_receipt", facts, "彭丽君", service=late)
    assert sorted(p for p in services.settings.archive_path.rglob("*") if p.is_file()) == files
    assert reloaded(services, order.id).service_receipt_id == first.id
    other = issued(services)
    assert serve_document(services, other.id, served_facts(), CLERK, today=TODAY).number == (
        "君档送证〔2026〕2号"
    )


def test_a_receipt_or_a_received_report_is_not_served(services: Wenshu) -> None:
    """This test ensures that neither a 送达回证 nor a report the bureau received is served."""
    receipt = serve_document(services, issued(services).id, served_facts(), CLERK, today=TODAY)
    assert "送达回证本身不需要送达" in refused(services, receipt.id)["served_number"][0]
    report = issue_document(services, "annual_report", sample("annual_report"), CLERK)
    assert "不由本局送达" in refused(services, report.id)["served_number"][0]


def test_served_on_lies_between_the_documents_date_and_today(services: Wenshu) -> None:
    """This test ensures that a document is not served before its date, nor a service recorded
    before it happened; a 公告送达 is told to wait for the end of its thirty days."""
    order = issued(services)
    before = (ISSUED_ON - dt.timedelta(days=1)).isoformat()
    assert "早于责令限期改正通知书" in refused(services, order.id, served_on=before)["served_on"][0]
    after = (TODAY + dt.timedelta(days=1)).isoformat()
    assert "晚于今天" in refused(services, order.id, served_on=after)["served_on"][0]
    notice = {
        "method": "公告送达", "place": "", "signer": "", "signer_relation": "",
        "notice_medium": "君山区人民政府门户网站", "notice_date": ISSUED_ON.isoformat(),
        "notice_reason": "受送达人住所无人，多次直接送达未成功",
        "served_on": (ISSUED_ON + dt.timedelta(days=30)).isoformat(),
    }  # fmt: skip
    assert "公告期满" in refused(services, order.id, **notice)["served_on"][0]
    receipt = serve_document(
        services, order.id, served_facts(**notice), CLERK, today=ISSUED_ON + dt.timedelta(days=30)
    )
    assert receipt.document_date == ISSUED_ON + dt.timedelta(days=30)


def test_another_recipient_only_when_someone_received_for_it(services: Wenshu) -> None:
    """This test ensures that a recipient other than the document's is refused unless a 代收 is
    recorded: the person named then signed for the recipient, who stays the receipt's 受送达人."""
    order = issued(services)
    errors = refused(services, order.id, recipient="张敏", signer="", signer_relation="")
    assert "代收" in errors["recipient"][0]
    left = {"method": "留置送达", "recipient": "张敏", "signer": "", "signer_relation": "",
            "refusal_reason": "拒绝签收", "recording": "现场录像1段"}  # fmt: skip
    assert "只有直接送达和邮寄送达" in refused(services, order.id, **left)["recipient"][0]
    mismatch = refused(services, order.id, recipient="张敏", signer="王强")
    assert "不一致" in mismatch["recipient"][0]
    receipt = serve_document(
        services, order.id, served_facts(recipient="张敏", signer=""), CLERK, today=TODAY
    )
    assert (receipt.recipient, receipt.facts["signer"]) == (UNIT, "张敏")
    assert receipt.facts["signer_relation"] == "负责收件的人"


def test_the_receipts_own_rules_are_answered_with_the_documents(services: Wenshu) -> None:
    """This test ensures that the receipt's own rules and those against the document are answered
    together, each at its field."""
    order = issued(services)
    before = (ISSUED_ON - dt.timedelta(days=1)).isoformat()
    errors = refused(services, order.id, served_on=before, server=[])
    assert set(errors) == {"served_on", "server"}


def test_serving_files_the_receipt_in_the_case_and_moves_it_on(services: Wenshu) -> None:
    """This test ensures that a receipt is filed in the served document's case, and that a
    decision served puts the case in 执行."""
    case_id = opened_case(services)
    decision = issued(services, case_id)
    recorded_as_decision(services, decision)
    with services.database.session() as session:
        session.execute(update(Case).where(Case.id == case_id).values(status=DECIDED))
    receipt = serve_document(services, decision.id, served_facts(), CLERK, today=TODAY)
    assert reloaded(services, receipt.id).case_id == case_id
    with services.database.session() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.status == EXECUTION


def test_a_decision_served_after_seven_working_days_is_a_warning(services: Wenshu) -> None:
    """This test ensures that a penalty decision served more than seven working days after its
    date (行政处罚法 第六十一条, 第八十五条) is served with a warning on its receipt, and one
    served within them without."""
    late, timely = issued(services), issued(services)
    for decision in (late, timely):
        recorded_as_decision(services, decision)
    # 2026-10-19 is a Monday: seven working days end on Wednesday 28 October.
    on_time = served_facts(served_on="2026-10-28")
    assert serve_document(services, timely.id, on_time, CLERK, today=TODAY).warnings == []
    receipt = serve_document(
        services, late.id, served_facts(served_on="2026-10-29"), CLERK, today=TODAY
    )
    assert any(
        "第六十一条" in warning and "2026年10月28日" in warning for warning in receipt.warnings
    )


def test_voiding_a_receipt_leaves_its_document_to_be_served_again(services: Wenshu) -> None:
    """This test ensures that once its 送达回证 is voided a document is unserved, and can be served
    with a correct receipt."""
    order = issued(services)
    wrong = serve_document(services, order.id, served_facts(), CLERK, today=TODAY)
    with services.database.session() as session:
        void_document(session, wrong.id, "送达日期记录有误", CLERK)
    assert reloaded(services, order.id).served_on is None
    right = serve_document(
        services, order.id, served_facts(served_on="2026-10-21"), CLERK, today=TODAY
    )
    assert reloaded(services, order.id).service_receipt_id == right.id


@pytest.mark.office
def test_the_receipt_prints_the_service(wenshu: Wenshu) -> None:
    """This test ensures that the receipt's PDF prints what was served, on whom, how, when and who
    signed, on each database."""
    order = issued(wenshu)
    receipt = serve_document(wenshu, order.id, served_facts(), CLERK, today=TODAY)
    text = pdfcheck.poppler_text(wenshu.archive.absolute(receipt.pdf_path))
    for printed in (
        "送达回证", receipt.number, order.number, "责令限期改正通知书", UNIT, "☑直接送达",
        "2026年10月20日", "张敏（负责收件的人）", "李卫东", "执法证号43061100026", "彭丽君",
    ):  # fmt: skip
        assert printed in text.replace(" ", ""), printed
    assert reloaded(wenshu, order.id).service_receipt_id == receipt.id


@pytest.mark.office
def test_the_receipt_bears_the_seal_on_the_bureaus_signature(wenshu: Wenshu) -> None:
    """This test ensures that with a seal installed the receipt is signed, its seal pressed on the
    bureau's name and the day of service under the table, not on the table's 送达日期."""
    install(wenshu)
    receipt = serve_document(wenshu, issued(wenshu).id, served_facts(), CLERK, today=TODAY)
    path = wenshu.archive.absolute(receipt.pdf_path)
    [status] = signature_statuses(path.read_bytes())
    assert status.intact and status.valid
    [mark] = seal_marks(path)
    bureau = [w for w in pdfcheck.words(path) if w.text == wenshu.settings.bureau.name][-1]
    table_date = next(w for w in pdfcheck.words(path) if w.text == "2026年10月20日")
    assert mark.page == bureau.page == 1
    assert mark.y0 < bureau.y0 < mark.y1
    assert mark.y0 > table_date.y1

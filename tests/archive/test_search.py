"""Tests of the register's search: every criterion, Chinese text in the facts, status, pages."""

from __future__ import annotations

import datetime as dt

import pytest

from service.acts.issuing import issue_document
from service.archive.search import Criteria, ResultPage, search_documents
from service.archive.voiding import void_document
from service.database.models import Document
from service.services import Wenshu
from tests.conftest import sample

pytestmark = pytest.mark.office

OTHER_TOWN = "岳阳市君山区许市镇人民政府"


@pytest.fixture
def archive(wenshu: Wenshu) -> dict[str, Document]:
    """Four issued documents of three kinds and two units; the second notice voided."""
    notice = sample("supervision_notice")
    other = notice | {
        "inspected_body": OTHER_TOWN,
        "issue_date": "2026-06-01",
        "deadline": "2026-07-01",
        "facts": "许市镇档案室库房漏雨，案卷受潮_待晾晒。",
    }
    documents = {
        "notice": issue_document(wenshu, "supervision_notice", notice, "王文书"),
        "other": issue_document(wenshu, "supervision_notice", other, "李文书"),
        "enforcement": issue_document(
            wenshu, "enforcement_notice", sample("enforcement_notice"), "王文书"
        ),
        "report": issue_document(wenshu, "annual_report", sample("annual_report"), "王文书"),
    }
    with wenshu.database.session() as session:
        void_document(session, documents["other"].id, "被检查单位名称写错", "王文书")
    return documents


def found(wenshu: Wenshu, **criteria: object) -> list[str]:
    """Return the 文号 of every document matching the criteria, in the register's order."""
    with wenshu.database.session() as session:
        page = search_documents(session, Criteria(**criteria), per_page=100)  # type: ignore[arg-type]
        return [document.number for document in page.documents]


def test_everything_newest_first(wenshu: Wenshu, archive: dict[str, Document]) -> None:
    """This test ensures that without criteria every document is listed, latest 成文日期 first."""
    assert found(wenshu) == [
        archive["other"].number,  # 2026-06-01
        archive["enforcement"].number,  # 2026-04-15
        archive["report"].number,  # 2026-03-20
        archive["notice"].number,  # 2026-03-05
    ]


def test_by_kind(wenshu: Wenshu, archive: dict[str, Document]) -> None:
    """This test ensures that the kind criterion keeps only that instrument."""
    assert found(wenshu, kind="supervision_notice") == [
        archive["other"].number,
        archive["notice"].number,
    ]
    assert found(wenshu, kind="penalty_decision") == []


def test_by_number_substring(wenshu: Wenshu, archive: dict[str, Document]) -> None:
    """This test ensures that part of a 文号 finds it, the agency code or the sequence alike."""
    assert found(wenshu, number="监通〔2026〕2") == [archive["other"].number]
    assert found(wenshu, number="收〔2026〕") == [archive["report"].number]  # 收文登记号
    assert found(wenshu, number=" 执通 ") == [archive["enforcement"].number]


def test_the_receipt_register_lists_received_reports_by_their_number(
    wenshu: Wenshu, archive: dict[str, Document]
) -> None:
    """This test ensures that the receipt register holds the received reports alone, latest
    收文登记号 first whatever their dates, and the outgoing register everything else."""
    dated_earlier = sample("annual_report") | {
        "unit": "岳阳市君山区教育局",
        "report_date": "2026-02-01",
    }
    second = issue_document(wenshu, "annual_report", dated_earlier, "王文书")
    assert (archive["report"].number, second.number) == ("收〔2026〕1号", "收〔2026〕2号")
    assert found(wenshu, register="incoming") == [second.number, archive["report"].number]
    assert found(wenshu, register="outgoing") == [
        archive["other"].number,
        archive["enforcement"].number,
        archive["notice"].number,
    ]


def test_by_recipient_substring(wenshu: Wenshu, archive: dict[str, Document]) -> None:
    """This test ensures that part of the 主送 unit's name finds its documents."""
    assert found(wenshu, recipient="许市镇") == [archive["other"].number]
    assert found(wenshu, recipient="钱粮湖") == [archive["notice"].number]
    assert found(wenshu, recipient="自然资源") == [archive["enforcement"].number]


def test_by_date_range(wenshu: Wenshu, archive: dict[str, Document]) -> None:
    """This test ensures that the 成文日期 range includes both of its ends."""
    between = found(wenshu, date_from=dt.date(2026, 3, 20), date_to=dt.date(2026, 4, 15))
    assert between == [archive["enforcement"].number, archive["report"].number]
    assert found(wenshu, date_from=dt.date(2026, 6, 1)) == [archive["other"].number]
    assert found(wenshu, date_to=dt.date(2026, 3, 5)) == [archive["notice"].number]


def test_by_chinese_text_in_the_facts(wenshu: Wenshu, archive: dict[str, Document]) -> None:
    """This test ensures that Chinese words of any fact find the document, on each database."""
    assert found(wenshu, text="库房漏雨") == [archive["other"].number]
    assert found(wenshu, text="异地备份") == [archive["enforcement"].number]
    # A long text's second line, and a row of words spread over the facts of one document.
    assert found(wenshu, text="会计档案尚未完成数字化") == [archive["report"].number]
    assert found(wenshu, text="刘建平") == [archive["report"].number]
    assert found(wenshu, text="没有这样的内容") == []


def test_wildcards_match_themselves(wenshu: Wenshu, archive: dict[str, Document]) -> None:
    """This test ensures that % and _ typed by the clerk are plain characters, not wildcards."""
    assert found(wenshu, text="湿度为78%") == [archive["enforcement"].number]
    assert found(wenshu, text="湿度为7_%") == []
    assert found(wenshu, text="钱粮%镇") == []
    assert found(wenshu, text="受潮_待") == [archive["other"].number]
    assert found(wenshu, text="受潮__待") == []


def test_by_status(wenshu: Wenshu, archive: dict[str, Document]) -> None:
    """This test ensures that the status filter separates valid from voided documents."""
    assert found(wenshu, status="voided") == [archive["other"].number]
    assert archive["other"].number not in found(wenshu, status="issued")
    assert len(found(wenshu, status="issued")) == 3
    assert len(found(wenshu, status="")) == 4


def test_criteria_combine(wenshu: Wenshu, archive: dict[str, Document]) -> None:
    """This test ensures that several criteria must all hold."""
    assert found(wenshu, kind="supervision_notice", text="钱粮湖镇") == [archive["notice"].number]
    assert found(wenshu, kind="supervision_notice", status="issued", recipient="许市") == []


def test_pages(wenshu: Wenshu, archive: dict[str, Document]) -> None:
    """This test ensures that results come in pages, a page past the end being the last one."""
    with wenshu.database.session() as session:
        first = search_documents(session, Criteria(), page=1, per_page=3)
        second = search_documents(session, Criteria(), page=2, per_page=3)
        beyond = search_documents(session, Criteria(), page=9, per_page=3)
        none = search_documents(session, Criteria(text="没有"), page=1, per_page=3)
    assert (first.total, first.pages, len(first.documents)) == (4, 2, 3)
    assert [d.number for d in second.documents] == [archive["notice"].number]
    assert (beyond.page, [d.number for d in beyond.documents]) == (2, [archive["notice"].number])
    assert (none.total, none.pages, none.documents) == (0, 1, [])


def test_page_count() -> None:
    """This test ensures that the page count rounds up and is never zero."""
    assert ResultPage([], 0, 1, 50).pages == 1
    assert ResultPage([], 50, 1, 50).pages == 1
    assert ResultPage([], 51, 1, 50).pages == 2


def test_facts_stored_with_chinese_intact(wenshu: Wenshu, archive: dict[str, Document]) -> None:
    """This test ensures that facts whose JSON keeps Chinese unescaped are found as well."""
    import json

    from sqlalchemy import text

    intact = json.dumps(archive["report"].facts, ensure_ascii=False)
    assert "会计档案" in intact
    cast = "CAST(:facts AS JSON)" if wenshu.database.url.startswith("postgresql") else ":facts"
    with wenshu.database.session() as session:
        session.execute(
            text(f"UPDATE documents SET facts = {cast} WHERE id = :id"),
            {"facts": intact, "id": archive["report"].id},
        )
    assert found(wenshu, text="会计档案尚未完成数字化") == [archive["report"].number]

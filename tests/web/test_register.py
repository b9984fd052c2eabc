"""Tests of the register page and of voiding: filters, pages, the void form, roles, refilling."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service import create_app
from service.acts.issuing import issue_document
from service.archive import search
from service.database.models import Document
from service.render.office.pool import OfficePool
from tests.conftest import sample, signed_in
from tests.web.issuing import issue_at

pytestmark = pytest.mark.office
OTHER_TOWN = "岳阳市君山区许市镇人民政府"


def issue(app: Flask, kind: str, **changes: Any) -> Document:
    """Return a document issued from the kind's sample facts with some facts changed."""
    return issue_document(app.extensions["wenshu"], kind, sample(kind) | changes, "王文书")


def listed(client: FlaskClient, query: str = "") -> list[str]:
    """Return the 文号 in the register's results for a query string."""
    response = client.get("/documents" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    return re.findall(r'<a href="/documents/\d+">([^<]+)</a>', page)


def status_of(app: Flask, document_id: int) -> str:
    """Return a document's recorded status."""
    with app.extensions["wenshu"].database.session() as session:
        status: str = session.scalar(select(Document.status).where(Document.id == document_id))
        return status


@pytest.fixture
def archive(app: Flask) -> dict[str, Document]:
    """A notice, a second notice to another town on a later day, an enforcement notice and a report."""
    return {
        "notice": issue(app, "supervision_notice"),
        "other": issue(
            app,
            "supervision_notice",
            inspected_body=OTHER_TOWN,
            issue_date="2026-06-01",
            deadline="2026-07-01",
            facts="许市镇档案室库房漏雨，案卷受潮。",
        ),
        "enforcement": issue(app, "enforcement_notice"),
        "report": issue(app, "annual_report"),
    }


def test_register_page(client: FlaskClient, archive: dict[str, Document]) -> None:
    """This test ensures that the register lists every document with its columns, linked, under a GET form in Chinese."""
    page = client.get("/documents").get_data(as_text=True)
    assert re.search(r'<form method="get" class="search"', page)
    for label in ("文书", "文号", "主送单位或个人", "成文日期从", "内容包含", "状态", "查询"):
        assert f">{label}<" in page
    for heading in ("文号", "文书", "主送", "成文日期", "状态", "经办人"):
        assert f"<th>{heading}</th>" in page
    notice = archive["notice"]
    assert f'<a href="/documents/{notice.id}">{notice.number}</a>' in page
    assert "执法监督通知（决定）书" in page and "岳阳市君山区钱粮湖镇人民政府" in page
    assert "2026-03-05" in page and "王文书" in page and ">有效<" in page
    assert "共 4 份文书" in page
    assert '<a href="/documents">文书登记簿</a>' in page  # in the navigation


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["other", "enforcement", "report", "notice"]),
        ("?kind=supervision_notice", ["other", "notice"]),
        ("?number=收〔2026〕", ["report"]),  # a received report: its 收文登记号
        ("?register=incoming", ["report"]),
        ("?register=outgoing", ["other", "enforcement", "notice"]),
        ("?number=监通〔2026〕2", ["other"]),
        ("?recipient=许市镇", ["other"]),
        ("?date_from=2026-03-20&date_to=2026-04-15", ["enforcement", "report"]),
        ("?date_from=2026-04-16", ["other"]),
        ("?date_to=2026-03-05", ["notice"]),
        ("?text=库房漏雨", ["other"]),
        ("?text=会计档案尚未完成数字化", ["report"]),
        ("?text=湿度为78%25", ["enforcement"]),
        ("?text=湿度为7_%25", []),
        ("?kind=supervision_notice&text=钱粮湖镇", ["notice"]),
        ("?status=issued", ["other", "enforcement", "report", "notice"]),
        ("?status=voided", []),
        ("?kind=nothing", []),
    ],
)
def test_filters(
    client: FlaskClient, archive: dict[str, Document], query: str, expected: list[str]
) -> None:
    """This test ensures that each filter of the search form narrows the register as it says."""
    assert listed(client, query) == [archive[name].number for name in expected]


def test_the_receipt_register_is_a_filter_of_the_register(
    client: FlaskClient, archive: dict[str, Document]
) -> None:
    """This test ensures that the register's 收文登记 filter lists received reports under the
    heading 收文登记号, by that number, and that the whole register marks them as received."""
    report = archive["report"]
    page = client.get("/documents?register=incoming").get_data(as_text=True)
    assert '<option selected value="incoming">收文登记（收到的报告）</option>' in page
    assert "<th>收文登记号</th>" in page and "<th>报送单位</th>" in page
    assert "共 1 份收到的报告，按收文登记号从新到旧排列" in page
    assert f'<a href="/documents/{report.id}">收〔2026〕1号</a>' in page
    everything = client.get("/documents").get_data(as_text=True)
    received = f'<a href="/documents/{report.id}">收〔2026〕1号</a> <span class="muted">收文</span>'
    assert received in everything
    shown = client.get(f"/documents/{report.id}").get_data(as_text=True)
    assert "<tr><th>收文登记号</th><td>收〔2026〕1号</td></tr>" in shown


def test_filters_are_kept_in_the_form(client: FlaskClient, archive: dict[str, Document]) -> None:
    """This test ensures that the search form shows what was searched for."""
    page = client.get("/documents?text=库房漏雨&status=voided&date_from=2026-01-01").get_data(
        as_text=True
    )
    assert 'value="库房漏雨"' in page
    assert '<option selected value="voided">已作废</option>' in page
    assert 'value="2026-01-01"' in page and 'type="date"' in page
    assert "没有符合条件的文书" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=2026-13-01", "日期格式应为 年-月-日"),
        ("?date_to=三月", "日期格式应为 年-月-日"),
        ("?date_from=2026-05-01&date_to=2026-04-01", "结束日期不能早于开始日期"),
    ],
)
def test_bad_dates_are_explained(client: FlaskClient, query: str, message: str) -> None:
    """This test ensures that a malformed or reversed date range is explained in Chinese."""
    response = client.get("/documents" + query)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_pages_of_fifty(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the register shows 50 a page, newest first, with links keeping the filters."""
    first = issue(app, "supervision_notice")
    with app.extensions["wenshu"].database.session() as session:
        template = session.get(Document, first.id)
        assert template is not None
        for sequence in range(2, 56):  # copies of the record: the register only reads records
            session.add(
                Document(
                    **{
                        column.name: getattr(template, column.name)
                        for column in Document.__table__.columns
                        if column.name not in ("id", "sequence", "number", "document_date")
                    },
                    sequence=sequence,
                    number=f"君档监通〔2026〕{sequence}号",
                    document_date=template.document_date.replace(day=sequence % 28 + 1),
                )
            )
    page1 = client.get("/documents?kind=supervision_notice").get_data(as_text=True)
    numbers1 = re.findall(r'<a href="/documents/\d+">([^<]+)</a>', page1)
    assert len(numbers1) == 50
    assert "共 55 份文书" in page1 and "第 1 / 2 页" in page1
    following = re.search(r'href="(/documents\?page=2&amp;after=[^"]+)" rel="next">下一页', page1)
    assert following is not None and "kind=supervision_notice" in following[1]
    page2 = client.get(following[1].replace("&amp;", "&")).get_data(as_text=True)
    numbers2 = re.findall(r'<a href="/documents/\d+">([^<]+)</a>', page2)
    assert len(numbers2) == 5 and not set(numbers1) & set(numbers2)
    assert "上一页" in page2 and "下一页" not in page2 and "第 2 / 2 页" in page2
    # A cursor without its page number is the same page, not called 第 1 页.
    cursor_alone = re.sub(r"page=2&amp;", "", following[1]).replace("&amp;", "&")
    unnumbered = client.get(cursor_alone).get_data(as_text=True)
    assert re.findall(r'<a href="/documents/\d+">([^<]+)</a>', unnumbered) == numbers2
    assert "第 1 /" not in unnumbered and "第 2 / 2 页" not in unnumbered and "上一页" in unnumbered
    # A link by page number from before the cursors still leads to the same page.
    by_number = client.get("/documents?kind=supervision_notice&page=2").get_data(as_text=True)
    assert re.findall(r'<a href="/documents/\d+">([^<]+)</a>', by_number) == numbers2
    last = client.get("/documents?kind=supervision_notice&last=1").get_data(as_text=True)
    assert re.findall(r'<a href="/documents/\d+">([^<]+)</a>', last) == numbers2
    with app.extensions["wenshu"].database.session() as session:
        ordered = session.scalars(
            select(Document.number).order_by(Document.document_date.desc(), Document.id.desc())
        ).all()
    assert numbers1 + numbers2 == list(ordered)


def test_clerk_voids_with_a_reason(
    app: Flask, client: FlaskClient, archive: dict[str, Document]
) -> None:
    """This test ensures that a clerk voids a document: its page and the register show it prominently."""
    notice = archive["notice"]
    page = client.get(f"/documents/{notice.id}").get_data(as_text=True)
    assert f'action="/documents/{notice.id}/void"' in page and 'name="csrf_token"' in page
    response = client.post(f"/documents/{notice.id}/void", data={"reason": "被检查单位名称写错"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/documents/{notice.id}"
    page = client.get(f"/documents/{notice.id}").get_data(as_text=True)
    assert "本文书已作废" in page and "被检查单位名称写错" in page
    assert re.search(r"<dt>作废人</dt><dd>clerk-\w+</dd>", page)
    assert re.search(r"<dt>作废时间</dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</dd>", page)
    assert 'class="status-voided">已作废<' in page
    assert "作废此文书" not in page  # no second voiding offered
    assert notice.sha256 in page  # fixity values stay shown
    register = client.get("/documents?status=voided").get_data(as_text=True)
    assert notice.number in register and ">已作废<" in register
    assert listed(client, "?status=issued") == [
        archive[name].number for name in ("other", "enforcement", "report")
    ]


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (None, "请填写作废原因"),
        ("", "请填写作废原因"),
        ("  \n ", "请填写作废原因"),
        ("错" * 501, "作废原因不能超过500个字"),
        ("被检查单位名称\u202e错写", "双向文字控制符（U+202E）"),
        ("名称写错\x07", "不可打印的控制字符（U+0007）"),
    ],
)
def test_void_reason_checked(
    app: Flask, client: FlaskClient, archive: dict[str, Document], reason: str | None, message: str
) -> None:
    """This test ensures that a missing, blank or overlong reason is refused in Chinese and voids nothing."""
    notice = archive["notice"]
    data = {} if reason is None else {"reason": reason}
    response = client.post(f"/documents/{notice.id}/void", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(r'id="field-reason".*?</div>', page, re.S)
    assert error and message in error.group(0)
    assert '<details class="void no-print" open>' in page
    assert status_of(app, notice.id) == "issued"


def test_void_twice_refused(app: Flask, client: FlaskClient, archive: dict[str, Document]) -> None:
    """This test ensures that voiding an already voided document is refused with a clear message."""
    notice = archive["notice"]
    assert client.post(f"/documents/{notice.id}/void", data={"reason": "第一次"}).status_code == 302
    response = client.post(f"/documents/{notice.id}/void", data={"reason": "第二次"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "不能重复作废" in page and "第一次" in page and "第二次" not in page


def test_void_unknown_document(client: FlaskClient) -> None:
    """This test ensures that voiding a document that does not exist is a 404."""
    assert client.post("/documents/999/void", data={"reason": "不存在"}).status_code == 404


def test_maintainer_may_not_void(app: Flask, archive: dict[str, Document]) -> None:
    """This test ensures that a template maintainer sees no void form and is refused with 403."""
    maintainer = signed_in(app, "maintainer")
    notice = archive["notice"]
    page = maintainer.get(f"/documents/{notice.id}").get_data(as_text=True)
    assert "作废此文书" not in page
    assert maintainer.get("/documents").status_code == 200  # the register is open to every role
    response = maintainer.post(f"/documents/{notice.id}/void", data={"reason": "越权"})
    assert response.status_code == 403
    assert status_of(app, notice.id) == "issued"


def test_admin_may_void(app: Flask, archive: dict[str, Document]) -> None:
    """This test ensures that an administrator may void."""
    admin = signed_in(app, "admin")
    notice = archive["notice"]
    assert (
        admin.post(f"/documents/{notice.id}/void", data={"reason": "重复发文"}).status_code == 302
    )
    assert status_of(app, notice.id) == "voided"


def test_anonymous_is_sent_to_login(
    app: Flask, anonymous: FlaskClient, archive: dict[str, Document]
) -> None:
    """This test ensures that a visitor who has not signed in can neither search nor void."""
    notice = archive["notice"]
    response = anonymous.post(f"/documents/{notice.id}/void", data={"reason": "匿名"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = anonymous.get("/documents")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert status_of(app, notice.id) == "issued"


def test_void_needs_the_csrf_token(tmp_path: Path, office_pool: OfficePool) -> None:
    """This test ensures that a void posted without the form's CSRF token is refused."""
    app = create_app({"TESTING": True, "instance_path": tmp_path, "converter": office_pool})
    document = issue(app, "supervision_notice")
    response = app.test_client().post(f"/documents/{document.id}/void", data={"reason": "伪造"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
    assert status_of(app, document.id) == "issued"
    app.extensions["wenshu"].database.dispose()


def test_refill_from_a_voided_document_and_issue_the_next_number(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that a voided document's facts refill its form and the corrected one gets No. 2."""
    notice = issue(app, "supervision_notice")
    client.post(f"/documents/{notice.id}/void", data={"reason": "执行期限写错"})
    page = client.get(f"/documents/{notice.id}").get_data(as_text=True)
    link = f"/documents/new/supervision_notice?from={notice.id}"
    assert f'href="{link}">据此重新填写</a>' in page
    form = client.get(link)
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert 'value="岳阳市君山区钱粮湖镇人民政府"' in text
    assert 'value="2026-03-05"' in text and 'value="2026-04-10"' in text
    assert '<option selected value="具体行政行为违法或者不当">' in text
    assert "你单位对检查中发现的档案安全隐患" in text  # the second line of a long text
    facts = sample("supervision_notice") | {"deadline": "2026-04-20"}
    response = issue_at(client, link, {key: str(value) for key, value in facts.items()})
    assert response.status_code == 302
    assert "君档监通〔2026〕2号" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert status_of(app, notice.id) == "voided"


def test_refill_keeps_rows_and_boxes(app: Flask, client: FlaskClient) -> None:
    """This test ensures that refilling from a record keeps its repeated rows and ticked boxes."""
    record = issue(app, "inspection_record")
    text = client.get(f"/documents/new/inspection_record?from={record.id}").get_data(as_text=True)
    assert 'value="李建平"' in text and 'value="43061120210047"' in text
    assert re.search(r'<input[^>]* checked id="method_site"', text)
    assert not re.search(r'<input[^>]* checked id="method_assessment"', text)


def test_refill_from_another_kind_or_nothing_is_404(app: Flask, client: FlaskClient) -> None:
    """This test ensures that ?from= must name a document of the same kind."""
    report = issue(app, "annual_report")
    assert client.get(f"/documents/new/supervision_notice?from={report.id}").status_code == 404
    assert client.get("/documents/new/supervision_notice?from=999").status_code == 404


def test_an_estimated_total_says_so(
    client: FlaskClient, archive: dict[str, Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that past the exact count's bound the register says 约 (about) before
    its total, and still lists every document."""
    monkeypatch.setattr(search, "EXACT_UP_TO", 2)
    page = client.get("/documents").get_data(as_text=True)
    assert re.search(r"约 \d+ 份文书", page) and "共 4 份文书" not in page
    assert sorted(listed(client)) == sorted(document.number for document in archive.values())

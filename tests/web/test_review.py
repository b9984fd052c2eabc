"""Tests of the review before numbering: every page and warning first, a number only on confirming."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

import service.web.case_forms
import service.web.reviewing
from service.acts.errors import NotIssued
from service.database.models import Document
from service.web.formdata import facts_as_formdata
from tests.conftest import sample, signed_in
from tests.web.issuing import confirm_review, issue_via_form, review_via_form, reviewed_fields

KIND = "correction_order"
URL = f"/documents/new/{KIND}"
REST_DAY = "改正期限2026年10月31日是休息日或者法定节假日，请核对"
CHANGED = "内容与核对时不一致，请重新核对"


def typed(**changes: str) -> dict[str, str]:
    """Return the correction order's sample facts as the browser form submits them."""
    return {key: str(value) for key, value in (sample(KIND) | changes).items()}


def documents(app: Flask) -> int:
    """Return how many documents the archive records."""
    with app.extensions["wenshu"].database.session() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0


def test_the_form_button_reviews_and_enter_submits_nothing(client: FlaskClient) -> None:
    """This test ensures that 生成并编号 posts a review and the form's first submit button is disabled."""
    page = client.get(URL).get_data(as_text=True)
    buttons = re.findall(r"<button [^>]*>", page[page.index("<main>") :])
    assert 'type="submit"' in buttons[0] and "disabled" in buttons[0]
    assert 'value="review">生成并编号</button>' in page
    assert 'value="issue"' not in page


def test_review_shows_every_page_the_warning_and_takes_no_number(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that a review shows each page, the warnings and the facts, and numbers nothing."""
    review = review_via_form(client, KIND, typed(deadline="2026-10-31"))
    assert review.status_code == 200
    page = review.get_data(as_text=True)
    pages = re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="第 (\d+) 页"', page)
    assert pages and pages == [str(n) for n in range(1, len(pages) + 1)]
    assert f"全部页面（共 {len(pages)} 页）" in page
    assert REST_DAY in page
    assert "文号尚未占用" in page
    assert "岳阳市君山区良心堡镇人民政府" in page and "2026年10月31日" in page
    assert 'value="confirm">确认生成并编号</button>' in page
    assert 'value="edit" class="secondary">返回修改</button>' in page
    assert reviewed_fields(review)["deadline"] == "2026-10-31"
    assert documents(app) == 0

    issued = confirm_review(client, KIND, review)
    assert issued.status_code == 302
    shown = client.get(issued.headers["Location"]).get_data(as_text=True)
    assert "君档责改〔2026〕1号" in shown and REST_DAY in shown
    assert documents(app) == 1


def test_the_old_issue_action_reviews(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a post with action=issue (or none) is reviewed, never numbered at once."""
    for data in (typed() | {"action": "issue"}, typed()):
        response = client.post(URL, data=data)
        assert response.status_code == 200
        assert 'name="review_token"' in response.get_data(as_text=True)
    assert documents(app) == 0


def test_invalid_facts_come_back_to_the_form(app: Flask, client: FlaskClient) -> None:
    """This test ensures that facts failing their form are not reviewed: the form answers 422 with its messages."""
    response = issue_via_form(client, KIND, typed(unit=""))
    assert response.status_code == 422
    assert 'id="review-form"' not in response.get_data(as_text=True)
    assert documents(app) == 0


def test_facts_changed_after_review_take_no_number(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a confirmation with facts other than those reviewed issues nothing, input kept."""
    review = review_via_form(client, KIND, typed())
    fields = reviewed_fields(review)
    fields["unit"] = "岳阳市君山区柳林洲街道办事处"
    fields["action"] = "confirm"
    response = client.post(URL, data=fields)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert CHANGED in page
    assert 'value="岳阳市君山区柳林洲街道办事处"' in page
    assert documents(app) == 0


@pytest.mark.parametrize("token", ["", "forged", "eyJ1c2VyIjoxfQ.aaaa.bbbb"])
def test_a_forged_or_missing_token_takes_no_number(
    app: Flask, client: FlaskClient, token: str
) -> None:
    """This test ensures that a confirmation without a token signed here issues nothing."""
    response = client.post(URL, data=typed() | {"action": "confirm", "review_token": token})
    assert response.status_code == 409
    assert CHANGED in response.get_data(as_text=True)
    assert documents(app) == 0


def test_an_expired_review_takes_no_number(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a review older than its two hours must be made again."""
    review = review_via_form(client, KIND, typed())
    monkeypatch.setattr(service.web.reviewing, "REVIEW_MAX_AGE", -1)
    response = confirm_review(client, KIND, review)
    assert response.status_code == 409
    assert documents(app) == 0


def test_another_clerks_review_takes_no_number(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a token is good only for the user it was given to."""
    review = review_via_form(client, KIND, typed())
    response = confirm_review(signed_in(app, "clerk"), KIND, review)
    assert response.status_code == 409
    assert documents(app) == 0


def test_a_token_of_another_kind_takes_no_number(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a review of one kind does not confirm another."""
    review = review_via_form(client, KIND, typed())
    token = reviewed_fields(review)["review_token"]
    notice = {key: str(value) for key, value in sample("supervision_notice").items()}
    response = client.post(
        "/documents/new/supervision_notice",
        data=notice | {"action": "confirm", "review_token": token},
    )
    assert response.status_code == 409
    assert documents(app) == 0


def test_edit_goes_back_to_the_form_with_everything(app: Flask, client: FlaskClient) -> None:
    """This test ensures that 返回修改 shows the form as typed, unchecked, with nothing numbered."""
    review = review_via_form(client, KIND, typed(cc="中共岳阳市君山区委宣传部"))
    fields = reviewed_fields(review)
    fields["action"] = "edit"
    response = client.post(URL, data=fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="instrument-form"' in page and 'class="error"' not in page
    assert 'value="中共岳阳市君山区委宣传部"' in page and 'value="2026-11-06"' in page
    assert documents(app) == 0


def test_a_review_confirmed_twice_issues_once(app: Flask, client: FlaskClient) -> None:
    """This test ensures that posting one review's confirmation again (a double click) takes no second number."""
    review = review_via_form(client, KIND, typed())
    first = confirm_review(client, KIND, review)
    assert first.status_code == 302 and "/documents/" in first.headers["Location"]
    again = confirm_review(client, KIND, review)
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert "这次核对已经确认过，文书只生成一次" in client.get(again.headers["Location"]).get_data(
        as_text=True
    )
    assert documents(app) == 1


def test_a_failed_issue_gives_the_review_back(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a confirmation whose issuing fails can be confirmed again, once."""
    review = review_via_form(client, KIND, typed())

    def office_down(*args: Any, **kwargs: Any) -> None:
        raise NotIssued("LibreOffice 未能转换")

    with monkeypatch.context() as patched:
        patched.setattr(service.web.case_forms, "issue_document", office_down)
        failed = confirm_review(client, KIND, review)
    assert failed.status_code == 503
    assert "LibreOffice 未能转换" in failed.get_data(as_text=True)
    assert documents(app) == 0
    assert confirm_review(client, KIND, review).status_code == 302
    assert documents(app) == 1


def test_a_review_of_a_draft_deletes_it_once_confirmed(client: FlaskClient) -> None:
    """This test ensures that the draft's id goes through the review, so confirming deletes the draft."""
    saved = client.post(URL, data=typed() | {"action": "draft"})
    draft = re.search(r"draft=(\d+)", saved.headers["Location"])
    assert draft
    issued = issue_via_form(client, KIND, typed() | {"draft_id": draft.group(1)})
    assert issued.status_code == 302
    assert client.get(f"{URL}?draft={draft.group(1)}").status_code == 404


def test_rows_uploaded_as_a_table_go_through_the_review(app: Flask, client: FlaskClient) -> None:
    """This test ensures that rows read from an uploaded table come back as fields on the review and are issued as reviewed."""
    facts = sample("audit_summary")
    typed = {name: value for name, value in facts.items() if name != "paper_reports"}
    data: MultiDict[str, Any] = MultiDict(facts_as_formdata(typed).items(multi=True))
    table = "单位,收到日期\n岳阳市君山区人民医院,2026-09-25\n".encode()
    data.add("paper_reports__file", (io.BytesIO(table), "paper.csv"))
    review = review_via_form(client, "audit_summary", data)
    assert review.status_code == 200, review.get_data(as_text=True)
    fields = reviewed_fields(review)
    assert fields["paper_reports-0-unit"] == "岳阳市君山区人民医院"
    assert "paper_reports__file" not in fields
    issued = confirm_review(client, "audit_summary", review)
    assert issued.status_code == 302, issued.get_data(as_text=True)
    with app.extensions["wenshu"].database.session() as session:
        (document,) = session.scalars(select(Document))
        assert document.facts["paper_reports"] == [
            {"unit": "岳阳市君山区人民医院", "received_date": "2026-09-25"}
        ]

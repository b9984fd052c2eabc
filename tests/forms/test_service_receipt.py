"""Tests of the 送达回证's rules: what each method of service records (民事诉讼法 第八十七条至第九十五条)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from service.instruments.facts import Facts, validate_facts
from service.instruments.registry import get_instrument
from service.render.office.converter import Converter
from tests import pdfcheck
from tests.conftest import sample
from tests.fakes import FakeArchive, FakeDocument, validation_errors
from tests.forms.rendered import CASE_NUMBER, render_in_case

RECEIPT = get_instrument("service_receipt")
PARTY = "岳阳君信档案数字化服务有限公司"
NOT_SIGNED = {"place": "", "signer": "", "signer_relation": "", "remarks": ""}
LEFT = {
    "method": "留置送达", "signer": "", "signer_relation": "", "remarks": "",
    "refusal_reason": "法定代表人陈志刚以对告知内容有异议为由拒绝签收",
    "witnesses": [{"name": "赵建国", "identity": "柳林洲街道君山大道社区居民委员会主任"}],
    "recording": "现场拍照4张、录像1段，存入案卷",
}  # fmt: skip
POST = {
    "method": "邮寄送达", "tracking_number": "1151234567890", "signer": "刘芳",
    "signer_relation": "负责收件的人", "remarks": "",
}  # fmt: skip
ELECTRONIC = NOT_SIGNED | {
    "method": "电子送达", "consent_date": "2026-03-05", "address": "junxin_archives@163.com",
}  # fmt: skip
NOTICE = NOT_SIGNED | {
    "method": "公告送达", "notice_medium": "君山区人民政府门户网站及本局公告栏",
    "notice_date": "2026-02-09", "served_on": "2026-03-11",
    "notice_reason": "受送达人住所无人，法定代表人下落不明，直接送达和邮寄送达均未成功",
}  # fmt: skip


def check(facts: dict[str, Any], archive: FakeArchive | None = None) -> Facts:
    """Return the validated facts."""
    return validate_facts(RECEIPT, facts, archive)


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(RECEIPT, facts)


def receipt(method: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """Return the sample receipt, served by another method if one is given, with changes."""
    return sample("service_receipt") | (method or {}) | changes


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample passes every rule, without warnings."""
    facts = check(sample("service_receipt"))
    assert facts.warnings == ()
    assert facts.values["served_on"] == dt.date(2026, 3, 11)


@pytest.mark.parametrize("method", [LEFT, POST, ELECTRONIC, NOTICE], ids=lambda m: m["method"])
def test_each_method_with_what_it_records_is_valid(method: dict[str, Any]) -> None:
    """This test ensures that each method of service is accepted with the facts it records."""
    assert errors_for(receipt(method)) == {}


@pytest.mark.parametrize(
    "field", ["served_number", "served_title", "recipient", "method", "served_on"]
)
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out any element every receipt has gives a Chinese message at it."""
    facts = sample("service_receipt")
    del facts[field]
    errors = errors_for(facts)
    assert list(errors) == [field]
    assert errors[field][0].startswith(("请填写", "请选择"))


# Who signed: the recipient, or someone for it (第八十七条, 第八十八条) ---------------------


@pytest.mark.parametrize("method", ["直接送达", "邮寄送达"])
def test_a_signed_service_names_its_signer(method: str) -> None:
    """This test ensures that a receipt handed over or posted names who signed for it (第八十七条)."""
    changes = POST if method == "邮寄送达" else {}
    errors = errors_for(receipt(changes, signer="", signer_relation=""))
    assert list(errors) == ["signer"]
    assert "第八十七条" in errors["signer"][0]


def test_someone_signing_for_the_recipient_says_why() -> None:
    """This test ensures that a signer other than the recipient needs a 代收 reason (第八十八条)."""
    errors = errors_for(receipt(signer_relation=""))
    assert list(errors) == ["signer_relation"]
    assert "第八十八条" in errors["signer_relation"][0]


def test_the_recipient_signing_has_no_reason_to_give() -> None:
    """This test ensures that a recipient who signed (or stamped) itself is no 代收."""
    assert errors_for(receipt(signer=PARTY)) == {
        "signer_relation": ["签收人是受送达人本人的，不填写代收理由"]
    }
    assert errors_for(receipt(signer=PARTY, signer_relation="")) == {}


def test_a_document_left_after_a_refusal_says_where() -> None:
    """This test ensures that 留置送达 names the residence the document was left at (第八十九条),
    where for a document handed over the place is optional."""
    errors = errors_for(receipt(LEFT, place=""))
    assert list(errors) == ["place"]
    assert "第八十九条" in errors["place"][0]
    assert errors_for(receipt(place="")) == {}


# What belongs to one method only -------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "field", "value"),
    [
        ("直接送达", "refusal_reason", "拒绝签收"),
        ("直接送达", "recording", "录像1段"),
        ("直接送达", "tracking_number", "1151234567890"),
        ("直接送达", "consent_date", "2026-03-05"),
        ("直接送达", "address", "a@example.cn"),
        ("直接送达", "notice_medium", "本局公告栏"),
        ("直接送达", "notice_date", "2026-02-09"),
        ("直接送达", "notice_reason", "下落不明"),
        ("电子送达", "place", "君山大道168号"),
        ("电子送达", "signer", "陈志刚"),
        ("留置送达", "signer", "陈志刚"),
        ("公告送达", "signer", "陈志刚"),
    ],
)
def test_a_fact_of_another_method_is_refused(method: str, field: str, value: str) -> None:
    """This test ensures that a fact recorded only by another method is refused at its field, naming the method."""
    base = {"直接送达": {}, "电子送达": ELECTRONIC, "留置送达": LEFT, "公告送达": NOTICE}[method]
    errors = errors_for(receipt(base) | {field: value})
    assert list(errors) == [field]
    assert errors[field][0].startswith(f"{method}不填写")


def test_witnesses_belong_to_a_refusal() -> None:
    """This test ensures that witnesses are recorded only where the document was left after a refusal."""
    errors = errors_for(receipt(witnesses=LEFT["witnesses"]))
    assert errors == {"witnesses": ["直接送达不填写见证人：只有留置送达有见证人"]}


# 留置送达 (第八十九条) ---------------------------------------------------------------------


def test_a_refusal_is_recorded_with_its_reason() -> None:
    """This test ensures that a document left after a refusal records why it was refused."""
    errors = errors_for(receipt(LEFT, refusal_reason=""))
    assert list(errors) == ["refusal_reason"]
    assert "第八十九条" in errors["refusal_reason"][0]


def test_a_refusal_is_witnessed_or_recorded() -> None:
    """This test ensures that a refusal has witnesses or a photo or video record, either one enough."""
    errors = errors_for(receipt(LEFT, witnesses=[], recording=""))
    assert list(errors) == ["witnesses"]
    assert "第八十九条" in errors["witnesses"][0]
    assert errors_for(receipt(LEFT, witnesses=[])) == {}
    assert errors_for(receipt(LEFT, recording="")) == {}


def test_a_refusal_is_signed_by_two_servers_who_are_no_witnesses() -> None:
    """This test ensures that two servers sign a refusal, and that no server witnesses it."""
    one = receipt(LEFT, server=sample("service_receipt")["server"][:1])
    assert list(errors_for(one)) == ["server"]
    servers = sample("service_receipt")["server"]
    witness = [{"name": servers[0]["name"], "identity": "君山区史志档案局执法人员"}]
    assert errors_for(receipt(LEFT, witnesses=witness)) == {
        "witnesses": ["李卫东是送达人，不能同时作为见证人"]
    }


# 邮寄送达 (第九十一条), 电子送达 (第九十条), 公告送达 (第九十五条) -----------------------


def test_a_posted_document_has_its_item_number() -> None:
    """This test ensures that a posted document names its postal item, letters and digits."""
    errors = errors_for(receipt(POST, tracking_number=""))
    assert list(errors) == ["tracking_number"] and "第九十一条" in errors["tracking_number"][0]
    assert list(errors_for(receipt(POST, tracking_number="EMS-1151"))) == ["tracking_number"]
    assert errors_for(receipt(POST, tracking_number="EA123456789CN")) == {}


def test_electronic_service_needs_consent_and_an_address() -> None:
    """This test ensures that electronic service records the party's consent and the address it gave."""
    errors = errors_for(receipt(ELECTRONIC, consent_date="", address=""))
    assert set(errors) == {"consent_date", "address"}
    assert "第六十一条第二款" in errors["consent_date"][0]


def test_consent_comes_before_electronic_service() -> None:
    """This test ensures that consent given after the day of service does not cover it."""
    errors = errors_for(receipt(ELECTRONIC, consent_date="2026-03-12"))
    assert errors == {
        "consent_date": [
            "受送达人同意电子送达的日期不能晚于送达日期2026年3月11日：电子送达须事先经受送达人同意并签订确认书"
        ]
    }


def test_a_notice_says_where_when_and_why() -> None:
    """This test ensures that 公告送达 records the medium, the day and why no other method served."""
    errors = errors_for(receipt(NOTICE, notice_medium="", notice_date="", notice_reason=""))
    assert set(errors) == {"notice_medium", "notice_date", "notice_reason"}
    assert "第九十五条" in errors["notice_reason"][0]


@pytest.mark.parametrize("served_on", ["2026-03-10", "2026-03-12", "2026-02-09"])
def test_a_notice_serves_thirty_days_after_it_is_published(served_on: str) -> None:
    """This test ensures that 公告送达 is served exactly thirty days after the notice (第九十五条)."""
    errors = errors_for(receipt(NOTICE, served_on=served_on))
    assert errors == {
        "served_on": [
            "公告送达自发出公告之日起经过三十日即视为送达：公告日期为2026年2月9日的，"
            "送达日期是2026年3月11日（《中华人民共和国民事诉讼法》第九十五条）"
        ]
    }


def test_servers_are_named_once_each() -> None:
    """This test ensures that a receipt has a server, each named once."""
    assert errors_for(receipt(server=[])) == {"server": ["请填写送达人"]}
    twice = [{"name": "李卫东"}, {"name": "李卫东", "certificate": "43061100026"}]
    assert errors_for(receipt(server=twice)) == {"server": ["送达人李卫东重复填写"]}


# 行政处罚法 第六十一条: a decision served within 七日 (working days, 第八十五条) -----------


def decision(number: str, day: dt.date, kind: str = "penalty_decision") -> FakeArchive:
    """Return an archive holding one decision (or a document of another kind) of that day."""
    return FakeArchive(FakeDocument(kind, number, "issued", day))


def test_a_decision_served_late_is_a_warning() -> None:
    """This test ensures that a decision served after seven working days warns, naming the last day."""
    number = "君档罚决〔2026〕1号"
    facts = receipt(served_number=number, served_title="行政处罚决定书", served_on="2026-04-28")
    # Thursday 16 April 2026: seven working days end on Monday 27 April.
    archive = decision(number, dt.date(2026, 4, 16))
    [warning] = check(facts, archive).warnings
    assert "应当在2026年4月27日前送达" in warning and "第六十一条" in warning
    assert check(facts | {"served_on": "2026-04-27"}, archive).warnings == ()
    other = decision(number, dt.date(2026, 4, 16), kind="correction_order")
    assert check(facts, other).warnings == ()


def test_a_decision_beyond_the_holiday_calendar_is_a_warning_to_check_by_hand() -> None:
    """This test ensures that a decision of a year the holiday calendar does not know asks for a check by hand."""
    number = "君档罚决〔2099〕1号"
    facts = receipt(served_number=number, served_on="2099-04-28")
    [warning] = check(facts, decision(number, dt.date(2099, 4, 16))).warnings
    assert warning.startswith("无法核对行政处罚决定书是否在七日内送达")


# The printed receipt -------------------------------------------------------------------


@pytest.mark.office
@pytest.mark.parametrize(
    ("changes", "printed"),
    [
        ({}, ["☑直接送达", "陈志刚（法定代表人）", "湖南省岳阳市君山区柳林洲街道君山大道168号"]),
        (
            LEFT,
            [
                "☑留置送达",
                "拒收事由和日期",
                "以对告知内容有异议为由拒绝签收",
                "赵建国",
                "拍照、录像记录：现场拍照4张",
            ],
        ),
        (POST, ["☑邮寄送达", "邮件号：1151234567890", "刘芳（负责收件的人）"]),
        (ELECTRONIC, ["☑电子送达", "电子送达地址：junxin_archives@163.com", "2026年3月5日同意"]),
        (NOTICE, ["☑公告送达", "2026年2月9日发出公告，经过三十日视为送达", "公告原因："]),
    ],
    ids=["direct", "left", "post", "electronic", "notice"],
)
def test_the_receipt_prints_what_its_method_records(
    changes: dict[str, Any], printed: list[str], office_pool: Converter, tmp_path: Path
) -> None:
    """This test ensures that the receipt prints the case, what was served and how, and the
    bureau's signature on the day of service, on one page."""
    path = render_in_case("service_receipt", receipt(changes), office_pool, tmp_path)
    text = pdfcheck.poppler_text(path).replace(" ", "")
    for expected in [
        "送达回证", f"案号：{CASE_NUMBER}", "行政处罚事先告知书（君档罚告〔2026〕1号）",
        PARTY, "2026年3月11日", "李卫东", "彭丽君", *printed,
    ]:  # fmt: skip
        assert expected in text, expected
    assert len(pdfcheck.page_sizes(path)) == 1

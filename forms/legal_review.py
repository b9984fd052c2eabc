"""法制审核意见书: the legal officer's review of a proposed decision, 行政处罚法 第五十八条."""

from __future__ import annotations

from wtforms import Field, FieldList
from wtforms.validators import ValidationError

from forms.fields import (
    InstrumentForm,
    RowForm,
    choice,
    date,
    long_text,
    picks,
    required_when,
    rows,
    short_text,
    shown_when,
)
from forms.participants import repeated

LAW = "《中华人民共和国行政处罚法》"
# 第五十八条第一款: the four cases in which a decision is reviewed before it is made.
GROUNDS = (
    "第五十八条第一款第一项“涉及重大公共利益的”",
    "第五十八条第一款第二项“直接关系当事人或者第三人重大权益，经过听证程序的”",
    "第五十八条第一款第三项“案件情况疑难复杂、涉及多个法律关系的”",
    "第五十八条第一款第四项“法律、法规规定应当进行法制审核的其他情形”",
)
# What the review checks: what makes a penalty lawful in 行政处罚法 (第十七条 the body and its
# powers; 第四十条 facts found and evidence sufficient; 第三十八条 a basis and the procedure;
# 第五条 a penalty matching the facts), as 《档案行政处罚程序规定》(国家档案局令第20号) 第三条
# sums it up: 事实清楚、证据充分、适用依据正确、程序合法、处罚适当.
ITEMS = (
    "执法主体是否合法",
    "案件事实是否清楚",
    "证据是否确凿",
    "适用依据是否准确",
    "程序是否合法",
    "处罚是否适当",
)
PASSED, FAILED = "是", "否"
AGREED = "同意"  # the conclusion that lets the decision be made (第五十八条: 审核通过)
CONCLUSIONS = (AGREED, "建议补充调查", "建议修改处罚内容", "不同意")


def quoted(items: list[str]) -> str:
    """Return items of the review as a message names them: “证据是否确凿”、“程序是否合法”."""
    return "、".join(f"“{item}”" for item in items)


class CheckRow(RowForm):
    """One item of the review, whether it holds, and what is wrong when it does not."""

    item = choice("审核事项", ITEMS)
    result = choice("审核结果", (PASSED, FAILED))
    note = short_text("存在的问题", max_length=300, required=False)


class LegalReviewForm(InstrumentForm):
    """Facts of one 法制审核意见书."""

    cause = short_text("案由", max_length=100)
    party_name = picks(short_text("当事人姓名或者名称", max_length=60), "units")
    submitted_on = date("送审日期")
    review_date = date("审核日期")
    reviewer = short_text("法制审核人员", max_length=20)
    reviewer_certificate = short_text("法律职业资格证书编号", max_length=40, required=False)
    grounds = choice("法制审核情形（行政处罚法第五十八条）", GROUNDS)
    proposal = long_text("拟作出的处理决定", max_length=2000)
    checked = rows(CheckRow, "审核内容", max_entries=len(ITEMS))
    conclusion = choice("审核结论", CONCLUSIONS)
    opinion = required_when(
        shown_when(
            long_text("审核意见", max_length=3000, required=False),
            "conclusion",
            "",
            *(conclusion for conclusion in CONCLUSIONS if conclusion != AGREED),
        ),
        lambda form: form.conclusion.data in CONCLUSIONS and form.conclusion.data != AGREED,
        "审核未通过的，请写明审核意见：存在的问题和处理建议",
    )

    def failed_items(self) -> list[str]:
        """Return the items the review found wanting, in the order given."""
        return [
            entry.form.item.data
            for entry in self.checked.entries
            if entry.form.result.data == FAILED
        ]

    def validate_review_date(self, field: Field) -> None:
        """The review follows the submission it answers."""
        if self.submitted_on.data and field.data and field.data < self.submitted_on.data:
            raise ValidationError("审核日期不能早于送审日期")

    def validate_checked(self, field: FieldList) -> None:
        """Every item is reviewed once, and an item found wanting says what is wrong."""
        items = [entry.form.item.data for entry in field.entries if entry.form.item.data]
        twice = repeated(items)
        if twice:
            raise ValidationError(f"审核事项{quoted(twice)}填写了不止一次")
        missing = [item for item in ITEMS if item not in items]
        if missing:
            raise ValidationError(
                f"请逐项审核并填写：{'、'.join(missing)}（共{len(ITEMS)}项，每项填写“是”或者“否”）"
            )
        for entry in field.entries:
            if entry.form.result.data == FAILED and not entry.form.note.data:
                raise ValidationError(
                    f"审核事项{quoted([entry.form.item.data])}为“否”的，请写明存在的问题"
                )

    def validate_conclusion(self, field: Field) -> None:
        """A review that found an item wanting has not passed: its conclusion is not 同意."""
        failed = self.failed_items()
        if field.data == AGREED and failed:
            raise ValidationError(
                f"审核事项{quoted(failed)}为“否”，审核结论不能是同意：未经法制审核或者审核未通过的，"
                f"不得作出决定（{LAW}第五十八条）"
            )

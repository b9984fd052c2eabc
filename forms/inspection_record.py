"""档案形成与保管单位巡查、回访记录: seed 档案安全监管 §四(一) and 电子档案监管 §四."""

from __future__ import annotations

from wtforms import Field, FieldList
from wtforms.validators import ValidationError

from forms.fields import (
    InstrumentForm,
    OfficerRow,
    choice,
    date,
    flag,
    least_rows,
    long_text,
    picks,
    required_when,
    rows,
    short_text,
)
from service.foundations.plaintext import quote_many

KINDS = ("定期巡查", "不定期巡查", "回访")
METHODS = {
    "method_report": "听取汇报",
    "method_records": "查阅资料",
    "method_site": "核查现场",
    "method_assessment": "安全测评",
}
MIN_OFFICERS = 2  # 必须由2名以上档案行政执法人员参加


class InspectionRecordForm(InstrumentForm):
    """Facts of one record of a 巡查 or 回访, signed by the unit's head or noting a refusal."""

    unit = picks(short_text("被检查单位", max_length=60), "units", {"address": "location"})
    location = short_text("检查地点", max_length=100, required=False)
    inspection_date = date("检查日期")
    inspection_kind = choice("检查类别", KINDS)
    method_report = flag("检查方式：" + METHODS["method_report"])
    method_records = flag("检查方式：" + METHODS["method_records"])
    method_site = flag("检查方式：" + METHODS["method_site"])
    method_assessment = flag("检查方式：" + METHODS["method_assessment"])
    officers = least_rows(rows(OfficerRow, "执法人员"), MIN_OFFICERS)
    unit_contact = short_text("被检查单位配合人员", max_length=60, required=False)
    checked_items = long_text("检查内容", max_length=1500)
    problems = long_text("发现的问题", max_length=1500)
    handling = long_text("处理情况", max_length=1500)
    head_name = required_when(
        short_text("被检查单位负责人签字", max_length=20, required=False),
        lambda form: not form.refusal_note.data,
        "请填写签字确认的被检查单位负责人姓名；负责人拒绝签字的，请记录拒绝签字的情况",
    )
    refusal_note = short_text("负责人拒绝签字的情况记录", max_length=200, required=False)

    def validate_method_report(self, field: Field) -> None:
        """At least one of the seed's four methods of inspection must be ticked."""
        if not any(self[name].data for name in METHODS):
            raise ValidationError("请至少选择一种检查方式（" + "、".join(METHODS.values()) + "）")

    def validate_officers(self, field: FieldList) -> None:
        """Two or more enforcement officers took part, each a different certificate holder."""
        if len(field.entries) < MIN_OFFICERS:
            raise ValidationError("至少需要2名执法人员")
        certificates = [entry.form.certificate.data for entry in field.entries]
        repeated = sorted({c for c in certificates if c and certificates.count(c) > 1})
        if repeated:
            raise ValidationError(
                f"执法证号{quote_many(repeated)}重复：每名执法人员应当持有各自的执法证件"
            )

    def validate_refusal_note(self, field: Field) -> None:
        """A refusal is recorded only when the head did not sign (head_name requires one or the other)."""
        if field.data and self.head_name.data:
            raise ValidationError("被检查单位负责人已签字确认的，不应再记录拒绝签字的情况")

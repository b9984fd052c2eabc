"""档案监督检查执法通知书: seed 电子档案监管 §五, issued at once or, after an oral order, as 补发."""

from __future__ import annotations

import re

from wtforms import Field
from wtforms.validators import ValidationError

from forms.fields import (
    InstrumentForm,
    choice,
    date,
    flag,
    long_text,
    picks,
    required_when,
    short_text,
    shown_when,
)

FINDINGS = ("违法行为", "安全隐患", "违法行为和安全隐患")
# A citation names the statute in 《》 and at least one article: 《中华人民共和国档案法》第四十五条.
CITATION = re.compile(r"《[^》]+》[^《]*?第[一二三四五六七八九十百零〇\d]+条")


class EnforcementNoticeForm(InstrumentForm):
    """Facts of one 档案监督检查执法通知书 ordering a unit to correct a violation or remove a hazard."""

    unit = picks(short_text("被检查单位名称", max_length=60), "units")
    inspection_date = date("检查日期")
    finding_type = choice("发现的问题性质", FINDINGS)
    findings = long_text("发现的违法行为或者安全隐患")
    legal_basis = short_text("法律依据", max_length=200)
    corrections = long_text("责令改正的事项")
    deadline = date("改正期限")
    issue_date = date("成文日期")
    reissued = flag("补发（紧急情况下已先行口头责令采取紧急处置措施）")
    oral_order_date = required_when(
        shown_when(date("口头责令日期", required=False), "reissued", "y"),
        lambda form: bool(form.reissued.data),
        "补发执法通知书的，请填写口头责令采取紧急处置措施的日期",
    )
    cc = short_text("抄送", max_length=200, required=False)

    def validate_inspection_date(self, field: Field) -> None:
        """The inspection that found the problem comes before the notice, at the latest on its day."""
        if field.data and self.issue_date.data and field.data > self.issue_date.data:
            raise ValidationError("检查日期不能晚于成文日期")

    def validate_legal_basis(self, field: Field) -> None:
        """The basis names the statute and the article, e.g. 《中华人民共和国档案法》第四十五条."""
        if field.data and not CITATION.search(field.data):
            raise ValidationError(
                "法律依据应当写明法律法规的名称和条款，如《中华人民共和国档案法》第四十二条、第四十五条"
            )

    def validate_deadline(self, field: Field) -> None:
        """The time given for the correction must end after the notice is issued."""
        if field.data and self.issue_date.data and field.data <= self.issue_date.data:
            raise ValidationError("改正期限应当晚于成文日期")

    def validate_oral_order_date(self, field: Field) -> None:
        """An oral order's date belongs only on a 补发 notice, and precedes it (required_when asks for it)."""
        if not field.data:
            return
        if not self.reissued.data:
            raise ValidationError(
                "不是补发的执法通知书，不应填写口头责令日期；"
                "紧急情况下已先行口头责令的，请勾选“补发”"
            )
        if self.issue_date.data and field.data > self.issue_date.data:
            raise ValidationError("口头责令日期不能晚于本通知书的成文日期")
        if self.inspection_date.data and field.data < self.inspection_date.data:
            raise ValidationError("口头责令日期不能早于检查日期")

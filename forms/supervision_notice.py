"""执法监督通知（决定）书: the five elements of the seed's 对属地管理的行政执法职权的监督检查 §四."""

from __future__ import annotations

from wtforms import Field
from wtforms.validators import ValidationError

from forms.fields import InstrumentForm, choice, date, long_text, picks, short_text

SITUATIONS = (
    "行政执法主体不合法",
    "行政执法程序违法或者不当",
    "具体行政行为违法或者不当",
    "规范性文件不合法",
    "工作人员不履行法定职责",
    "其他应当纠正的违法行为",
)
DECISIONS = ("责令纠正", "撤销")


class SupervisionNoticeForm(InstrumentForm):
    """Facts of one 执法监督通知（决定）书."""

    inspected_body = picks(short_text("被检查单位名称", max_length=60), "units")
    situation = choice("应当纠正的情形", SITUATIONS)
    facts = long_text("认定的事实")
    reasons = long_text("理由")
    decision_type = choice("处理决定", DECISIONS)
    decision = long_text("处理决定的具体内容")
    legal_basis = short_text("处理依据", max_length=200)
    execution_manner = long_text("执行处理决定的方式")
    deadline = date("执行期限")
    issuer = short_text("执行检查的机构名称", max_length=60)
    issue_date = date("成文日期")
    cc = short_text("抄送", max_length=200, required=False)

    def validate_deadline(self, field: Field) -> None:
        """The deadline for carrying out the decision must come after the notice is issued."""
        if field.data and self.issue_date.data and field.data <= self.issue_date.data:
            raise ValidationError("执行期限应当晚于成文日期")

"""复查决定书: the 复查 of a 执法监督通知（决定）书 (seed: 对属地管理的行政执法职权的监督检查 §四)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from wtforms import Field
from wtforms.validators import ValidationError

from forms.fields import (
    ArchivedDocument,
    InstrumentForm,
    archived_date,
    choice,
    date,
    long_text,
    picks,
    short_text,
    shown_when,
)
from service.foundations.deadlines import CalendarUnknown, deadline
from service.foundations.formatting import format_date

FINDINGS = ("维持", "变更", "撤销")
NOTICE_KIND = "supervision_notice"
NOTICE_TITLE = "执法监督通知（决定）书"
APPLICATION_DAYS = 10  # 收到通知（决定）书之日起10日内申请复查
DECISION_DAYS = 15  # 接到复查申请之日起15日内作出复查决定
CLOSE_DAYS = 3  # a decision dated this near the last day is pointed out to the clerk
NUMBER_PATTERN = re.compile(r"\S+〔\d{4}〕[1-9]\d*号")


class ReviewDecisionForm(InstrumentForm):
    """Facts of one 复查决定书 on an archived, not voided, supervision notice."""

    applicant = short_text("申请人（被检查单位）", max_length=60)
    notice_number = picks(
        short_text("原执法监督通知（决定）书文号", max_length=40),
        "notices",
        {"inspected_body": "applicant", "issuer": "issuer"},
    )
    notice_received_date = date("申请人收到原通知（决定）书的日期")
    application_date = date("本局接到复查申请的日期")
    request = long_text("申请复查的请求和理由")
    reasons = long_text("复查认定的事实和理由")
    finding = choice("复查结论", FINDINGS)
    changed_decision = shown_when(long_text("变更后的处理决定", required=False), "finding", "变更")
    issuer = short_text("作出复查决定的机构名称", max_length=60)
    decision_date = date("复查决定日期")
    cc = short_text("抄送", max_length=200, required=False)

    _found: tuple[str, ArchivedDocument | None] | None = None

    def notice(self) -> ArchivedDocument | None:
        """Return the archived document the 文号 names; None without an archive or when not found."""
        if self.archive is None or not self.notice_number.data:
            return None
        if self._found is None or self._found[0] != self.notice_number.data:
            # Several rules read the notice; the archive is asked once.
            self._found = (self.notice_number.data, self.archive.find(self.notice_number.data))
        return self._found[1]

    def validate_notice_number(self, field: Field) -> None:
        """The 文号 is well formed and names an issued, not voided, supervision notice."""
        if not NUMBER_PATTERN.fullmatch(field.data):
            raise ValidationError("文号格式应为 机关代字〔年份〕序号号，如 君档监通〔2026〕1号")
        if self.archive is None:
            return
        notice = self.notice()
        if notice is None:
            raise ValidationError(
                f"档案中没有文号为{field.data}的文书，请核对原通知（决定）书的文号"
            )
        if notice.kind != NOTICE_KIND:
            raise ValidationError(f"{field.data}不是{NOTICE_TITLE}，只能对{NOTICE_TITLE}申请复查")
        if notice.status == "voided":
            raise ValidationError(f"{field.data}已作废，不能对其作出复查决定")

    def validate_applicant(self, field: Field) -> None:
        """Only the inspected body named in the notice may apply for its 复查."""
        notice = self.notice()
        if notice is None or notice.kind != NOTICE_KIND:
            return
        inspected = notice.facts.get("inspected_body")
        if inspected and field.data != inspected:
            raise ValidationError(
                f"申请人应当是原通知（决定）书的被检查单位“{inspected}”，请核对申请人名称"
            )

    def validate_issuer(self, field: Field) -> None:
        """The 复查 is decided by the body that issued the notice."""
        notice = self.notice()
        if notice is None or notice.kind != NOTICE_KIND:
            return
        issuer = notice.facts.get("issuer")
        if issuer and field.data != issuer:
            raise ValidationError(
                f"复查决定应当由发出原通知（决定）书的机构“{issuer}”作出，请核对机构名称"
            )

    def validate_notice_received_date(self, field: Field) -> None:
        """The notice cannot have been received before it was issued."""
        notice = self.notice()
        if field.data is None or notice is None or notice.kind != NOTICE_KIND:
            return
        issued = archived_date(notice.facts.get("issue_date")) or notice.document_date
        if field.data < issued:
            raise ValidationError(
                f"收到日期不能早于原通知（决定）书的成文日期{format_date(issued)}"
            )

    def validate_application_date(self, field: Field) -> None:
        """The application came after receipt and within 10 days of it (a holiday extends the limit)."""
        received = self.notice_received_date.data
        if field.data is None or received is None:
            return
        if field.data < received:
            raise ValidationError("接到复查申请的日期不能早于收到原通知（决定）书的日期")
        try:
            last_day = deadline(received, APPLICATION_DAYS)
        except CalendarUnknown as error:
            raise ValidationError(str(error)) from None
        if field.data > last_day:
            raise ValidationError(
                f"复查申请应当在收到原通知（决定）书之日起{APPLICATION_DAYS}日内提出，"
                f"即不晚于{format_date(last_day)}；本申请已逾期"
            )

    def validate_decision_date(self, field: Field) -> None:
        """The decision is dated on or after the application and within 15 days of it."""
        applied = self.application_date.data
        if field.data is None or applied is None:
            return
        if field.data < applied:
            raise ValidationError("复查决定日期不能早于接到复查申请的日期")
        try:
            last_day = deadline(applied, DECISION_DAYS)
        except CalendarUnknown as error:
            raise ValidationError(str(error)) from None
        self.warn(f"复查决定应于{format_date(last_day)}前作出")
        if field.data > last_day:
            raise ValidationError(
                f"复查决定应当自接到复查申请之日起{DECISION_DAYS}日内作出，"
                f"即不晚于{format_date(last_day)}"
            )
        left = (last_day - field.data).days
        if left <= CLOSE_DAYS:
            self.warn(
                f"复查决定日期距期限届满仅剩{left}日，请尽快送达申请人"
                if left
                else "复查决定日期是期限的最后一日，请当日送达申请人"
            )

    def validate_changed_decision(self, field: Field) -> None:
        """A changed decision is written out only when the finding is 变更."""
        if self.finding.data in ("维持", "撤销"):
            raise ValidationError(f"复查结论为{self.finding.data}的，不填写变更后的处理决定")

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Return whether every rule passes, including that 变更 states the changed decision.

        An empty optional field skips its own validate_ method (WTForms' Optional stops
        the chain), so a rule that makes it required is checked here, after the fields.
        """
        valid = super().validate(extra_validators)
        if self.finding.data == "变更" and not self.changed_decision.data:
            self.changed_decision.errors = [
                *self.changed_decision.errors,
                "复查结论为变更的，请填写变更后的处理决定",
            ]
            valid = False
        return valid

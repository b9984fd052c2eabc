"""听证通知书: when and where the hearing the party asked for is held, by whom, and its rights (第六十四条)."""

from __future__ import annotations

import datetime as dt

from wtforms import Field, FieldList
from wtforms.validators import ValidationError

from forms.contact import contact_person, phone_number
from forms.fields import OfficerRow, choice, clock_time, date, rows, short_text
from forms.participants import names_of
from forms.party import PartyForm
from forms.penalty_decision import check_officers
from service.foundations.deadlines import CalendarUnknown, working_days_after
from service.foundations.plaintext import quote_back

LAW = "《中华人民共和国行政处罚法》"
# 第六十四条第三项: public unless it concerns one of three secrets; worded as the 听证笔录 words it.
PUBLICITY = (
    "公开举行",
    "不公开举行（涉及国家秘密）",
    "不公开举行（涉及商业秘密）",
    "不公开举行（涉及个人隐私）",
)
# 第六十四条第二项: the party is told 七日 before the hearing, working days by 第八十五条.
NOTICE_DAYS = 7


def earliest_hearing(notice_date: dt.date) -> tuple[dt.date, str | None]:
    """Return the first day a hearing noticed on notice_date may be held, and a caveat if guessed.

    In a year the holiday calendar does not know, Monday to Friday are counted as working
    days and the caveat says to check the date by hand.
    """
    try:
        return working_days_after(notice_date, NOTICE_DAYS), None
    except CalendarUnknown as unknown:
        day, counted = notice_date, 0
        while counted < NOTICE_DAYS:
            day += dt.timedelta(days=1)
            counted += day.weekday() < 5
        return day, str(unknown)


class HearingNoticeForm(PartyForm):
    """Facts of one 听证通知书, sent to the party that asked for a hearing."""

    request_date = date("当事人要求听证的日期")
    hearing_date = date("听证日期")
    hearing_time = clock_time("听证开始时间")
    place = short_text("听证地点", max_length=60)
    host = short_text("听证主持人", max_length=20)
    recorder = short_text("记录员", max_length=20)
    officers = rows(OfficerRow, "本案调查人员", max_entries=10)
    public = choice("是否公开举行", PUBLICITY)
    notice_date = date("通知日期")
    contact = contact_person()
    phone = phone_number()

    def validate_request_date(self, field: Field) -> None:
        """The party asked for the hearing before it is noticed."""
        if field.data and self.notice_date.data and field.data > self.notice_date.data:
            raise ValidationError(
                f"当事人要求听证的日期（{field.data.isoformat()}）不能晚于通知日期"
                f"（{self.notice_date.data.isoformat()}）"
            )

    def validate_hearing_date(self, field: Field) -> None:
        """The hearing is held at least seven working days after the notice (第六十四条第二项)."""
        if not field.data or not self.notice_date.data:
            return
        earliest, caveat = earliest_hearing(self.notice_date.data)
        if caveat:
            self.warn(f"{caveat}；本次按周一至周五为工作日计算听证日期")
        if field.data < earliest:
            raise ValidationError(
                f"行政机关应当在举行听证的七日前通知当事人（{LAW}第六十四条第二项，七日指工作日，"
                f"第八十五条）：通知日期为{self.notice_date.data.isoformat()}的，听证日期不能早于"
                f"{earliest.isoformat()}"
            )

    def validate_officers(self, field: FieldList) -> None:
        """At least two investigators, each with a certificate of his or her own (第四十二条)."""
        check_officers(field)

    def validate_host(self, field: Field) -> None:
        """The host is not an investigator of the case (第六十四条第四项)."""
        if field.data in names_of(self.officers):
            raise ValidationError(
                f"{quote_back(field.data)}是本案调查人员：听证由行政机关指定的非本案调查人员主持"
                f"（{LAW}第六十四条第四项），请改由其他人员主持"
            )

    def validate_recorder(self, field: Field) -> None:
        """The recorder is neither the host nor an investigator, as the 听证笔录 requires.

        The statute names only the host; practice keeps investigators away from the record of
        their own case too, and one person cannot both conduct the hearing and write it down.
        """
        if field.data and field.data == self.host.data:
            raise ValidationError("记录员不能由主持人兼任，请另行指定记录员")
        if field.data in names_of(self.officers):
            raise ValidationError(
                f"{quote_back(field.data)}是本案调查人员：调查人员不担任听证记录员，请另行指定"
            )

"""询问笔录: the record of one inquiry in a case (行政处罚法 第四十二条、第四十三条、第五十五条)."""

from __future__ import annotations

import datetime as dt

from wtforms import Field, FieldList
from wtforms.validators import ValidationError

from forms.contact import phone_number
from forms.fields import (
    InstrumentForm,
    OfficerRow,
    choice,
    clock_time,
    date,
    least_rows,
    picks,
    required_when,
    rows,
    short_text,
    shown_when,
)
from forms.identity import resident_id_problem
from forms.records import (
    LAW,
    MIN_OFFICERS,
    ExchangeRow,
    officer_names,
    officers_problem,
    same_person,
    span_problem,
    statement,
)

MALE, FEMALE = "男", "女"
PARTY, REPRESENTATIVE, STAFF = "当事人本人", "当事人的法定代表人（负责人）", "当事人的工作人员"
RELATIONS = (PARTY, REPRESENTATIVE, STAFF, "证人", "其他有关人员")
NO_RECUSAL, RECUSAL = "不申请回避", "申请回避"
CHECKED, READ_OUT, REFUSED = "被询问人核对无误", "向被询问人宣读", "被询问人拒绝签名"
CONFIRMATIONS = (CHECKED, READ_OUT, REFUSED)


class InquiryRecordForm(InstrumentForm):
    """Facts of one 询问笔录: who was asked, by whom, when and where, what was said, how confirmed."""

    inquiry_date = date("询问日期")
    start_time = clock_time("询问开始时间")
    end_time = clock_time("询问结束时间")
    place = short_text("询问地点", max_length=100)
    interviewee = short_text("被询问人", max_length=20)
    interviewee_sex = choice("被询问人性别", (MALE, FEMALE))
    interviewee_id = short_text("被询问人公民身份号码", max_length=18)
    interviewee_employer = required_when(
        picks(short_text("被询问人工作单位", max_length=60, required=False), "units"),
        lambda form: form.relation.data in (REPRESENTATIVE, STAFF),
        "被询问人是当事人的法定代表人（负责人）或者工作人员的，请填写其工作单位",
    )
    interviewee_position = short_text("被询问人职务", max_length=30, required=False)
    interviewee_phone = phone_number("被询问人联系电话", required=False)
    interviewee_address = short_text("被询问人住址", max_length=100, required=False)
    relation = choice("被询问人与本案的关系", RELATIONS)
    officers = least_rows(rows(OfficerRow, "询问人", max_entries=10), MIN_OFFICERS)
    recorder = short_text("记录人", max_length=20)
    certificates_shown = statement(
        "询问人已出示执法证件，告知被询问人应当如实回答询问、协助调查，以及有权申请回避",
        "询问前执法人员应当出示执法证件，告知被询问人应当如实回答询问、协助调查"
        f"（{LAW}第五十五条）以及有权申请回避（第四十三条）；未出示、告知的询问不能作为笔录，"
        "请在出示、告知后勾选此项",
    )
    recusal = choice("被询问人是否申请回避", (NO_RECUSAL, RECUSAL))
    recusal_note = required_when(
        shown_when(
            short_text("申请回避的对象和理由", max_length=200, required=False), "recusal", RECUSAL
        ),
        lambda form: form.recusal.data == RECUSAL,
        f"被询问人申请回避的，请记录申请回避的执法人员和理由，报本局负责人决定（{LAW}第四十三条）",
    )
    exchanges = rows(ExchangeRow, "询问内容（一问一答）", max_entries=300)
    confirmation = choice("笔录确认方式", CONFIRMATIONS)
    refusal_reason = required_when(
        shown_when(
            short_text("被询问人拒绝签名的理由", max_length=200, required=False),
            "confirmation",
            REFUSED,
        ),
        lambda form: form.confirmation.data == REFUSED,
        "被询问人拒绝签名的，请记录其拒绝签名的理由或者情况",
    )

    def validate_end_time(self, field: Field) -> None:
        """The inquiry ends after it starts, within a span one sitting can take."""
        problem = span_problem(self.start_time.data, field.data, "询问")
        if problem:
            raise ValidationError(problem)

    def validate_interviewee(self, field: Field) -> None:
        """No officer questions himself, nor records his own answers."""
        if same_person(field.data, [*officer_names(self.officers), self.recorder.data]):
            raise ValidationError("被询问人不能同时是本次询问的询问人或者记录人，请核对姓名")

    def validate_interviewee_id(self, field: Field) -> None:
        """A well-formed number (GB 11643), born before the inquiry, of the sex it encodes."""
        number = field.data.upper()
        problem = resident_id_problem(number)
        if problem:
            raise ValidationError(problem)
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        if isinstance(self.inquiry_date.data, dt.date) and born >= self.inquiry_date.data:
            raise ValidationError(
                f"公民身份号码中的出生日期{number[6:14]}不早于询问日期，请核对号码"
            )
        # GB 11643: the 17th digit, the order code's last, is odd for men and even for women.
        encoded = MALE if int(number[16]) % 2 else FEMALE
        sex = self.interviewee_sex.data
        if sex in (MALE, FEMALE) and sex != encoded:
            raise ValidationError(
                f"公民身份号码的第17位表示性别为{encoded}，与所选性别{sex}不一致，请核对号码或者性别"
            )

    def validate_officers(self, field: FieldList) -> None:
        """Two or more officers asked the questions, each with a certificate of his or her own."""
        problem = officers_problem(field, "询问人")
        if problem:
            raise ValidationError(problem)

    def validate_recusal_note(self, field: Field) -> None:
        """An application for recusal is recorded only when one was made."""
        if field.data and self.recusal.data == NO_RECUSAL:
            raise ValidationError("被询问人不申请回避的，不填写申请回避的对象和理由")

    def validate_exchanges(self, field: FieldList) -> None:
        """An inquiry is recorded as what was asked and answered: one exchange at least."""
        if not field.entries:
            raise ValidationError(f"询问应当制作笔录（{LAW}第五十五条），请至少记录一组询问和回答")

    def validate_refusal_reason(self, field: Field) -> None:
        """A refusal's reason is recorded only when the person refused to sign."""
        if field.data and self.confirmation.data != REFUSED:
            raise ValidationError("被询问人没有拒绝签名的，不填写拒绝签名的理由")

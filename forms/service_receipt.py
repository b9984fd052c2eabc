"""送达回证: how one instrument reached its addressee, by 行政处罚法 第六十一条 and 民事诉讼法 第八十七条至第九十五条.

行政处罚法 第六十一条 serves the bureau's instruments "依照《中华人民共和国民事诉讼法》的有关规定";
the articles cited are those of the 民事诉讼法 as amended in 2023 (the service section kept the
numbering of the 2021 amendment).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection

from wtforms import Field, FieldList, Form
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation, ValidationError

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
)
from service.foundations.deadlines import CalendarUnknown, working_days_after
from service.foundations.formatting import format_date
from service.foundations.plaintext import quote_many

DIRECT, LEFT, POST, ELECTRONIC, NOTICE = "直接送达", "留置送达", "邮寄送达", "电子送达", "公告送达"
METHODS = (DIRECT, LEFT, POST, ELECTRONIC, NOTICE)
# The methods where a person signs for the document: the recipient, or someone for it.
SIGNED = (DIRECT, POST)
# Who may sign for the recipient (民事诉讼法 第八十八条): a citizen's adult family member living
# with him or her; a legal person's 法定代表人, an organisation's 主要负责人, or the person there
# who takes in post; an agent; the person the recipient named to receive for it.
RELATIONS = (
    "同住成年家属",
    "法定代表人",
    "主要负责人",
    "负责收件的人",
    "委托代理人",
    "指定的代收人",
)
# 民事诉讼法 第九十五条: served once thirty days have passed since the notice was published.
NOTICE_DAYS = 30
# 行政处罚法 第六十一条: a decision not handed over when announced is served within 七日, which
# 第八十五条 counts in working days.
DECISION = "penalty_decision"
DECISION_DAYS = 7
MIN_SERVERS, MIN_SERVERS_LEFT = 1, 2
TRACKING = re.compile(r"[A-Za-z0-9]{8,30}")


def method_is(*methods: str) -> Callable[[Form], bool]:
    """Return a condition: the receipt's 送达方式 is one of methods."""
    return lambda form: form.method.data in methods


class OnlyFor:
    """Refuses a field filled in for a 送达方式 that does not record it."""

    def __init__(self, methods: Collection[str], why: str) -> None:
        self.methods = methods
        self.why = why

    def __call__(self, form: Form, field: Field) -> None:
        given = bool(field.raw_data) and str(field.raw_data[0]).strip() != ""
        method = form.method.data
        if given and method in METHODS and method not in self.methods:
            field.errors[:] = []
            raise StopValidation(f"{method}不填写{field.label.text}：{self.why}")


def for_methods(
    unbound: UnboundField, methods: Collection[str], why: str, required: str | None = None
) -> UnboundField:
    """Return the optional field, refused under other methods and required (with message) under these."""
    unbound.kwargs["validators"].insert(0, OnlyFor(methods, why))
    if required is not None:
        required_when(unbound, method_is(*methods), required)
    return unbound


class WitnessRow(RowForm):
    """One witness of a refusal: a representative of the local 基层组织 or of the recipient's unit."""

    name = short_text("姓名", max_length=20)
    identity = short_text("身份或者所在单位", max_length=60)


class ServerRow(RowForm):
    """One person who served the document (送达人), who signs the receipt."""

    names_an_officer = True  # a 执法证号 given is checked against the officer directory
    name = picks(short_text("姓名", max_length=20), "officers", {"certificate": "certificate"})
    certificate = short_text("执法证号", max_length=40, required=False)


class ServiceReceiptForm(InstrumentForm):
    """Facts of one 送达回证: what was served on whom, how, when, and who signed or why not."""

    served_number = short_text("送达文书文号", max_length=60)
    served_title = short_text("送达文书名称", max_length=60)
    recipient = picks(short_text("受送达人", max_length=100), "units")
    method = choice("送达方式", METHODS)
    served_on = date("送达日期")
    place = required_when(
        for_methods(
            short_text("送达地点", max_length=100, required=False),
            (DIRECT, LEFT, POST),
            "电子送达记录电子送达地址，公告送达记录公告方式",
        ),
        method_is(LEFT),
        "留置送达是把文书留在受送达人的住所，请填写送达地点（《中华人民共和国民事诉讼法》第八十九条）",
    )
    signer = for_methods(
        short_text("签收人", max_length=60, required=False),
        SIGNED,
        "只有直接送达和邮寄送达有人签收",
        required=(
            "请填写签收人：受送达人在送达回证上签名或者盖章，邮寄送达为回执上的签收人"
            "（《中华人民共和国民事诉讼法》第八十七条、第九十一条）"
        ),
    )
    signer_relation = required_when(
        choice("代收理由（签收人与受送达人的关系）", RELATIONS, required=False),
        lambda form: (
            form.method.data in SIGNED
            and bool(form.signer.data)
            and form.signer.data != form.recipient.data
        ),
        "签收人不是受送达人本人的，请选择代收理由：受送达人是公民的，本人不在时交同住成年家属签收；"
        "是法人或者其他组织的，由法定代表人、主要负责人或者负责收件的人签收"
        "（《中华人民共和国民事诉讼法》第八十八条）",
    )
    refusal_reason = for_methods(
        short_text("拒收事由", max_length=200, required=False),
        (LEFT,),
        "只有留置送达记录拒收事由",
        required="留置送达应当在送达回证上记明拒收事由（《中华人民共和国民事诉讼法》第八十九条）",
    )
    witnesses = rows(WitnessRow, "见证人", max_entries=5)
    recording = for_methods(
        short_text("拍照、录像记录", max_length=200, required=False),
        (LEFT,),
        "只有留置送达以拍照、录像等方式记录送达过程",
    )
    tracking_number = for_methods(
        short_text("邮件号", max_length=30, required=False),
        (POST,),
        "只有邮寄送达有邮件号",
        required="邮寄送达请填写邮件号，以回执上注明的收件日期为送达日期（《中华人民共和国民事诉讼法》第九十一条）",
    )
    consent_date = for_methods(
        date("受送达人同意电子送达的日期", required=False),
        (ELECTRONIC,),
        "只有电子送达需要受送达人同意",
        required=(
            "电子送达须经受送达人同意并签订确认书，请填写其同意的日期"
            "（《中华人民共和国行政处罚法》第六十一条第二款、《中华人民共和国民事诉讼法》第九十条）"
        ),
    )
    address = for_methods(
        short_text("电子送达地址", max_length=100, required=False),
        (ELECTRONIC,),
        "只有电子送达有电子送达地址",
        required="请填写受送达人确认的电子送达地址（电子邮箱、手机号码等）",
    )
    notice_medium = for_methods(
        short_text("公告方式", max_length=100, required=False),
        (NOTICE,),
        "只有公告送达有公告方式",
        required="请填写公告的方式：张贴的地点，或者刊登的报纸、网站",
    )
    notice_date = for_methods(
        date("公告日期", required=False),
        (NOTICE,),
        "只有公告送达有公告日期",
        required="请填写发出公告的日期（最后张贴或者刊登的日期）",
    )
    notice_reason = for_methods(
        short_text("公告送达的原因", max_length=200, required=False),
        (NOTICE,),
        "只有公告送达记明公告的原因",
        required=(
            "公告送达只能在受送达人下落不明，或者用其他方式无法送达时采用，应当记明原因和经过"
            "（《中华人民共和国民事诉讼法》第九十五条）"
        ),
    )
    server = rows(ServerRow, "送达人", max_entries=5)
    remarks = long_text("备注", max_length=300, required=False)

    def validate_signer_relation(self, field: Field) -> None:
        """A relation is recorded only for someone signing for the recipient."""
        if not self.signer.data:
            raise ValidationError("没有签收人的，不填写代收理由")
        if self.signer.data == self.recipient.data:
            raise ValidationError("签收人是受送达人本人的，不填写代收理由")

    def validate_served_on(self, field: Field) -> None:
        """公告送达 is served thirty days after the notice; a late decision is brought to the clerk's attention."""
        if self.method.data == NOTICE and isinstance(self.notice_date.data, dt.date):
            due = self.notice_date.data + dt.timedelta(days=NOTICE_DAYS)
            if field.data != due:
                raise ValidationError(
                    f"公告送达自发出公告之日起经过三十日即视为送达：公告日期为"
                    f"{format_date(self.notice_date.data)}的，送达日期是{format_date(due)}"
                    "（《中华人民共和国民事诉讼法》第九十五条）"
                )
        self._warn_if_decision_late(field.data)

    def _warn_if_decision_late(self, served_on: dt.date) -> None:
        """A penalty decision served after 七日 (working days) breaks 行政处罚法 第六十一条: a warning."""
        served = self.archive.find(self.served_number.data or "") if self.archive else None
        if served is None or served.kind != DECISION:
            return
        try:
            limit = working_days_after(served.document_date, DECISION_DAYS)
        except CalendarUnknown as error:
            self.warn(f"无法核对行政处罚决定书是否在七日内送达：{error}")
            return
        if served_on > limit:
            self.warn(
                f"行政处罚决定书{served.number}于{format_date(served.document_date)}作出，"
                f"{format_date(served_on)}才送达，已超过七个工作日（应当在{format_date(limit)}前送达，"
                "《中华人民共和国行政处罚法》第六十一条、第八十五条）：请在案卷中说明迟延送达的原因"
            )

    def validate_consent_date(self, field: Field) -> None:
        """The recipient agrees to electronic service before it is used (行政处罚法 第六十一条第二款)."""
        if isinstance(self.served_on.data, dt.date) and field.data > self.served_on.data:
            raise ValidationError(
                f"受送达人同意电子送达的日期不能晚于送达日期{format_date(self.served_on.data)}："
                "电子送达须事先经受送达人同意并签订确认书"
            )

    def validate_tracking_number(self, field: Field) -> None:
        """A postal item number is letters and digits (EMS: 13 digits, or 2 letters, 9 digits, 2 letters)."""
        if not TRACKING.fullmatch(field.data):
            raise ValidationError("邮件号应当是8至30位字母或者数字，如 1151234567890，请照回执填写")

    def validate_witnesses(self, field: FieldList) -> None:
        """留置送达 is witnessed, or recorded by photo or video (民事诉讼法 第八十九条); no other method has witnesses."""
        if self.method.data != LEFT:
            if field.entries and self.method.data in METHODS:
                raise ValidationError(f"{self.method.data}不填写见证人：只有留置送达有见证人")
            return
        if not field.entries and not self.recording.data:
            raise ValidationError(
                "留置送达应当邀请有关基层组织或者所在单位的代表到场见证，或者采用拍照、录像等方式"
                "记录送达过程（《中华人民共和国民事诉讼法》第八十九条）：请填写见证人，或者填写拍照、录像记录"
            )
        servers = {entry.form.name.data for entry in self.server.entries}
        both = [e.form.name.data for e in field.entries if e.form.name.data in servers]
        if both:
            raise ValidationError(f"{quote_many(both)}是送达人，不能同时作为见证人")

    def validate_server(self, field: FieldList) -> None:
        """One server signs the receipt; two where it records a refusal, each named once."""
        least = MIN_SERVERS_LEFT if self.method.data == LEFT else MIN_SERVERS
        if len(field.entries) < least:
            raise ValidationError(
                "留置送达应当由两名送达人在送达回证上签名，请填写2名送达人"
                if least == MIN_SERVERS_LEFT
                else "请填写送达人"
            )
        names = [entry.form.name.data for entry in field.entries]
        repeated = sorted({name for name in names if name and names.count(name) > 1})
        if repeated:
            raise ValidationError(f"送达人{quote_many(repeated)}重复填写")

"""听证笔录: the record of a hearing held under 行政处罚法 第六十四条, signed as its 第八项 requires."""

from __future__ import annotations

from wtforms import Field, FieldList
from wtforms.validators import ValidationError

from forms.fields import (
    InstrumentForm,
    OfficerRow,
    RowForm,
    choice,
    clock_time,
    date,
    flag,
    least_rows,
    long_text,
    picks,
    required_when,
    rows,
    short_text,
    shown_when,
)
from forms.hearing_notice import PUBLICITY  # recorded as the notice announced it
from forms.participants import names_of, person_named, repeated
from forms.party import PARTY_TYPES, PERSON, SERVICE_FIRM, UNIT
from service.foundations.plaintext import quote_back, quote_many

LAW = "《中华人民共和国行政处罚法》"
IN_PERSON, REPRESENTATIVE, AGENT = "当事人", "法定代表人", "委托代理人"
ATTENDEE_ROLES = (IN_PERSON, REPRESENTATIVE, AGENT)
MAX_AGENTS = 2  # 第六十四条第五项：可以委托一至二人代理
OTHER_ROLES = ("第三人", "证人", "鉴定人", "翻译人员", "其他")
NO_RECUSAL, RECUSAL = "未申请回避", "申请回避"
# 第六十四条第六项: the hearing ends without the party, who is taken to have waived it.
ABSENT = "当事人及其代理人无正当理由拒不出席听证"
WALKED_OUT = "当事人及其代理人未经许可中途退出听证"
TERMINATIONS = (ABSENT, WALKED_OUT)
REFUSED = "当事人或者其代理人拒绝签字或者盖章"
# 第六十四条第八项: the record is given to the party to check, or read out to one who cannot
# read it, then signed or sealed; a refusal is noted by the host.
CONFIRMATIONS = ("交当事人或者其代理人核对无误", "向当事人或者其代理人宣读，确认无误", REFUSED)
MIN_OFFICERS = 2  # 第四十二条：执法人员不得少于两人
PARTICIPANTS = ("host", "recorder", "officers", "party_attendees", "others")


class AttendeeRow(RowForm):
    """One person appearing for the party: the party in person, its representative or an agent."""

    name = short_text("姓名", max_length=20)
    role = choice("身份", ATTENDEE_ROLES)
    unit = short_text("工作单位及职务", max_length=60, required=False)


class OtherRow(RowForm):
    """Another participant: a third party, a witness, an expert, an interpreter."""

    name = short_text("姓名", max_length=20)
    role = choice("身份", OTHER_ROLES)


class ProceedingRow(RowForm):
    """One turn of the hearing: who spoke, and what was said (one paragraph)."""

    speaker = short_text("发言人", max_length=30)
    content = short_text("内容", max_length=2000)


class HearingRecordForm(InstrumentForm):
    """Facts of one 听证笔录."""

    cause = short_text("案由", max_length=100)
    party_name = picks(short_text("当事人姓名或者名称", max_length=60), "units")
    party_type = choice("当事人类型", PARTY_TYPES)
    hearing_date = date("听证日期")
    start_time = clock_time("开始时间")
    end_time = clock_time("结束时间")
    place = short_text("听证地点", max_length=100)
    public = choice("是否公开举行", PUBLICITY)
    host = short_text("主持人", max_length=20)
    recorder = short_text("记录员", max_length=20)
    officers = least_rows(rows(OfficerRow, "调查人员", max_entries=10), MIN_OFFICERS)
    party_attendees = rows(AttendeeRow, "当事人一方出席人员", max_entries=5)
    others = rows(OtherRow, "其他听证参加人", max_entries=20)
    rights_told = flag(
        "主持人已核对出席人员身份，宣布听证纪律，告知当事人申请回避、申辩和质证的权利"
    )
    recusal = choice("回避申请", (NO_RECUSAL, RECUSAL))
    recusal_decision = required_when(
        shown_when(
            short_text("回避申请的理由和处理决定", max_length=300, required=False),
            "recusal",
            RECUSAL,
        ),
        lambda form: form.recusal.data == RECUSAL,
        "当事人申请回避的，请记录申请的理由和处理决定",
    )
    proceedings = rows(ProceedingRow, "听证经过", max_entries=300)
    final_statement = required_when(
        shown_when(long_text("当事人最后陈述", max_length=2000, required=False), "termination", ""),
        lambda form: not form.termination.data,
        "请记录当事人或者其代理人的最后陈述",
    )
    termination = choice("听证终止情形", TERMINATIONS, required=False)
    confirmation = required_when(
        shown_when(choice("笔录核对情况", CONFIRMATIONS, required=False), "termination", ""),
        lambda form: not form.termination.data,
        f"请选择笔录核对情况：笔录应当交当事人或者其代理人核对无误后签字或者盖章（{LAW}第六十四条第八项）",
    )
    refusal_note = required_when(
        shown_when(
            short_text("主持人注明的拒绝签字或者盖章情况", max_length=300, required=False),
            "confirmation",
            REFUSED,
        ),
        lambda form: form.confirmation.data == REFUSED,
        f"当事人或者其代理人拒绝签字或者盖章的，由听证主持人在笔录中注明（{LAW}第六十四条第八项），请记录",
    )

    def officer_names(self) -> list[str]:
        """Return the investigators' names."""
        return names_of(self.officers)

    def party_side(self) -> list[str]:
        """Return the names of those who appeared for the party."""
        return names_of(self.party_attendees)

    def validate_end_time(self, field: Field) -> None:
        """The hearing ends after it begins, on the day it is held."""
        if field.errors or self.start_time.errors or not self.start_time.data:
            return
        if field.data <= self.start_time.data:
            raise ValidationError(f"结束时间{field.data}应当晚于开始时间{self.start_time.data}")

    def validate_officers(self, field: FieldList) -> None:
        """Two or more investigators present the case (第四十二条, 第六十四条第七项), each with a certificate."""
        if len(field.entries) < MIN_OFFICERS:
            raise ValidationError(
                f"听证应当由本案调查人员提出当事人违法的事实、证据和行政处罚建议（{LAW}"
                "第六十四条第七项），调查人员不得少于两人（第四十二条），请填写至少2名"
            )
        twice = repeated(names_of(field, "certificate"))
        if twice:
            raise ValidationError(
                f"执法证号{quote_many(twice)}重复：每名调查人员应当持有各自的执法证件"
            )

    def validate_host(self, field: Field) -> None:
        """The host is not an investigator of the case (第六十四条第四项)."""
        if field.data in self.officer_names():
            raise ValidationError(
                f"{quote_back(field.data)}是本案调查人员：听证由行政机关指定的非本案调查人员主持"
                f"（{LAW}第六十四条第四项），请改由其他人员主持"
            )

    def validate_recorder(self, field: Field) -> None:
        """The recorder is neither the host nor an investigator.

        The statute names only the host; practice keeps investigators away from the record of
        their own case too (《市场监督管理行政处罚听证办法》第十一条: 办案人员不得担任听证主持人、
        听证员和记录员), and one person cannot both conduct the hearing and write it down.
        """
        if field.data and field.data == self.host.data:
            raise ValidationError("记录员不能由主持人兼任，请另行指定记录员")
        if field.data in self.officer_names():
            raise ValidationError(
                f"{quote_back(field.data)}是本案调查人员：调查人员不担任听证记录员，请另行指定"
            )

    def validate_party_attendees(self, field: FieldList) -> None:
        """Who appeared for the party, as 第六十四条第五、六项 allow."""
        if self.termination.data == ABSENT:
            if field.entries:
                raise ValidationError(
                    "听证终止情形为当事人及其代理人拒不出席的，不应填写当事人一方出席人员"
                )
            return
        if not field.entries:
            raise ValidationError(
                "请填写出席听证的当事人或者其代理人；当事人及其代理人无正当理由拒不出席的，"
                f"视为放弃听证权利，终止听证（{LAW}第六十四条第六项），请选择听证终止情形"
            )
        twice = repeated(self.party_side())
        if twice:
            raise ValidationError(f"{quote_many(twice)}填写了不止一次")
        problem = self.roles_problem([entry.form.role.data for entry in field.entries])
        if problem:
            raise ValidationError(problem)

    def roles_problem(self, roles: list[str]) -> str | None:
        """Return what is wrong with the roles of those who appeared for the party, if anything."""
        if roles.count(AGENT) > MAX_AGENTS:
            return f"当事人可以委托一至二人代理（{LAW}第六十四条第五项），委托代理人不能超过2人"
        if roles.count(REPRESENTATIVE) > 1 or roles.count(IN_PERSON) > 1:
            return "当事人本人或者法定代表人只有一人，请核对出席人员的身份"
        if self.party_type.data == PERSON and REPRESENTATIVE in roles:
            return "当事人是个人的，没有法定代表人：本人出席的，身份请选择“当事人”"
        if self.party_type.data in (UNIT, SERVICE_FIRM) and IN_PERSON in roles:
            return (
                f"当事人是{self.party_type.data}的，由其法定代表人或者委托代理人出席，"
                "身份请选择“法定代表人”或者“委托代理人”"
            )
        return None

    def validate_others(self, field: FieldList) -> None:
        """Another participant is not also the host, the recorder, an investigator or the party's."""
        inside = {self.host.data, self.recorder.data, *self.officer_names(), *self.party_side()}
        clash = sorted(set(names_of(field)) & inside)
        if clash:
            raise ValidationError(
                f"{quote_many(clash)}已作为主持人、记录员、调查人员或者当事人一方出席人员填写，"
                "不应再列为其他听证参加人"
            )

    def validate_rights_told(self, field: Field) -> None:
        """The host told the party of its rights, unless nobody appeared to be told."""
        if not field.data and self.termination.data != ABSENT:
            raise ValidationError(
                "主持人应当核对出席人员身份、宣布听证纪律，并告知当事人有申请回避、申辩和质证的权利"
                f"（{LAW}第六十四条第四项、第七项）；请在告知后勾选"
            )

    def validate_recusal_decision(self, field: Field) -> None:
        """A decision on recusal is recorded only when recusal was asked for."""
        if self.recusal.data == NO_RECUSAL:
            raise ValidationError("当事人未申请回避的，不填写回避申请的处理决定")

    def validate_proceedings(self, field: FieldList) -> None:
        """Every speaker took part; the investigators and, if present, the party were heard (第七项)."""
        if not field.entries:
            raise ValidationError("请记录听证经过：每一项是一名发言人的一段发言")
        if any(self[name].errors for name in PARTICIPANTS):
            return  # who took part is not known yet: its own field says what is wrong
        present = {
            self.host.data,
            self.recorder.data,
            *self.officer_names(),
            *self.party_side(),
            *names_of(self.others),
        }
        speakers = [entry.form.speaker.data or "" for entry in field.entries]
        for index, speaker in enumerate(speakers, start=1):
            if speaker and person_named(speaker, present) is None:
                raise ValidationError(
                    f"第{index}项：发言人“{quote_back(speaker)}”不是听证参加人员；请写明其姓名，"
                    "如“主持人张立新”“调查人员李卫东”"
                )
        if self.termination.data:
            return
        if not any(person_named(s, self.officer_names()) for s in speakers):
            raise ValidationError(
                f"听证经过中没有调查人员的发言：调查人员应当提出当事人违法的事实、证据和行政处罚建议"
                f"（{LAW}第六十四条第七项）"
            )
        if not any(person_named(s, self.party_side()) for s in speakers):
            raise ValidationError(
                f"听证经过中没有当事人一方的发言：当事人进行申辩和质证（{LAW}第六十四条第七项），"
                "请记录其发言；当事人放弃申辩的，也请记录其表示"
            )

    def validate_final_statement(self, field: Field) -> None:
        """There is no final statement when the party stayed away."""
        if self.termination.data == ABSENT:
            raise ValidationError("当事人及其代理人拒不出席听证的，没有最后陈述，请不要填写")

    def validate_confirmation(self, field: Field) -> None:
        """A hearing terminated without the party is not checked by it; the host notes why."""
        if self.termination.data:
            raise ValidationError(
                "听证终止的，当事人一方没有核对笔录，不填写核对情况：终止的情形由主持人在笔录中注明"
            )

    def validate_refusal_note(self, field: Field) -> None:
        """A refusal is noted only when the party refused to sign."""
        if self.confirmation.data != REFUSED:
            raise ValidationError("当事人或者其代理人没有拒绝签字或者盖章的，不填写拒绝情况")

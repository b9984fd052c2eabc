"""集体讨论记录: the heads' collective discussion of a case under 行政处罚法 第五十七条."""

from __future__ import annotations

from wtforms import Field, FieldList
from wtforms.validators import ValidationError

from forms.fields import (
    InstrumentForm,
    RowForm,
    amount,
    choice,
    clock_time,
    date,
    long_text,
    picks,
    required_when,
    rows,
    short_text,
    shown_when,
)
from forms.participants import names_of, person_named, repeated
from service.foundations.plaintext import quote_back, quote_many

LAW = "《中华人民共和国行政处罚法》"
# 第五十七条第一款: the four decisions the heads may reach when the investigation ends.
PENALTY = "给予行政处罚"  # the conclusion that lets the penalty decision proceed
REFERRAL = "移送司法机关"
CONCLUSIONS = (
    PENALTY,
    "不予行政处罚（违法行为轻微）",
    "不予行政处罚（违法事实不能成立）",
    REFERRAL,
)
FINE = "罚款"
# The law says who discusses (the heads, 第五十七条第二款) but not how many. Two heads are a
# consultation, not a collective: a majority needs three or more, and a bureau's leadership
# (局长 and at least two 副局长, or a 局务会) has them. A bureau short of three heads cannot
# hold this discussion alone and refers the case upward; a record of fewer is refused.
MIN_HEADS = 3


class MemberRow(RowForm):
    """One person at the meeting, with his or her position."""

    name = short_text("姓名", max_length=20)
    position = short_text("职务", max_length=30)


class OpinionRow(RowForm):
    """One opinion given in the discussion: who gave it, and what it was (one paragraph)."""

    speaker = short_text("发言人", max_length=30)
    opinion = short_text("意见", max_length=2000)


class CollectiveDiscussionForm(InstrumentForm):
    """Facts of one 集体讨论记录."""

    cause = short_text("案由", max_length=100)
    party_name = picks(short_text("当事人姓名或者名称", max_length=60), "units")
    meeting_date = date("讨论日期")
    start_time = clock_time("开始时间")
    end_time = clock_time("结束时间", required=False)
    place = short_text("地点", max_length=100)
    chair = short_text("主持人", max_length=20)
    attendees = rows(MemberRow, "参加讨论的负责人", max_entries=20)
    nonvoting = rows(MemberRow, "列席人员", max_entries=20)
    recorder = short_text("记录人", max_length=20)
    report = long_text("承办人汇报", max_length=3000)
    discussion = rows(OpinionRow, "讨论意见", max_entries=100)
    conclusion = choice("讨论结论（行政处罚法第五十七条）", CONCLUSIONS)
    decision_summary = required_when(
        shown_when(
            long_text("决定内容", max_length=1000, required=False),
            "conclusion",
            PENALTY,
            REFERRAL,
        ),
        lambda form: form.conclusion.data in (PENALTY, REFERRAL),
        "请写明决定的内容：给予行政处罚的，写明处罚的种类和依据；移送司法机关的，写明移送的机关",
    )
    fine = amount("罚款金额", required=False)

    def heads(self) -> list[str]:
        """Return the names of the heads who took part."""
        return names_of(self.attendees)

    def validate_end_time(self, field: Field) -> None:
        """The meeting ends after it begins."""
        if field.errors or self.start_time.errors or not self.start_time.data:
            return
        if field.data <= self.start_time.data:
            raise ValidationError(f"结束时间{field.data}应当晚于开始时间{self.start_time.data}")

    def validate_attendees(self, field: FieldList) -> None:
        """Three heads or more, each once (第五十七条第二款: 负责人集体讨论)."""
        if len(field.entries) < MIN_HEADS:
            raise ValidationError(
                f"对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定（{LAW}"
                f"第五十七条第二款）：参加讨论的负责人应当不少于{MIN_HEADS}人"
            )
        twice = repeated(self.heads())
        if twice:
            raise ValidationError(f"{quote_many(twice)}填写了不止一次")

    def validate_chair(self, field: Field) -> None:
        """The chair is one of the heads who discussed the case."""
        if field.data not in self.heads():
            raise ValidationError(
                f"主持人“{quote_back(field.data)}”不在参加讨论的负责人中：集体讨论由本机关负责人主持，"
                "请把主持人列入参加讨论的负责人"
            )

    def validate_nonvoting(self, field: FieldList) -> None:
        """Those attending without a say are listed once, and not also among the heads."""
        names = names_of(field)
        twice = repeated(names)
        if twice:
            raise ValidationError(f"{quote_many(twice)}填写了不止一次")
        both = sorted(set(names) & set(self.heads()))
        if both:
            raise ValidationError(f"{quote_many(both)}已列为参加讨论的负责人，不应再列为列席人员")

    def validate_discussion(self, field: FieldList) -> None:
        """Each opinion is of someone present, and every head gave one (集体讨论, not a signature)."""
        if not field.entries:
            raise ValidationError("请记录讨论意见：每一项是一名发言人的意见")
        if self.attendees.errors or self.nonvoting.errors:
            return  # who took part is not known yet: its own field says what is wrong
        present = [*self.heads(), *names_of(self.nonvoting)]
        speakers = [entry.form.speaker.data or "" for entry in field.entries]
        for index, speaker in enumerate(speakers, start=1):
            if speaker and person_named(speaker, present) is None:
                raise ValidationError(
                    f"第{index}项：发言人“{quote_back(speaker)}”不在参加讨论的负责人和列席人员中"
                )
        spoke = {person_named(speaker, present) for speaker in speakers}
        silent = [head for head in self.heads() if head not in spoke]
        if silent:
            raise ValidationError(
                f"参加讨论的负责人{quote_many(silent)}没有发表意见：集体讨论应当记录每名负责人的意见"
            )
        voiced = [person_named(speaker, self.heads()) for speaker in speakers]
        last = [name for name in voiced if name][-1:]
        if self.chair.data in self.heads() and last != [self.chair.data]:
            # 《重大行政决策程序暂行条例》(国务院令第713号) 第三十条: 行政首长最后发表意见 —
            # practice for a penalty, not a rule of 行政处罚法: the record is issued, the clerk reminded.
            self.warn("按照集体讨论的通常做法，主持讨论的负责人应当在其他负责人之后最后发表意见")

    def validate_decision_summary(self, field: Field) -> None:
        """A decision to penalise by a fine names the fine's amount in its own field."""
        if self.conclusion.data == PENALTY and FINE in field.data and self.fine.data is None:
            raise ValidationError("决定内容中有罚款的，请在“罚款金额”中填写金额")

    def validate_fine(self, field: Field) -> None:
        """A fine is decided only with a penalty, is more than nothing, and is in the decision."""
        if field.data is None:
            return
        if self.conclusion.data != PENALTY:
            raise ValidationError(f"讨论结论不是{PENALTY}的，不填写罚款金额")
        if field.data <= 0:
            raise ValidationError("罚款金额应当大于零")
        if FINE not in (self.decision_summary.data or ""):
            raise ValidationError("填写了罚款金额的，决定内容应当写明给予罚款的处罚")

"""What the 笔录 of a case share: a sitting's time span, two certified officers, the 告知, the Q&A."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wtforms import BooleanField, FieldList, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forms.fields import PlainText, RowForm
from forms.participants import names_of, repeated
from service.foundations.plaintext import quote_many

LAW = "《中华人民共和国行政处罚法》"
MIN_OFFICERS = 2  # 行政处罚法 第四十二条：执法人员不得少于两人
# One record is one sitting. A span longer than this is a time mistyped (17:05 for 11:05),
# not an inquiry or an inspection; a real one that long is recorded sitting by sitting.
LONGEST_SITTING_MINUTES = 12 * 60


def _one_line(value: Any) -> Any:
    """Return text typed over several lines as one paragraph (Chinese needs no space between)."""
    if not isinstance(value, str):
        return value
    return "".join(line.strip() for line in value.replace("\r", "\n").split("\n"))


def paragraph(label: str, max_length: int = 2000, required: bool = True) -> TextAreaField:
    """Return a text box whose text is printed as one paragraph: a question, an answer."""
    presence = DataRequired(message=f"请填写{label}") if required else Optional()
    return TextAreaField(
        label,
        validators=[
            presence,
            Length(max=max_length, message=f"{label}不能超过{max_length}个字"),
            PlainText(),
        ],
        filters=[_one_line],
    )


def statement(label: str, message: str) -> BooleanField:
    """Return a box that must be ticked: a step the law requires before the record is made."""
    return BooleanField(
        label,
        validators=[DataRequired(message=message)],
        false_values=(False, "false", "", "0", "n", "no"),
    )


class ExchangeRow(RowForm):
    """One question put and the answer given, each printed as one paragraph (问：/答：)."""

    question = paragraph("问", max_length=1000)
    answer = paragraph("答", max_length=3000)


def officers_problem(field: FieldList, role: str) -> str | None:
    """Return what is wrong with the officers of a record: fewer than two, or a shared certificate."""
    if len(field.entries) < MIN_OFFICERS:
        return (
            f"{role}应当是两名以上具有行政执法资格的执法人员（{LAW}第四十二条），"
            f"请填写至少2名{role}及其执法证号"
        )
    twice = repeated(names_of(field, "certificate"))
    if twice:
        return f"执法证号{quote_many(twice)}重复：每名{role}应当持有各自的执法证件"
    return None


def officer_names(field: FieldList) -> list[str]:
    """Return the names of the officers entered, blanks left out."""
    return [entry.form.name.data for entry in field.entries if entry.form.name.data]


def minutes(clock: Any) -> int | None:
    """Return a time of day HH:MM as minutes after midnight, None when it is not one."""
    if not isinstance(clock, str) or len(clock) != 5 or clock[2] != ":":
        return None
    hours, mins = clock[:2], clock[3:]
    if not (hours.isdigit() and mins.isdigit()) or int(hours) > 23 or int(mins) > 59:
        return None
    return int(hours) * 60 + int(mins)


def span_problem(start: Any, end: Any, sitting: str) -> str | None:
    """Return what is wrong with a sitting from start to end on one day, None when it is plausible.

    Nothing is said while either time is missing or malformed: its own field says so.
    """
    first, last = minutes(start), minutes(end)
    if first is None or last is None:
        return None
    if last <= first:
        return (
            f"结束时间{end}不晚于开始时间{start}：请核对{sitting}的起止时间（24小时制，如 14:30）"
        )
    if last - first > LONGEST_SITTING_MINUTES:
        return (
            f"{sitting}从{start}到{end}，超过{LONGEST_SITTING_MINUTES // 60}小时，"
            "请核对起止时间是否填错；确实分次进行的，每次分别制作笔录"
        )
    return None


def same_person(name: str | None, others: Sequence[str | None]) -> bool:
    """Return whether a name, ignoring spaces, is one of the others."""
    if not name:
        return False
    plain = "".join(name.split())
    return any(other and "".join(other.split()) == plain for other in others)

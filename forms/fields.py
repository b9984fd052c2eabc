"""Shared field kinds: short and long text, dates, choices, each with Chinese messages."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from wtforms import (
    DateField,
    Field,
    Form,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

DATE_HINT = "日期格式应为 年-月-日，如 2026-03-05"


class InstrumentForm(Form):
    """Base of every instrument's form: Chinese messages for WTForms' built-in checks."""

    class Meta:
        locales = ("zh_CN", "zh")


class PlainText:
    """Refuses characters that cannot be printed: control characters, lone surrogates, U+FFFE/F.

    Line breaks are allowed only where multiline is true (long text, one paragraph a line).
    """

    def __init__(self, multiline: bool = False) -> None:
        self.allowed = {"\n", "\t"} if multiline else set()

    def __call__(self, form: Form, field: Field) -> None:
        text = field.data or ""
        for position, char in enumerate(text, start=1):
            if char in self.allowed:
                continue
            if unicodedata.category(char) in {"Cc", "Cs"} or char in "\ufffe\uffff":
                kind = "换行" if char in "\r\n" else "不可打印的控制字符"
                raise ValidationError(
                    f"第{position}个字符是{kind}（U+{ord(char):04X}），请删除后再提交"
                )


class ChineseDateField(DateField):
    """A date written 年-月-日 (ISO 8601), with a Chinese message when it is not a date."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(DATE_HINT) from error


def _strip(value: Any) -> Any:
    """Return text without surrounding spaces; other values unchanged."""
    return value.strip() if isinstance(value, str) else value


def _normalise_lines(value: Any) -> Any:
    """Return long text with Windows and old Mac line ends made plain newlines, blank lines dropped."""
    if not isinstance(value, str):
        return value
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.strip() for line in lines if line.strip())


def _presence(label: str, required: bool, verb: str = "填写") -> list[Callable[..., None]]:
    """Return the required-or-optional validator for a field."""
    if required:
        return [DataRequired(message=f"请{verb}{label}")]
    return [Optional()]


def short_text(
    label: str, max_length: int = 100, required: bool = True, default: str | None = None
) -> StringField:
    """Return a one-line text field."""
    validators = [
        *_presence(label, required),
        Length(max=max_length, message=f"{label}不能超过{max_length}个字"),
        PlainText(),
    ]
    return StringField(label, validators=validators, filters=[_strip], default=default)


def long_text(label: str, max_length: int = 3000, required: bool = True) -> TextAreaField:
    """Return a multi-paragraph text field; each line becomes a paragraph of the instrument."""
    validators = [
        *_presence(label, required),
        Length(max=max_length, message=f"{label}不能超过{max_length}个字"),
        PlainText(multiline=True),
    ]
    return TextAreaField(label, validators=validators, filters=[_normalise_lines])


def date(label: str, required: bool = True) -> ChineseDateField:
    """Return a date field (年-月-日)."""
    presence = [InputRequired(message=f"请填写{label}")] if required else [Optional()]
    return ChineseDateField(label, validators=presence, format="%Y-%m-%d")


def choice(label: str, options: Sequence[str], required: bool = True) -> SelectField:
    """Return a choice among fixed options, shown and stored as their Chinese wording.

    The first, empty option makes the clerk choose instead of taking the first by default.
    """
    return SelectField(
        label,
        choices=[SelectChoice("", "请选择…"), *(SelectChoice(option) for option in options)],
        validators=_presence(label, required, verb="选择"),
        validate_choice=True,
    )

"""Shared field kinds: short and long text, dates, choices, each with Chinese messages."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    Field,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from forms.officer_rule import DirectoryOfficer, refuse_uncertified_officers
from service.foundations.plaintext import unprintable

DATE_HINT = "日期格式应为 年-月-日，如 2026-03-05"
TIME_HINT = "时间格式应为 时:分（24小时制），如 09:30"
# 9:30, 09:30 and 09：30 (a full-width colon, as a Chinese keyboard types it) are one time.
CLOCK = re.compile(r"(\d{1,2})[:：](\d{2})")


class ArchivedDocument(Protocol):
    """What a form may read of an archived document (rules that refer to earlier documents)."""

    @property
    def kind(self) -> str:
        """The instrument kind."""

    @property
    def number(self) -> str:
        """The 文号."""

    @property
    def status(self) -> str:
        """ "issued" or "voided"."""

    @property
    def document_date(self) -> dt.date:
        """The 成文日期."""

    @property
    def facts(self) -> dict[str, Any]:
        """The facts as archived (JSON values: dates as ISO strings)."""


def archived_date(value: object) -> dt.date | None:
    """Return a date fact as archived (an ISO string) as a date, or None when absent or malformed."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class DirectoryUnit(Protocol):
    """What a form may read of a unit of the bureau's unit directory (the parties of a case)."""

    @property
    def name(self) -> str:
        """The unit's name as registered."""

    @property
    def credit_code(self) -> str:
        """The 统一社会信用代码."""

    @property
    def address(self) -> str:
        """The registered address ("" when the directory does not know it)."""

    @property
    def representative(self) -> str:
        """The 法定代表人（负责人） ("" when the directory does not know it)."""


class ArchiveView(Protocol):
    """Read-only access to the archive, for rules that depend on earlier documents."""

    def find(self, number: str) -> ArchivedDocument | None:
        """Return the archived document with this 文号, if any."""

    def of_kind(self, kind: str, year: int | None = None) -> Sequence[ArchivedDocument]:
        """Return every document of a kind (voided ones too), oldest first; given a year, only
        those reporting on it (报告年度, 审核年度, 考核年度), found by index."""

    def unit(self, name: str) -> DirectoryUnit | None:
        """Return the active unit of the unit directory with this name, if any."""

    def officer(self, certificate: str) -> DirectoryOfficer | None:
        """Return the active officer of the officer directory holding this 执法证号, if any."""

    def has_officers(self) -> bool:
        """Return whether the officer directory holds any active officer."""


class InstrumentForm(Form):
    """Base of every instrument's form: Chinese messages, the archive, and warnings.

    A rule that needs earlier documents reads self.archive (None when validation runs
    without an archive, e.g. a pure syntax check); a rule a bureau may configure reads
    self.policy. A rule that does not block issuing
    but should be brought to the clerk's attention calls self.warn().
    """

    class Meta:
        locales = ("zh_CN", "zh")

    archive: ArchiveView | None = None
    policy: Mapping[str, Any] = {}  # the bureau's configured policy (Settings.policy)
    # The field holding the 成文日期, set by the registry: officers are certified on that day.
    date_field: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        """Record a warning shown to the clerk with the issued document."""
        self.warnings.append(message)

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Return whether every rule passes, the officers named being certified on the document's date.

        Without an archive (a syntax-only check) the officer directory is not consulted.
        """
        valid = super().validate(extra_validators)
        if self.archive is None:
            return valid
        date_field = self._fields.get(self.date_field)
        day = date_field.data if date_field is not None else None
        certified = refuse_uncertified_officers(
            self, self.archive, day if isinstance(day, dt.date) else None
        )
        return valid and certified


class RowForm(Form):
    """Base of a repeated row (an officer, a table line): Chinese messages, no CSRF."""

    class Meta:
        locales = ("zh_CN", "zh")


class PlainText:
    """Refuses what cannot be printed or reorders what is read: see service.foundations.plaintext.unprintable.

    Line breaks are allowed only where multiline is true (long text, one paragraph a line).
    """

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, form: Form, field: Field) -> None:
        problem = unprintable(field.data or "", self.multiline)
        if problem:
            raise ValidationError(problem)


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


def _normalise_clock(value: Any) -> Any:
    """Return a time of day written 时:分 as HH:MM (09:30); anything else unchanged."""
    if not isinstance(value, str):
        return value
    match = CLOCK.fullmatch(value.strip())
    if not match:
        return value.strip()
    return f"{int(match[1]):02d}:{match[2]}"


class ClockTime:
    """Refuses text that is not a time of day HH:MM (24-hour clock)."""

    def __call__(self, form: Form, field: Field) -> None:
        text = field.data or ""
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", text):
            raise ValidationError(f"{field.label.text}：{TIME_HINT}")


def clock_time(label: str, required: bool = True) -> StringField:
    """Return a time of day (24-hour clock), kept as HH:MM text.

    It is printed as written, and zero-padded, two times of one day compare as text.
    """
    validators = [*_presence(label, required), ClockTime()]
    return StringField(label, validators=validators, filters=[_normalise_clock])


def choice(
    label: str, options: Sequence[str], required: bool = True, default: str | None = None
) -> SelectField:
    """Return a choice among fixed options, shown and stored as their Chinese wording.

    The first, empty option makes the clerk choose instead of taking the first by default.
    """
    return SelectField(
        label,
        choices=[SelectChoice("", "请选择…"), *(SelectChoice(option) for option in options)],
        validators=_presence(label, required, verb="选择"),
        validate_choice=True,
        default=default,
    )


def amount(label: str, minimum: Decimal | None = None, required: bool = True) -> DecimalField:
    """Return an amount of money in yuan, two decimals."""
    validators: list[Callable[..., None]] = [
        InputRequired(message=f"请填写{label}") if required else Optional()
    ]
    if minimum is not None:
        validators.append(NumberRange(min=minimum, message=f"{label}不能小于{minimum}元"))
    field = AmountField(label, places=2, validators=validators)
    return field


class AmountField(DecimalField):
    """An amount of money: a decimal number, never NaN or Infinity (they compare with nothing)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        number = getattr(self, "data", None)  # mypy cannot infer DecimalField.data
        if isinstance(number, Decimal) and not number.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


class InRange(NumberRange):
    """NumberRange that, when the number is out of range, ends the field's checks and drops it.

    Rules of other fields then never compute with it: year 0 or 10²⁰ is no date.
    """

    def __call__(self, form: Form, field: Field) -> None:
        try:
            super().__call__(form, field)
        except ValidationError as error:
            field.data = None
            raise StopValidation(error.args[0]) from error


def integer(
    label: str, minimum: int = 0, maximum: int | None = None, required: bool = True
) -> IntegerField:
    """Return a whole number within bounds."""
    message = (
        f"{label}应当是不小于{minimum}的整数"
        if maximum is None
        else (f"{label}应当是{minimum}到{maximum}之间的整数")
    )
    validators: list[Callable[..., None]] = [
        InputRequired(message=f"请填写{label}") if required else Optional(),
        # WTForms fills the message in with %, so a label such as 比例（%） needs %%.
        InRange(min=minimum, max=maximum, message=message.replace("%", "%%")),
    ]
    return IntegerField(label, validators=validators)


def flag(label: str) -> BooleanField:
    """Return a yes/no box."""
    return BooleanField(label, false_values=(False, "false", "", "0", "n", "no"))


# Help for the clerk in the browser ------------------------------------------------------
# Declarations read by static/form_helpers.js, rendered as data attributes of the field's
# input. They only help typing: every rule is still checked on the server.


def _with_attributes(unbound: UnboundField, attributes: Mapping[str, str]) -> UnboundField:
    """Return the field with these HTML attributes added to its input."""
    render_kw = dict(unbound.kwargs.get("render_kw") or {})
    render_kw.update(attributes)
    unbound.kwargs["render_kw"] = render_kw
    return unbound


def picks(
    unbound: UnboundField, directory: str, fills: Mapping[str, str] | None = None
) -> UnboundField:
    """Return the field, suggesting from a lookup as the clerk types ("units", "officers", "notices").

    fills maps a key of the picked entry to the field of the same form (or the same row)
    it fills, e.g. {"credit_code": "party_id"}. The field stays typeable.
    """
    attributes = {"data-lookup": directory, "autocomplete": "off"}
    if fills:
        attributes["data-fills"] = json.dumps(dict(fills), ensure_ascii=False)
    return _with_attributes(unbound, attributes)


def shown_when(unbound: UnboundField, field: str, *values: str) -> UnboundField:
    """Return the field, shown only while the form's other field has one of values ("" for unchosen).

    Hidden, it is also not sent (as if left empty), so that nothing typed there before is
    refused for a fact that does not apply; shown again, it still holds what was typed.
    """
    condition = {"field": field, "values": list(values)}
    return _with_attributes(unbound, {"data-shown-when": json.dumps(condition, ensure_ascii=False)})


def total_of(unbound: UnboundField, rows_field: str, column: str) -> UnboundField:
    """Return the field, computed in the browser as the sum of a column of the form's rows."""
    return _with_attributes(unbound, {"data-total-of": f"{rows_field}-{column}"})


def least_rows(unbound: UnboundField, count: int) -> UnboundField:
    """Return the repeating rows, of which the clerk cannot remove the last count (a rule needs them).

    Only the page's remove buttons read it: the rule itself, with its message, stays the form's.
    """
    return _with_attributes(unbound, {"data-min": str(count)})


def rows(
    row_form: type[Form], label: str, min_entries: int = 0, max_entries: int = 500
) -> FieldList:
    """Return a repeating group of rows (officers, table lines), each a small form."""
    return FieldList(
        FormField(row_form), label=label, min_entries=min_entries, max_entries=max_entries
    )


class OfficerRow(RowForm):
    """One enforcement officer and the number of his or her 行政执法证件."""

    names_an_officer = True  # checked against the officer directory (forms.officer_rule)
    name = picks(short_text("姓名", max_length=20), "officers", {"certificate": "certificate"})
    certificate = short_text("执法证号", max_length=40)


# Rules on empty optional fields ---------------------------------------------------------
# WTForms' Optional validator ends the validation of an empty field, and with it any
# validate_<field> method; a rule that must also judge the empty field runs before it.


class RequiredWhen:
    """Makes an optional field required while a condition on the other facts holds."""

    def __init__(self, condition: Callable[[Form], bool], message: str) -> None:
        self.condition = condition
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        given = bool(field.raw_data) and str(field.raw_data[0]).strip() != ""
        if not given and self.condition(form):
            field.errors[:] = []
            raise StopValidation(self.message)


def required_when(
    unbound: UnboundField, condition: Callable[[Form], bool], message: str
) -> UnboundField:
    """Return the optional field, required (with message) whenever condition(form) holds."""
    unbound.kwargs["validators"].insert(0, RequiredWhen(condition, message))
    return unbound


def rule_first(unbound: UnboundField, rule: str) -> UnboundField:
    """Return the field with the form's method named rule run before its own validators."""
    unbound.kwargs["validators"].insert(0, lambda form, field: getattr(form, rule)(field))
    return unbound

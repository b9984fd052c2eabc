"""Facts of a case: checked against the instrument's form before anything is rendered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    Field,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired

from forms.fields import ArchiveView
from service.foundations.plaintext import quote_back
from service.instruments.registry import INSTRUMENTS, Instrument

_SCALARS = (str, int, float, bool)
# An answer names a few unknown field names, not every one of a hostile request's thousands.
MAX_STRANGERS_NAMED = 10


class InvalidFacts(ValueError):
    """Raised when facts fail their form; errors maps each field to its Chinese messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors

    def lines(self) -> list[str]:
        """Return one "field: message" line per problem."""
        return [
            f"{name}: {message}" for name, messages in self.errors.items() for message in messages
        ]


@dataclass(frozen=True)
class Facts:
    """Validated facts of one instrument, typed (dates are dates)."""

    kind: str
    values: dict[str, Any]
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the facts as JSON values (dates as 年-月-日 ISO strings)."""
        return {name: _jsonable(value) for name, value in self.values.items()}


class FormData(dict[str, list[str]]):
    """WTForms' formdata protocol over a plain dict of lists."""

    def getlist(self, key: str) -> list[str]:
        """Return every value given for key."""
        return self.get(key, [])


def validate_facts(
    instrument: Instrument,
    raw: Mapping[str, Any],
    archive: ArchiveView | None = None,
    policy: Mapping[str, Any] | None = None,
) -> Facts:
    """Return the facts typed and checked by the instrument's form, or raise InvalidFacts.

    archive lets rules consult earlier documents (a 复查 refers to its notice); without
    it those rules are skipped, as in a syntax-only check.
    """
    if not isinstance(raw, Mapping):
        raise InvalidFacts({"facts": ["事实应当是一个以字段名为键的对象"]})
    form = instrument.form()
    errors: dict[str, list[str]] = {}
    formdata = FormData()
    strangers = [name for name in raw if name not in form._fields]
    for name in strangers[:MAX_STRANGERS_NAMED]:
        errors[quote_back(name)] = ["不是这种文书的字段"]
    if len(strangers) > MAX_STRANGERS_NAMED:
        errors["facts"] = [
            f"共有{len(strangers)}个名称不是这种文书的字段，以上只列出前{MAX_STRANGERS_NAMED}个"
        ]
    for name, value in raw.items():
        field = form._fields.get(name)
        if field is None:
            continue
        if not _flatten(field, name, value, formdata):
            expected = "一个列表" if isinstance(field, FieldList) else "文字、数字或日期"
            errors[name] = [f"值的类型不对：应当是{expected}"]
    form = instrument.form(formdata=formdata)
    form.archive = archive
    form.policy = policy or {}
    if not form.validate():
        for name, messages in form.errors.items():
            if name not in errors:  # a value of the wrong shape is reported once, as such
                errors[name] = flatten_messages(messages)
    if errors:
        raise InvalidFacts(errors)
    return Facts(instrument.kind, dict(form.data), tuple(form.warnings))


def _flatten(field: Field, prefix: str, value: Any, out: FormData) -> bool:
    """Write value into out under WTForms' field names; return False for a value of the wrong shape."""
    if value is None:
        return True
    if isinstance(field, FieldList):
        if not isinstance(value, list):
            return False
        entry = field.unbound_field.bind(form=None, name="_", prefix="", _meta=field.meta)
        return all(
            _flatten(entry, f"{prefix}-{index}", item, out) for index, item in enumerate(value)
        )
    if isinstance(field, FormField):
        if not isinstance(value, Mapping):
            return False
        subform = field.form_class()
        return all(
            name in subform._fields
            and _flatten(subform._fields[name], f"{prefix}-{name}", item, out)
            for name, item in value.items()
        )
    if isinstance(field, BooleanField):
        if value is True or value is False:
            out[prefix] = ["y"] if value else []
            return True
        return False
    if not isinstance(value, _SCALARS) or isinstance(value, bool):
        return False
    out[prefix] = [str(value)]
    return True


def flatten_messages(messages: Any) -> list[str]:
    """Return a flat list of messages from WTForms' nested error structure."""
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        # A row's own messages name their field already ("请填写执法证号").
        return [m for value in messages.values() for m in flatten_messages(value)]
    flat: list[str] = []
    for index, item in enumerate(messages):
        if isinstance(item, str):
            flat.append(item)
        else:
            flat.extend(f"第{index + 1}项：{m}" for m in flatten_messages(item))
    return flat


def _jsonable(value: Any) -> Any:
    """Return a JSON-ready copy of a typed fact."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def describe_kinds() -> list[dict[str, Any]]:
    """Return every instrument with its fields: `wenshu kinds --json` and GET /api/kinds.

    numbering says what its number is: "own" (one 文号 a document), "shared" (one 文号 for
    the copies sent to many units, each with a 份号) or "incoming" (a 收文登记号); format is
    the GB/T 9704 format it follows: "文件格式", "信函格式" or "表格"; case says whether it
    is issued in an enforcement case ("never", "optional", "required") and approval whether
    the head approves it before it is numbered.
    """
    return [
        {
            "kind": spec.kind,
            "title": spec.title,
            "fields": describe_fields(spec),
            "numbering": spec.numbering.value,
            "format": spec.format,
            "case": spec.case,
            "approval": spec.approval,
        }
        for spec in INSTRUMENTS.values()
    ]


def describe_fields(instrument: Instrument) -> list[dict[str, Any]]:
    """Return the form's fields as the public schema: name, label, type, required, recipient."""
    form = instrument.form()
    described = []
    for field in form:
        entry: dict[str, Any] = {
            "name": field.name,
            "label": str(field.label.text),
            "type": _field_type(field),
            "required": _required(field),
            "recipient": field.name == instrument.recipient_field,
        }
        if isinstance(field, SelectField):
            entry["choices"] = [choice.value for choice in field.choices or [] if choice.value]
        if isinstance(field, FieldList) and isinstance(field.unbound_field.args[0], type):
            row = field.unbound_field.args[0]()
            entry["fields"] = [
                {"name": sub.name, "label": str(sub.label.text), "type": _field_type(sub),
                 "required": _required(sub)}
                for sub in row
            ]  # fmt: skip
        described.append(entry)
    return described


def _required(field: Field) -> bool:
    """Return whether a field must be filled."""
    return any(isinstance(v, DataRequired | InputRequired) for v in field.validators)


def _field_type(field: Field) -> str:
    """Return the schema type name of a field."""
    kinds: list[tuple[type[Field], str]] = [
        (TextAreaField, "text"),
        (DateField, "date"),
        (SelectField, "choice"),
        (DecimalField, "amount"),
        (IntegerField, "integer"),
        (BooleanField, "boolean"),
        (FieldList, "list"),
    ]
    for cls, name in kinds:
        if isinstance(field, cls):
            return name
    return "string"

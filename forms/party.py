"""The party of a case: its name and kind, its credit code or ID number, representative and address."""

from __future__ import annotations

from wtforms import Field
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from forms.fields import InstrumentForm, choice, picks, short_text, shown_when
from forms.identity import credit_code_problem, resident_id_problem

UNIT, PERSON, SERVICE_FIRM = "单位", "个人", "档案服务企业"
PARTY_TYPES = (UNIT, PERSON, SERVICE_FIRM)


def party_name_field() -> UnboundField:
    """Return the party's name field, picked from the unit directory with what it fills.

    A new field for each form that declares it, so that it takes its place in that form's order.
    """
    return picks(
        short_text("当事人姓名或者名称", max_length=60),
        "units",
        {
            "credit_code": "party_id",
            "address": "party_address",
            "representative": "legal_representative",
        },
    )


def legal_representative_field() -> UnboundField:
    """Return the 法定代表人（负责人） field, shown only for a party that is a unit."""
    return shown_when(
        short_text("法定代表人（负责人）", max_length=20, required=False),
        "party_type",
        "",
        UNIT,
        SERVICE_FIRM,
    )


class PartyForm(InstrumentForm):
    """Base of the forms naming a party: the five party fields, first in the form, and their rules."""

    party_name = party_name_field()
    party_type = choice("当事人类型", PARTY_TYPES)
    party_id = short_text("统一社会信用代码或者公民身份号码", max_length=18)
    legal_representative = legal_representative_field()
    party_address = short_text("当事人地址", max_length=100)

    def validate_party_id(self, field: Field) -> None:
        """A unit gives its 18-character credit code, an individual the 18-digit ID number."""
        if self.party_type.data == PERSON:
            problem = resident_id_problem(field.data.upper())
        elif self.party_type.data in PARTY_TYPES:
            problem = credit_code_problem(field.data)
        else:
            return
        if problem:
            raise ValidationError(problem)

    def validate_legal_representative(self, field: Field) -> None:
        """Only a unit has a 法定代表人 or 负责人."""
        if self.party_type.data == PERSON:
            raise ValidationError("当事人是个人的，不填写法定代表人（负责人）")

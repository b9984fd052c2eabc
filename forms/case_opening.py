"""立案审批表: the case an officer proposes to open (行政处罚法 第五十四条), for the head to approve."""

from __future__ import annotations

import re

from wtforms import Field, FieldList
from wtforms.validators import ValidationError

from forms.fields import (
    DirectoryUnit,
    InstrumentForm,
    OfficerRow,
    choice,
    date,
    least_rows,
    long_text,
    required_when,
    rows,
    short_text,
    shown_when,
)
from forms.identity import credit_code_problem, resident_id_problem
from forms.participants import names_of, repeated
from forms.party import legal_representative_field, party_name_field
from forms.penalty_decision import PARTY_TYPES, PERSON, SERVICE_FIRM, UNIT
from service.foundations.formatting import format_date
from service.foundations.plaintext import quote_back, quote_many

LAW = "《中华人民共和国行政处罚法》"
MIN_OFFICERS = 2  # 行政处罚法 第四十二条：执法人员不得少于两人
# Where a case comes from, as the 立案审批表 of an archives bureau records it.
INSPECTION, COMPLAINT, ASSIGNED, REFERRED, OTHER = (
    "监督检查中发现",
    "投诉、举报",
    "上级机关交办",
    "其他机关移送",
    "其他",
)
SOURCES = (INSPECTION, COMPLAINT, ASSIGNED, REFERRED, OTHER)
# A case assigned, referred or of another source names who handed it over or where it came
# from; a complainant may ask not to be named (投诉、举报), an inspection is the bureau's own.
SOURCES_NAMED = (ASSIGNED, REFERRED, OTHER)
# A party the bureau supervises as a unit is taken from its unit directory.
DIRECTORY_PARTIES = (UNIT, SERVICE_FIRM)
_SPACES = re.compile(r"\s+")


def officers_problem(field: FieldList) -> str | None:
    """Return why the officers listed cannot act in a case (fewer than two, a certificate twice)."""
    if len(field.entries) < MIN_OFFICERS:
        return (
            f"行政处罚应当由两名以上具有行政执法资格的执法人员实施（{LAW}第四十二条），"
            "请填写至少2名承办人"
        )
    twice = repeated(names_of(field, "certificate"))
    if twice:
        return f"执法证号{quote_many(twice)}重复：每名承办人应当持有各自的执法证件"
    return None


def _same_text(first: str, second: str) -> bool:
    """Return whether two texts are the same once spaces are set aside (an address typed twice)."""
    return _SPACES.sub("", first) == _SPACES.sub("", second)


class CaseOpeningForm(InstrumentForm):
    """Facts of one 立案审批表: the cause, the party, the source, the officers and their proposal."""

    cause = short_text("案由", max_length=100)
    party_name = party_name_field()
    party_type = choice("当事人类型", PARTY_TYPES)
    party_id = short_text("统一社会信用代码或者公民身份号码", max_length=18)
    legal_representative = legal_representative_field()
    party_address = short_text("当事人地址", max_length=100)
    source = choice("案件来源", SOURCES)
    source_detail = required_when(
        shown_when(
            short_text("案件来源说明", max_length=200, required=False),
            "source",
            *SOURCES_NAMED,
        ),
        lambda form: form.source.data in SOURCES_NAMED,
        "案件由上级机关交办、其他机关移送或者有其他来源的，请写明交办、移送的机关或者具体来源",
    )
    received_date = date("受案日期", required=False)
    officers = least_rows(rows(OfficerRow, "承办人", max_entries=10), MIN_OFFICERS)
    summary = long_text("简要案情", max_length=2000)
    proposal = long_text("承办人意见", max_length=1000)
    opening_date = date("立案日期")

    def directory_unit(self) -> DirectoryUnit | None:
        """Return the party's entry in the unit directory, when the party is a unit and is listed there."""
        if self.archive is None or self.party_type.data not in DIRECTORY_PARTIES:
            return None
        return self.archive.unit(self.party_name.data or "")

    def validate_party_name(self, field: Field) -> None:
        """A 单位 or 档案服务企业 is a unit of the bureau's directory, active (known only with the archive)."""
        if self.archive is None or self.party_type.data not in DIRECTORY_PARTIES:
            return
        if self.directory_unit() is None:
            raise ValidationError(
                f"“{quote_back(field.data)}”不在本局单位名录中（或已停用）：当事人是"
                f"{self.party_type.data}的，应当是单位名录中的单位。请核对名称是否与名录一致；"
                "名录中还没有的，请先导入单位名录（wenshu units import）"
            )

    def validate_party_id(self, field: Field) -> None:
        """An individual gives the 公民身份号码, a unit its credit code, the one the directory holds."""
        if self.party_type.data == PERSON:
            problem = resident_id_problem(field.data.upper())
        elif self.party_type.data in DIRECTORY_PARTIES:
            problem = credit_code_problem(field.data)
        else:
            return
        if problem:
            raise ValidationError(problem)
        unit = self.directory_unit()
        if unit is not None and field.data.upper() != unit.credit_code.upper():
            raise ValidationError(
                f"与单位名录不一致：名录中“{unit.name}”的统一社会信用代码为{unit.credit_code}，请核对"
            )

    def validate_party_address(self, field: Field) -> None:
        """A listed unit's address is the one of the directory (when the directory knows it)."""
        unit = self.directory_unit()
        if unit is not None and unit.address and not _same_text(field.data, unit.address):
            raise ValidationError(
                f"与单位名录不一致：名录中“{unit.name}”的地址为“{unit.address}”，请核对；"
                "单位已迁址的，请先更新单位名录"
            )

    def validate_legal_representative(self, field: Field) -> None:
        """Only a unit has a 法定代表人 or 负责人; one other than the directory's is brought to notice."""
        if self.party_type.data == PERSON:
            raise ValidationError("当事人是个人的，不填写法定代表人（负责人）")
        unit = self.directory_unit()
        if unit is not None and unit.representative and field.data != unit.representative:
            self.warn(
                f"法定代表人（负责人）“{quote_back(field.data)}”与单位名录中“{unit.name}”的"
                f"“{unit.representative}”不同，请核对"
            )

    def validate_officers(self, field: FieldList) -> None:
        """At least two officers handle the case (第四十二条), each with a certificate of his or her own."""
        problem = officers_problem(field)
        if problem:
            raise ValidationError(problem)

    def validate_received_date(self, field: Field) -> None:
        """A case is opened on or after the day its lead was received, never before."""
        opened = self.opening_date.data
        if field.data and opened and field.data > opened:
            raise ValidationError(
                f"受案日期不能晚于立案日期（{format_date(opened)}）：立案是在受理线索之后"
            )

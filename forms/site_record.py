"""现场检查（勘验）笔录: the record of one inspection on site in a case (行政处罚法 第五十五条)."""

from __future__ import annotations

from wtforms import Field, FieldList
from wtforms.validators import ValidationError

from forms.fields import (
    OfficerRow,
    RowForm,
    choice,
    clock_time,
    date,
    integer,
    least_rows,
    long_text,
    required_when,
    rows,
    short_text,
    shown_when,
)
from forms.party import PartyForm
from forms.records import (
    LAW,
    MIN_OFFICERS,
    officer_names,
    officers_problem,
    same_person,
    span_problem,
    statement,
)

COERCION_LAW = "《中华人民共和国行政强制法》"
# Who may stand for the party on site: they see the record and sign it for the party.
PARTY_SIDE = ("当事人本人", "法定代表人", "主要负责人", "工作人员", "委托代理人")
ROLES = (*PARTY_SIDE, "其他人员")
CHECKED, READ_OUT, REFUSED, ABSENT = (
    "当事人核对无误",
    "向当事人宣读",
    "当事人拒绝签名",
    "当事人不在场",
)
CONFIRMATIONS = (CHECKED, READ_OUT, REFUSED, ABSENT)
METHODS = ("提取", "拍照", "录像", "复制")


class PresentRow(RowForm):
    """One person present at the inspection and in what capacity."""

    name = short_text("姓名", max_length=20)
    role = choice("身份", ROLES)


class EvidenceRow(RowForm):
    """One piece of evidence taken on site: how, what, and how many."""

    method = choice("取证方式", METHODS)
    item = short_text("证据名称及内容", max_length=200)
    quantity = integer("数量", minimum=1, maximum=100_000)
    measure = short_text("计量单位", max_length=4)


class SiteRecordForm(PartyForm):
    """Facts of one 现场检查（勘验）笔录: the party (first), where, when, by whom, what was found and taken."""

    inspection_date = date("检查日期")
    start_time = clock_time("检查开始时间")
    end_time = clock_time("检查结束时间")
    place = short_text("检查（勘验）地点", max_length=100)
    present = rows(PresentRow, "在场人", max_entries=20)
    officers = least_rows(rows(OfficerRow, "检查人员", max_entries=10), MIN_OFFICERS)
    recorder = short_text("记录人", max_length=20)
    certificates_shown = statement(
        "检查人员已出示执法证件，告知当事人或者有关人员应当协助检查，以及有权申请回避",
        "检查前执法人员应当出示执法证件，告知当事人或者有关人员应当协助检查、如实回答询问"
        f"（{LAW}第五十五条）以及有权申请回避（第四十三条）；未出示、告知的检查不能作为笔录，"
        "请在出示、告知后勾选此项",
    )
    findings = long_text("检查（勘验）情况", max_length=5000)
    evidence_taken = rows(EvidenceRow, "现场取证", max_entries=100)
    confirmation = choice("笔录确认方式", CONFIRMATIONS)
    refusal_reason = required_when(
        shown_when(
            short_text("当事人拒绝签名的理由", max_length=200, required=False),
            "confirmation",
            REFUSED,
        ),
        lambda form: form.confirmation.data == REFUSED,
        f"当事人拒绝签名的，应当在笔录中注明（{COERCION_LAW}第十八条第八项），请记录其拒绝签名的理由或者情况",
    )
    witness = required_when(
        shown_when(
            short_text("见证人", max_length=20, required=False), "confirmation", REFUSED, ABSENT
        ),
        lambda form: form.confirmation.data in (REFUSED, ABSENT),
        f"当事人拒绝签名或者不在场的，应当由见证人和执法人员在笔录上签名（参照{COERCION_LAW}"
        "第十八条第八项、第九项），请填写见证人姓名",
    )
    witness_unit = shown_when(
        short_text("见证人工作单位或者住址", max_length=100, required=False),
        "confirmation",
        REFUSED,
        ABSENT,
    )

    def validate_end_time(self, field: Field) -> None:
        """The inspection ends after it starts, within a span one sitting can take."""
        problem = span_problem(self.start_time.data, field.data, "检查")
        if problem:
            raise ValidationError(problem)

    def validate_officers(self, field: FieldList) -> None:
        """Two or more officers inspected, each with a certificate of his or her own."""
        problem = officers_problem(field, "检查人员")
        if problem:
            raise ValidationError(problem)

    def validate_confirmation(self, field: Field) -> None:
        """Whoever stood for the party confirms the record; with nobody of the party there, a witness.

        行政强制法 第十八条第九项 (for the 现场笔录 of a coercive measure, which bureaus follow
        for every 现场笔录): when the party is absent, a witness signs with the officers.
        """
        party_present = any(entry.form.role.data in PARTY_SIDE for entry in self.present.entries)
        if field.data == ABSENT and party_present:
            raise ValidationError(
                "在场人中有当事人一方的人员，笔录应当交其核对签名，不能选择当事人不在场"
            )
        if field.data in (CHECKED, READ_OUT, REFUSED) and not party_present:
            raise ValidationError(
                "在场人中没有当事人本人、法定代表人、主要负责人、工作人员或者委托代理人："
                "请在在场人中填写代表当事人在场的人员，或者选择当事人不在场并邀请见证人"
                f"（参照{COERCION_LAW}第十八条第九项）"
            )

    def validate_refusal_reason(self, field: Field) -> None:
        """A refusal's reason is recorded only when the party refused to sign."""
        if field.data and self.confirmation.data != REFUSED:
            raise ValidationError("当事人没有拒绝签名的，不填写拒绝签名的理由")

    def validate_witness(self, field: Field) -> None:
        """A witness is someone other than the officers and the recorder, and not of the party."""
        if same_person(field.data, [*officer_names(self.officers), self.recorder.data]):
            raise ValidationError("见证人应当是执法人员和记录人以外的人，请核对姓名")
        party_side = [
            entry.form.name.data
            for entry in self.present.entries
            if entry.form.role.data in PARTY_SIDE
        ]
        if same_person(field.data, [self.party_name.data, *party_side]):
            raise ValidationError("见证人应当是当事人一方以外的人，请核对姓名")

    def validate_witness_unit(self, field: Field) -> None:
        """A witness's unit or address is recorded only with the witness."""
        if not self.witness.data:
            raise ValidationError("没有见证人的，不填写见证人工作单位或者住址")

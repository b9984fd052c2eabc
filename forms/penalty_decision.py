"""行政处罚决定书: the elements of 行政处罚法 第五十九条, fines of 档案法 第四十九条 and the bureau's tiers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from wtforms import DecimalField, Field, FieldList, SelectField
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from forms.fields import (
    OfficerRow,
    amount,
    choice,
    date,
    least_rows,
    long_text,
    rows,
    short_text,
    shown_when,
)
from forms.party import PARTY_TYPES, PERSON, SERVICE_FIRM, PartyForm
from forms.party import UNIT as UNIT  # the party's kinds are imported from here by other forms
from forms.remedies import court_problem, review_body_problem
from service.foundations.formatting import format_amount

# 档案法 第四十八条 items that 第四十九条 punishes with a fine; the other items lead to 处分 only.
VIOLATIONS = {
    "第四十八条第一项“丢失属于国家所有的档案”": 1,
    "第四十八条第二项“擅自提供、抄录、复制、公布属于国家所有的档案”": 2,
    "第四十八条第三项“买卖或者非法转让属于国家所有的档案”": 3,
    "第四十八条第四项“篡改、损毁、伪造档案或者擅自销毁档案”": 4,
    "第四十八条第五项“将档案出卖、赠送给外国人或者外国组织”": 5,
}
LAW = "《中华人民共和国档案法》"
BASES = tuple(f"{LAW}第四十九条第{n}款" for n in ("一", "二", "三"))

# Ranges of 档案法 第四十九条, by paragraph and party: (minimum, maximum) in yuan.
UNIT_RANGE = (Decimal(10_000), Decimal(100_000))
PERSON_RANGE = (Decimal(500), Decimal(5_000))
SERVICE_FIRM_RANGE = (Decimal(20_000), Decimal(200_000))

LIGHTER, ORDINARY, HEAVIER, MITIGATED = "从轻", "一般", "从重", "减轻"
TIERS = (LIGHTER, ORDINARY, HEAVIER, MITIGATED)
# Shares of the statutory range each tier may use, unless the bureau configures its own
# split in policy["penalty_tiers"] (行政处罚法 第三十四条: a published discretion benchmark).
DEFAULT_SPLIT: dict[str, tuple[Decimal, Decimal]] = {
    LIGHTER: (Decimal("0"), Decimal("0.3")),
    ORDINARY: (Decimal("0.3"), Decimal("0.7")),
    HEAVIER: (Decimal("0.7"), Decimal("1")),
}

# Circumstances in which 行政处罚法 requires a lighter or mitigated penalty (第三十条, 第三十二条).
GROUNDS = (
    "第三十条“已满十四周岁不满十八周岁的未成年人有违法行为”",
    "第三十二条第一项“主动消除或者减轻违法行为危害后果”",
    "第三十二条第二项“受他人胁迫或者诱骗实施违法行为”",
    "第三十二条第三项“主动供述行政机关尚未掌握的违法行为”",
    "第三十二条第四项“配合行政机关查处违法行为有立功表现”",
    "第三十二条第五项“法律、法规、规章规定其他应当从轻或者减轻行政处罚”",
)
MIN_OFFICERS = 2  # 行政处罚法 第四十二条：执法人员不得少于两人


def statutory_basis(party_type: str, item: int) -> tuple[str, Decimal, Decimal]:
    """Return the paragraph of 档案法 第四十九条 that applies, with its minimum and maximum fine.

    Items 一、二、四 fall under the first paragraph (a unit or individual using an 档案馆's
    archives) or, for an 档案服务企业, the second; items 三、五 fall under the third, which
    fines 单位 and 个人 only, so an 档案服务企业 is fined there as the unit it is.
    """
    if item in (3, 5):
        low, high = PERSON_RANGE if party_type == PERSON else UNIT_RANGE
        return BASES[2], low, high
    if party_type == SERVICE_FIRM:
        return BASES[1], *SERVICE_FIRM_RANGE
    low, high = PERSON_RANGE if party_type == PERSON else UNIT_RANGE
    return BASES[0], low, high


class PolicyProblem(ValueError):
    """Raised when the bureau's configured penalty tiers cannot be used."""


def tier_split(policy: Mapping[str, Any]) -> dict[str, tuple[Decimal, Decimal]]:
    """Return each tier's share of the statutory range: the bureau's split over the default one."""
    configured = policy.get("penalty_tiers")
    if configured is None:
        return dict(DEFAULT_SPLIT)
    if not isinstance(configured, Mapping):
        raise PolicyProblem("penalty_tiers 应当是以裁量档次为键的表")
    split = dict(DEFAULT_SPLIT)
    for tier, share in configured.items():
        if tier not in DEFAULT_SPLIT:
            raise PolicyProblem(f"penalty_tiers 中的“{tier}”不是从轻、一般、从重之一")
        try:
            low, high = (Decimal(str(value)) for value in share)
        except (TypeError, ValueError, ArithmeticError):
            raise PolicyProblem(f"penalty_tiers 中“{tier}”应当是两个0到1之间的数") from None
        if not Decimal(0) <= low < high <= Decimal(1):
            raise PolicyProblem(f"penalty_tiers 中“{tier}”应当满足 0 ≤ 下限 < 上限 ≤ 1")
        split[tier] = (low, high)
    return split


def _percent(share: Decimal) -> str:
    """Return a share of the range as a percentage without trailing zeros: 30%."""
    return f"{(share * 100).normalize():f}%"


def check_officers(field: FieldList) -> None:
    """Refuse fewer than two enforcement officers, or two sharing one certificate (第四十二条)."""
    if len(field.entries) < MIN_OFFICERS:
        raise ValidationError(
            "行政处罚应当由两名以上具有行政执法资格的执法人员实施"
            "（《中华人民共和国行政处罚法》第四十二条），请填写至少2名执法人员"
        )
    certificates = [entry.form.certificate.data for entry in field.entries]
    repeated = sorted({c for c in certificates if c and certificates.count(c) > 1})
    if repeated:
        raise ValidationError(
            f"执法证号{'、'.join(repeated)}重复：每名执法人员应当持有各自的执法证件"
        )


class PenaltyRules(PartyForm):
    """The rules of a penalty, intended (事先告知书) or decided (决定书), over the fields each declares.

    A form built on it declares violation, penalty_basis, tier, mitigation_ground, fine and
    illegal_gains where its order wants them; the party fields come first, from PartyForm.
    """

    violation: SelectField
    penalty_basis: SelectField
    tier: SelectField
    mitigation_ground: SelectField
    fine: DecimalField
    illegal_gains: DecimalField

    def basis(self) -> tuple[str, Decimal, Decimal] | None:
        """Return the applicable paragraph and range, or None until party and violation are known."""
        item = VIOLATIONS.get(self.violation.data or "")
        if item is None or self.party_type.data not in PARTY_TYPES:
            return None
        return statutory_basis(self.party_type.data, item)

    def validate_officers(self, field: FieldList) -> None:
        """At least two enforcement officers, each with a certificate of his or her own."""
        check_officers(field)

    def validate_penalty_basis(self, field: Field) -> None:
        """The paragraph cited is the one 档案法 第四十九条 gives for this party and violation."""
        basis = self.basis()
        if basis is not None and field.data != basis[0]:
            raise ValidationError(
                f"{self.party_type.data}有{self.violation.data.split('“')[0]}行为的，"
                f"处罚依据应当是{basis[0]}"
            )

    def validate_mitigation_ground(self, field: Field) -> None:
        """A statutory ground for a lighter penalty rules out 一般 and 从重; 第三十条 is for minors."""
        if self.tier.data in (ORDINARY, HEAVIER):
            raise ValidationError(
                f"有该情形的，应当从轻或者减轻处罚，裁量档次不能是{self.tier.data}"
            )
        if field.data == GROUNDS[0] and self.party_type.data != PERSON:
            raise ValidationError("未成年人的情形只适用于当事人是个人的案件")

    def validate_fine(self, field: Field) -> None:
        """The fine lies in the statutory range and in the share of it the tier allows.

        减轻 goes below the minimum (行政处罚法 第三十二条) but never to nothing.
        """
        basis = self.basis()
        if field.data is None or basis is None:
            return
        paragraph, low, high = basis
        fine: Decimal = field.data
        if fine <= 0:
            raise ValidationError("罚款金额应当大于零")
        statutory = f"{paragraph}规定的罚款幅度为{format_amount(low)}至{format_amount(high)}"
        if self.tier.data == MITIGATED:
            if fine >= low:
                raise ValidationError(
                    f"减轻处罚的罚款应当低于法定最低额{format_amount(low)}（{statutory}）；"
                    "在法定幅度内处罚的，请选择从轻、一般或者从重"
                )
            return
        if not low <= fine <= high:
            raise ValidationError(f"{statutory}，罚款金额超出了这一幅度")
        if self.tier.data not in DEFAULT_SPLIT:
            return
        try:
            split = tier_split(self.policy)
        except PolicyProblem as problem:
            raise ValidationError(f"本局配置的裁量基准有误：{problem}，请联系系统管理员") from None
        start, end = split[self.tier.data]
        floor, ceiling = low + (high - low) * start, low + (high - low) * end
        if not floor <= fine <= ceiling:
            raise ValidationError(
                f"裁量档次为{self.tier.data}的，罚款应当在{format_amount(floor)}至"
                f"{format_amount(ceiling)}之间（法定幅度的{_percent(start)}至{_percent(end)}）"
            )

    def validate_illegal_gains(self, field: Field) -> None:
        """Illegal gains are confiscated only under 第四十九条第三款, and are more than nothing."""
        if field.data is not None and field.data <= 0:
            raise ValidationError("没收违法所得金额应当大于零；没有违法所得的，不填写")
        basis = self.basis()
        if basis is not None and basis[0] != BASES[2]:
            raise ValidationError(f"{basis[0]}没有规定没收违法所得")

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Return whether every rule passes, including that 减轻 names its statutory ground.

        An empty optional field skips its own validate_ method (WTForms' Optional stops
        the chain), so a rule that makes it required is checked here, after the fields.
        """
        valid = super().validate(extra_validators)
        if self.tier.data == MITIGATED and not self.mitigation_ground.data:
            self.mitigation_ground.errors = [
                *self.mitigation_ground.errors,
                "减轻处罚应当有法定情形（《中华人民共和国行政处罚法》第三十条、第三十二条），请选择",
            ]
            valid = False
        basis = self.basis()
        if valid and basis is not None and basis[0] == BASES[2] and self.illegal_gains.data is None:
            self.warn(f"{basis[0]}规定没收违法所得；当事人没有违法所得的，请在违法事实中写明")
        return valid


def mitigation_ground_field() -> UnboundField:
    """Return the 从轻、减轻情形 choice, shown only for a lighter or mitigated tier.

    A new field for each form that declares it, so that it takes its place in that form's order.
    """
    return shown_when(
        choice("从轻、减轻情形（行政处罚法）", GROUNDS, required=False),
        "tier",
        "",
        LIGHTER,
        MITIGATED,
    )


class PenaltyDecisionForm(PenaltyRules):
    """Facts of one 行政处罚决定书 under 档案法 第四十九条."""

    officers = least_rows(rows(OfficerRow, "执法人员", max_entries=10), MIN_OFFICERS)
    facts = long_text("违法事实")
    evidence = long_text("证据")
    violation = choice("违法行为（档案法第四十八条）", tuple(VIOLATIONS))
    penalty_basis = choice("处罚依据（档案法第四十九条）", BASES)
    tier = choice("裁量档次", TIERS)
    mitigation_ground = mitigation_ground_field()
    tier_reasons = long_text("裁量理由")
    fine = amount("罚款金额")
    illegal_gains = amount("没收违法所得金额", required=False)
    bank = short_text("缴纳罚款的指定银行", max_length=60)
    review_body = short_text("行政复议机关", max_length=60)
    court = short_text("行政诉讼管辖法院", max_length=60)
    decision_date = date("作出决定的日期")
    # The day the party waived 陈述、申辩 and 听证 in writing (第六十二条: 明确放弃), which lets the
    # decision come before the periods the 事先告知书 gave have run.
    waiver_date = date("当事人书面放弃陈述、申辩和听证的日期", required=False)

    def validate_review_body(self, field: Field) -> None:
        """The 复议机关 is the government of the bureau's own level (行政复议法 第二十四条)."""
        problem = review_body_problem(field.data, self.policy)
        if problem:
            raise ValidationError(problem)

    def validate_court(self, field: Field) -> None:
        """The court is a basic people's court (行政诉讼法 第十四条、第十五条)."""
        problem = court_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_waiver_date(self, field: Field) -> None:
        """A waiver precedes the decision it lets come early."""
        decided = self.decision_date.data
        if field.data is not None and decided is not None and field.data > decided:
            raise ValidationError(
                f"放弃陈述、申辩和听证的日期（{field.data.isoformat()}）不能晚于"
                f"作出决定的日期（{decided.isoformat()}）"
            )

"""行政处罚事先告知书: the penalty intended, its facts, reasons and basis, and the party's rights (第四十四条)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from wtforms import IntegerField

from forms.contact import contact_person, phone_number
from forms.fields import amount, choice, date, flag, integer, long_text
from forms.party import PERSON, UNIT
from forms.penalty_decision import (
    BASES,
    TIERS,
    VIOLATIONS,
    PenaltyRules,
    PolicyProblem,
    mitigation_ground_field,
)
from service.foundations.formatting import format_amount

LAW = "《中华人民共和国行政处罚法》"
# 较大数额 (第六十三条第一款第一项、第二项) is not fixed by the law; a province sets it. The
# defaults are the lowest Hunan figures found: 对公民处以1000元以上、对法人或者其他组织处以
# 2万元以上罚款, in the Hunan provincial government's opinion on 严格规范行政处罚 (五(十二)),
# as republished at fsou.com/html/text/lar/170937/17093788_3.html, and the same figures in
# 衡阳市文化市场综合执法's list of hearing cases (hengyang.gov.cn, 2021-05-28). The rule's own
# title could not be confirmed, so the lowest figures were kept: should the province's be
# higher, a party is only offered a hearing it could not have claimed. A bureau sets its own
# in policy["hearing_threshold"].
DEFAULT_HEARING_THRESHOLD: dict[str, Decimal] = {PERSON: Decimal(1_000), UNIT: Decimal(20_000)}
# The law fixes no period for 陈述、申辩 (第四十四条、第四十五条 only require that the party be
# heard before the decision); three working days from service is the period usual in
# departmental procedure rules and their model forms. Fewer leaves no time to prepare a
# statement; more than fifteen would crowd 第六十条's ninety days from 立案 to decision.
MIN_STATEMENT_DAYS = DEFAULT_STATEMENT_DAYS = 3
MAX_STATEMENT_DAYS = 15


def suggesting(unbound: IntegerField, value: int) -> IntegerField:
    """Return the field showing value in an empty form; the clerk may give another."""
    unbound.kwargs["default"] = value
    return unbound


def hearing_thresholds(policy: Mapping[str, Any]) -> dict[str, Decimal]:
    """Return the 较大数额 from which 个人 and 单位 may ask for a hearing: the bureau's over the defaults.

    Raises PolicyProblem for a policy["hearing_threshold"] that cannot be used.
    """
    configured = policy.get("hearing_threshold")
    if configured is None:
        return dict(DEFAULT_HEARING_THRESHOLD)
    if not isinstance(configured, Mapping):
        raise PolicyProblem("hearing_threshold 应当是以“个人”“单位”为键的表")
    thresholds = dict(DEFAULT_HEARING_THRESHOLD)
    for party, value in configured.items():
        if party not in DEFAULT_HEARING_THRESHOLD:
            raise PolicyProblem(
                f"hearing_threshold 中的“{party}”不是个人或者单位（档案服务企业按单位计）"
            )
        try:
            threshold = Decimal(str(value))
        except InvalidOperation:
            threshold = Decimal("NaN")
        if not threshold.is_finite() or threshold <= 0:
            raise PolicyProblem(f"hearing_threshold 中“{party}”应当是大于零的金额（元）")
        thresholds[party] = threshold
    return thresholds


def hearing_threshold(party_type: str, policy: Mapping[str, Any]) -> Decimal:
    """Return the 较大数额 for a party of this kind; an 档案服务企业 counts as a 单位."""
    thresholds = hearing_thresholds(policy)
    return thresholds[PERSON] if party_type == PERSON else thresholds[UNIT]


def hearing_right(
    party_type: str,
    fine: Decimal | None,
    illegal_gains: Decimal | None,
    policy: Mapping[str, Any],
) -> bool:
    """Return whether the party may ask for a hearing: a fine or a confiscation of 较大数额.

    第六十三条第一款第一项 (较大数额罚款) and 第二项 (没收较大数额违法所得), each amount on its
    own; 以上 includes the threshold itself. Raises PolicyProblem for an unusable policy.
    """
    threshold = hearing_threshold(party_type, policy)
    return any(amount is not None and amount >= threshold for amount in (fine, illegal_gains))


class PenaltyNoticeForm(PenaltyRules):
    """Facts of one 行政处罚事先告知书: the penalty intended, under the decision's statutory rules."""

    facts = long_text("违法事实")
    evidence = long_text("证据")
    violation = choice("违法行为（档案法第四十八条）", tuple(VIOLATIONS))
    penalty_basis = choice("处罚依据（档案法第四十九条）", BASES)
    tier = choice("裁量档次", TIERS)
    mitigation_ground = mitigation_ground_field()
    tier_reasons = long_text("裁量理由")
    fine = amount("拟罚款金额")
    illegal_gains = amount("拟没收违法所得金额", required=False)
    # Kept in the facts: what the party was told is what the procedure later waits for.
    hearing_offered = flag("告知当事人有要求听证的权利（行政处罚法第六十三条）")
    statement_days = suggesting(
        integer("陈述、申辩期限（工作日）", minimum=MIN_STATEMENT_DAYS, maximum=MAX_STATEMENT_DAYS),
        DEFAULT_STATEMENT_DAYS,
    )
    notice_date = date("告知日期")
    contact = contact_person()
    phone = phone_number()

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Return whether every rule passes, and that a party with a hearing right is told of it."""
        valid = super().validate(extra_validators)
        if self.party_type.errors or self.fine.errors or self.illegal_gains.errors:
            return valid
        try:
            owed = hearing_right(
                self.party_type.data, self.fine.data, self.illegal_gains.data, self.policy
            )
        except PolicyProblem as problem:
            self.fine.errors = [f"本局配置的听证标准有误：{problem}，请联系系统管理员"]
            return False
        if owed and not self.hearing_offered.data:
            threshold = hearing_threshold(self.party_type.data, self.policy)
            whom = PERSON if self.party_type.data == PERSON else UNIT
            self.hearing_offered.errors = [
                f"拟罚款或者没收违法所得达到本局较大数额的标准（{whom}{format_amount(threshold)}"
                f"以上），应当告知当事人有要求听证的权利（{LAW}第六十三条第一款第一项、第二项），"
                "请勾选"
            ]
            return False
        return valid

"""Where a penalty decision is challenged: the 行政复议机关 and the court of first instance it must name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from service.foundations.config import Bureau
from service.foundations.plaintext import quote_back

REVIEW_LAW = "《中华人民共和国行政复议法》"
SUIT_LAW = "《中华人民共和国行政诉讼法》"
GOVERNMENT = "人民政府"

# The district or county in a bureau's name: 岳阳市君山区史志档案局 → 岳阳市君山区.
_DISTRICT = re.compile(r"^(?:.+?(?:省|自治区))?(?:.+?(?:市|自治州|州|盟))?.+?(?:自治县|区|县|旗)")
# A basic people's court is named after its district, county or county-level city (岳阳市君山区人民法院);
# a 铁路运输法院 is a basic court too, which some provinces charge with administrative cases.
_BASIC_COURT = re.compile(r"^.+?(?:(?:区|县|旗|市)人民法院|铁路运输法院)$")
_HIGHER_COURT = ("中级", "高级", "最高")


def district_government(bureau_name: str) -> str | None:
    """Return the people's government of the district or county a bureau's name gives, or None.

    行政复议法 第二十四条第一款第一项: a county-level government department's acts are
    reviewed by the government of its own level, so a 区档案局's 复议机关 is its 区人民政府.
    """
    found = _DISTRICT.match(bureau_name)
    return found.group(0) + GOVERNMENT if found else None


# Forms do not see the configured bureau, only its policy: the default is the government of the
# shipped bureau's district, and a bureau elsewhere names its own in policy["review_body"].
SHIPPED_REVIEW_BODY = district_government(Bureau().name) or ""


def review_body_problem(name: str, policy: Mapping[str, Any]) -> str | None:
    """Return why name is not the bureau's 行政复议机关, or None when it is."""
    configured = policy.get("review_body")
    if configured is not None and not (
        isinstance(configured, str) and configured.strip().endswith(GOVERNMENT)
    ):
        return (
            "本局配置的行政复议机关有误：review_body 应当是本级人民政府的全称，"
            "如岳阳市君山区人民政府，请联系系统管理员"
        )
    expected = configured.strip() if configured else SHIPPED_REVIEW_BODY
    if name == expected:
        return None
    advice = "" if configured else "；本局不是该区政府的工作部门的，请系统管理员配置 review_body"
    return (
        f"行政复议机关应当是{expected}：对县级以上地方人民政府工作部门作出的行政行为不服的，"
        f"由本级人民政府管辖（{REVIEW_LAW}第二十四条第一款第一项），不再向上一级主管部门申请"
        + advice
    )


def court_problem(name: str) -> str | None:
    """Return why name is not a basic people's court, or None when it is one.

    行政诉讼法 第十四条: basic courts hear administrative cases at first instance; 第十五条 gives
    the 中级人民法院 only suits against 国务院部门 or 县级以上地方人民政府 and a few others, and
    第十八条 the court where the bureau is, or one a higher court charges across districts.
    """
    shown = f"“{quote_back(name)}”"
    if any(level in name for level in _HIGHER_COURT):
        return (
            f"{shown}不是基层人民法院：对区（县）人民政府工作部门的行政处罚提起诉讼，"
            f"第一审由基层人民法院管辖（{SUIT_LAW}第十四条、第十五条），"
            "请填写本局所在地的区（县）人民法院，如岳阳市君山区人民法院"
        )
    if _BASIC_COURT.match(name):
        return None
    what = "不是基层人民法院的全称" if "法院" in name else "不是人民法院"
    return (
        f"{shown}{what}：应当填写本局所在地的区（县、县级市）人民法院，或者上级人民法院"
        f"指定跨行政区域管辖行政案件的基层人民法院（{SUIT_LAW}第十四条、第十八条），"
        "如岳阳市君山区人民法院"
    )

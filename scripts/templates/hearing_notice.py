"""听证通知书 (行政处罚法 第六十三条第二款、第六十四条)."""

from __future__ import annotations

from typing import Any

from gbt9704 import closing, heading, p, signature

from templates.penalty_decision import OFFICERS
from templates.penalty_notice import YOU, letter_opening

TITLE = "听证通知书"
LANDSCAPE = False
FORMAT = "信函格式"  # the bureau's letter to the party that asked for a hearing
LAW = "《中华人民共和国行政处罚法》"


def body() -> list[Any]:
    """Return the template's paragraphs."""
    return [
        *letter_opening(TITLE),
        p(
            "Body",
            YOU + "于{{ request_date }}要求就本局拟作出的行政处罚举行听证"
            "{% if case_number %}（案号：{{ case_number }}）{% endif %}。依照"
            + LAW
            + "第六十四条的规定，本局定于{{ hearing_date }}{{ hearing_time }}在{{ place }}"
            "举行听证。本次听证{{ public }}（第六十四条第三项），听证主持人为{{ host }}，"
            "记录员为{{ recorder }}；本案调查人员"
            + OFFICERS
            + "将在听证中提出"
            + YOU
            + "违法的事实、证据和行政处罚建议（第六十四条第七项）。现将"
            + YOU
            + "的权利和"
            "义务告知如下：",
        ),
        heading("一、" + YOU + "的权利"),
        p(
            "Body",
            "（一）" + YOU + "认为主持人与本案有直接利害关系的，有权申请回避；申请回避的，"
            "请在听证举行前向本局提出并说明理由（第六十四条第四项）。",
        ),
        p(
            "Body",
            "（二）" + YOU + "可以亲自参加听证，也可以委托一至二人代理（第六十四条第五项）；"
            "代理人应当出示身份证件和写明代理权限的授权委托书{% if party_type != '个人' %}，"
            "法定代表人应当出示身份证件和法定代表人身份证明{% endif %}。",
        ),
        p(
            "Body",
            "（三）" + YOU + "可以对调查人员提出的违法事实、证据和行政处罚建议进行申辩和质证"
            "（第六十四条第七项）。",
        ),
        p(
            "Body",
            "（四）听证笔录将交" + YOU + "或者代理人核对，核对无误后签字或者盖章"
            "（第六十四条第八项）。" + YOU + "不承担本局组织听证的费用（第六十三条第二款）。",
        ),
        heading("二、不出席听证的后果"),
        p(
            "Body",
            YOU + "及代理人无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利，"
            "本局将终止听证（" + LAW + "第六十四条第六项），并依法作出决定。",
        ),
        closing("Body", "本局联系人：{{ contact }}，联系电话：{{ phone }}。"),
        *signature(issuer="{{ bureau }}", date="{{ notice_date }}"),
    ]

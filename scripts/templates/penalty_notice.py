"""行政处罚事先告知书 (行政处罚法 第四十四条、第四十五条、第六十二条至第六十四条)."""

from __future__ import annotations

from typing import Any

from gbt9704 import closing, heading, p, paragraphs, signature, tag
from letterhead import letter_masthead

from templates.penalty_decision import findings, party, penalties

TITLE = "行政处罚事先告知书"
LANDSCAPE = False
FORMAT = "信函格式"  # the bureau's letter to the one party, before the decision
LAW = "《中华人民共和国行政处罚法》"
YOU = "{{ you }}"  # 你, or 你单位 for a unit: set by letter_opening
HEARING = "{% if hearing_offered %}"


def letter_opening(title: str) -> list[Any]:
    """Return a letter's masthead, its title and the party it is sent to, who is then {{ you }}."""
    return [
        *letter_masthead(),
        p("Title", title),
        p("Blank"),
        tag("set you = '你' if party_type == '个人' else '你单位'"),
        *party(),
    ]


def body() -> list[Any]:
    """Return the template's paragraphs."""
    return [
        *letter_opening(TITLE),
        p(
            "Body",
            YOU + "涉嫌档案违法一案{% if case_number %}（案号：{{ case_number }}）{% endif %}，"
            "本局依法进行了调查，现已调查终结。依照" + LAW + "第四十四条的规定，现将本局拟作出的"
            "行政处罚的内容及事实、理由、依据，以及" + YOU + "依法享有的权利告知如下：",
        ),
        *findings(YOU),
        heading("二、拟作出行政处罚的理由和依据"),
        p(
            "Body",
            YOU + "{% if '第一款' in penalty_basis %}在利用档案馆的档案时{% elif '第二款' in "
            "penalty_basis %}在提供档案服务过程中{% endif %}的上述行为，属于"
            "《中华人民共和国档案法》{{ violation }}所列的违法行为。"
            "{% if mitigation_ground %}" + YOU + "有" + LAW + "{{ mitigation_ground }}的情形。"
            "{% endif %}依照《君山区档案行政处罚裁量权基准》，本案拟适用的裁量档次为{{ tier }}，"
            "理由是：",
        ),
        *paragraphs("tier_reasons"),
        heading("三、拟作出的行政处罚"),
        p("Body", "依据{{ penalty_basis }}的规定，本局拟对" + YOU + "作出如下行政处罚："),
        *penalties(),
        heading("四、" + YOU + "依法享有的权利"),
        p(
            "Body",
            "（一）陈述、申辩的权利。" + YOU + "可以自收到本告知书之日起{{ statement_days }}个"
            "工作日内向本局提出陈述和申辩；书面提出的，可以一并提交证据；口头提出的，由本局"
            "制作笔录。本局将充分听取" + YOU + "的意见，对提出的事实、理由和证据进行复核，"
            "成立的予以采纳，不因" + YOU + "陈述、申辩而给予更重的处罚（" + LAW + "第四十五条）。",
        ),
        tag("if hearing_offered"),
        p(
            "Body",
            "（二）要求听证的权利。依照" + LAW + "第六十三条的规定，" + YOU + "有权要求听证。"
            "要求听证的，应当自收到本告知书之日起五个工作日内向本局提出（第六十四条第一项、"
            "第八十五条）；本局将组织听证，并在举行听证的七个工作日前通知" + YOU + "听证的时间、"
            "地点。" + YOU + "不承担本局组织听证的费用（第六十三条第二款）。",
        ),
        tag("endif"),
        p(
            "Body",
            YOU
            + "逾期未提出陈述、申辩"
            + HEARING
            + "，也未要求听证{% endif %}的，视为放弃"
            + HEARING
            + "上述{% else %}陈述、申辩的{% endif %}权利；"
            + YOU
            + "也可以书面明确"
            "放弃。放弃的，本局将依法作出行政处罚决定（" + LAW + "第六十二条）。",
        ),
        closing("Body", "本局联系人：{{ contact }}，联系电话：{{ phone }}。"),
        *signature(issuer="{{ bureau }}", date="{{ notice_date }}"),
    ]

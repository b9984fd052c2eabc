"""行政处罚决定书 (行政处罚法 第五十九条; seed: 规范行政处罚裁量权)."""

from __future__ import annotations

from typing import Any

from gbt9704 import closing, heading, p, paragraphs, signature, tag
from imprint import file_imprint
from letterhead import file_masthead

TITLE = "行政处罚决定书"
LANDSCAPE = False
# A decision (决定) imposing a penalty, kept for good (永久): the 文件格式 of a formal act.
FORMAT = "文件格式"
OFFICERS = (
    "{% for row in officers %}{{ row.name }}（执法证号：{{ row.certificate }}）"
    "{% if not loop.last %}、{% endif %}{% endfor %}"
)


def party() -> list[Any]:
    """Return the 当事人 block: name and type, credit code or ID number, representative, address."""
    return [
        p("Addressee", "当事人：{{ party_name }}（{{ party_type }}）"),
        p(
            "Addressee",
            "{% if party_type == '个人' %}公民身份号码{% else %}统一社会信用代码{% endif %}："
            "{{ party_id }}",
        ),
        tag("if legal_representative"),
        p("Addressee", "法定代表人（负责人）：{{ legal_representative }}"),
        tag("endif"),
        p("Addressee", "地址：{{ party_address }}"),
    ]


def findings(party_is: str) -> list[Any]:
    """Return the violation found and its evidence, the party called party_is (当事人, or 你单位)."""
    return [
        heading("一、违法事实和证据"),
        p("Body", "经查明，" + party_is + "有下列违法事实："),
        *paragraphs("facts"),
        p("Body", "上述事实有下列证据证明："),
        *paragraphs("evidence"),
    ]


def penalties() -> list[Any]:
    """Return the penalties, decided or intended: a warning, the fine, the illegal gains if any."""
    return [
        p("Body", "（一）警告；"),
        p(
            "Body",
            "（二）罚款{{ fine }}（{{ fine_in_words }}）{% if illegal_gains %}；{% else %}。"
            "{% endif %}",
        ),
        tag("if illegal_gains"),
        p("Body", "（三）没收违法所得{{ illegal_gains }}（{{ illegal_gains_in_words }}）。"),
        tag("endif"),
    ]


def body() -> list[Any]:
    """Return the template's paragraphs."""
    return [
        *file_masthead(),
        p("Title", TITLE),
        p("Blank"),
        *party(),
        p(
            "Body",
            "当事人涉嫌档案违法一案{% if case_number %}（案号：{{ case_number }}）{% endif %}，"
            "本局执法人员" + OFFICERS + "依法进行了调查，现已调查终结。"
            "{% if waiver_date %}当事人已于{{ waiver_date }}书面明确放弃陈述、申辩和要求听证的权利"
            "（《中华人民共和国行政处罚法》第六十二条）。{% endif %}",
        ),
        *findings("当事人"),
        heading("二、行政处罚的种类和依据"),
        p(
            "Body",
            "当事人{% if '第一款' in penalty_basis %}在利用档案馆的档案时{% elif '第二款' in "
            "penalty_basis %}在提供档案服务过程中{% endif %}的上述行为，属于"
            "《中华人民共和国档案法》{{ violation }}所列的违法行为。"
            "{% if mitigation_ground %}当事人有《中华人民共和国行政处罚法》"
            "{{ mitigation_ground }}的情形。{% endif %}"
            "依照《君山区档案行政处罚裁量权基准》，本案的裁量档次为{{ tier }}，理由是：",
        ),
        *paragraphs("tier_reasons"),
        p("Body", "依据{{ penalty_basis }}的规定，本局决定对当事人给予如下行政处罚："),
        *penalties(),
        heading("三、行政处罚的履行方式和期限"),
        p(
            "Body",
            "当事人应当自收到本决定书之日起十五日内，到{{ bank }}或者通过电子支付系统缴纳"
            "罚款{% if illegal_gains %}和没收的违法所得{% endif %}"
            "（《中华人民共和国行政处罚法》第六十七条第三款）。"
            "到期不缴纳罚款的，本局可以每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出"
            "罚款的数额（《中华人民共和国行政处罚法》第七十二条第一款第一项）。",
        ),
        heading("四、申请行政复议或者提起行政诉讼的途径和期限"),
        p(
            "Body",
            "当事人对本决定不服的，可以自收到本决定书之日起六十日内向{{ review_body }}"
            "申请行政复议（《中华人民共和国行政复议法》第二十条），也可以自收到本决定书之日起"
            "六个月内依法向{{ court }}提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）。",
        ),
        closing(
            "Body",
            "申请行政复议或者提起行政诉讼的，行政处罚不停止执行"
            "（《中华人民共和国行政处罚法》第七十三条第一款）。",
        ),
        *signature(issuer="{{ bureau }}", date="{{ decision_date }}", imprint=True),
        *file_imprint(cc=None),
    ]

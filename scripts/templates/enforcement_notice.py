"""档案监督检查执法通知书 (seed: 电子档案监管 §五; 档案法 第四十二条、第四十五条)."""

from __future__ import annotations

from typing import Any

from gbt9704 import closing, heading, p, paragraphs, signature
from imprint import letter_imprint
from letterhead import letter_masthead

TITLE = "档案监督检查执法通知书"
LANDSCAPE = False
FORMAT = "信函格式"  # a notice to the one unit inspected: the bureau's letter

# What the unit is ordered to do, by the nature of the problem (seed: 予以改正或者消除安全隐患).
ACTION = (
    '{% if finding_type == "安全隐患" %}消除安全隐患'
    '{% elif finding_type == "违法行为" %}予以改正'
    "{% else %}予以改正并消除安全隐患{% endif %}"
)


def body() -> list[Any]:
    """Return the template's paragraphs."""
    return [
        *letter_masthead(),
        p("Title", TITLE),
        p("Blank"),
        p("Addressee", "{{ unit }}："),
        p(
            "Body",
            "本局于{{ inspection_date }}依法对你单位的档案和档案工作进行了监督检查，"
            "发现你单位存在{{ finding_type }}。"
            "{% if reissued %}因情况紧急，本局已于{{ oral_order_date }}口头责令你单位"
            "采取紧急处置措施，现依照《君山区电子档案监管制度》第五条的规定补发本通知书。{% endif %}"
            "现将有关事项通知如下：",
        ),
        heading("一、发现的{{ finding_type }}"),
        *paragraphs("findings"),
        heading("二、责令改正的事项和期限"),
        p(
            "Body",
            "根据{{ legal_basis }}的规定，本局责令你单位及时采取措施" + ACTION + "，"
            "于{{ deadline }}前完成下列事项：",
        ),
        *paragraphs("corrections"),
        closing(
            "Body",
            "改正完成后，请你单位将改正情况书面报告本局，本局将进行回访。"
            "逾期未改正或者未消除安全隐患的，本局将依照《中华人民共和国档案法》"
            "第四十八条的规定依法处理。",
        ),
        *signature(issuer="{{ bureau }}", imprint=True),
        *letter_imprint(),
    ]

"""执法监督通知（决定）书 (seed: 对属地管理的行政执法职权的监督检查 §四)."""

from __future__ import annotations

from typing import Any

from gbt9704 import closing, heading, p, paragraphs, signature
from imprint import letter_imprint
from letterhead import letter_masthead

TITLE = "执法监督通知（决定）书"
LANDSCAPE = False
FORMAT = "信函格式"  # a notice (decision) to the one inspected body: the bureau's letter


def body() -> list[Any]:
    """Return the template's paragraphs."""
    return [
        *letter_masthead(),
        p("Title", TITLE),
        p("Blank"),
        p("Addressee", "{{ inspected_body }}："),
        p(
            "Body",
            "本局依法对你单位行使属地管理事项职权即行政执法的情况进行了监督检查，"
            "发现你单位存在{{ situation }}的情形。根据《君山区对属地管理的行政执法职权的监督检查制度》"
            "第四条的规定，现将有关事项通知（决定）如下：",
        ),
        heading("一、认定的事实和理由"),
        *paragraphs("facts"),
        *paragraphs("reasons"),
        heading("二、处理的决定和依据"),
        p("Body", "依据{{ legal_basis }}，本局决定：{{ decision_type }}。"),
        *paragraphs("decision"),
        heading("三、执行处理决定的方式和期限"),
        *paragraphs("execution_manner"),
        p("Body", "请你单位于{{ deadline }}前按上述要求纠正完毕，并将执行结果书面报告本局。"),
        heading("四、申请复查"),
        closing(
            "Body",
            "你单位对本通知（决定）书不服的，可以在收到本通知（决定）书之日起10日内"
            "向本局申请复查。本局自接到复查申请之日起15日内作出复查决定。"
            "对复查后作出的决定，你单位应当执行。",
        ),
        *signature(imprint=True),
        *letter_imprint(),
    ]

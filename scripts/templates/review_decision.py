"""复查决定书 (seed: 对属地管理的行政执法职权的监督检查 §四, 复查 of a 执法监督通知（决定）书)."""

from __future__ import annotations

from typing import Any

from gbt9704 import closing, heading, p, paragraphs, signature
from imprint import file_imprint
from letterhead import file_masthead

TITLE = "复查决定书"
LANDSCAPE = False
# A decision (决定) that settles an application and may be challenged: the 文件格式 of a
# formal act, as the 行政处罚决定书.
FORMAT = "文件格式"
NOTICE = "《执法监督通知（决定）书》"


def body() -> list[Any]:
    """Return the template's paragraphs."""
    return [
        *file_masthead(),
        p("Title", TITLE),
        p("Blank"),
        p("Addressee", "{{ applicant }}："),
        p(
            "Body",
            "你单位于{{ notice_received_date }}收到本局{{ notice_number }}" + NOTICE + "后，"
            "不服其中的处理决定，向本局申请复查，本局于{{ application_date }}收到复查申请。"
            "根据《君山区对属地管理的行政执法职权的监督检查制度》第四条的规定，"
            "本局对原通知（决定）书进行了复查，现决定如下：",
        ),
        heading("一、申请复查的请求和理由"),
        *paragraphs("request"),
        heading("二、复查认定的事实和理由"),
        *paragraphs("reasons"),
        heading("三、复查决定"),
        p(
            "Body",
            "经复查，本局决定{{ finding }}{{ notice_number }}"
            + NOTICE
            + "{% if changed_decision %}"
            "作出的处理决定，变更后的处理决定如下：{% else %}。{% endif %}",
        ),
        *paragraphs("changed_decision"),
        closing(
            "Body",
            "{% if finding == '撤销' %}原通知（决定）书撤销后，你单位不再执行其中的处理决定。"
            "{% else %}对复查后作出的决定，你单位应当执行，并在限定期限内将执行结果书面报告本局。"
            "{% endif %}",
        ),
        *signature(issuer="{{ issuer }}", date="{{ decision_date }}", imprint=True),
        *file_imprint(),
    ]

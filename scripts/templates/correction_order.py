"""责令限期改正通知书 (seed: 档案安全监管 §四(五), §五(三); 档案法实施条例 第四十五条、第四十六条)."""

from __future__ import annotations

from typing import Any

from gbt9704 import closing, p, signature
from imprint import letter_imprint
from letterhead import letter_masthead

TITLE = "责令限期改正通知书"
LANDSCAPE = False
FORMAT = "信函格式"  # an order to one unit: the bureau's letter


def body() -> list[Any]:
    """Return the template's paragraphs."""
    return [
        *letter_masthead(),
        p("Title", TITLE),
        p("Blank"),
        p("Addressee", "{{ unit }}："),
        p(
            "Body",
            "依照《中华人民共和国档案法实施条例》第四十五条和《君山区档案安全监管制度》"
            "第四条第（五）项的规定，你单位应当于每年9月30日前向本局提交上年度档案工作情况报告"
            "（档案工作自查报告），但你单位未按期提交{{ report_year }}年度的报告。",
        ),
        p(
            "Body",
            "根据《君山区档案安全监管制度》第五条第（三）项的规定，现责令你单位于{{ deadline }}前"
            "改正，向本局提交{{ report_year }}年度档案工作自查报告。",
        ),
        closing(
            "Body",
            "逾期未改正的，本局将依照《中华人民共和国档案法实施条例》第四十六条的规定，"
            "建议任免机关对责任人予以处分。",
        ),
        *signature(issuer="{{ bureau }}", imprint=True),
        *letter_imprint(),
    ]

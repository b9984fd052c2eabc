"""全区档案安全通报（预警、警示信息） (seed: 档案安全监管 §四(六))."""

from __future__ import annotations

from typing import Any

from gbt9704 import closing, heading, p, paragraphs, signature
from imprint import file_imprint
from letterhead import file_masthead

TITLE = "全区档案安全通报"
LANDSCAPE = False
FORMAT = "文件格式"  # a 通报 to every unit of the district, one document with its 主送


def body() -> list[Any]:
    """Return the template's paragraphs: one copy, to one addressee."""
    return [
        *file_masthead(),
        p("Title", "关于{{ assessment_year }}年度全区档案安全工作情况的通报"),
        p("Blank"),
        p("Addressee", "{{ addressee }}："),
        p(
            "Body",
            "根据《中华人民共和国档案法》第四十二条和《君山区档案安全监管制度》"
            "第四条第（六）项的规定，本局依据《档案安全年度工作自查审核汇总表》和全区档案安全"
            "评价、监督检查情况，对各单位{{ assessment_year }}年度档案安全工作进行了考核。"
            "现将考核情况通报如下：",
        ),
        heading("一、总体情况"),
        *paragraphs("overall"),
        heading("二、好的做法"),
        *paragraphs("good_practices"),
        heading("三、存在的问题"),
        *paragraphs("problems"),
        heading("四、工作要求"),
        *paragraphs("requirements"),
        closing("Body", "特此通报。"),
        *signature(issuer="{{ bureau }}", imprint=True),
        *file_imprint(),
    ]

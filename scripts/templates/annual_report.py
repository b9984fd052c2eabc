"""档案工作情况报告（档案工作自查报告） (seed: 档案安全监管 §四(五))."""

from __future__ import annotations

from typing import Any

from gbt9704 import Para, closing, exact_line, heading, p, paragraphs, signature

TITLE = "档案工作情况报告"
LANDSCAPE = False
# The unit's own report, set as a 文件格式 body; its 版头 is the unit's, not the bureau's, so
# none is printed: the bureau only registers what it received.
FORMAT = "文件格式"
# The 收文登记号 in 五号 (10.5 pt), small at the top right.
RECEIPT_RUN = (
    '<w:r><w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr>'
    '<w:t xml:space="preserve">收文登记号：{{ number }}</w:t></w:r>'
)


def body() -> list[Any]:
    """Return the template's paragraphs: the unit's report, under the bureau's 收文登记号."""
    return [
        # No bureau 文号 and no masthead: the bureau's receipt register number, small, top right.
        Para("Blank", [RECEIPT_RUN], '<w:jc w:val="right"/>' + exact_line(21)),
        p("Blank"),
        p("Title", "{{ unit }}"),
        p("Title", "{{ report_year }}年度档案工作情况报告"),
        p("DocNumber", "（档案工作自查报告）"),
        p("Blank"),
        p("Addressee", "{{ bureau }}："),
        p(
            "Body",
            "根据《中华人民共和国档案法实施条例》第四十五条和《君山区档案安全监管制度》"
            "第四条第（五）项的规定，列入档案登记备份名册的单位应当每年9月30日前"
            "向所在地档案部门提交上年度《档案工作情况报告》。现将本单位{{ report_year }}年度"
            "档案工作情况报告如下：",
        ),
        heading("一、档案保存情况"),
        *paragraphs("holdings"),
        heading("二、档案数据库运行维护情况"),
        *paragraphs("database"),
        heading("三、存在的问题"),
        *paragraphs("problems"),
        heading("四、整改措施"),
        *paragraphs("fixes"),
        heading("五、真实性声明"),
        p("Body", "本单位对本报告的真实性负责，所报情况如有不实，由本单位承担相应责任。"),
        # Only the last line is kept with the signature: the heading and the statement keep
        # to each other, and chained to the signature they would leave their lines empty.
        closing("Body", "单位负责人：{{ responsible_person }}"),
        *signature(issuer="{{ unit }}", date="{{ report_date }}"),
    ]

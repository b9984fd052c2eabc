"""档案工作情况报告（档案工作自查报告） (seed: 档案安全监管 §四(五))."""

from __future__ import annotations

from typing import Any

from gbt9704 import Para, closing, heading, p, paragraphs, run, signature

TITLE = "档案工作情况报告"
LANDSCAPE = False


def body() -> list[Any]:
    """Return the template's paragraphs: the unit's report, with the bureau's registration 文号."""
    return [
        # The unit's own report carries no masthead; the bureau registers it under a 文号.
        Para("DocNumber", [run("登记号：{{ number }}")], '<w:jc w:val="right"/>'),
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
        # The statement, the responsible person and the signature stay together on one page.
        closing("Body", "本单位对本报告的真实性负责，所报情况如有不实，由本单位承担相应责任。"),
        closing("Body", "单位负责人：{{ responsible_person }}"),
        *signature(issuer="{{ unit }}", date="{{ report_date }}"),
    ]

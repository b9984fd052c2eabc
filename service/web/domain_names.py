"""Names the layers below keep in Chinese, marked for the catalogs: audit entries, case statuses.

service.archive.audit names each action and category, and service.cases.status each status of
a case, in Chinese, below the web layer where nothing is translated; the pages show them
through _(), and these lists put them in the catalogs. tests/web/test_translations.py fails
when a name is missing here.
"""

from __future__ import annotations

from service.web.language import N_, NP_

AUDIT_NAMES = (
    N_("发文"),
    N_("作废"),
    N_("送达"),
    N_("抽取（双随机）"),
    N_("发布模板"),
    N_("启用模板"),
    N_("停用模板"),
    N_("安装电子印章"),
    N_("登录"),
    N_("登录失败"),
    N_("下载 PDF"),
    N_("下载批量输出"),
    N_("导出"),
    N_("检测"),
    N_("文书"),
    N_("模板"),
    N_("电子印章"),
    N_("检测与导出"),
)

# Marked with the context "case status" (the templates' translated("case status")), which tells a
# status apart from the same word elsewhere: 立案 the status, 立案 the button.
CASE_STATUS_NAMES = (
    NP_("case status", "立案审批"),
    NP_("case status", "立案"),
    NP_("case status", "调查"),
    NP_("case status", "告知"),
    NP_("case status", "听证"),
    NP_("case status", "决定"),
    NP_("case status", "执行"),
    NP_("case status", "结案"),
)

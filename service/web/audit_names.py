"""The audit's action and category names, marked for the catalogs; the archive keeps them Chinese.

service.archive.audit names each action and category in Chinese, below the web layer where
nothing is translated; the archive page shows them through _(), and this list puts them in the
catalogs. tests/web/test_translations.py fails when an action or category is missing here.
"""

from __future__ import annotations

from service.web.language import N_

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

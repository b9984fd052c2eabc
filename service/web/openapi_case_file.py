"""The OpenAPI description of a closed case's file (service.web.api_case_file)."""

from __future__ import annotations

from typing import Any

from service.web.openapi_parts import error, errors, record_id

CASE_FILE_PATHS: dict[str, Any] = {
    "/api/cases/{case_id}/file.pdf": {
        "get": {
            "operationId": "getCaseFile",
            "summary": "已结案案件的案卷：封面、卷内文件目录、按办案程序排列的文书、卷内备考表",
            "description": (
                "一份 PDF/A-2b，卷内文件各页右上角印有页号（自第一份文件首页起为 1，"
                "封面、卷内文件目录和备考表不编页号，阅读器显示的页码与之相同），"
                "每个部分和每份文书各有书签；"
                "作废的文书不入卷。备考表列出负责人审批记录和各文件归档时的 SHA-256、SM3 值。"
                "每次下载记入审计链。"
            ),
            "parameters": [record_id("case_id")],
            "responses": {
                "200": {
                    "description": "案卷，作为附件下载，文件名为“案号案卷.pdf”",
                    "content": {
                        "application/pdf": {
                            "schema": {"type": "string", "contentMediaType": "application/pdf"}
                        }
                    },
                },
                "404": error("没有这个案件，或案卷中有该用户无权查看密级的文书"),
                "409": error("案件尚未结案：结案报告制作后才能组成案卷"),
                "503": error("案卷未能生成（LibreOffice 转换失败），请稍后重试"),
                **errors("403"),
            },
        }
    },
}

"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from service.instruments.registry import INSTRUMENTS
from service.web.openapi_batches import BATCH_PATHS, BATCH_SCHEMAS
from service.web.openapi_case_file import CASE_FILE_PATHS
from service.web.openapi_cases import CASE_PATHS, CASE_SCHEMAS
from service.web.openapi_draws import DRAW_PATHS, DRAW_SCHEMAS
from service.web.openapi_parts import (
    FIELD_ERRORS,
    HASH,
    NUMBERING,
    TEXT,
    URL,
    error,
    errors,
    json_body,
    record_id,
    ref,
)
from service.web.openapi_service import SERVICE_PATHS, SERVICE_SCHEMAS

_FIELD_TYPES = ["string", "text", "date", "choice", "amount", "integer", "boolean", "list"]

# The OFD written beside the PDF; null for a document issued before OFD was written.
_OFD: dict[str, Any] = {
    "ofd_url": {**URL, "type": ["string", "null"], "description": "OFD（GB/T 33190）文件地址"},
    "ofd_sha256": {**HASH, "type": ["string", "null"]},
    "ofd_sm3": {**HASH, "type": ["string", "null"]},
    "ofd_size": {"type": ["integer", "null"], "description": "OFD 的字节数"},
}

_DOCUMENT: dict[str, Any] = {
    "id": {"type": "integer"},
    "kind": TEXT,
    "title": TEXT,
    "number": {"type": "string", "description": "文号；收文（numbering 为 incoming）为收文登记号"},
    "copy_number": {
        "type": "string",
        "description": "份号（6位数字，如 000001）：同一文号发往多个单位的各份；单独一份为空",
    },
    "numbering": NUMBERING,
    "recipient": TEXT,
    "document_date": {"type": "string", "format": "date"},
    "status": {"enum": ["issued", "voided"]},
    "void_reason": TEXT,
    "case_id": {"type": ["integer", "null"], "description": "所属案件的 id；不在案件中为 null"},
    "served_on": {
        "type": ["string", "null"],
        "format": "date",
        "description": "送达日期（当事人的期限自此起算）；未送达为 null",
    },
    "sealed": {
        "type": "boolean",
        "description": "PDF 是否加盖本局电子印章（带签名域）；为 false 时页面注明“未加盖电子印章”",
    },
    "sha256": HASH,
    "sm3": HASH,
    "size": {"type": "integer", "description": "PDF 的字节数"},
    "pages": {"type": "integer"},
    "template_version": {"type": "integer"},
    "template_sha256": HASH,
    "issued_by": TEXT,
    "issued_at": {"type": "string", "format": "date-time"},
    "facts": {"type": "object"},
    "warnings": {"type": "array", "items": TEXT},
    "pdf_url": URL,
    **_OFD,
}

_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "description": "出错时的回答：一句中文说明。",
        "required": ["error"],
        "properties": {"error": TEXT},
        "additionalProperties": False,
    },
    "InvalidFacts": {
        "type": "object",
        "description": "事实未通过检查：每个有问题的字段及其中文说明。",
        "required": ["errors"],
        "properties": {
            "errors": FIELD_ERRORS,
        },
        "additionalProperties": False,
    },
    "RowField": {
        "type": "object",
        "description": "明细行中的一个字段。",
        "required": ["name", "label", "type", "required"],
        "properties": {
            "name": TEXT,
            "label": TEXT,
            "type": {"enum": _FIELD_TYPES},
            "required": {"type": "boolean"},
        },
        "additionalProperties": False,
    },
    "Field": {
        "type": "object",
        "description": "文书的一个字段；recipient 为真的字段是受文者，每份一个。",
        "required": ["name", "label", "type", "required", "recipient"],
        "properties": {
            "name": TEXT,
            "label": TEXT,
            "type": {"enum": _FIELD_TYPES},
            "required": {"type": "boolean"},
            "recipient": {"type": "boolean"},
            "choices": {"type": "array", "items": TEXT},
            "fields": {"type": "array", "items": ref("RowField")},
        },
        "additionalProperties": False,
    },
    "Kind": {
        "type": "object",
        "description": "一种文书及其字段，与 `wenshu kinds --json` 相同。",
        "required": ["kind", "title", "fields"],
        "properties": {
            "kind": {"enum": list(INSTRUMENTS)},
            "title": TEXT,
            "fields": {"type": "array", "items": ref("Field")},
            "numbering": NUMBERING,
            "format": {
                "enum": ["文件格式", "信函格式", "表格"],
                "description": "所依GB/T 9704格式：文件格式（§7）、信函格式（§10.1）或表格",
            },
            "case": {
                "enum": ["never", "optional", "required"],
                "description": "是否在案件中制作：never 不在案件中，optional 可在案件中，required 只能在案件中",
            },
            "approval": {
                "type": "boolean",
                "description": "是否须经负责人批准后才编号印发（立案审批表、行政处罚决定书）",
            },
        },
        "additionalProperties": False,
    },
    "IssueRequest": {
        "type": "object",
        "description": "要生成的文书：种类和案件事实。",
        "required": ["kind", "facts"],
        "properties": {
            "kind": {"enum": list(INSTRUMENTS)},
            "facts": {
                "type": "object",
                "description": (
                    "以字段名为键的事实，字段见 GET /api/kinds；日期写作 年-月-日（2026-03-05），"
                    "明细字段是对象的列表。"
                ),
            },
            "case": {
                "type": "integer",
                "minimum": 1,
                "description": "在其中制作文书的案件 id；行政处罚决定书等案件文书必填",
            },
        },
        "additionalProperties": False,
    },
    "Issued": {
        "type": "object",
        "description": "已生成并归档的文书。",
        "required": ["id", "number", "kind", "sha256", "sm3", "pdf_url", "warnings"],
        "properties": {
            "id": {"type": "integer"},
            "number": {
                "type": "string",
                "description": "文号，如 君档监通〔2026〕1号；收到的报告为收文登记号，如 收〔2026〕1号",
            },
            "kind": TEXT,
            "sha256": HASH,
            "sm3": HASH,
            "pdf_url": URL,
            **_OFD,
            "warnings": {"type": "array", "items": TEXT, "description": "提醒，随文书保存"},
        },
        "additionalProperties": False,
    },
    "Document": {
        "type": "object",
        "description": "一份已归档文书的元数据。",
        "required": list(_DOCUMENT),
        "properties": _DOCUMENT,
        "additionalProperties": False,
    },
}

_SCHEMAS |= BATCH_SCHEMAS | DRAW_SCHEMAS | CASE_SCHEMAS | SERVICE_SCHEMAS

_RESPONSES: dict[str, Any] = {
    "BadRequest": error("请求体不是 JSON 对象，缺少 kind 或 facts，或文书种类不存在"),
    "Unauthorized": {
        **error("没有提供 API 令牌，或令牌无效、已撤销"),
        "headers": {
            "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer 质询"}
        },
    },
    "Forbidden": error("该用户的角色不能生成文书"),
    "NotFound": error("没有这份文书"),
    "MethodNotAllowed": error("不支持这种请求方式"),
    "PayloadTooLarge": error("请求体超过上限"),
    "UnsupportedMediaType": error("请求体应当是 UTF-8 编码的 application/json"),
    "ServerError": error("服务出错"),
}


_DOCUMENT_ID = record_id("document_id")

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "wenshu 文书 API",
        "version": "1",
        "description": (
            "生成编号的档案行政执法文书（PDF/A-2b），并读取已归档文书。"
            "每个请求带 `Authorization: Bearer 令牌`（`wenshu tokens create 用户名` 生成）。"
            '出错时回答 JSON：`{"error": "中文说明"}`；事实有误时为 422 '
            '`{"errors": {"字段": ["说明", …]}}`。'
        ),
    },
    "security": [{"bearer": []}],
    "paths": {
        "/api/kinds": {
            "get": {
                "operationId": "listKinds",
                "summary": "全部文书种类及其字段",
                "responses": {
                    "200": json_body({"type": "array", "items": ref("Kind")}, "文书种类"),
                    **errors(),
                },
            }
        },
        "/api/documents": {
            "post": {
                "operationId": "issueDocument",
                "summary": "检查事实、编号、生成并归档一份文书",
                "description": (
                    "办事员、负责人和管理员可以生成；事实有误时不占用文号、不归档。"
                    "须经负责人批准的文书（立案审批表、行政处罚决定书）回答 202，未编号，"
                    "等待 POST /api/documents/{submission_id}/approval。"
                ),
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("IssueRequest")}},
                },
                "responses": {
                    "201": {
                        **json_body(ref("Issued"), "已生成并归档"),
                        "headers": {
                            "Location": {
                                "schema": {"type": "string", "format": "uri"},
                                "description": "GET /api/documents/{document_id} 的地址",
                            }
                        },
                    },
                    "202": json_body(ref("Awaiting"), "已提交负责人审批，未编号"),
                    "422": json_body(
                        ref("InvalidFacts"), "事实或办案程序未通过检查（键为字段名或 case）"
                    ),
                    "503": error(
                        "LibreOffice、模板或归档存储出错，或文号一时争用不下：文书未生成，未占用文号"
                    ),
                    **errors("400", "403", "413", "415"),
                },
            }
        },
        "/api/documents/{document_id}": {
            "get": {
                "operationId": "getDocument",
                "summary": "一份文书的元数据",
                "parameters": [_DOCUMENT_ID],
                "responses": {"200": json_body(ref("Document"), "文书元数据"), **errors("404")},
            }
        },
        "/api/documents/{document_id}/pdf": {
            "get": {
                "operationId": "getDocumentPdf",
                "summary": "归档的 PDF/A 文件",
                "parameters": [_DOCUMENT_ID],
                "responses": {
                    "200": {
                        "description": "PDF/A-2b；已作废的文书每页加红色“作废”标记和作废日期"
                        "（归档原件不变）",
                        "content": {
                            "application/pdf": {
                                "schema": {"type": "string", "contentMediaType": "application/pdf"}
                            }
                        },
                    },
                    **errors("404"),
                },
            }
        },
        "/api/documents/{document_id}/ofd": {
            "get": {
                "operationId": "getDocumentOfd",
                "summary": "归档的 OFD 文件（GB/T 33190），与 PDF 页面相同",
                "parameters": [_DOCUMENT_ID],
                "responses": {
                    "200": {
                        "description": "OFD；已作废的文书每页加红色“作废”标记和作废日期"
                        "（归档原件不变）",
                        "content": {
                            "application/ofd": {
                                "schema": {"type": "string", "contentMediaType": "application/ofd"}
                            }
                        },
                    },
                    **errors("404"),
                },
            }
        },
        **BATCH_PATHS,
        **DRAW_PATHS,
        **CASE_PATHS,
        **CASE_FILE_PATHS,
        **SERVICE_PATHS,
        "/api/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "本说明（不需要令牌）",
                "security": [],
                "responses": {"200": json_body({"type": "object"}, "OpenAPI 3.1 说明")},
            }
        },
    },
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "`wenshu tokens create 用户名` 生成的令牌",
            }
        },
        "schemas": _SCHEMAS,
        "responses": _RESPONSES,
    },
}

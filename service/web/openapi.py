"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from service.registry import INSTRUMENTS


def _ref(name: str) -> dict[str, str]:
    """Return a reference to a schema of the components."""
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """Return a response with a JSON body of the schema."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    """Return a response answering {"error": message}."""
    return _json(_ref("Error"), description)


_TEXT = {"type": "string"}
_HASH = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_URL = {"type": "string", "format": "uri"}
_FIELD_TYPES = ["string", "text", "date", "choice", "amount", "integer", "boolean", "list"]

_DOCUMENT: dict[str, Any] = {
    "id": {"type": "integer"},
    "kind": _TEXT,
    "title": _TEXT,
    "number": _TEXT,
    "recipient": _TEXT,
    "document_date": {"type": "string", "format": "date"},
    "status": {"enum": ["issued", "voided"]},
    "void_reason": _TEXT,
    "sha256": _HASH,
    "sm3": _HASH,
    "size": {"type": "integer", "description": "PDF 的字节数"},
    "pages": {"type": "integer"},
    "template_version": {"type": "integer"},
    "template_sha256": _HASH,
    "issued_by": _TEXT,
    "issued_at": {"type": "string", "format": "date-time"},
    "facts": {"type": "object"},
    "warnings": {"type": "array", "items": _TEXT},
    "pdf_url": _URL,
}

_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "description": "出错时的回答：一句中文说明。",
        "required": ["error"],
        "properties": {"error": _TEXT},
        "additionalProperties": False,
    },
    "InvalidFacts": {
        "type": "object",
        "description": "事实未通过检查：每个有问题的字段及其中文说明。",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": _TEXT, "minItems": 1},
            }
        },
        "additionalProperties": False,
    },
    "RowField": {
        "type": "object",
        "description": "明细行中的一个字段。",
        "required": ["name", "label", "type", "required"],
        "properties": {
            "name": _TEXT,
            "label": _TEXT,
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
            "name": _TEXT,
            "label": _TEXT,
            "type": {"enum": _FIELD_TYPES},
            "required": {"type": "boolean"},
            "recipient": {"type": "boolean"},
            "choices": {"type": "array", "items": _TEXT},
            "fields": {"type": "array", "items": _ref("RowField")},
        },
        "additionalProperties": False,
    },
    "Kind": {
        "type": "object",
        "description": "一种文书及其字段，与 `wenshu kinds --json` 相同。",
        "required": ["kind", "title", "fields"],
        "properties": {
            "kind": {"enum": list(INSTRUMENTS)},
            "title": _TEXT,
            "fields": {"type": "array", "items": _ref("Field")},
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
        },
        "additionalProperties": False,
    },
    "Issued": {
        "type": "object",
        "description": "已生成并归档的文书。",
        "required": ["id", "number", "kind", "sha256", "sm3", "pdf_url", "warnings"],
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "string", "description": "文号，如 君档监通〔2026〕1号"},
            "kind": _TEXT,
            "sha256": _HASH,
            "sm3": _HASH,
            "pdf_url": _URL,
            "warnings": {"type": "array", "items": _TEXT, "description": "提醒，随文书保存"},
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

_RESPONSES: dict[str, Any] = {
    "BadRequest": _error("请求体不是 JSON 对象，缺少 kind 或 facts，或文书种类不存在"),
    "Unauthorized": {
        **_error("没有提供 API 令牌，或令牌无效、已撤销"),
        "headers": {
            "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer 质询"}
        },
    },
    "Forbidden": _error("该用户的角色不能生成文书"),
    "NotFound": _error("没有这份文书"),
    "MethodNotAllowed": _error("不支持这种请求方式"),
    "PayloadTooLarge": _error("请求体超过上限"),
    "UnsupportedMediaType": _error("请求体应当是 UTF-8 编码的 application/json"),
    "ServerError": _error("服务出错"),
}


def _errors(*codes: str) -> dict[str, Any]:
    """Return the error responses of an operation: the given codes and those every call may get."""
    names = {
        "400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound",
        "405": "MethodNotAllowed", "413": "PayloadTooLarge", "415": "UnsupportedMediaType",
        "500": "ServerError",
    }  # fmt: skip
    return {
        code: {"$ref": f"#/components/responses/{names[code]}"}
        for code in (*codes, "401", "405", "500")
    }


_DOCUMENT_ID = {
    "name": "document_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
}

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
                    "200": _json({"type": "array", "items": _ref("Kind")}, "文书种类"),
                    **_errors(),
                },
            }
        },
        "/api/documents": {
            "post": {
                "operationId": "issueDocument",
                "summary": "检查事实、编号、生成并归档一份文书",
                "description": "办事员和管理员可以生成；事实有误时不占用文号、不归档。",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("IssueRequest")}},
                },
                "responses": {
                    "201": {
                        **_json(_ref("Issued"), "已生成并归档"),
                        "headers": {
                            "Location": {
                                "schema": {"type": "string", "format": "uri"},
                                "description": "GET /api/documents/{document_id} 的地址",
                            }
                        },
                    },
                    "422": _json(_ref("InvalidFacts"), "事实未通过检查"),
                    "503": _error("LibreOffice 或模板出错，文书未生成，未占用文号"),
                    **_errors("400", "403", "413", "415"),
                },
            }
        },
        "/api/documents/{document_id}": {
            "get": {
                "operationId": "getDocument",
                "summary": "一份文书的元数据",
                "parameters": [_DOCUMENT_ID],
                "responses": {"200": _json(_ref("Document"), "文书元数据"), **_errors("404")},
            }
        },
        "/api/documents/{document_id}/pdf": {
            "get": {
                "operationId": "getDocumentPdf",
                "summary": "归档的 PDF/A 文件",
                "parameters": [_DOCUMENT_ID],
                "responses": {
                    "200": {
                        "description": "PDF/A-2b",
                        "content": {
                            "application/pdf": {
                                "schema": {"type": "string", "contentMediaType": "application/pdf"}
                            }
                        },
                    },
                    **_errors("404"),
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "本说明（不需要令牌）",
                "security": [],
                "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1 说明")},
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

"""The OpenAPI description of serving a document (service.web.api_service)."""

from __future__ import annotations

from typing import Any

from forms.service_receipt import METHODS, NOTICE_DAYS, RELATIONS
from service.web.openapi_parts import TEXT, URL, error, errors, json_body, record_id, ref

_DATE = {"type": "string", "format": "date"}
_ROWS = {"type": "array", "maxItems": 5}

SERVICE_SCHEMAS: dict[str, Any] = {
    "ServiceRequest": {
        "type": "object",
        "description": (
            "文书如何送达，生成送达回证（送达文书的文号、名称和受送达人取自该文书）。"
            "各送达方式另需的字段（《中华人民共和国民事诉讼法》第八十七条至第九十五条）："
            "直接送达——signer（签收人，默认为 recipient）、signer_relation（签收人不是受送达人时）、"
            "place（可选）；"
            "留置送达——place、refusal_reason，以及 witnesses 或 recording，server 两人；"
            "邮寄送达——tracking_number、signer（回执上的签收人，默认为 recipient）、signer_relation、"
            "place（邮寄地址，可选）；"
            "电子送达——consent_date（受送达人同意电子送达的日期）、address；"
            f"公告送达——notice_medium、notice_date、notice_reason，served_on 为公告日期后第{NOTICE_DAYS}日。"
            "每种方式都可填 server（送达人，默认为调用者本人）和 remarks。"
            "不属于所选送达方式的字段应当省略或留空，否则 422。"
        ),
        "required": ["served_on", "method", "recipient"],
        "properties": {
            "served_on": {**_DATE, "description": "送达日期：不早于文书的成文日期，不晚于今天"},
            "method": {"enum": list(METHODS)},
            "recipient": {
                "type": "string",
                "description": (
                    "接收文书的人：文书的受送达人；由他人代收的为代收人，须同时填写 signer_relation"
                    "（只有直接送达和邮寄送达可以代收）"
                ),
            },
            "place": {"type": "string", "description": "送达地点；邮寄送达为邮寄地址"},
            "signer": {"type": "string", "description": "签收人（签名或者盖章的人或者单位）"},
            "signer_relation": {"enum": ["", *RELATIONS], "description": "代收理由"},
            "refusal_reason": {"type": "string", "description": "留置送达：拒收事由"},
            "witnesses": {
                **_ROWS,
                "description": "留置送达：见证人（基层组织或者所在单位的代表）",
                "items": {
                    "type": "object",
                    "required": ["name", "identity"],
                    "properties": {"name": TEXT, "identity": TEXT},
                    "additionalProperties": False,
                },
            },
            "recording": {"type": "string", "description": "留置送达：拍照、录像记录"},
            "tracking_number": {"type": "string", "description": "邮寄送达：邮件号"},
            "consent_date": {**_DATE, "description": "电子送达：受送达人同意并签订确认书的日期"},
            "address": {"type": "string", "description": "电子送达：电子邮箱、手机号码等"},
            "notice_medium": {
                "type": "string",
                "description": "公告送达：张贴的地点或者刊登的媒体",
            },
            "notice_date": {**_DATE, "description": "公告送达：发出公告的日期"},
            "notice_reason": {
                "type": "string",
                "description": "公告送达：下落不明或者其他方式无法送达的经过",
            },
            "server": {
                **_ROWS,
                "description": "送达人；省略时为调用者本人",
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": TEXT, "certificate": TEXT},
                    "additionalProperties": False,
                },
            },
            "remarks": {"type": "string", "description": "备注"},
        },
        "additionalProperties": False,
    },
    "NotServable": {
        "type": "object",
        "description": "文书不能送达：已作废，或者已经送达（附其送达回证）。",
        "required": ["error"],
        "properties": {
            "error": TEXT,
            "service_receipt": {
                "type": "object",
                "required": ["id", "number", "url"],
                "properties": {"id": {"type": "integer"}, "number": TEXT, "url": URL},
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    },
}

SERVICE_PATHS: dict[str, Any] = {
    "/api/documents/{document_id}/service": {
        "post": {
            "operationId": "serveDocument",
            "summary": "登记文书的送达：生成并归档送达回证，文书记为已送达",
            "description": (
                "送达回证与文书的送达日期在同一事务中记录；文书在案件中的，送达回证归入同一案件，"
                "案件状态随之更新。行政处罚决定书在作出后超过七个工作日才送达的"
                "（《中华人民共和国行政处罚法》第六十一条、第八十五条），送达回证带提醒。"
                "送达回证本身和收到的报告不能送达（422）。"
            ),
            "parameters": [record_id("document_id")],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("ServiceRequest")}},
            },
            "responses": {
                "201": {
                    **json_body(ref("Issued"), "已生成并归档的送达回证"),
                    "headers": {
                        "Location": {
                            "schema": {"type": "string", "format": "uri"},
                            "description": "送达回证的 GET /api/documents/{document_id} 地址",
                        }
                    },
                },
                "409": json_body(ref("NotServable"), "文书已作废，或者已经送达"),
                "422": json_body(ref("InvalidFacts"), "送达的事实未通过检查：未生成送达回证"),
                "503": error("送达回证未能生成（LibreOffice、模板或归档存储出错），文书仍未送达"),
                **errors("400", "403", "404", "413", "415"),
            },
        }
    },
}

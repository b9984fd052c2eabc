"""The OpenAPI description of cases and approvals (service.web.api_cases, service.web.api_approvals)."""

from __future__ import annotations

from typing import Any

from service.cases.status import STATUSES
from service.web.openapi_parts import TEXT, error, errors, json_body, record_id, ref

_DATE = {"type": "string", "format": "date"}
_MAYBE_DATE = {"type": ["string", "null"], "format": "date"}
_CASE_ID, _SUBMISSION_ID = record_id("case_id"), record_id("submission_id")
_STATUS = {
    "enum": list(STATUSES),
    "description": "立案审批（等待负责人批准立案）、立案、调查、告知、听证、决定、执行、结案",
}
_AWAITING = {
    "type": "object",
    "description": "已提交负责人审批，未编号；用 id 调用 POST /api/documents/{submission_id}/approval。",
    "required": ["id", "status"],
    "properties": {"id": {"type": "integer"}, "status": {"enum": ["awaiting_approval"]}},
    "additionalProperties": False,
}

CASE_SCHEMAS: dict[str, Any] = {
    "Awaiting": _AWAITING,
    "CaseOpened": {
        "type": "object",
        "description": "已登记的案件；负责人批准立案审批表后才有案号。",
        "required": ["id", "number", "status", "approval"],
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": ["string", "null"], "description": "案号，批准前为 null"},
            "status": _STATUS,
            "approval": _AWAITING,
        },
        "additionalProperties": False,
    },
    "CaseSummary": {
        "type": "object",
        "required": ["id", "number", "status", "cause", "party", "opened_on"],
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": ["string", "null"]},
            "status": _STATUS,
            "cause": TEXT,
            "party": TEXT,
            "opened_on": _DATE,
        },
        "additionalProperties": False,
    },
    "Case": {
        "type": "object",
        "description": "一个案件：文书（及送达日期）、期限、审批。",
        "required": ["id", "number", "status", "documents", "deadlines"],
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": ["string", "null"]},
            "status": _STATUS,
            "cause": TEXT,
            "party": TEXT,
            "opened_on": _DATE,
            "closed_on": _MAYBE_DATE,
            "documents": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "kind", "number", "served_on"],
                    "properties": {
                        "id": {"type": "integer"},
                        "kind": TEXT,
                        "number": TEXT,
                        "status": {"enum": ["issued", "voided"]},
                        "document_date": _DATE,
                        "served_on": {**_MAYBE_DATE, "description": "送达日期，未送达为 null"},
                    },
                    "additionalProperties": False,
                },
            },
            "deadlines": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["what", "due"],
                    "properties": {"what": TEXT, "due": _DATE},
                    "additionalProperties": False,
                },
            },
            "approvals": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "kind": TEXT,
                        "status": {"enum": ["awaiting_approval", "returned", "approved"]},
                        "submitted_by": TEXT,
                        "decided_by": TEXT,
                        "opinion": TEXT,
                        "document_id": {"type": ["integer", "null"]},
                    },
                },
            },
        },
        "additionalProperties": False,
    },
    "Decision": {
        "type": "object",
        "description": "负责人的审批：批准（编号并印发）或退回（写明理由）。",
        "required": ["decision"],
        "properties": {
            "decision": {"enum": ["approve", "return"]},
            "opinion": {"type": "string", "description": "审批意见，默认“同意”"},
            "reason": {"type": "string", "description": "退回理由（退回时必填）"},
        },
        "additionalProperties": False,
    },
    "Returned": {
        "type": "object",
        "required": ["id", "status", "reason"],
        "properties": {
            "id": {"type": "integer"},
            "status": {"enum": ["returned"]},
            "reason": TEXT,
        },
        "additionalProperties": False,
    },
}


def _operation(operation_id: str, summary: str, **parts: Any) -> dict[str, Any]:
    """Return one operation."""
    return {"operationId": operation_id, "summary": summary, **parts}


def _body(schema: str) -> dict[str, Any]:
    """Return a required JSON request body of a schema."""
    return {"required": True, "content": {"application/json": {"schema": ref(schema)}}}


_REFUSED = json_body(ref("InvalidFacts"), "未通过检查：事实或办案程序（键为字段名或 case）")

CASE_PATHS: dict[str, Any] = {
    "/api/cases": {
        "post": _operation(
            "openCase",
            "登记案件并提交立案审批表，等待负责人批准立案",
            requestBody={
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["facts"],
                            "properties": {"facts": {"type": "object"}},
                            "additionalProperties": False,
                        }
                    }
                },
            },
            responses={
                "201": json_body(ref("CaseOpened"), "已登记，等待批准"),
                "422": _REFUSED,
                **errors("400", "403", "413", "415"),
            },
        ),
        "get": _operation(
            "listCases",
            "全部案件，新的在前",
            responses={
                "200": json_body({"type": "array", "items": ref("CaseSummary")}, "案件"),
                **errors("403"),
            },
        ),
    },
    "/api/cases/{case_id}": {
        "get": _operation(
            "getCase",
            "一个案件：文书、送达日期、期限、审批",
            parameters=[_CASE_ID],
            responses={"200": json_body(ref("Case"), "案件"), **errors("403", "404")},
        )
    },
    "/api/cases/{case_id}/extensions": {
        "post": _operation(
            "requestExtension",
            "申请延长办案期限（行政处罚法第六十条），等待负责人批准",
            parameters=[_CASE_ID],
            requestBody={
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["days", "reason"],
                            "properties": {
                                "days": {"type": "integer", "minimum": 1, "maximum": 90},
                                "reason": TEXT,
                            },
                            "additionalProperties": False,
                        }
                    }
                },
            },
            responses={
                "202": json_body(ref("Awaiting"), "已提交负责人审批"),
                "422": _REFUSED,
                **errors("400", "403", "404", "413", "415"),
            },
        )
    },
    "/api/cases/{case_id}/extensions/{submission_id}/approval": {
        "post": _operation(
            "approveExtension",
            "负责人批准延长办案期限",
            parameters=[_CASE_ID, _SUBMISSION_ID],
            requestBody={
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"opinion": TEXT},
                            "additionalProperties": False,
                        }
                    }
                },
            },
            responses={
                "200": json_body(ref("Case"), "已批准：案件及新的期限"),
                "409": error("该申请已经审批过了"),
                **errors("400", "403", "404", "413", "415"),
            },
        )
    },
    "/api/documents/{submission_id}/approval": {
        "post": _operation(
            "decideSubmission",
            "负责人批准（编号、生成并归档）或退回一份待审批的文书",
            description=(
                "只有负责人（head）可以审批，且不能审批自己提交的文书；办事员为 403。"
                "批准时再次检查事实和办案程序，未通过为 422，文书仍待审批。"
            ),
            parameters=[_SUBMISSION_ID],
            requestBody=_body("Decision"),
            responses={
                "201": json_body(ref("Issued"), "已批准：编号、生成并归档"),
                "200": json_body(ref("Returned"), "已退回承办人"),
                "409": error("该文书已经审批过了"),
                "422": _REFUSED,
                "503": error("文书未能生成，未占用文号；仍待审批"),
                **errors("400", "403", "404", "413", "415"),
            },
        )
    },
}

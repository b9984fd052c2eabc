"""The OpenAPI description of the batch endpoints (service.web.api_batches)."""

from __future__ import annotations

from typing import Any

from service.batch.main_recipients import EXAMPLE, MAX_LINES
from service.instruments.registry import INSTRUMENTS
from service.web.openapi_parts import (
    FIELD_ERRORS,
    NUMBERING,
    TEXT,
    URL,
    error,
    errors,
    json_body,
    record_id,
    ref,
)

BATCH_SCHEMAS: dict[str, Any] = {
    "BatchRequest": {
        "type": "object",
        "description": "批量发文：一种文书、各份共同的事实，和每份一行自己的事实（覆盖共同事实）。",
        "required": ["kind", "facts", "rows"],
        "properties": {
            "kind": {"enum": list(INSTRUMENTS)},
            "facts": {
                "type": "object",
                "description": "各份共同的事实，字段见 GET /api/kinds；numbering 为 shared 的种类，"
                f"其收文单位字段（如 addressee）在这里是主送机关统称，如“{EXAMPLE}”，"
                f"不填则主送依次列出各行的单位（超过 {MAX_LINES} 行时拒绝，GB/T 9704—2012 7.2.4）",
            },
            "rows": {
                "type": "array",
                "minItems": 1,
                "maxItems": 10000,
                "items": {"type": "object"},
                "description": "每份一个对象，通常只有受文者字段；行号从 1 数起",
            },
            "skip_invalid": {
                "type": "boolean",
                "description": "为真时跳过不合规的行、生成其余各份；默认一行不合规则一份也不生成",
            },
        },
        "additionalProperties": False,
    },
    "InvalidRows": {
        "type": "object",
        "description": "有不合规的行（或没有可生成的行）：未建立任务，未占用文号。",
        "required": ["rows", "valid", "total"],
        "properties": {
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["row", "errors"],
                    "properties": {
                        "row": {"type": "integer", "minimum": 1},
                        "errors": FIELD_ERRORS,
                    },
                    "additionalProperties": False,
                },
            },
            "valid": {"type": "integer"},
            "total": {"type": "integer"},
        },
        "additionalProperties": False,
    },
    "Batch": {
        "type": "object",
        "description": "一个批量任务：状态、进度、跳过的行，完成后三个输出的地址。",
        "required": [
            "id",
            "kind",
            "status",
            "status_text",
            "done",
            "total",
            "error",
            "active",
            "finished",
            "skipped_rows",
            "numbering",
            "number",
            "outputs",
        ],
        "properties": {
            "id": {"type": "integer"},
            "kind": TEXT,
            "status": {"enum": ["pending", "running", "failed", "done"]},
            "status_text": TEXT,
            "done": {"type": "integer"},
            "total": {"type": "integer"},
            "error": {"type": "string", "description": "停止的原因；失败的任务可以 resume"},
            "active": {"type": "boolean", "description": "正在排队或执行"},
            "finished": {"type": "boolean", "description": "已完成且输出已写出"},
            "skipped_rows": {"type": "array", "items": {"type": "integer"}},
            "numbering": NUMBERING,
            "number": {
                "type": "string",
                "description": (
                    "各份共用的文号（numbering 为 shared 时，第一批副本归档后才有）；"
                    "一份一个文号的任务为空，各份的文号和份号见 manifest.csv"
                ),
            },
            "outputs": {
                "type": "object",
                "properties": {name: URL for name in ("merged.pdf", "copies.zip", "manifest.csv")},
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    },
}

_JOB_ID = record_id("job_id")
_LOCATION = {
    "Location": {
        "schema": {"type": "string", "format": "uri"},
        "description": "GET /api/batches/{job_id} 的地址",
    }
}
_OUTPUT_TYPES = {
    "merged.pdf": "application/pdf", "copies.zip": "application/zip", "manifest.csv": "text/csv",
}  # fmt: skip
BATCH_PATHS: dict[str, Any] = {
    "/api/batches": {
        "post": {
            "operationId": "submitBatch",
            "summary": "批量发文：先检查每一行，再在后台逐份编号、生成并归档",
            "description": (
                "同一用户再次提交完全相同的输入时，不会重复发文，回答已有的任务（200）。"
                "进度和输出见 Location。"
            ),
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("BatchRequest")}},
            },
            "responses": {
                "202": {**json_body(ref("Batch"), "任务已建立并开始"), "headers": _LOCATION},
                "200": {**json_body(ref("Batch"), "相同输入的任务已经存在"), "headers": _LOCATION},
                "422": json_body(ref("InvalidRows"), "有不合规的行，未建立任务"),
                "503": {
                    **error(
                        "任务已保存，但任务队列无法连接（稍后 resume，附 Location）；"
                        "或模板无法使用，未建立任务"
                    ),
                    "headers": _LOCATION,
                },
                **errors("400", "403", "413", "415"),
            },
        }
    },
    "/api/batches/{job_id}": {
        "get": {
            "operationId": "getBatch",
            "summary": "批量任务的状态和进度；完成后列出输出",
            "parameters": [_JOB_ID],
            "responses": {"200": json_body(ref("Batch"), "批量任务"), **errors("403", "404")},
        }
    },
    "/api/batches/{job_id}/resume": {
        "post": {
            "operationId": "resumeBatch",
            "summary": "让停止的任务从停下的地方继续；已生成的文书不会重复生成",
            "parameters": [_JOB_ID],
            "responses": {
                "202": {**json_body(ref("Batch"), "已重新开始"), "headers": _LOCATION},
                "200": json_body(ref("Batch"), "任务已经完成"),
                "503": error("任务队列无法连接"),
                **errors("403", "404"),
            },
        }
    },
    "/api/batches/{job_id}/{name}": {
        "get": {
            "operationId": "getBatchOutput",
            "summary": "完成的任务的输出：合并的 PDF、每份 PDF 的 ZIP、清单 CSV",
            "parameters": [
                _JOB_ID,
                {
                    "name": "name",
                    "in": "path",
                    "required": True,
                    "schema": {"enum": list(_OUTPUT_TYPES)},
                },
            ],
            "responses": {
                "200": {
                    "description": "输出文件",
                    "content": {
                        mimetype: {"schema": {"type": "string", "contentMediaType": mimetype}}
                        for mimetype in _OUTPUT_TYPES.values()
                    },
                },
                **errors("403", "404"),
            },
        }
    },
}

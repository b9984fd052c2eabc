"""The OpenAPI description of the draw endpoint (service.web.api_draws)."""

from __future__ import annotations

from typing import Any

from service.instruments.registry import INSTRUMENTS
from service.web.openapi_parts import TEXT, errors, json_body, ref

DRAWN_KINDS = [kind for kind, instrument in INSTRUMENTS.items() if instrument.draw_path]

DRAW_SCHEMAS: dict[str, Any] = {
    "DrawRequest": {
        "type": "object",
        "description": "由系统抽取（双随机）：文书种类和事实；随机种子由系统当场生成，不能提供。",
        "required": ["kind", "facts"],
        "properties": {
            "kind": {"enum": DRAWN_KINDS},
            "facts": {
                "type": "object",
                "description": "除 seed 和 draw 以外的事实，字段见 GET /api/kinds",
            },
            "replaces": {
                "type": "integer",
                "minimum": 1,
                "description": "本次抽取取代的本人先前一次尚未用于发文的抽取（draw_id），记入审计记录",
            },
        },
        "additionalProperties": False,
    },
    "Drawn": {
        "type": "object",
        "description": "已抽取并记入审计记录；用其中的 facts 调用 POST /api/documents 生成名单。",
        "required": ["draw_id", "seed", "facts", "drawn"],
        "properties": {
            "draw_id": {
                "type": "integer",
                "description": "抽取记录号（审计记录的编号），即 facts.draw",
            },
            "seed": {
                "type": "string",
                "pattern": "^[0-9a-f]{32}$",
                "description": "系统生成的随机种子",
            },
            "facts": {"type": "object", "description": "提交的事实，填入了 seed 和 draw"},
            "drawn": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["unit", "digest", "officers"],
                    "properties": {
                        "unit": TEXT,
                        "digest": {"type": "string", "description": "校验值前8位"},
                        "officers": {"type": "array", "items": TEXT},
                    },
                    "additionalProperties": False,
                },
            },
        },
        "additionalProperties": False,
    },
}

DRAW_PATHS: dict[str, Any] = {
    "/api/draws": {
        "post": {
            "operationId": "drawList",
            "summary": "由系统生成随机种子并抽取（双随机抽查名单），记入审计记录",
            "description": (
                "每次抽取都记入审计记录，不论是否用于发文。生成名单时以返回的 facts 调用 "
                "POST /api/documents：服务核对抽取记录号、随机种子、检查方式、比例、单位名录和执法人员库"
                "与记录一致，且该次抽取属于本人、尚未用于发文。"
            ),
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("DrawRequest")}},
            },
            "responses": {
                "201": json_body(ref("Drawn"), "已抽取并记录"),
                "422": json_body(ref("InvalidFacts"), "事实未通过检查：未抽取，未记录"),
                **errors("400", "403", "413", "415"),
            },
        }
    },
}

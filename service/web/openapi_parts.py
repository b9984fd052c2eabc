"""Building blocks of the OpenAPI description: references, JSON bodies, errors, common types."""

from __future__ import annotations

from typing import Any

from service.instruments.registry import Numbering


def ref(name: str) -> dict[str, str]:
    """Return a reference to a schema of the components."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """Return a response with a JSON body of the schema."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error(description: str) -> dict[str, Any]:
    """Return a response answering {"error": message}."""
    return json_body(ref("Error"), description)


TEXT = {"type": "string"}
HASH = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
URL = {"type": "string", "format": "uri"}
NUMBERING = {
    "enum": [numbering.value for numbering in Numbering],
    "description": (
        "编号方式：own 一份一个文号；shared 发往多个单位的同一份文书共用一个文号，各份有份号；"
        "incoming 收到的报告，编收文登记号而不占本局发文字号"
    ),
}


def record_id(name: str) -> dict[str, Any]:
    """Return a path parameter naming a database row: 1 to 2³¹−1, as the <id:…> converter takes."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
    }


def errors(*codes: str) -> dict[str, Any]:
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


# Field name → its Chinese messages, as the forms report them.
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": TEXT, "minItems": 1},
}

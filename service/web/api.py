"""The JSON API: instrument kinds, issuing from JSON facts, archived documents and their PDFs.

Batch jobs join the same blueprint from service.web.api_batches.
"""

from __future__ import annotations

import json
import math
from typing import Any, NoReturn

from flask import Blueprint, Flask, jsonify, request, url_for
from werkzeug.wrappers import Response

from service.accounts.users import ISSUE
from service.acts.approving import submit
from service.acts.errors import FactsRefused, KindUnknown, NotIssued
from service.acts.issuing import issue_document
from service.archive.access import may_see
from service.archive.pdfinspect import is_sealed
from service.database.models import Document
from service.foundations.formatting import format_copy_number
from service.foundations.plaintext import quote_many
from service.instruments.facts import describe_kinds
from service.instruments.registry import UnknownKind, get_instrument
from service.web import wenshu
from service.web.auth import current_account, requires
from service.web.documents import reader_classifications, send_archived_ofd, send_archived_pdf
from service.web.openapi import OPENAPI

blueprint = Blueprint("api", __name__, url_prefix="/api")
# Ids beyond a 32-bit integer cannot exist (PostgreSQL's integer) and would fail the query.
DOCUMENT = "/documents/<id:document_id>"
SHAPE = '{"kind": "文书种类", "facts": {…}, "case": 案件id（可选）}'


class ApiProblem(Exception):
    """Raised by a view to answer {"error": message} with an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def init_app(app: Flask) -> None:
    """Attach the API; it authenticates by bearer token, so it needs no CSRF token."""
    from service.web import (  # noqa: F401  (their routes join this blueprint)
        api_approvals,
        api_batches,
        api_case_file,
        api_cases,
        api_draws,
        api_service,
    )

    app.register_blueprint(blueprint)
    app.extensions["csrf"].exempt(blueprint)


@blueprint.errorhandler(ApiProblem)
def problem(error: ApiProblem) -> tuple[Response, int]:
    """Return the JSON answer to a problem a view found."""
    return jsonify(error=error.message), error.status


@blueprint.errorhandler(NotIssued)
def not_issued(error: NotIssued) -> tuple[Response, int]:
    """Return the JSON answer when nothing was issued: 422 for the facts, 400 for the kind, else 503."""
    if isinstance(error, FactsRefused):
        return jsonify(errors=error.errors), 422
    if isinstance(error, KindUnknown):
        return jsonify(error=str(error)), 400
    return jsonify(error=f"文书未能生成，未占用文号：{error}"), 503


@blueprint.get("/kinds")
def kinds() -> Response:
    """Every instrument with its fields, as `wenshu kinds --json` prints them."""
    return jsonify(describe_kinds())


@blueprint.post("/documents")
@requires(ISSUE)
def issue() -> tuple[Response, int] | tuple[Response, int, dict[str, str]]:
    """Issue an instrument from JSON facts: 201 with its 文号, fixity values and PDF address.

    A kind the head approves is submitted instead: 202 with the submission's id, nothing numbered.
    """
    payload = json_object(SHAPE, required=("kind", "facts"), optional=("case",))
    kind, facts = checked_kind(payload["kind"]), facts_object(payload["facts"])
    case_id = case_reference(payload.get("case"))
    account = current_account()
    if get_instrument(kind).approval:
        submission = submit(
            wenshu(), kind, facts, case_id, account.username, reader_classifications()
        )
        return jsonify(id=submission.id, status=submission.status), 202
    document = issue_document(
        wenshu(), kind, facts, account.username, reader_classifications(), case_id=case_id
    )
    return issued_answer(document)


def case_reference(value: Any) -> int | None:
    """Return the case id a request names, None for none; raise ApiProblem for anything else."""
    if value is None:
        return None
    if type(value) is not int or not 1 <= value < 2**31:
        raise ApiProblem(400, "case 应当是案件的 id（正整数），见 POST /api/cases 的答复")
    return value


def issued_answer(document: Document) -> tuple[Response, int, dict[str, str]]:
    """Return the 201 answer for an issued document: its 文号, fixity values and addresses."""
    issued = {
        "id": document.id,
        "number": document.number,
        "kind": document.kind,
        "sha256": document.sha256,
        "sm3": document.sm3,
        "pdf_url": url_for("api.document_pdf", document_id=document.id, _external=True),
        **ofd_keys(document),
        "warnings": list(document.warnings),
    }
    location = url_for("api.document", document_id=document.id, _external=True)
    return jsonify(issued), 201, {"Location": location}


@blueprint.get(DOCUMENT)
def document(document_id: int) -> Response:
    """One archived document's metadata."""
    return jsonify(document_metadata(find_document(document_id)))


@blueprint.get(DOCUMENT + "/pdf")
def document_pdf(document_id: int) -> Response:
    """The archived PDF/A file."""
    return send_archived_pdf(find_document(document_id), "api")


@blueprint.get(DOCUMENT + "/ofd")
def document_ofd(document_id: int) -> Response:
    """The archived OFD file (application/ofd); 404 for a document issued before OFD was written."""
    document = find_document(document_id)
    if not document.ofd_path:
        raise ApiProblem(404, f"{document.number} 签发时尚未生成 OFD 文件")
    return send_archived_ofd(document, "api")


@blueprint.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API; open without a token."""
    return jsonify(OPENAPI)


def json_object(
    shape: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Return the request's JSON body, an object with these keys, or raise ApiProblem."""
    if request.mimetype != "application/json":
        raise ApiProblem(415, "请求体应当是 JSON，并标明 Content-Type: application/json")
    if request.mimetype_params.get("charset", "utf-8").lower() not in {"utf-8", "utf8"}:
        raise ApiProblem(415, "JSON 应当以 UTF-8 编码")
    data = request.get_data(cache=False)  # 413 beyond MAX_CONTENT_LENGTH
    if not data.strip():
        raise ApiProblem(400, f"请求体是空的，应当是 JSON 对象 {shape}")
    try:
        payload = json.loads(data.decode("utf-8"), parse_constant=_refuse, parse_float=_finite)
    except UnicodeDecodeError as error:
        raise ApiProblem(400, f"请求体不是 UTF-8 编码（第{error.start + 1}个字节）") from error
    except json.JSONDecodeError as error:
        where = f"第{error.lineno}行第{error.colno}列"
        raise ApiProblem(400, f"请求体不是有效的 JSON（{where}）") from error
    except Unacceptable as error:
        raise ApiProblem(400, f"请求体不是可接受的 JSON：{error}") from error
    except ValueError as error:  # Python refuses integers of more than 4300 digits
        raise ApiProblem(400, "请求体不是可接受的 JSON：数字过长") from error
    except RecursionError as error:
        raise ApiProblem(400, "请求体不是可接受的 JSON：嵌套过深") from error
    if not isinstance(payload, dict):
        raise ApiProblem(400, f"请求体应当是 JSON 对象 {shape}，而不是数组或单个值")
    unknown = sorted(set(payload) - {*required, *optional})
    if unknown:
        accepted = " 和 ".join("、".join(keys) for keys in (required, optional) if keys)
        raise ApiProblem(400, f"请求体只接受 {accepted}，不认识：{quote_many(unknown)}")
    missing = [key for key in required if key not in payload]
    if missing:
        raise ApiProblem(400, f"请求体缺少 {'、'.join(missing)}，应当是 {shape}")
    return payload


def checked_kind(kind: Any) -> str:
    """Return the kind if it names an instrument, or raise ApiProblem."""
    if not isinstance(kind, str):
        raise ApiProblem(400, "kind 应当是文书种类的名称（字符串），种类见 GET /api/kinds")
    try:
        get_instrument(kind)
    except UnknownKind as error:
        raise ApiProblem(400, str(error)) from error
    return kind


def facts_object(facts: Any, name: str = "facts") -> dict[str, Any]:
    """Return the facts if they are a JSON object, or raise ApiProblem."""
    if not isinstance(facts, dict):
        raise ApiProblem(400, f"{name} 应当是以字段名为键的 JSON 对象")
    return facts


class Unacceptable(ValueError):
    """Raised for a JSON number the API refuses."""


def _refuse(constant: str) -> NoReturn:
    """Refuse NaN and Infinity, which JSON does not have."""
    raise Unacceptable(f"JSON 中没有 {constant}")


def _finite(text: str) -> float:
    """Return a JSON number as a float, refusing one too large to be finite."""
    number = float(text)
    if not math.isfinite(number):
        raise Unacceptable(f"数字 {text[:20]} 超出范围")
    return number


def find_document(document_id: int) -> Document:
    """Return the archived document with this id, or raise a 404 ApiProblem."""
    with wenshu().database.session() as session:
        found = session.get(Document, document_id)
    role, policy = current_account().role, wenshu().settings.policy
    if found is None or not may_see(role, found.classification, policy):
        raise ApiProblem(404, f"没有 id 为 {document_id} 的文书")
    return found


def document_metadata(document: Document) -> dict[str, Any]:
    """Return a document's metadata as the API answers it."""
    issued_at = document.issued_at
    return {
        "id": document.id,
        "kind": document.kind,
        "title": document.title,
        "number": document.number,
        "copy_number": format_copy_number(document.copy_number),
        "numbering": document.numbering,
        "recipient": document.recipient,
        "document_date": document.document_date.isoformat(),
        "status": document.status,
        "void_reason": document.void_reason,
        "case_id": document.case_id,
        "served_on": document.served_on.isoformat() if document.served_on else None,
        "sealed": is_sealed(wenshu().archive.absolute(document.pdf_path)),
        "sha256": document.sha256,
        "sm3": document.sm3,
        "size": document.size,
        "pages": document.pages,
        "template_version": document.template_version,
        "template_sha256": document.template_sha256,
        "issued_by": document.issued_by,
        "issued_at": issued_at.isoformat(),
        "facts": document.facts,
        "warnings": list(document.warnings),
        "pdf_url": url_for("api.document_pdf", document_id=document.id, _external=True),
        **ofd_keys(document),
    }


def ofd_keys(document: Document) -> dict[str, Any]:
    """Return the OFD's address and fixity values; null for a document issued before OFD was written."""
    if not document.ofd_path:
        return {"ofd_url": None, "ofd_sha256": None, "ofd_sm3": None, "ofd_size": None}
    return {
        "ofd_url": url_for("api.document_ofd", document_id=document.id, _external=True),
        "ofd_sha256": document.ofd_sha256,
        "ofd_sm3": document.ofd_sm3,
        "ofd_size": document.ofd_size,
    }

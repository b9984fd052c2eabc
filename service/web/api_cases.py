"""The JSON API's cases: opening one, reading its documents and deadlines, extending its time limit."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from service.accounts.users import APPROVE, ISSUE
from service.acts.extensions import approve_extension, request_extension
from service.acts.opening import open_case
from service.cases.deadlines import case_deadlines
from service.cases.records import CaseDocument, CaseFile, NoSuchCase, load_case
from service.database.models import Case, Submission
from service.web import wenshu
from service.web.api import ApiProblem, blueprint, facts_object, json_object
from service.web.api_approvals import text_value
from service.web.auth import current_account, requires
from service.web.deadlines import today
from service.web.documents import reader_classifications

CASE = "/cases/<id:case_id>"
CASE_ROLES = ISSUE | APPROVE


@blueprint.post("/cases")
@requires(ISSUE)
def create() -> tuple[Response, int, dict[str, str]]:
    """Open a case from its 立案审批表's facts: 201, numberless until the head approves it."""
    payload = json_object('{"facts": {…立案审批表…}}', required=("facts",))
    case, submission = open_case(
        wenshu(), facts_object(payload["facts"]), current_account().username,
        reader_classifications(),
    )  # fmt: skip
    answer = {
        "id": case.id,
        "number": case.number,
        "status": case.status,
        "approval": {"id": submission.id, "status": submission.status},
    }
    location = url_for("api.case", case_id=case.id, _external=True)
    return jsonify(answer), 201, {"Location": location}


@blueprint.get("/cases")
@requires(CASE_ROLES)
def cases() -> Response:
    """Every case, newest first: id, number, status, 案由, party, 立案日期."""
    with wenshu().database.session() as session:
        rows = session.scalars(select(Case).order_by(Case.id.desc())).all()
    return jsonify([case_row(row) for row in rows])


@blueprint.get(CASE)
@requires(CASE_ROLES)
def case(case_id: int) -> Response:
    """One case: its status, its documents with their service dates, its deadlines, its approvals."""
    case_file = found_case(case_id)
    with wenshu().database.session() as session:
        submissions = session.scalars(
            select(Submission).where(Submission.case_id == case_id).order_by(Submission.id)
        ).all()
    return jsonify(case_answer(case_file, submissions))


@blueprint.post(CASE + "/extensions")
@requires(ISSUE)
def extension(case_id: int) -> tuple[Response, int]:
    """Ask the head to extend the case's time limit (第六十条): 202, waiting for approval."""
    payload = json_object('{"days": 天数, "reason": "理由"}', required=("days", "reason"))
    found_case(case_id)
    submission = request_extension(
        wenshu(), case_id, payload["days"], payload["reason"], current_account().username
    )
    return jsonify(id=submission.id, status=submission.status), 202


@blueprint.post(CASE + "/extensions/<id:submission_id>/approval")
@requires(APPROVE)
def extension_approval(case_id: int, submission_id: int) -> tuple[Response, int]:
    """Approve a request to extend the case's time limit: 200 with the case's new deadlines."""
    payload = json_object('{"opinion": "审批意见（可选）"}', required=(), optional=("opinion",))
    opinion = text_value(payload.get("opinion"), "opinion")
    found_case(case_id)
    approve_extension(
        wenshu(), submission_id, current_account().username, opinion, via="api", today=today()
    )
    return jsonify(case_answer(found_case(case_id), [])), 200


def found_case(case_id: int) -> CaseFile:
    """Return the case with this id, or raise a 404 ApiProblem."""
    with wenshu().database.session() as session:
        try:
            return load_case(session, case_id)
        except NoSuchCase as error:
            raise ApiProblem(404, str(error)) from None


def case_answer(case_file: CaseFile, submissions: Any) -> dict[str, Any]:
    """Return a case as the API answers it."""
    return {
        "id": case_file.id,
        "number": case_file.number,
        "status": case_file.status,
        "cause": case_file.cause,
        "party": case_file.party,
        "opened_on": case_file.opened_on.isoformat(),
        "closed_on": case_file.closed_on.isoformat() if case_file.closed_on else None,
        "documents": [document_row(document) for document in case_file.documents],
        "deadlines": [
            {"what": item.what, "due": item.due.isoformat()}
            for item in case_deadlines(case_file, today())
        ],
        "approvals": [submission_row(row) for row in submissions],
    }


def case_row(row: Case) -> dict[str, Any]:
    """Return one case of the list."""
    return {
        "id": row.id,
        "number": row.number,
        "status": row.status,
        "cause": row.cause,
        "party": row.party,
        "opened_on": row.opened_on.isoformat(),
    }


def document_row(document: CaseDocument) -> dict[str, Any]:
    """Return one document of a case, with the day it was served (None until then)."""
    return {
        "id": document.id,
        "kind": document.kind,
        "number": document.number,
        "status": document.status,
        "document_date": document.document_date.isoformat(),
        "served_on": document.served_on.isoformat() if document.served_on else None,
    }


def submission_row(row: Submission) -> dict[str, Any]:
    """Return one submission of a case for approval and what became of it."""
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "submitted_by": row.submitted_by,
        "decided_by": row.decided_by,
        "opinion": row.opinion,
        "document_id": row.document_id,
    }

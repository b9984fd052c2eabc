"""The JSON API's approvals: the head approves a submitted instrument (it is numbered) or returns it."""

from __future__ import annotations

from flask import jsonify
from werkzeug.wrappers import Response

from service.accounts.users import APPROVE
from service.acts.approving import approve, return_submission
from service.acts.casework import ApprovalRefused
from service.web import wenshu
from service.web.api import ApiProblem, blueprint, issued_answer, json_object
from service.web.auth import current_account, requires
from service.web.deadlines import today

SHAPE = '{"decision": "approve" 或 "return", "reason": "退回理由", "opinion": "审批意见（可选）"}'
# How a refused decision is answered: no such submission, decided already, one's own.
STATUS = {"unknown": 404, "decided": 409, "own": 403}


@blueprint.errorhandler(ApprovalRefused)
def approval_refused(error: ApprovalRefused) -> tuple[Response, int]:
    """Return the JSON answer when a submission cannot be decided."""
    return jsonify(error=str(error)), STATUS[error.reason]


@blueprint.post("/documents/<id:submission_id>/approval")
@requires(APPROVE)
def decide(submission_id: int) -> tuple[Response, int] | tuple[Response, int, dict[str, str]]:
    """Approve (201 and the issued document) or return (200) a submission awaiting the head."""
    payload = json_object(SHAPE, required=("decision",), optional=("reason", "opinion"))
    decision, head = payload["decision"], current_account().username
    if decision == "approve":
        opinion = text_value(payload.get("opinion"), "opinion")
        document = approve(wenshu(), submission_id, head, opinion, via="api", today=today())
        return issued_answer(document)
    if decision == "return":
        reason = text_value(payload.get("reason"), "reason")
        returned = return_submission(wenshu(), submission_id, head, reason)
        return jsonify(id=returned.id, status=returned.status, reason=returned.opinion), 200
    raise ApiProblem(400, f"decision 只能是 approve 或 return，应当是 {SHAPE}")


def text_value(value: object, name: str) -> str:
    """Return an optional text of the request ("" when absent), or raise ApiProblem."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiProblem(400, f"{name} 应当是文字")
    return value

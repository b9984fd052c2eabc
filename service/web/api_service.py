"""The JSON API's service of documents: a document served, its 送达回证 issued and recorded on it."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from werkzeug.wrappers import Response

from service.accounts.users import ISSUE
from service.acts.casework import RECEIPT
from service.acts.errors import DocumentUnknown, NotServable
from service.acts.serving import serve_document
from service.instruments.registry import get_instrument
from service.web import wenshu
from service.web.api import DOCUMENT, ApiProblem, blueprint, issued_answer, json_object
from service.web.auth import current_account, requires
from service.web.deadlines import today
from service.web.documents import reader_classifications

SHAPE = '{"served_on": "年-月-日", "method": "送达方式", "recipient": "接收人", …该送达方式的字段}'
REQUIRED = ("served_on", "method", "recipient")
# What the receipt says of the document served is taken from the document, never the request.
FROM_DOCUMENT = ("served_number", "served_title")
# The other facts of a 送达回证: those of each method (place, signer, witnesses, …), servers, remarks.
METHOD_KEYS = tuple(
    field.name
    for field in get_instrument(RECEIPT).form()
    if field.name not in (*REQUIRED, *FROM_DOCUMENT)
)


@blueprint.post(DOCUMENT + "/service")
@requires(ISSUE)
def serve(document_id: int) -> tuple[Response, int] | tuple[Response, int, dict[str, str]]:
    """Record that a document was served: 201 and its 送达回证; 404, 409 served or voided, 422."""
    payload = json_object(SHAPE, required=REQUIRED, optional=METHOD_KEYS)
    try:
        receipt = serve_document(
            wenshu(), document_id, payload, current_account().username,
            reader_classifications(), today(),
        )  # fmt: skip
    except DocumentUnknown as error:
        raise ApiProblem(404, str(error)) from error
    except NotServable as error:
        return jsonify(not_servable(error)), 409
    return issued_answer(receipt)


def not_servable(error: NotServable) -> dict[str, Any]:
    """Return the 409 answer: why, and the 送达回证 that served the document already, if any."""
    answer: dict[str, Any] = {"error": str(error)}
    if error.receipt is not None:
        receipt_id, number = error.receipt
        answer["service_receipt"] = {
            "id": receipt_id,
            "number": number,
            "url": url_for("api.document", document_id=receipt_id, _external=True),
        }
    return answer

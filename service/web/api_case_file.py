"""The JSON API's case file: GET /api/cases/ID/file.pdf, the 案卷 of a closed case as one PDF/A."""

from __future__ import annotations

import io

from sqlalchemy import select
from werkzeug.wrappers import Response

from service.archive.access import may_see
from service.custody.case_bag import volume_file_name
from service.custody.case_file import case_file_pdf, record_case_file
from service.custody.case_volume import CaseNotClosed, FilesDiffer, VolumeUnconverted
from service.database.models import Document
from service.web import wenshu
from service.web.api import ApiProblem, blueprint
from service.web.api_cases import CASE, CASE_ROLES, found_case
from service.web.auth import current_account, requires
from service.web.downloads import send_named


@blueprint.get(CASE + "/file.pdf")
@requires(CASE_ROLES)
def case_file(case_id: int) -> Response:
    """The file of a closed case: 200 PDF/A, 404 for no case, 409 before 结案, 503 unconverted.

    A case holding a document whose 密级 the reader may not see is answered 404, as that
    document itself would be. Each download is recorded in the audit chain.
    """
    case = found_case(case_id)
    refuse_hidden(case_id)
    try:
        data = case_file_pdf(wenshu(), case_id)
    except CaseNotClosed as refused:
        raise ApiProblem(409, str(refused)) from None
    except FilesDiffer as refused:
        raise ApiProblem(500, f"{refused}：{'；'.join(refused.problems)}") from None
    except VolumeUnconverted as refused:
        raise ApiProblem(503, str(refused)) from None
    number = case.number or str(case_id)  # a closed case has its number
    record_case_file(wenshu(), case_id, number, data, current_account().username, "download", "api")
    name = volume_file_name(number)
    return send_named(io.BytesIO(data), "application/pdf", name, f"case-{case_id}.pdf")


def refuse_hidden(case_id: int) -> None:
    """Raise a 404 ApiProblem when the case holds a document the reader's role may not see."""
    with wenshu().database.session() as session:
        classifications = set(
            session.scalars(
                select(Document.classification).where(
                    Document.case_id == case_id, Document.status == "issued"
                )
            )
        )
    role, policy = current_account().role, wenshu().settings.policy
    if any(not may_see(role, classification, policy) for classification in classifications):
        raise ApiProblem(404, f"没有编号为 {case_id} 的案件，或其中有您无权查看的文书")

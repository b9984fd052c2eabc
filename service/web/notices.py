"""The lookup of the supervision notices a 复查决定书 reviews, for the form's picker."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, jsonify, request

from service.accounts.users import APPROVE, ISSUE
from service.archive.notice_lookup import reviewable_notices
from service.web import wenshu
from service.web.auth import requires
from service.web.documents import reader_classifications

blueprint = Blueprint("notices", __name__)


@blueprint.get("/archive/notices.json")
@requires(ISSUE | APPROVE)
def lookup() -> Response:
    """Answer {"notices": [...]}: issued notices of a 密级 the reader may see, matching ?q=."""
    text = request.args.get("q", "")[:100]
    with wenshu().database.session() as session:
        notices = reviewable_notices(session, text, reader_classifications())
    return jsonify(notices=[asdict(notice) for notice in notices])

"""The JSON API's draws (双随机): the system draws and records a list, to be issued with its id."""

from __future__ import annotations

from flask import jsonify
from werkzeug.wrappers import Response

from service.accounts.users import ISSUE
from service.acts.drawing import make_draw
from service.web import wenshu
from service.web.api import ApiProblem, blueprint, checked_kind, facts_object, json_object
from service.web.auth import current_account, requires
from service.web.documents import reader_classifications

SHAPE = '{"kind": "文书种类", "facts": {…}}'


@blueprint.post("/draws")
@requires(ISSUE)
def draw() -> tuple[Response, int]:
    """Draw a list with a seed the system draws now, record it: 201 with the facts to issue with."""
    payload = json_object(SHAPE, required=("kind", "facts"), optional=("replaces",))
    kind, facts = checked_kind(payload["kind"]), facts_object(payload["facts"])
    replaces = payload.get("replaces")
    if replaces is not None and (type(replaces) is not int or replaces < 1):
        raise ApiProblem(400, "replaces 应当是本人先前一次抽取的 draw_id（正整数）")
    drawn = make_draw(
        wenshu(), kind, facts, current_account().username, reader_classifications(), replaces
    )
    answer = {"draw_id": drawn.id, "seed": drawn.seed, "facts": drawn.facts, "drawn": drawn.result}
    return jsonify(answer), 201

"""A batch of a kind the system draws (双随机): every copy held to the one draw its facts name."""

from __future__ import annotations

from service.acts.drawing import draw_problems
from service.batch.validation import CheckedRow, RowsCheck
from service.instruments.registry import Instrument
from service.services import Wenshu


def held_to_draw(wenshu: Wenshu, instrument: Instrument, check: RowsCheck, owner: str) -> RowsCheck:
    """Return the check with each valid row refused whose facts may not be issued from their draw.

    As for one document: the draw must be the owner's, recorded, not yet kept, with the
    seed and the inputs the facts give. The copies of one list share its draw.
    """
    if instrument.draw_rules is None:
        return check
    rows = []
    with wenshu.database.session() as session:
        for row in check.rows:
            problems = draw_problems(session, instrument, row.facts, owner) if row.facts else {}
            rows.append(CheckedRow(row.number, row.raw, None, problems) if problems else row)
    return RowsCheck(rows, check.warnings)

"""Facts ready to issue: for a kind the system draws (双随机), drawn and recorded first, as a clerk would."""

from __future__ import annotations

from typing import Any

from service.acts.drawing import make_draw
from service.instruments.registry import get_instrument
from service.services import Wenshu
from tests.conftest import sample


def issuable(
    wenshu: Wenshu, kind: str, user: str, facts: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return the facts (the kind's sample by default), drawn by user when the kind is drawn."""
    facts = sample(kind) if facts is None else facts
    if get_instrument(kind).draw_rules is None:
        return facts
    return make_draw(wenshu, kind, facts, user).facts

"""The 抽取 (draw) action of a form whose kind the system draws (双随机): draw, show, forget."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import abort

from forms.fields import InstrumentForm
from service.acts.drawing import make_draw, own_draw_result
from service.acts.errors import NotIssued
from service.archive.access import Visibility
from service.instruments.facts import Facts
from service.instruments.registry import Instrument
from service.web import wenshu
from service.web.auth import current_account
from service.web.language import N_

DRAFT_NOTE = N_("草稿不保存随机种子和抽取结果，继续填写后请重新抽取。")


def draw_on_form(
    instrument: Instrument, form: InstrumentForm, visible: Visibility
) -> tuple[list[dict[str, Any]] | None, NotIssued | None]:
    """Return the result of a draw made from the form's facts, or why none was made.

    The form is checked as for issuing but for the seed and draw, which the draw fills in;
    a problem elsewhere stays at its field and nothing is drawn or recorded. A draw made
    again replaces the form's earlier one in the audit chain's account of it.
    """
    rules = instrument.draw_rules
    if rules is None:
        abort(400)
    form.validate()
    for name in (rules.seed_field, rules.draw_field):
        form[name].errors = []
    if form.errors:
        return None, None
    earlier = form[rules.draw_field].data
    facts = Facts(instrument.kind, dict(form.data)).to_json()
    try:
        drawn = make_draw(
            wenshu(), instrument.kind, facts, current_account().username, visible,
            replaces=earlier if isinstance(earlier, int) else None,
        )  # fmt: skip
    except NotIssued as error:
        return None, error
    for name, value in ((rules.seed_field, drawn.seed), (rules.draw_field, drawn.id)):
        form[name].data = value
        form[name].raw_data = [str(value)]
    return drawn.result, None


def shown_draw(instrument: Instrument, form: InstrumentForm) -> list[dict[str, Any]] | None:
    """Return the result of the draw the form names, when it is the signed-in user's own."""
    rules = instrument.draw_rules
    if rules is None:
        return None
    draw_id = form[rules.draw_field].data
    if not isinstance(draw_id, int):
        return None
    return own_draw_result(wenshu(), instrument, draw_id, current_account().username)


def undrawn(instrument: Instrument, pairs: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Return the named values without the seed and draw, which only a new draw may fill in."""
    rules = instrument.draw_rules
    if rules is None:
        return list(pairs)
    return [(name, value) for name, value in pairs if name not in drawn_fields(instrument)]


def drawn_fields(instrument: Instrument) -> frozenset[str]:
    """Return the fields a draw fills in (none for a kind that is not drawn)."""
    rules = instrument.draw_rules
    return frozenset({rules.seed_field, rules.draw_field}) if rules else frozenset()

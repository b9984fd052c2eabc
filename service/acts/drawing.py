"""Drawing (双随机): the system draws the seed, every draw is recorded, and issuing is held to its draw."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from service.acts.errors import FactsRefused, KindUnknown, nothing_used
from service.archive.access import Visibility
from service.archive.draws import find_draw, keeping_document, record_draw
from service.archive.lookup import DatabaseArchiveView
from service.instruments.facts import Facts, validate_facts
from service.instruments.registry import DrawRules, Instrument, get_instrument
from service.services import Wenshu

DRAW_AGAIN = "请点击“抽取”重新抽取"


@dataclass(frozen=True)
class Drawn:
    """A draw just made and recorded: its id, the seed, the facts to issue with, the result."""

    id: int
    seed: str
    facts: dict[str, Any]  # the facts as given, with the seed and the draw's id filled in
    result: list[dict[str, Any]]  # each drawn unit with its officers, as a page shows them


def rules_of(instrument: Instrument) -> DrawRules:
    """Return how the instrument is drawn, or raise KindUnknown for a kind that is not drawn."""
    rules = instrument.draw_rules
    if rules is None:
        raise KindUnknown(f"{instrument.title}不由系统抽取，无需抽取")
    return rules


def make_draw(
    wenshu: Wenshu,
    kind: str,
    raw_facts: Mapping[str, Any],
    drawn_by: str,
    classifications: Visibility = None,
    replaces: int | None = None,
) -> Drawn:
    """Return a draw made now with a seed the system draws, recorded in the audit chain.

    Whatever seed or draw the facts name is set aside: the seed is drawn here, and the facts
    are checked as for issuing with it (FactsRefused, with nothing recorded, when they fail).
    replaces names the draw of the same form this one is made in place of, when it is one of
    drawn_by's own draws of this kind not yet kept, so that the chain shows the redraw.
    """
    with nothing_used():
        instrument = get_instrument(kind)
        rules = rules_of(instrument)
        archive = DatabaseArchiveView(wenshu.database, classifications)
        seed = rules.new_seed()
        given = {
            name: value
            for name, value in raw_facts.items()
            if name not in (rules.seed_field, rules.draw_field)
        }
        facts = validate_facts(
            instrument, given | {rules.seed_field: seed}, archive, wenshu.settings.policy
        )
        record = rules.record(facts.values)
        with wenshu.database.session() as session:
            earlier = _own_open_draw(session, instrument, rules, replaces, drawn_by)
            entry = record_draw(session, kind, instrument.title, drawn_by, record, earlier)
    return Drawn(
        entry.id, seed, facts.to_json() | {rules.draw_field: entry.id}, rules.result(record)
    )


def _own_open_draw(
    session: Session, instrument: Instrument, rules: DrawRules, draw_id: int | None, user: str
) -> int | None:
    """Return draw_id if it names one of the user's draws of this kind not yet kept, else None."""
    if draw_id is None:
        return None
    earlier = find_draw(session, draw_id)
    if earlier is None or earlier.kind != instrument.kind or earlier.actor != user:
        return None
    if keeping_document(session, instrument.kind, rules.draw_field, draw_id) is not None:
        return None
    return draw_id


def draw_problems(
    session: Session, instrument: Instrument, facts: Facts, user: str
) -> dict[str, list[str]]:
    """Return, at their fields, why checked facts may not be issued from the draw they name.

    The draw must be recorded, for this kind, by this user, not yet kept by an issued
    document, with the same seed, and drawn from the same method, percent, register and
    pool. Empty for a kind that is not drawn.
    """
    rules = instrument.draw_rules
    if rules is None:
        return {}
    draw_id = facts.values.get(rules.draw_field)
    if draw_id is None:
        return {rules.draw_field: ["请先点击“抽取”，由系统生成随机种子并抽取名单"]}
    entry = find_draw(session, draw_id)
    if entry is None or entry.kind != instrument.kind:
        return {rules.draw_field: [f"没有第{draw_id}号{instrument.title}抽取记录，{DRAW_AGAIN}"]}
    if entry.actor != user:
        return {
            rules.draw_field: [
                f"第{draw_id}号抽取记录是其他人员的抽取，不能用于本人生成的名单，{DRAW_AGAIN}"
            ]
        }
    kept_by = keeping_document(session, instrument.kind, rules.draw_field, draw_id)
    if kept_by is not None:
        return {
            rules.draw_field: [
                f"第{draw_id}号抽取记录已用于{kept_by}，一次抽取只能生成一份名单，{DRAW_AGAIN}"
            ]
        }
    if facts.values.get(rules.seed_field) != entry.record.get("seed"):
        return {
            rules.seed_field: [
                f"随机种子与第{draw_id}号抽取记录不符：随机种子由系统在抽取时生成，"
                f"不能填写或修改，{DRAW_AGAIN}"
            ]
        }
    return rules.departures(facts.values, entry.record)


def refuse_unrecorded_draw(
    session: Session, instrument: Instrument, facts: Facts, user: str
) -> None:
    """Raise FactsRefused when the facts may not be issued from the draw they name."""
    problems = draw_problems(session, instrument, facts, user)
    if problems:
        raise FactsRefused(problems)


def kept_draw(instrument: Instrument, facts: Facts) -> dict[str, Any]:
    """Return what an issue entry says of the draw it keeps: {"draw_id": id}, or nothing."""
    rules = instrument.draw_rules
    if rules is None:
        return {}
    return {"draw_id": facts.values.get(rules.draw_field)}


def own_draw_result(
    wenshu: Wenshu, instrument: Instrument, draw_id: int, user: str
) -> list[dict[str, Any]] | None:
    """Return the result of one of the user's recorded draws of this kind, or None."""
    rules = instrument.draw_rules
    if rules is None:
        return None
    with wenshu.database.session() as session:
        entry = find_draw(session, draw_id)
    if entry is None or entry.kind != instrument.kind or entry.actor != user:
        return None
    return rules.result(entry.record)

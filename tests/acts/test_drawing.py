"""Tests of drawing (双随机): the system's seed, every draw in the audit chain, issuing held to its draw."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from forms.fair_draw import is_seed
from service.acts.drawing import make_draw
from service.acts.errors import FactsRefused, KindUnknown
from service.acts.issuing import issue_document
from service.acts.previewing import preview_pdf
from service.archive.audit import record_event, verify_chain
from service.archive.draws import find_draw
from service.background.startup import prepare_service
from service.database.models import AuditEvent, Document
from service.foundations.config import Settings
from service.render.office.converter import Converter
from service.services import Wenshu
from tests.conftest import sample

CLERK, OTHER = "王文书", "赵文书"


@pytest.fixture
def services(settings: Settings, converter: Converter) -> Iterator[Wenshu]:
    """Services on a fresh instance; blank pages unless a test is marked office."""
    wenshu = Wenshu.open(settings, converter)
    prepare_service(wenshu)
    yield wenshu
    wenshu.database.dispose()


def events(wenshu: Wenshu, action: str) -> list[AuditEvent]:
    """Return the audit entries of one action, oldest first."""
    with wenshu.database.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(session.scalars(query))


def documents(wenshu: Wenshu) -> int:
    """Return how many documents are archived."""
    with wenshu.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(Document)) or 0)


def refused(wenshu: Wenshu, facts: dict[str, Any], user: str = CLERK) -> dict[str, list[str]]:
    """Return the errors issuing facts as user is refused with (failing if it is not)."""
    with pytest.raises(FactsRefused) as refusal:
        issue_document(wenshu, "sampling_list", facts, user)
    return refusal.value.errors


def test_a_draw_is_recorded_with_its_seed_inputs_result_user_and_time(services: Wenshu) -> None:
    """This test ensures that each draw is an audit entry holding seed, method, percent, register, pool, result and user."""
    typed = sample("sampling_list") | {"seed": "0" * 32, "draw": 99}
    drawn = make_draw(services, "sampling_list", typed, CLERK)
    assert is_seed(drawn.seed) and drawn.seed != "0" * 32  # the system's seed, not the one given
    assert drawn.facts["seed"] == drawn.seed and drawn.facts["draw"] == drawn.id
    (entry,) = events(services, "draw")
    assert (entry.id, entry.actor) == (drawn.id, CLERK)
    assert entry.at is not None
    details = entry.details
    assert (details["kind"], details["seed"], details["method"], details["percent"]) == (
        "sampling_list", drawn.seed, "全面检查", 20,
    )  # fmt: skip
    assert [unit["name"] for unit in details["register"]] == [
        unit["name"] for unit in typed["units"]
    ]
    assert [o["certificate"] for o in details["pool"]] == [
        o["certificate"] for o in typed["officers"]
    ]
    assert [row["unit"] for row in details["drawn"]] == [row["unit"] for row in drawn.result]
    assert len(details["drawn"]) == details["count"] == 6
    with services.database.session() as session:
        assert verify_chain(session) == []


def test_facts_that_fail_are_not_drawn_and_nothing_is_recorded(services: Wenshu) -> None:
    """This test ensures that a draw from facts that fail their rules is refused at the field and not recorded."""
    with pytest.raises(FactsRefused) as refusal:
        make_draw(services, "sampling_list", sample("sampling_list") | {"percent": 30}, CLERK)
    assert list(refusal.value.errors) == ["percent"]
    assert events(services, "draw") == []


def test_a_kind_the_system_does_not_draw_cannot_be_drawn(services: Wenshu) -> None:
    """This test ensures that asking to draw an instrument that has no draw is refused."""
    with pytest.raises(KindUnknown, match="无需抽取"):
        make_draw(services, "supervision_notice", sample("supervision_notice"), CLERK)


def test_a_drawn_list_is_issued_and_its_issue_entry_keeps_the_draw(services: Wenshu) -> None:
    """This test ensures that the list drawn is issued and the issue entry names the draw it keeps."""
    drawn = make_draw(services, "sampling_list", sample("sampling_list"), CLERK)
    document = issue_document(services, "sampling_list", drawn.facts, CLERK)
    (issue,) = events(services, "issue")
    assert issue.details["draw_id"] == drawn.id
    assert issue.details["document_id"] == document.id
    assert document.facts["seed"] == drawn.seed


def test_a_list_without_a_recorded_draw_is_refused(services: Wenshu) -> None:
    """This test ensures that facts naming no draw are refused at the draw, however good the seed looks."""
    facts = sample("sampling_list")
    del facts["draw"]
    assert refused(services, facts) == {"draw": ["请先点击“抽取”，由系统生成随机种子并抽取名单"]}
    assert documents(services) == 0


def test_a_typed_or_altered_seed_is_refused_at_the_seed(services: Wenshu) -> None:
    """This test ensures that a seed other than the recorded one is refused, with a Chinese message at the seed."""
    drawn = make_draw(services, "sampling_list", sample("sampling_list"), CLERK)
    other = ("f" if drawn.seed[0] != "f" else "e") + drawn.seed[1:]
    errors = refused(services, drawn.facts | {"seed": other})
    assert list(errors) == ["seed"]
    assert errors["seed"][0].startswith(f"随机种子与第{drawn.id}号抽取记录不符")
    assert refused(services, drawn.facts | {"seed": "20260310"})["seed"][0].startswith(
        "随机种子由系统在抽取时生成"
    )
    assert documents(services) == 0


def test_another_users_draw_is_refused(services: Wenshu) -> None:
    """This test ensures that a clerk cannot issue a list from a draw another clerk made."""
    drawn = make_draw(services, "sampling_list", sample("sampling_list"), OTHER)
    assert refused(services, drawn.facts) == {
        "draw": [
            f"第{drawn.id}号抽取记录是其他人员的抽取，不能用于本人生成的名单，请点击“抽取”重新抽取"
        ]
    }


def test_an_already_issued_draw_is_refused(services: Wenshu) -> None:
    """This test ensures that one draw issues one list: a second issue from it is refused naming the first."""
    drawn = make_draw(services, "sampling_list", sample("sampling_list"), CLERK)
    first = issue_document(services, "sampling_list", drawn.facts, CLERK)
    assert refused(services, drawn.facts) == {
        "draw": [
            f"第{drawn.id}号抽取记录已用于{first.number}，一次抽取只能生成一份名单，"
            "请点击“抽取”重新抽取"
        ]
    }
    assert documents(services) == 1


def test_an_id_that_is_no_draw_is_refused(services: Wenshu) -> None:
    """This test ensures that a draw id naming another kind of audit entry, or none, is refused."""
    drawn = make_draw(services, "sampling_list", sample("sampling_list"), CLERK)
    with services.database.session() as session:
        login = record_event(session, "login", CLERK, CLERK).id
    for draw_id in (login, login + 50):
        errors = refused(services, drawn.facts | {"draw": draw_id})
        assert errors == {
            "draw": [f"没有第{draw_id}号双随机抽查名单抽取记录，请点击“抽取”重新抽取"]
        }


def test_a_register_changed_after_the_draw_is_refused_at_the_register(services: Wenshu) -> None:
    """This test ensures that issuing with another register, pool, method or percent than drawn is refused."""
    drawn = make_draw(services, "sampling_list", sample("sampling_list"), CLERK)
    facts = drawn.facts
    errors = refused(services, facts | {"units": facts["units"][:-1]})
    assert errors == {
        "units": ["单位名录与抽取时不同（删去了岳阳市君山区广兴洲镇人民政府），改动后须重新抽取"]
    }
    assert list(refused(services, facts | {"officers": facts["officers"][:-1]})) == ["officers"]
    assert list(refused(services, facts | {"percent": 25})) == ["percent"]
    assert list(refused(services, facts | {"method": "抽查", "percent": 10})) == ["method"]
    reordered = facts | {"units": facts["units"][::-1]}
    assert issue_document(services, "sampling_list", reordered, CLERK).facts["draw"] == drawn.id


def test_drawing_again_records_the_draw_it_replaces(services: Wenshu) -> None:
    """This test ensures that a redraw names the user's own open draw it replaces, and no other."""
    first = make_draw(services, "sampling_list", sample("sampling_list"), CLERK)
    second = make_draw(services, "sampling_list", first.facts, CLERK, replaces=first.id)
    others = make_draw(services, "sampling_list", second.facts, OTHER, replaces=second.id)
    issue_document(services, "sampling_list", second.facts, CLERK)
    kept = make_draw(services, "sampling_list", second.facts, CLERK, replaces=second.id)
    with services.database.session() as session:
        replaced = [find_draw(session, d.id) for d in (first, second, others, kept)]
    assert [entry.replaces if entry else "missing" for entry in replaced] == [
        None, first.id, None, None,
    ]  # fmt: skip
    assert len({d.seed for d in (first, second, others, kept)}) == 4


def test_a_preview_needs_a_recorded_draw_too(services: Wenshu) -> None:
    """This test ensures that a preview of a list with a seed of no recorded draw is refused like an issue."""
    facts = sample("sampling_list")
    with pytest.raises(FactsRefused) as refusal:
        preview_pdf(services, "sampling_list", facts, CLERK)
    assert list(refusal.value.errors) == ["draw"]
    drawn = make_draw(services, "sampling_list", facts, CLERK)
    assert preview_pdf(services, "sampling_list", drawn.facts, CLERK).startswith(b"%PDF")

"""Tests of batches of a list the system draws: every copy held to the one recorded draw of its owner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from service.acts.drawing import make_draw
from service.acts.errors import FactsRefused
from service.acts.issuing import issue_document
from service.background.startup import prepare_service
from service.batch.executor import run_job
from service.batch.jobs import create_job
from service.batch.submission import check_input
from service.database.batch_models import DONE
from service.database.models import AuditEvent
from service.foundations.config import Settings
from service.instruments.registry import get_instrument
from service.render.office.converter import Converter
from service.services import Wenshu
from tests.batch.conftest import common_facts, unit_names

SAMPLING = get_instrument("sampling_list")
OWNER = "王文书"


@pytest.fixture
def services(settings: Settings, converter: Converter) -> Iterator[Wenshu]:
    """Services on a fresh instance, converting blank pages."""
    wenshu = Wenshu.open(settings, converter)
    prepare_service(wenshu)
    yield wenshu
    wenshu.database.dispose()


def rows_errors(
    wenshu: Wenshu, common: dict[str, Any], owner: str = OWNER
) -> list[dict[str, list[str]]]:
    """Return each row's errors when three units are the rows of a batch over the common facts."""
    rows = [(n, {"addressee": unit}) for n, unit in enumerate(unit_names(3), 1)]
    check = check_input(wenshu, SAMPLING, common, rows, owner).check
    return [row.errors for row in check.rows]


def test_a_batch_from_the_owners_draw_passes(services: Wenshu) -> None:
    """This test ensures that the copies of a list drawn by the batch's owner are all valid."""
    drawn = make_draw(
        services, "sampling_list", common_facts("sampling_list") | {"addressee": "各单位"}, OWNER
    )
    common = {key: value for key, value in drawn.facts.items() if key != "addressee"}
    assert rows_errors(services, common) == [{}, {}, {}]


def test_a_batch_with_a_typed_seed_or_anothers_draw_is_refused_row_by_row(services: Wenshu) -> None:
    """This test ensures that a batch naming no recorded draw, or another user's, has every row refused at the draw."""
    typed = common_facts("sampling_list")
    assert [list(errors) for errors in rows_errors(services, typed)] == [["draw"]] * 3
    drawn = make_draw(services, "sampling_list", typed | {"addressee": "各单位"}, "赵文书")
    common = {key: value for key, value in drawn.facts.items() if key != "addressee"}
    errors = rows_errors(services, common)
    assert all("其他人员的抽取" in row["draw"][0] for row in errors)
    altered = common | {"seed": "0" * 32}
    assert [list(row) for row in rows_errors(services, altered, "赵文书")] == [["seed"]] * 3


@pytest.mark.office
def test_a_batch_keeps_its_draw_in_every_issue_entry(services: Wenshu) -> None:
    """This test ensures that the copies of a drawn list name the draw in their issue entries, which a later issue then finds kept."""
    drawn = make_draw(
        services, "sampling_list", common_facts("sampling_list") | {"addressee": "各单位"}, OWNER
    )
    common = {key: value for key, value in drawn.facts.items() if key != "addressee"}
    rows = [(n, {"addressee": unit}) for n, unit in enumerate(unit_names(2), 1)]
    checked = check_input(services, SAMPLING, common, rows, OWNER)
    job = create_job(
        services, SAMPLING, common, checked.check, OWNER, fingerprint=checked.fingerprint
    )
    assert run_job(services, job.id).status == DONE
    with services.database.session() as session:
        entries = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "issue")))
    assert [entry.details["draw_id"] for entry in entries] == [drawn.id, drawn.id]
    with pytest.raises(FactsRefused) as refusal:
        issue_document(services, "sampling_list", drawn.facts, OWNER)
    assert "一次抽取只能生成一份名单" in refusal.value.errors["draw"][0]

"""Tests of the JSON columns: what a form may put in them reads back exactly, on each database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from service.database.engine import Database
from service.database.models import AuditEvent

# What a form may put in the facts: text of every script, escapes, nesting, and numbers past
# 64 bits (an integer field without an upper bound takes whatever a clerk types).
VALUES: list[Any] = [
    {"unit": "岳阳市君山区档案馆", "note": '引号" 反斜杠\\ 换行\n \u2028 𠀀 <script>'},
    {"copies": 10**30, "negative": -(10**25), "rows": [{"n": 1}, {"n": 2.5}], "none": None},
    ["a", 1, True, False, None, {"nested": {"deeper": [1, 2, 3]}}],
]


@pytest.mark.parametrize("value", VALUES)
def test_a_stored_value_reads_back_as_written(database: Database, value: Any) -> None:
    """This test ensures that a JSON column reads back exactly what was stored: no integer past 64 bits turned into a float, as a faster JSON reader would."""
    with database.session() as session:
        event = AuditEvent(
            id=1, at=dt.datetime(2026, 3, 5, tzinfo=dt.UTC), actor="王文书", action="issue",
            subject="君档监通〔2026〕1号", details=value, previous_hash="0" * 64, hash="1" * 64,
        )  # fmt: skip
        session.add(event)
        session.flush()
        event_id = event.id
    with database.session() as session:
        assert session.scalar(select(AuditEvent.details).where(AuditEvent.id == event_id)) == value

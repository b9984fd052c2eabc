"""Tests of the one active template version per kind, kept by the database and by activation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.database.models import AuditEvent, TemplateVersion
from service.layouts.lint import read_sample
from service.layouts.versions import activate_version, publish_version
from service.services import Wenshu

ROOT = Path(__file__).resolve().parents[2]
KIND = "supervision_notice"
Step = Callable[[Wenshu, Session], None]


def publish(wenshu: Wenshu, session: Session, activate: bool = True) -> None:
    """Publish the shipped notice template again as the kind's next version."""
    data = (ROOT / "templates_docx" / f"{KIND}.docx").read_bytes()
    sample = read_sample(KIND, ROOT / "samples")
    publish_version(session, wenshu.templates, KIND, data, sample, "维护员", activate=activate)


def active_versions(wenshu: Wenshu) -> list[int]:
    """Return the numbers of the kind's active versions."""
    with wenshu.database.session() as session:
        query = select(TemplateVersion.version).where(
            TemplateVersion.kind == KIND, TemplateVersion.active
        )
        return sorted(session.scalars(query))


def last_activation(wenshu: Wenshu) -> str:
    """Return the subject of the newest activation in the audit chain."""
    with wenshu.database.session() as session:
        query = (
            select(AuditEvent.subject)
            .where(AuditEvent.action == "template_activate")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        return session.scalar(query) or ""


def add_version(wenshu: Wenshu, number: int, active: bool) -> None:
    """Insert a version row directly, as a hand edit or an older writer would."""
    with wenshu.database.session() as session:
        session.add(
            TemplateVersion(
                kind=KIND, version=number, sha256="0" * 64, path="none.docx", active=active,
                published_by="手工",
            )
        )  # fmt: skip


def test_the_database_refuses_a_second_active_version(wenshu: Wenshu) -> None:
    """This test ensures that the database itself refuses a second active version of a kind, not an inactive one."""
    add_version(wenshu, 2, active=False)
    with pytest.raises(IntegrityError):
        add_version(wenshu, 3, active=True)
    add_version(wenshu, 3, active=False)
    assert active_versions(wenshu) == [1]


def test_activating_an_earlier_version_passes_the_index(wenshu: Wenshu) -> None:
    """This test ensures that rolling back to an older row clears the newer one first, as the index demands."""
    with wenshu.database.session() as session:
        publish(wenshu, session)
    assert active_versions(wenshu) == [2]
    with wenshu.database.session() as session:
        activate_version(session, KIND, 1)
    assert active_versions(wenshu) == [1]
    with wenshu.database.session() as session:
        activate_version(session, KIND, 2)
    assert active_versions(wenshu) == [2]


def activate_two(wenshu: Wenshu, session: Session) -> None:
    """Activate version 2."""
    activate_version(session, KIND, 2, by="甲")


def activate_one(wenshu: Wenshu, session: Session) -> None:
    """Activate version 1."""
    activate_version(session, KIND, 1, by="乙")


def publish_active(wenshu: Wenshu, session: Session) -> None:
    """Publish and activate the next version."""
    publish(wenshu, session)


def publish_inactive(wenshu: Wenshu, session: Session) -> None:
    """Publish the next version without activating it."""
    publish(wenshu, session, activate=False)


def wait_until_blocked(wenshu: Wenshu, second: Future[None]) -> None:
    """Return once a transaction of the test's database waits for a lock (or the second has ended)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 120
    with wenshu.database.engine.connect() as connection:
        while not second.done() and time.monotonic() < deadline:
            if connection.execute(query).scalar():
                return
            connection.rollback()
            time.sleep(0.05)


def race(wenshu: Wenshu, first: Step, second: Step) -> None:
    """Run first in a transaction held open until second's transaction is waiting on it."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with wenshu.database.session() as session:
                first(wenshu, session)
                session.flush()
                held.set()
                release.wait(timeout=180)
        finally:
            held.set()  # also when first failed, so that the test reports its error at once

    def follow() -> None:
        with wenshu.database.session() as session:
            second(wenshu, session)

    with ThreadPoolExecutor(max_workers=2) as pool:
        holding = pool.submit(hold)
        try:
            held.wait(timeout=180)
            if holding.done():
                holding.result()
            following = pool.submit(follow)
            wait_until_blocked(wenshu, following)
        finally:
            release.set()
        holding.result(timeout=180)
        following.result(timeout=180)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    ("setup", "first", "second", "expected"),
    [
        (None, publish_active, activate_one, 1),
        (publish_inactive, activate_two, publish_active, 3),
    ],
    ids=["publish-then-activate", "activate-then-publish"],
)
def test_a_publish_racing_an_activation_leaves_the_later_choice_active(
    wenshu: Wenshu, setup: Step | None, first: Step, second: Step, expected: int
) -> None:
    """This test ensures that on PostgreSQL the later of two racing writers waits, then its version alone is active."""
    if setup is not None:
        with wenshu.database.session() as session:
            setup(wenshu, session)
    race(wenshu, first, second)
    assert active_versions(wenshu) == [expected]
    assert last_activation(wenshu) == f"{KIND} v{expected}"

"""Browser test: a clerk draws a sampling list on its form, previews it and issues it, CSRF on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from service import create_app
from service.acts.drafts import save_draft
from service.database.models import AuditEvent, User
from service.render.office.pool import OfficePool
from service.web.documents import facts_as_formdata
from tests.conftest import sample
from tests.web.conftest import CLERK, serving, sign_in

pytestmark = pytest.mark.office


@pytest.fixture
def drafted(tmp_path: Path, office_pool: OfficePool) -> Iterator[tuple[Flask, str, int]]:
    """The app served with CSRF on, and the clerk's draft of the sample list without its seed."""
    app: Flask = create_app({"instance_path": tmp_path / "instance", "converter": office_pool})
    facts = sample("sampling_list")
    del facts["seed"], facts["draw"]
    with serving(app) as address:
        with app.extensions["wenshu"].database.session() as session:
            user = session.scalars(select(User).where(User.username == CLERK)).one()
            fields = list(facts_as_formdata(facts).items(multi=True))
            draft = save_draft(session, user.id, "sampling_list", fields)
        yield app, address, draft
    app.extensions["wenshu"].database.dispose()


def test_draw_preview_and_issue_a_sampling_list(
    drafted: tuple[Flask, str, int], page: Page, tmp_path: Path
) -> None:
    """This test ensures that 抽取 shows the system's seed and list, and the list previews and issues from that draw."""
    app, address, draft = drafted
    sign_in(page, address)
    page.goto(f"{address}/documents/new/sampling_list?draft={draft}")
    page.click("button[value=draw]")
    panel = page.locator("#field-seed")
    panel.locator("ol.drawn").wait_for()
    seed = re.search(r"随机种子 ([0-9a-f]{32})", panel.inner_text())
    assert seed is not None
    with app.extensions["wenshu"].database.session() as session:
        entry = session.scalars(select(AuditEvent).where(AuditEvent.action == "draw")).one()
    assert (entry.actor, entry.details["seed"]) == (CLERK, seed.group(1))
    page.screenshot(path=str(tmp_path / "drawn.png"), full_page=True)

    page.click("button[value=preview]")
    page.locator("section.preview img").wait_for()
    page.click("section.preview button[value=review]")
    page.click("#review-form button[value=confirm]")
    page.wait_for_url("**/documents/*")
    assert "君档抽查〔2026〕1号" in page.inner_text("h1")
    with app.extensions["wenshu"].database.session() as session:
        issue = session.scalars(select(AuditEvent).where(AuditEvent.action == "issue")).one()
    assert issue.details["draw_id"] == entry.id

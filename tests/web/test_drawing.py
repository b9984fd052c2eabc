"""Tests of the sampling list's form: the 抽取 action, the drawn list shown, issuing held to its draw, drafts."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.database.models import AuditEvent, Draft
from service.web.documents import facts_as_formdata
from tests.conftest import sample, signed_in
from tests.web.issuing import issue_via_form

URL = "/documents/new/sampling_list"
SEED = re.compile(r'name="seed" value="([0-9a-f]{32})"')
DRAW = re.compile(r'name="draw" value="(\d+)"')


def typed(**changes: Any) -> dict[str, Any]:
    """Return the sample's facts, as the browser form posts them, without seed and draw."""
    facts = sample("sampling_list") | changes
    del facts["seed"], facts["draw"]
    return dict(facts_as_formdata(facts).items(multi=False))


def post(client: FlaskClient, action: str, data: dict[str, Any]) -> tuple[int, str]:
    """Return the status and page of posting the form with an action."""
    response = client.post(URL, data={**data, "action": action})
    return response.status_code, response.get_data(as_text=True)


def drawn_form(client: FlaskClient, data: dict[str, Any]) -> dict[str, Any]:
    """Draw on the form and return its fields with the seed and draw the page came back with."""
    status, page = post(client, "draw", data)
    assert status == 200, page
    seed, draw = SEED.search(page), DRAW.search(page)
    assert seed and draw, page
    return data | {"seed": seed.group(1), "draw": draw.group(1)}


def draws(app: Flask) -> list[AuditEvent]:
    """Return the audit chain's draw entries, oldest first."""
    with app.extensions["wenshu"].database.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == "draw").order_by(AuditEvent.id)
        return list(session.scalars(query))


def panel(page: str) -> str:
    """Return the draw panel of a form page."""
    match = re.search(r'<section class="field draw-panel.*?</section>', page, re.S)
    assert match, page
    return match.group(0)


def test_the_form_offers_a_draw_and_no_seed_to_type(client: FlaskClient) -> None:
    """This test ensures that the form has a 抽取 button and the seed only as a hidden value, never a text box."""
    page = client.get(URL).get_data(as_text=True)
    assert 'name="action" value="draw"' in page
    assert re.search(r'<input[^>]*type="hidden"[^>]*name="seed"', page)
    assert not re.search(r'<input(?![^>]*type="hidden")[^>]*name="seed"', page)
    assert "随机种子不能填写或改动" in panel(page)


def test_drawing_shows_the_list_and_records_the_draw(app: Flask, client: FlaskClient) -> None:
    """This test ensures that 抽取 shows the system's seed and the drawn units, and records the draw by the clerk."""
    form = drawn_form(client, typed())
    (entry,) = draws(app)
    assert (str(entry.id), entry.details["seed"]) == (form["draw"], form["seed"])
    page = post(client, "draw", form)[1]  # the same form drawn again: a new seed, a new entry
    shown = panel(page)
    second = draws(app)[-1]
    assert second.details["replaces"] == entry.id
    assert f"第 {second.id} 号抽取记录" in shown and second.details["seed"] in shown
    for row in second.details["drawn"]:
        assert row["unit"] in shown and row["digest"][:8] in shown


def test_a_drawn_list_is_issued(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the drawn form issues the list, the issue entry keeping the draw."""
    form = drawn_form(client, typed())
    response = issue_via_form(client, "sampling_list", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.extensions["wenshu"].database.session() as session:
        issue = session.scalar(select(AuditEvent).where(AuditEvent.action == "issue"))
    assert issue is not None and issue.details["draw_id"] == int(form["draw"])


def test_a_typed_seed_is_refused_at_the_draw_panel(client: FlaskClient) -> None:
    """This test ensures that issuing with a seed typed into the form is refused, said in the draw panel."""
    form = drawn_form(client, typed())
    altered = form | {"seed": ("0" if form["seed"][0] != "0" else "1") + form["seed"][1:]}
    status, page = post(client, "review", altered)
    assert status == 422
    assert f"随机种子与第{form['draw']}号抽取记录不符" in panel(page)
    status, page = post(client, "review", typed() | {"seed": "20260310"})
    assert status == 422
    assert "随机种子由系统在抽取时生成" in panel(page)


def test_another_clerks_draw_is_refused(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a draw made by another clerk cannot be issued by this one."""
    form = drawn_form(signed_in(app, "clerk"), typed())
    status, page = post(client, "review", form)
    assert status == 422
    assert "其他人员的抽取" in panel(page)


def test_a_refused_draw_records_nothing_and_says_why_at_the_field(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that 抽取 with a wrong ratio draws nothing and marks the ratio."""
    status, page = post(client, "draw", typed(percent=40))
    assert status == 422
    assert draws(app) == []
    assert re.search(r'id="field-percent".*?全面检查的抽取比例应当在15%至25%之间', page, re.S)


def test_a_draft_keeps_no_seed_and_says_to_draw_again(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a draft saved after a draw holds no seed or draw, and the clerk is told."""
    form = drawn_form(client, typed())
    response = client.post(URL, data={**form, "action": "draft"})
    assert response.status_code == 302
    with app.extensions["wenshu"].database.session() as session:
        (draft,) = session.scalars(select(Draft))
        names = {name for name, _ in draft.fields}
    assert "seed" not in names and "draw" not in names and "units-0-name" in names
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "草稿不保存随机种子和抽取结果" in page
    assert not SEED.search(page) and not DRAW.search(page)


def test_a_draft_with_a_typed_seed_comes_back_without_it(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a draft holding a seed (saved before seeds were drawn) never shows it."""
    response = client.post(URL, data={**typed(), "action": "draft"})
    with app.extensions["wenshu"].database.session() as session:
        draft = session.scalars(select(Draft)).one()
        draft.fields = [*draft.fields, ["seed", "20260310"], ["draw", "1"]]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "20260310" not in page and not DRAW.search(page)


def test_a_list_refilled_from_an_issued_one_is_drawn_anew(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the form refilled from an issued list carries none of its seed or draw."""
    form = drawn_form(client, typed())
    location = issue_via_form(client, "sampling_list", form).headers["Location"]
    document_id = location.rsplit("/", 1)[-1]
    page = client.get(f"{URL}?from={document_id}").get_data(as_text=True)
    assert form["seed"] not in page and not DRAW.search(page)
    assert "岳阳市君山区教育局" in page  # the register came back

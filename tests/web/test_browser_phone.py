"""Browser test: every page each role reaches reads on a phone, 390 px wide, nothing off the screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page

from service import create_app
from service.acts.issuing import issue_document
from service.instruments.registry import INSTRUMENTS
from service.render.office.pool import OfficePool
from tests.casework import case_ready_for
from tests.conftest import PASSWORD, add_user, sample
from tests.web.conftest import CLERK, serving

pytestmark = pytest.mark.office
PHONE = {"width": 390, "height": 844}
ROLES = {CLERK: "clerk", "李局长": "head", "赵维护": "maintainer", "钱管理": "admin"}
# Addresses that are files or actions, not pages to read.
NOT_PAGES = (
    ".pdf", ".png", ".docx", ".xlsx", ".zip", ".csv", ".json", "/ofd", "/static/", "/logout",
)  # fmt: skip
MOST_PAGES = 60  # a role's walk stops here; the pages it reaches first are the ones linked most

# What is wrong with the page's layout on this screen, as sentences; [] when nothing is.
# An element may stick out only inside a box that scrolls sideways on purpose; a text of three
# or more characters must not be squeezed into a column of one character a line.
LAYOUT_PROBLEMS = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")
    + " «" + (el.textContent || "").trim().slice(0, 24) + "»";
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push("the page scrolls sideways: " + document.documentElement.scrollWidth + " px");
  }
  const scrollsInside = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX;
      if (overflow === "auto" || overflow === "scroll") { return true; }
    }
    return false;
  };
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === "hidden") { continue; }
    if ((box.right > width + 1 || box.left < -1) && !scrollsInside(el)) {
      problems.push(name(el) + " reaches " + Math.round(box.left) + "…" + Math.round(box.right) + " px");
    }
  }
  for (const el of document.body.querySelectorAll("th, td, dt, dd, label, a, button, h1, h2, h3, li, p, span, legend")) {
    const text = (el.textContent || "").trim();
    if (text.length < 3 || el.children.length > 0) { continue; }
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const box = el.getBoundingClientRect();
    if (box.height > size * 3.2 && box.width < size * 2.2) {
      problems.push(name(el) + " is one character a line (" + Math.round(box.width) + " px wide)");
    }
  }
  return problems.slice(0, 12);
}"""


@pytest.fixture
def bureau(tmp_path: Path, office_pool: OfficePool) -> Iterator[str]:
    """A served instance with documents, a case and a user of each role; yield its address."""
    app: Flask = create_app({"instance_path": tmp_path / "instance", "converter": office_pool})
    services = app.extensions["wenshu"]
    for kind in ("supervision_notice", "correction_order", "annual_report", "safety_circular"):
        issue_document(services, kind, sample(kind), CLERK)
    case_ready_for(services, "penalty_notice")
    for user, role in ROLES.items():
        if user != CLERK:  # serving() adds the clerk
            add_user(app, user, role)
    with serving(app) as address:
        yield address
    services.database.dispose()


def is_page(address: str, origin: str) -> bool:
    """Return whether a link leads to one of the service's pages (not a file, action or site)."""
    if not address.startswith(origin):
        return False
    path = urlsplit(address).path
    return not any(part in path for part in NOT_PAGES) and "download=" not in address


def walk(page: Page, origin: str, start: list[str]) -> dict[str, list[str]]:
    """Visit every page reachable from start by links; return each page's layout problems."""
    queue, seen, problems = list(start), set(start), {}
    while queue and len(problems) < MOST_PAGES:
        address = queue.pop(0)
        response = page.goto(address)
        if response is None or response.status >= 400:
            continue  # which links answer 403 or 404 is another test's concern
        page.wait_for_load_state("load")
        problems[address] = page.evaluate(LAYOUT_PROBLEMS)
        for link in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            link = link.split("#")[0]
            if link not in seen and is_page(link, origin):
                seen.add(link)
                queue.append(link)
    return problems


@pytest.mark.parametrize("user", list(ROLES))
def test_every_page_reads_on_a_phone(bureau: str, page: Page, user: str, tmp_path: Path) -> None:
    """This test ensures that on a 390 px screen no page a role reaches overflows or squeezes text."""
    page.set_viewport_size(PHONE)
    page.goto(bureau + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(bureau + "/")
    start = [bureau + "/"]
    if ROLES[user] == "clerk":
        start += [bureau + f"/documents/new/{kind}" for kind in sorted(INSTRUMENTS)]
    problems = walk(page, bureau, start)
    assert len(problems) > 5, problems.keys()  # the walk reached the role's pages
    bad = {address: found for address, found in problems.items() if found}
    for address in list(bad)[:3]:
        page.goto(address)
        page.screenshot(path=str(tmp_path / f"{urlsplit(address).path.strip('/') or 'home'}.png"
                                 .replace("/", "_")), full_page=True)  # fmt: skip
    assert bad == {}, f"{len(bad)} of {len(problems)} pages; screenshots in {tmp_path}"

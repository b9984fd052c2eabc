"""A voided document is served marked 作废 by every door; the archived original stays byte-identical."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from service.acts.issuing import issue_document
from service.archive.voiding import void_document
from service.database.models import Document
from service.render.ofd.package import read_info
from tests import pdfcheck
from tests.batch.conftest import unit_names
from tests.conftest import sample
from tests.web.test_api import bearer, token_for
from tests.web.test_api_batches import follow, submit
from tests.web.test_batch_downloads import orders_to
from tests.web.test_classified_lookups import clerk_with_token


def red_share(image: Image.Image) -> float:
    """Return the share of clearly red pixels in the middle fifth of an image."""
    width, height = image.size
    middle = image.convert("RGB").crop(
        (width * 2 // 5, height * 2 // 5, width * 3 // 5, height * 3 // 5)
    )
    pixels = list(middle.get_flattened_data())
    return sum(1 for r, g, b in pixels if r > 180 and g < 140 and b < 140) / len(pixels)


def served(client: FlaskClient, url: str, headers: dict[str, str] | None = None) -> bytes:
    """Return the body of a successful GET."""
    with client.get(url, headers=headers or {}) as response:
        assert response.status_code == 200, url
        return response.data


def check_marked(data: bytes, pages: int, tmp_path: Path) -> None:
    """Assert that a served PDF carries the 作废 mark on each of its pages, red across the centre."""
    path = tmp_path / "served.pdf"
    path.write_bytes(data)
    assert sorted(p.page for p in pdfcheck.image_placements(path)) == list(range(1, pages + 1))
    for number in range(1, pages + 1):
        assert red_share(pdfcheck.render_page(path, number)) > 0.05


def test_voided_document_is_served_marked(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    """This test ensures that the web view, the download, the API and the page image of a voided
    document show 作废 on every page, while the archived file keeps its bytes and SHA-256."""
    wenshu = app.extensions["wenshu"]
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    archived = wenshu.archive.absolute(document.pdf_path)
    before = hashlib.sha256(archived.read_bytes()).hexdigest()
    api = bearer(token_for(app, "clerk"))
    doors = [
        (f"/documents/{document.id}/pdf", None),
        (f"/documents/{document.id}/pdf?download=1", None),
        (f"/api/documents/{document.id}/pdf", api),
    ]
    for url, headers in doors:  # an issued document is served as archived
        assert served(client, url, headers) == archived.read_bytes()

    response = client.post(f"/documents/{document.id}/void", data={"reason": "文号错用"})
    assert response.status_code == 302
    for url, headers in doors:
        check_marked(served(client, url, headers), document.pages, tmp_path)
    for page in range(1, document.pages + 1):
        image = served(client, f"/documents/{document.id}/pages/{page}.png?status=voided")
        assert red_share(Image.open(io.BytesIO(image))) > 0.05
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert f"/documents/{document.id}/pages/1.png?status=voided" in page  # not the cached image

    assert hashlib.sha256(archived.read_bytes()).hexdigest() == before == document.sha256
    with wenshu.database.session() as session:
        assert session.get(Document, document.id).sha256 == before


def test_unsealed_document_says_so(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a document issued without a seal says 未加盖电子印章 on its page and sealed false in the API."""
    wenshu = app.extensions["wenshu"]
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert 'class="seal-unsealed">未加盖电子印章<' in page
    answer = client.get(f"/api/documents/{document.id}", headers=bearer(token_for(app, "clerk")))
    assert answer.status_code == 200
    assert answer.json is not None and answer.json["sealed"] is False
    assert answer.json["number"] == document.number  # the existing keys stay


@pytest.mark.office
def test_voided_batch_copies_are_served_marked(app: Flask, tmp_path: Path) -> None:
    """This test ensures that a batch's merged.pdf and copies.zip (web and API) show 作废 on the
    pages of voided copies only, while the archived copies keep their bytes."""
    browser, clerk = clerk_with_token(app, "办事员戊")
    # Correction orders, one 文号 each: voiding one leaves the others (the copies of a
    # circular share one 文号 and are voided together).
    answer = submit(browser, clerk, orders_to(unit_names(3)))
    assert answer.status_code == 202, answer.get_data(as_text=True)
    job = follow(browser, clerk, answer.headers["Location"])
    wenshu = app.extensions["wenshu"]
    with wenshu.database.session() as session:
        copies = list(session.scalars(select(Document).order_by(Document.id)))
        void_document(session, copies[0].id, "主送单位有误", "办事员戊")
    with wenshu.database.session() as session:
        voided = {d.pdf_path for d in session.scalars(select(Document)) if d.status == "voided"}
    before = {c.pdf_path: wenshu.archive.read(c.pdf_path) for c in copies}
    for url, headers in (
        (f"/batch/{job['id']}/merged.pdf", None),
        (job["outputs"]["merged.pdf"], clerk),
    ):
        path = tmp_path / "merged.pdf"
        path.write_bytes(served(browser, url, headers))
        marked = {p.page for p in pdfcheck.image_placements(path) if p.name.startswith("/Void")}
        start, expected = 1, set()
        for copy in copies:
            if copy.pdf_path in voided:
                expected |= set(range(start, start + copy.pages))
            start += copy.pages
        assert marked == expected and expected
    for url, headers in (
        (f"/batch/{job['id']}/copies.zip", None),
        (job["outputs"]["copies.zip"], clerk),
    ):
        with zipfile.ZipFile(io.BytesIO(served(browser, url, headers))) as bundle:
            for copy in copies:
                name = next(
                    n
                    for n in bundle.namelist()
                    if n.startswith(copy.number.replace("/", "_")) and copy.recipient in n
                )
                data = bundle.read(name)
                if copy.pdf_path in voided:
                    check_marked(data, copy.pages, tmp_path)
                else:
                    assert data == before[copy.pdf_path]
    assert {c.pdf_path: wenshu.archive.read(c.pdf_path) for c in copies} == before
    assert all(hashlib.sha256(before[c.pdf_path]).hexdigest() == c.sha256 for c in copies)


def ofd_images_by_page(data: bytes) -> list[int]:
    """Return how many ImageObjects each page of an OFD draws."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        pages = sorted(n for n in package.namelist() if n.endswith("Content.xml"))
        return [package.read(name).count(b"<ofd:ImageObject") for name in pages]


def test_the_ofd_is_served_as_archived_and_marked_once_voided(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that the page offers the OFD, the web and API doors serve it as archived, and once
    voided serve it with the 作废 mark on every page, its DocInfo kept, the archived OFD untouched."""
    wenshu = app.extensions["wenshu"]
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    archived = wenshu.archive.absolute(document.ofd_path)
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert f'href="/documents/{document.id}/ofd"' in page and document.ofd_sha256 in page
    api = bearer(token_for(app, "clerk"))
    doors = [(f"/documents/{document.id}/ofd", None), (f"/api/documents/{document.id}/ofd", api)]
    for url, headers in doors:
        with client.get(url, headers=headers or {}) as response:
            assert response.status_code == 200 and response.mimetype == "application/ofd"
            assert response.headers["Content-Disposition"].startswith("attachment")
            assert response.data == archived.read_bytes()

    assert (
        client.post(f"/documents/{document.id}/void", data={"reason": "文号错用"}).status_code
        == 302
    )
    for url, headers in doors:
        marked = served(client, url, headers)
        assert ofd_images_by_page(marked) == [1] * document.pages  # the mark, on every page
        assert read_info(marked) == read_info(archived.read_bytes())
    assert hashlib.sha256(archived.read_bytes()).hexdigest() == document.ofd_sha256


def test_a_document_issued_before_ofd_has_none_to_offer(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a document without an OFD shows no link and both doors answer 404."""
    wenshu = app.extensions["wenshu"]
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    with wenshu.database.session() as session:
        session.get(Document, document.id).ofd_path = ""
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert f"/documents/{document.id}/ofd" not in page
    assert client.get(f"/documents/{document.id}/ofd").status_code == 404
    answer = client.get(
        f"/api/documents/{document.id}/ofd", headers=bearer(token_for(app, "clerk"))
    )
    assert answer.status_code == 404 and "尚未生成 OFD" in answer.get_json()["error"]
    metadata = client.get(f"/api/documents/{document.id}", headers=bearer(token_for(app, "clerk")))
    assert metadata.get_json()["ofd_url"] is None

"""Tests of bench/archive_scale.py's filler: the archive it makes is one the service reads and verifies."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bench.archive_scale import bench_pdf, fill_instance, own_pdf
from service import create_app
from service.archive.fixity import verify_archive
from service.background.startup import prepare_service
from service.database.models import Base, Document
from service.foundations.config import load_settings
from service.services import Wenshu
from tests.conftest import signed_in
from tests.fake_office import BlankPageOffice


def test_filled_archive_is_listed_and_verifies(tmp_path: Path) -> None:
    """This test ensures that 50 filled documents are listed by the register, found by 文号, and verify with no problem."""
    instance = tmp_path / "instance"
    wenshu = Wenshu.open(load_settings({"instance_path": instance}), BlankPageOffice())
    prepare_service(wenshu)
    filled = fill_instance(wenshu, 50, own_files=10)
    report = verify_archive(wenshu.database, wenshu.archive)
    assert report.ok, report.problems
    assert (report.documents, report.files) == (50, 11)  # ten of their own, one shared
    with wenshu.database.session() as session:
        assert session.scalar(select(func.count(Document.id))) == 50
        newest = session.scalar(
            select(Document.number).order_by(Document.document_date.desc(), Document.id.desc())
        )
        if "due_items" in Base.metadata.tables:
            due = Base.metadata.tables["due_items"]
            assert session.scalar(select(func.count()).select_from(due)) == filled.due_items
    wenshu.database.dispose()
    app = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "instance_path": instance,
         "converter": BlankPageOffice()}
    )  # fmt: skip
    client = signed_in(app, "clerk")
    register = client.get("/documents")
    assert register.status_code == 200, register.headers.get("Location")
    assert newest is not None and newest in register.get_data(as_text=True)
    found = client.get("/documents", query_string={"number": filled.sample_number})
    assert filled.sample_number in found.get_data(as_text=True)
    assert client.get(f"/documents/{filled.sample_id}").status_code == 200
    app.extensions["wenshu"].database.dispose()


def test_own_files_differ_and_keep_their_length() -> None:
    """This test ensures that each record's own file differs from the others yet keeps the base's length, so its cross-reference table holds."""
    base = bench_pdf(kilobytes=2)
    first, second = own_pdf(base, 1), own_pdf(base, 2)
    assert first != second != base
    assert len(first) == len(second) == len(base)

"""The two tiers of the suite: `make check` leaves out what needs an outside program, by fixture."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from werkzeug.security import check_password_hash

import service.accounts.users
from service.render.office.converter import Converter
from service.render.office.pool import OfficePool
from tests.conftest import ROOT, TEST_SCRYPT_COST
from tests.fake_office import BlankPageOffice

PROBE = '''
"""Tests collected by tests/test_tiers.py, one for each way a test comes to need an outside program."""

import pytest


@pytest.fixture
def service():
    """Stands for the served wenshu of tests/survival/conftest.py."""


def test_plain():
    """Needs nothing."""


def test_on_each_database(settings):
    """Runs on SQLite, and on a PostgreSQL server fetched only when the parameter says so."""


def test_page_flow(client):
    """Passes a PDF along: blank pages do."""


@pytest.mark.office
def test_marked_office(client):
    """Needs the real LibreOffice, as its marker says."""


def test_pool(office_pool):
    """Uses the LibreOffice pool itself."""


def test_on_postgres(postgres_url):
    """Uses the PostgreSQL server."""


def test_in_chromium(page):
    """Uses a browser."""


def test_served(service):
    """Uses a served wenshu."""
'''


def collected(tmp_path: Path, *options: str) -> list[str]:
    """Return the probe's tests pytest collects with the options, as the suite's conftest marks them."""
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-p", "tests.conftest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT),
         *options, str(probe)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return sorted(line.split("::")[1] for line in result.stdout.splitlines() if "::" in line)


def test_the_fast_tier_leaves_out_every_test_that_needs_an_outside_program(tmp_path: Path) -> None:
    """This test ensures that LibreOffice, PostgreSQL, a browser or a served wenshu make a test slow.

    The probe's other tests (in Chromium, marked office, on PostgreSQL, with the pool, served)
    are the ones `-m "not slow"` leaves out.
    """
    assert collected(tmp_path, "-m", "not slow") == [
        "test_on_each_database[sqlite]",
        "test_page_flow",
        "test_plain",
    ]


def test_a_page_flow_converts_to_blank_pages(converter: Converter) -> None:
    """This test ensures that a test not marked office gets the converter of blank pages."""
    assert isinstance(converter, BlankPageOffice)


def test_blank_pages_are_a_pdf_declaring_pdfa_and_only_for_a_docx(tmp_path: Path) -> None:
    """This test ensures that the blank-page converter writes one A4 page declaring PDF/A-2b, and fails on no DOCX."""
    docx = tmp_path / "one.docx"
    Document().save(str(docx))
    out = tmp_path / "blank.pdf"
    BlankPageOffice().convert(docx, out)
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 1
        assert [round(float(side)) for side in pdf.pages[0].mediabox[2:]] == [595, 842]
        assert pdf.open_metadata().pdfa_status == "2B"
    not_docx = tmp_path / "not.docx"
    not_docx.write_bytes(b"%PDF-1.7 not a template")
    with pytest.raises(PackageNotFoundError):
        BlankPageOffice().convert(not_docx, tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


@pytest.mark.office
def test_a_test_marked_office_converts_with_libreoffice(converter: Converter) -> None:
    """This test ensures that a test marked office gets the shared LibreOffice pool."""
    assert isinstance(converter, OfficePool)


def test_passwords_are_hashed_at_the_cheaper_cost_in_tests() -> None:
    """This test ensures that the suite's password hashes use the lower scrypt cost and still check."""
    stored = service.accounts.users.generate_password_hash("correct-horse-9")
    assert stored.startswith(f"scrypt:{TEST_SCRYPT_COST}:8:1$")
    assert check_password_hash(stored, "correct-horse-9")
    assert not check_password_hash(stored, "wrong")

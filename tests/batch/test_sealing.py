"""Tests of sealed batches: every copy stamped and signed, merged or converted one by one."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf
import pytest

import service.batch.rendering
from service.archive.store import fixity_of
from service.batch.executor import run_job
from service.batch.outputs import issued_copies, write_outputs
from service.database.batch_models import DONE
from service.services import Wenshu
from tests.batch.conftest import unit_names
from tests.batch.test_executor import documents, make_job
from tests.sealed import install, seal_marks, signature_statuses

pytestmark = pytest.mark.office


def assert_sealed_and_signed(wenshu: Wenshu, count: int) -> None:
    """Assert that every archived copy has the seal on its last page and a valid signature, and is fixed by its signed bytes."""
    recorded = documents(wenshu)
    assert len(recorded) == count
    for document in recorded:
        path = wenshu.archive.absolute(document.pdf_path)
        data = path.read_bytes()
        assert document.sha256 == fixity_of(data).sha256
        assert document.sm3 == fixity_of(data).sm3
        [status] = signature_statuses(data)
        assert status.intact and status.valid and status.trusted, document.number
        assert status.coverage.name == "ENTIRE_FILE"
        assert [mark.page for mark in seal_marks(path)] == [document.pages], document.number


def test_every_copy_of_a_merged_batch_is_sealed_and_signed(wenshu: Wenshu) -> None:
    """This test ensures that each copy cut from a merged conversion is stamped and signed before it is recorded."""
    install(wenshu)
    units = unit_names(5)
    job = make_job(wenshu, units)
    assert run_job(wenshu, job.id, chunk_size=3).status == DONE
    assert_sealed_and_signed(wenshu, 5)
    assert [d.recipient for d in documents(wenshu)] == units


def test_outputs_of_a_sealed_batch(wenshu: Wenshu, tmp_path: Path) -> None:
    """This test ensures that a sealed batch's ZIP holds the signed copies as archived, and its merged print file all pages without the copies' signature fields."""
    install(wenshu)
    job = make_job(wenshu, unit_names(3))
    run_job(wenshu, job.id)
    write_outputs(wenshu, issued_copies(wenshu, job.id), tmp_path / "out")
    recorded = documents(wenshu)
    with zipfile.ZipFile(tmp_path / "out" / "copies.zip") as bundle:
        for document, name in zip(recorded, bundle.namelist(), strict=True):
            data = bundle.read(name)
            assert data == wenshu.archive.read(document.pdf_path)
            assert signature_statuses(data)[0].valid
    with pikepdf.open(tmp_path / "out" / "merged.pdf") as merged:
        assert len(merged.pages) == sum(d.pages for d in recorded)
        assert "/AcroForm" not in merged.Root
        fields = [a for p in merged.pages for a in p.get("/Annots", []) if a.get("/FT") == "/Sig"]
        assert fields == []
    assert len(seal_marks(tmp_path / "out" / "merged.pdf")) == 3


def test_copies_converted_one_by_one_are_sealed_too(
    wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that copies of a template that cannot merge are stamped and signed as single documents are."""
    monkeypatch.setattr(service.batch.rendering, "merge_obstacle", lambda template: "one by one")
    install(wenshu)
    job = make_job(wenshu, unit_names(2))
    assert run_job(wenshu, job.id).status == DONE
    assert_sealed_and_signed(wenshu, 2)


def test_a_batch_without_a_seal_is_not_signed(wenshu: Wenshu) -> None:
    """This test ensures that with no seal installed the copies are issued as before, unsigned."""
    job = make_job(wenshu, unit_names(2))
    assert run_job(wenshu, job.id).status == DONE
    for document in documents(wenshu):
        path = wenshu.archive.absolute(document.pdf_path)
        assert signature_statuses(path.read_bytes()) == []
        assert seal_marks(path) == []

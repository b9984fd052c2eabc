"""Tests of rendering a chunk with the real LibreOffice: merged conversion cut into valid PDF/A copies."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import service.batch.finishing
import service.batch.fitting
from service.archive.store import fixity_of
from service.archive.templates import LoadedTemplate
from service.batch.compose import EXPORT_OPTIONS
from service.batch.rendering import WORKERS_FROM, ChunkRenderer, PlannedCopy, RenderedCopy
from service.batch.split import SplitFailed
from service.database.models import utcnow
from service.foundations.config import Bureau
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import build_render_request
from service.render.ofd.inspect import inspect_ofd
from service.render.office.pool import OfficePool
from service.render.pdfa import DocumentMetadata, read_archival_metadata
from service.render.pipeline import render_pdf
from tests import pdfcheck
from tests.batch.conftest import common_facts, unit_names
from tests.batch.test_compose import replaced
from tests.conftest import ROOT
from tests.fakes import RecordingConverter

pytestmark = pytest.mark.office


def template_of(kind: str, data: bytes | None = None) -> LoadedTemplate:
    """Return the shipped template of a kind (or other bytes) as a loaded version."""
    data = data or (ROOT / "templates_docx" / f"{kind}.docx").read_bytes()
    return LoadedTemplate(1, kind, 1, "0" * 64, data)


def planned(kind: str, units: list[str], longer: frozenset[int] = frozenset()) -> list[PlannedCopy]:
    """Return copies of a kind for the units, numbered 1, 2, …; those in longer run a page more."""
    instrument = get_instrument(kind)
    copies = []
    for index, unit in enumerate(units):
        raw = common_facts(kind) | {instrument.recipient_field: unit}
        if index in longer:
            raw["problems"] = raw["problems"] + "\n" + "部分单位档案库房温湿度记录不全，" * 40
        facts = validate_facts(instrument, raw)
        number = f"君档通报〔2026〕{index + 1}号"
        at = utcnow()
        metadata = DocumentMetadata(
            title=instrument.title, document_number=number, responsible_body=Bureau().name,
            date=facts.values[instrument.date_field], retention_period=instrument.retention,
            classification=instrument.classification, kind=kind, agent="测试员", action_time=at,
        )  # fmt: skip
        copies.append(
            PlannedCopy(
                index + 1, index + 2, facts, {}, 2026, index + 1, number, unit, at, metadata
            )
        )
    return copies


def full_text(path: Path) -> str:
    """Return the text as pdftotext reads it, whitespace removed, page numbers kept."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", out.decode("utf-8"))


def written(tmp_path: Path, copy: RenderedCopy) -> Path:
    """Write a rendered copy to a file and return its path."""
    path = tmp_path / f"{copy.plan.sequence}.pdf"
    path.write_bytes(copy.pdf.data)
    return path


@pytest.fixture(scope="module")
def circulars(office_pool: OfficePool, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Four circulars converted merged and cut, the second and third a page longer."""
    renderer = ChunkRenderer(
        get_instrument("safety_circular"), template_of("safety_circular"), Bureau(), office_pool
    )
    assert renderer.merging
    folder = tmp_path_factory.mktemp("circulars")
    copies = renderer.render(planned("safety_circular", unit_names(4), longer=frozenset({1, 2})))
    return [written(folder, copy) for copy in copies]


def test_parts_are_pdfa_2b_with_every_font_embedded(circulars: list[Path]) -> None:
    """This test ensures that each cut part is PDF/A-2b without violation, every font embedded."""
    for path in circulars:
        assert pdfcheck.pdfa_identification(path) == ("2", "B")
        assert pdfcheck.pdfa_violations(path) == []
        fonts = pdfcheck.fonts(path)
        assert fonts and all(row["emb"] == "yes" for row in fonts)


def test_parts_carry_their_own_number_and_metadata(circulars: list[Path]) -> None:
    """This test ensures that each part's text and XMP give its own 文号 and nobody else's."""
    for index, path in enumerate(circulars, start=1):
        text = pdfcheck.text(path)
        assert f"君档通报〔2026〕{index}号" in text
        others = [n for n in range(1, 5) if n != index and f"〔2026〕{n}号" in text]
        assert others == []
        metadata = read_archival_metadata(path)
        assert metadata["文号"] == f"君档通报〔2026〕{index}号"
        assert metadata["题名"] == "全区档案安全通报"


def test_parts_are_paged_from_one(circulars: list[Path]) -> None:
    """This test ensures that every part's pages are numbered 1, 2, … whatever its place in the merge,
    the longer copies a page longer than the others."""
    for path in circulars:
        numbers = [
            int(w.text)
            for w in pdfcheck.words(path)
            if w.text.isdigit() and w.y0 > pdfcheck.TEXT_BOTTOM
        ]
        assert numbers == list(range(1, len(pdfcheck.page_sizes(path)) + 1))
    pages = [len(pdfcheck.page_sizes(p)) for p in circulars]
    assert pages[1] == pages[2] == pages[0] + 1 == pages[3] + 1, pages


def test_no_part_ends_on_a_page_of_its_imprint_alone(circulars: list[Path]) -> None:
    """This test ensures that each part's last page holds its signature above the 版记, never the
    版记 alone (GB/T 9704 7.4)."""
    for path in circulars:
        words = [w for w in pdfcheck.words(path) if not pdfcheck.is_page_number(w)]
        last = max(w.page for w in words)
        cc = next(w for w in words if w.page == last and w.text.startswith("抄送"))
        above = [w.text for w in words if w.page == last and w.y1 < cc.y0]
        assert Bureau().name in above, (path.name, above)


@pytest.mark.parametrize("kind", ["safety_circular", "correction_order"])
def test_part_text_equals_a_single_render(
    kind: str, office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that a cut part reads exactly as the same copy rendered on its own."""
    instrument = get_instrument(kind)
    template = template_of(kind)
    copies = planned(
        kind, unit_names(3), longer=frozenset({1} if kind == "safety_circular" else ())
    )
    parts = ChunkRenderer(instrument, template, Bureau(), office_pool).render(copies)
    for copy, part in zip(copies, parts, strict=True):
        request = build_render_request(
            instrument, copy.facts, {}, copy.number, template.data, Bureau(), copy.metadata
        )
        single = render_pdf(request, office_pool)
        alone = tmp_path / f"alone-{copy.sequence}.pdf"
        alone.write_bytes(single.data)
        assert full_text(written(tmp_path, part)) == full_text(alone)
        assert part.pdf.pages == single.pages


def test_a_template_that_cannot_merge_is_converted_copy_by_copy(
    office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that a template printing the total page count is converted one by one."""
    data = (ROOT / "templates_docx" / "correction_order.docx").read_bytes()
    total = replaced(data, "word/footer1.xml", b" PAGE ", b" NUMPAGES ")
    renderer = ChunkRenderer(
        get_instrument("correction_order"),
        template_of("correction_order", total),
        Bureau(),
        office_pool,
    )
    assert not renderer.merging
    parts = renderer.render(planned("correction_order", unit_names(2)))
    assert [read_archival_metadata(written(tmp_path, p))["文号"] for p in parts] == [
        "君档通报〔2026〕1号", "君档通报〔2026〕2号",
    ]  # fmt: skip


def test_a_merge_that_cannot_be_cut_falls_back(
    office_pool: OfficePool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that if the merged PDF cannot be cut, the copies are converted one by one."""

    def refuse(*_args: object) -> list[Path]:
        raise SplitFailed("no destinations")

    monkeypatch.setattr(service.batch.fitting, "split_copies", refuse)
    renderer = ChunkRenderer(
        get_instrument("correction_order"), template_of("correction_order"), Bureau(), office_pool
    )
    parts = renderer.render(planned("correction_order", unit_names(2)))
    assert [p.plan.number for p in parts] == ["君档通报〔2026〕1号", "君档通报〔2026〕2号"]
    assert all(pdfcheck.pdfa_violations(written(tmp_path, p)) == [] for p in parts)


def test_a_fake_converter_still_merges_copies(office_pool: OfficePool, tmp_path: Path) -> None:
    """This test ensures that copies merge whatever converter the batch is given: through a fake
    one, three copies are one conversion with the export options, cut into their own 文号."""
    kept = tmp_path / "kept"
    kept.mkdir()
    recorder = RecordingConverter(office_pool, kept)
    renderer = ChunkRenderer(
        get_instrument("correction_order"), template_of("correction_order"), Bureau(), recorder
    )
    assert renderer.merging
    parts = renderer.render(planned("correction_order", unit_names(3)))
    assert recorder.options == [EXPORT_OPTIONS]
    assert [read_archival_metadata(written(tmp_path, p))["文号"] for p in parts] == [
        "君档通报〔2026〕1号", "君档通报〔2026〕2号", "君档通报〔2026〕3号",
    ]  # fmt: skip


def test_a_small_chunk_is_finished_here_and_a_large_one_by_the_workers(
    office_pool: OfficePool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a chunk under WORKERS_FROM copies gets its OFDs in this process, and a larger one from worker processes."""
    here: list[str] = []
    writing = service.batch.finishing.ofd_of

    def counted(pdf: bytes, metadata: DocumentMetadata) -> bytes:
        here.append(metadata.document_number)
        return writing(pdf, metadata)

    monkeypatch.setattr(service.batch.finishing, "ofd_of", counted)
    renderer = ChunkRenderer(
        get_instrument("correction_order"), template_of("correction_order"), Bureau(), office_pool
    )
    try:
        small = renderer.render(planned("correction_order", unit_names(2)))
        assert len(here) == 2 and renderer._pool is None
        large = renderer.render(planned("correction_order", unit_names(WORKERS_FROM)))
        assert len(here) == 2 and renderer._pool is not None  # none written here
    finally:
        renderer.close()
    for copy in [*small, *large]:
        assert copy.ofd_fixity is not None and copy.ofd_fixity.sha256 == fixity_of(copy.ofd).sha256
        assert inspect_ofd(copy.ofd).custom["文号"] == copy.plan.number

"""Tests with the real LibreOffice of merged copies kept off lonely pages: crowded copies merged again tighter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.archive.templates import LoadedTemplate
from service.batch.compose import EXPORT_OPTIONS
from service.batch.rendering import ChunkRenderer, PlannedCopy, RenderedCopy
from service.database.models import utcnow
from service.foundations.config import Bureau
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import build_render_request, document_metadata
from service.render.office.pool import OfficePool
from service.render.pipeline import render_pdf
from tests import pdfcheck
from tests.batch.conftest import common_facts, unit_names
from tests.conftest import ROOT
from tests.fakes import RecordingConverter
from tests.render.test_fit import imprint_on_a_new_page

pytestmark = pytest.mark.office

KIND = "correction_order"


LONG_UNIT = "岳阳市君山区人力资源和社会保障局劳动人事争议仲裁院办公室"
SIX_BODIES = (
    "中共岳阳市君山区委组织部，岳阳市君山区人民政府办公室，岳阳市档案局，岳阳市君山区司法局，"
    "岳阳市君山区财政局，岳阳市君山区审计局"
)


def planned(facts: list[dict[str, Any]]) -> list[PlannedCopy]:
    """Return correction orders with the given facts, numbered 1, 2, …"""
    instrument = get_instrument(KIND)
    copies = []
    for index, raw in enumerate(facts):
        checked = validate_facts(instrument, raw)
        number = f"君档责改〔2026〕{index + 1}号"
        at = utcnow()
        metadata = document_metadata(
            instrument, checked, number, Bureau(), agent="测试员", action_time=at
        )
        unit = raw["unit"]
        copies.append(
            PlannedCopy(
                index + 1, index + 2, checked, {}, 2026, index + 1, number, unit, at, metadata
            )
        )
    return copies


def crowded() -> dict[str, Any]:
    """Return facts whose 抄送, as filled, stands alone on page 2: a long name, six bodies copied."""
    return common_facts(KIND) | {"unit": LONG_UNIT, "cc": SIX_BODIES}


def fitting(unit: str) -> dict[str, Any]:
    """Return the sample's facts for a unit: one page as filled."""
    return common_facts(KIND) | {"unit": unit}


def renderer(converter: RecordingConverter, data: bytes | None = None) -> ChunkRenderer:
    """Return a chunk renderer of the correction order's shipped template (or other bytes)."""
    data = data or (ROOT / "templates_docx" / f"{KIND}.docx").read_bytes()
    template = LoadedTemplate(1, KIND, 1, "0" * 64, data)
    chunks = ChunkRenderer(get_instrument(KIND), template, Bureau(), converter)
    assert chunks.merging
    return chunks


def written(folder: Path, copy: RenderedCopy) -> Path:
    """Write a rendered copy to a file and return its path."""
    path = folder / f"copy-{copy.plan.sequence}.pdf"
    path.write_bytes(copy.pdf.data)
    return path


def cc_alone(path: Path) -> bool:
    """Return whether the 抄送 has no text above it on its page."""
    words = [w for w in pdfcheck.words(path) if not pdfcheck.is_page_number(w)]
    cc = next(w for w in words if w.text.startswith("抄送"))
    return cc.page > 1 and not [w for w in words if w.page == cc.page and w.y1 < cc.y0]


def test_only_the_crowded_copy_is_merged_again(office_pool: OfficePool, tmp_path: Path) -> None:
    """This test ensures that in a chunk where one copy's 抄送 stands alone, that copy alone is
    converted again (twice at most) and comes out on one page, as it would on its own, while the
    others are cut from the first conversion; every part is clean PDF/A-2b."""
    kept = tmp_path / "kept"
    kept.mkdir()
    recorder = RecordingConverter(office_pool, kept)
    first, third = unit_names(2)
    copies = planned([fitting(first), crowded(), fitting(third)])
    chunks = renderer(recorder)
    parts = chunks.render(copies)
    assert recorder.options == [EXPORT_OPTIONS] * 3
    assert len(pdfcheck.page_sizes(kept / "1.pdf")) == 4  # the crowded copy took two pages
    assert [part.pdf.pages for part in parts] == [1, 1, 1]
    assert not cc_alone(written(tmp_path, parts[1]))
    assert all(part.pdf.warnings == () for part in parts)
    lonely = copies[1]
    request = build_render_request(
        get_instrument(KIND), lonely.facts, {}, lonely.number, chunks.template.data, Bureau(),
        lonely.metadata,
    )  # fmt: skip
    alone = tmp_path / "alone.pdf"
    alone.write_bytes(render_pdf(request, office_pool).data)
    assert pdfcheck.poppler_text(written(tmp_path, parts[1])) == pdfcheck.poppler_text(alone)
    for part in parts:
        path = written(tmp_path, part)
        assert pdfcheck.pdfa_violations(path) == []
        assert all(row["emb"] == "yes" for row in pdfcheck.fonts(path))


def test_a_chunk_crowded_throughout_costs_three_conversions(
    office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that a chunk whose every copy crowds the same way is merged again as a
    whole: three conversions for the chunk, not three a copy."""
    recorder = RecordingConverter(office_pool, tmp_path)
    parts = renderer(recorder).render(planned([crowded()] * 4))
    assert recorder.calls == 3
    assert [part.pdf.pages for part in parts] == [1, 1, 1, 1]


def test_a_copy_nothing_cures_carries_its_warning(office_pool: OfficePool, tmp_path: Path) -> None:
    """This test ensures that copies whose 版记 no tightening brings back (their template breaks the
    page before the line it is anchored to) keep their first conversion and carry the lonely page
    as their PDF's warning."""
    recorder = RecordingConverter(office_pool, tmp_path)
    data = imprint_on_a_new_page((ROOT / "templates_docx" / f"{KIND}.docx").read_bytes())
    parts = renderer(recorder, data).render(planned([fitting(unit) for unit in unit_names(2)]))
    assert recorder.calls == 3
    for part in parts:
        assert [w.split("；")[0] for w in part.pdf.warnings] == ["版面：第2页只有版记"]
        assert part.pdf.pages == 2

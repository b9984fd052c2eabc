"""Tests of templates compiled once per version: reuse, a new version, the bound, and no state between fills."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document

import service.render.fill.compiled as compiled_module
from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.render.fill.compiled import compiled_template, fill_template
from service.render.fill.docx import TemplateProblem, render_docx
from tests.conftest import sample

TEMPLATES = Path(__file__).resolve().parents[2] / "templates_docx"


def template_of(*paragraphs: str, header: str = "") -> bytes:
    """Return a DOCX whose paragraphs (and header, if given) hold the given template text."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if header:
        document.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def members(docx: bytes) -> list[tuple[str, bytes]]:
    """Return the names and contents of a package's members, in order."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return [(item.filename, package.read(item)) for item in package.infolist()]


def text_of(docx: bytes) -> str:
    """Return the text of a DOCX's body and headers, one paragraph a line."""
    document = Document(io.BytesIO(docx))
    headers = [p.text for s in document.sections for p in s.header.paragraphs]
    return "\n".join([*headers, *(p.text for p in document.paragraphs)])


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test with an empty cache of compiled templates."""
    monkeypatch.setattr(compiled_module, "_cache", type(compiled_module._cache)())


def test_a_version_is_compiled_once_and_reused() -> None:
    """This test ensures that the same template version is compiled once and the compiled one reused."""
    template = template_of("单位：{{ unit }}")
    first = compiled_template(template)
    assert compiled_template(bytes(template)) is first
    assert text_of(fill_template(template, {"unit": "甲"})).endswith("单位：甲")


def test_a_new_version_is_compiled_anew() -> None:
    """This test ensures that a new version of a template (other bytes) gets its own compiled template."""
    old = template_of("单位：{{ unit }}")
    new = template_of("受检单位：{{ unit }}")
    assert compiled_template(old) is not compiled_template(new)
    assert text_of(fill_template(old, {"unit": "甲"})).endswith("\n单位：甲")
    assert text_of(fill_template(new, {"unit": "甲"})).endswith("\n受检单位：甲")


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that the cache keeps at most CACHE_SIZE versions, dropping the least recently used."""
    monkeypatch.setattr(compiled_module, "CACHE_SIZE", 2)
    first, second, third = (template_of(f"第{n}版：{{{{ unit }}}}") for n in range(3))
    kept_first = compiled_template(first)
    compiled_template(second)
    assert compiled_template(first) is kept_first  # used again: now the most recent
    compiled_template(third)
    assert len(compiled_module._cache) == 2
    assert compiled_template(first) is kept_first
    assert compiled_template(second) is not None
    assert len(compiled_module._cache) == 2


def test_fills_of_one_compiled_template_share_nothing() -> None:
    """This test ensures that a cached template fills two fact sets independently, headers included,
    and that filling one leaves the other's output as it would be alone."""
    template = template_of(
        "{% for item in items %}{{ item }}；{% endfor %}", "单位：{{ unit }}", header="{{ number }}"
    )
    alone = fill_template(template, {"items": ["一"], "unit": "甲", "number": "第一号"})
    many = fill_template(template, {"items": ["一", "二", "三"], "unit": "乙", "number": "第二号"})
    again = fill_template(template, {"items": ["一"], "unit": "甲", "number": "第一号"})
    assert members(alone) == members(again)
    assert text_of(alone) == "第一号\n一；\n单位：甲"
    assert text_of(many) == "第二号\n一；二；三；\n单位：乙"


@pytest.mark.parametrize("kind", ["supervision_notice", "correction_order", "safety_circular"])
def test_a_compiled_fill_writes_what_docxtpl_writes(kind: str) -> None:
    """This test ensures that a shipped template filled from its compiled version gives the very
    parts render_docx gives, every member byte for byte."""
    instrument = get_instrument(kind)
    context = build_context(
        instrument, validate_facts(instrument, sample(kind)), "君档〔2026〕1号", Bureau()
    )
    template = (TEMPLATES / f"{kind}.docx").read_bytes()
    expected = members(render_docx(template, dict(context)))
    assert members(fill_template(template, dict(context))) == expected
    assert members(fill_template(template, dict(context))) == expected


def test_template_problems_read_as_before() -> None:
    """This test ensures that a template that does not compile, or fails as it fills, is the
    TemplateProblem render_docx reports, word for word."""
    broken = template_of("正文第一段", "{% if %}坏的标签", "正文第三段")
    failing = template_of("正文第一段", "{{ missing_fact }}")
    for template in (broken, failing):
        with pytest.raises(TemplateProblem) as expected:
            render_docx(template, {})
        with pytest.raises(TemplateProblem) as raised:
            fill_template(template, {})
        assert str(raised.value) == str(expected.value)
    assert "坏的标签" in str(expected.value) or "missing_fact" in str(expected.value)

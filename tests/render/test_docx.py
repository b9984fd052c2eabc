"""Tests of filling templates: escaping, the sandbox, and errors that say where they are."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document

from service.render.fill.docx import TemplateProblem, render_docx


def make_template(tmp_path: Path, *paragraphs: str) -> Path:
    """Write a DOCX whose paragraphs hold the given template text."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / "template.docx"
    document.save(str(path))
    return path


def body_xml(docx: bytes) -> str:
    """Return the main part's XML of a DOCX."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read("word/document.xml").decode()


def test_markup_is_escaped(tmp_path: Path) -> None:
    """This test ensures that & < > " ' in a value are escaped into the XML, not injected."""
    template = make_template(tmp_path, "单位：{{ name }}")
    xml = body_xml(render_docx(template, {"name": "A&B <w:p/> \"x\" 'y'"}))
    assert "A&amp;B &lt;w:p/&gt; \"x\" 'y'" in xml
    assert xml.count("<w:p>") + xml.count("<w:p ") == 1


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    """This test ensures that a template cannot reach Python internals."""
    template = make_template(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateProblem, match="模板有误"):
        render_docx(template, {})


def test_missing_placeholder_is_named(tmp_path: Path) -> None:
    """This test ensures that a placeholder the context lacks is an error naming it."""
    template = make_template(tmp_path, "第一段", "{{ missing_fact }}")
    with pytest.raises(TemplateProblem, match="missing_fact"):
        render_docx(template, {})


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    """This test ensures that a Jinja syntax error reports its line and the text around it."""
    template = make_template(tmp_path, "正文第一段", "{% if %}坏的标签", "正文第三段")
    with pytest.raises(TemplateProblem) as raised:
        render_docx(template, {})
    message = str(raised.value)
    assert "行" in message and "坏的标签" in message

"""Tests of the template commands: lint exit codes and JSON, list, show, publish, activate."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from service.cli import main
from tests.layouts.test_versions import second_version

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "templates_docx" / "supervision_notice.docx"


def test_lint_exit_status_and_json(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that lint exits 0 on a clean template and 1 with problems, also as JSON."""
    clean = runner.invoke(main, ["template", "lint", str(SHIPPED), "--kind", "supervision_notice"])
    assert clean.exit_code == 0 and "clean" in clean.output
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a document")
    result = runner.invoke(
        main, ["template", "lint", str(broken), "--kind", "supervision_notice", "--json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["refused"] is True
    assert report["problems"][0]["level"] == "error"
    assert {"level", "where", "message", "advice"} <= set(report["problems"][0])


def test_publish_list_show_activate(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a template is published as version 2, listed, shown and rolled back."""
    candidate = tmp_path / "v2.docx"
    candidate.write_bytes(second_version())
    published = runner.invoke(
        main,
        [
            "template",
            "publish",
            "supervision_notice",
            str(candidate),
            "--note",
            "措辞调整",
            "--as",
            "维护员",
        ],
    )
    assert published.exit_code == 0, published.output
    assert "published supervision_notice v2 (active)" in published.output
    listed = runner.invoke(main, ["template", "list", "supervision_notice"])
    lines = listed.output.splitlines()
    assert lines[0].startswith("  supervision_notice\tv1") and lines[1].startswith(
        "* supervision_notice\tv2"
    )
    out = tmp_path / "active.docx"
    shown = runner.invoke(main, ["template", "show", "supervision_notice", "-o", str(out)])
    assert "version: 2" in shown.output and out.read_bytes() == candidate.read_bytes()
    rolled = runner.invoke(main, ["template", "activate", "supervision_notice", "1"])
    assert rolled.exit_code == 0
    assert "version: 1" in runner.invoke(main, ["template", "show", "supervision_notice"]).output
    missing = runner.invoke(main, ["template", "activate", "supervision_notice", "9"])
    assert missing.exit_code == 2 and "第9版" in missing.stderr


def test_publish_refuses_hostile_template(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a template reaching for Python internals is not published."""
    from tests.layouts.test_lint import ALL_FIELDS, with_paragraphs

    hostile = tmp_path / "hostile.docx"
    hostile.write_bytes(with_paragraphs(ALL_FIELDS, "{{ ''.__class__.__mro__ }}"))
    result = runner.invoke(main, ["template", "publish", "supervision_notice", str(hostile)])
    assert result.exit_code == 1 and "模板未发布" in result.stderr
    listed = runner.invoke(main, ["template", "list", "supervision_notice"])
    assert "v2" not in listed.output

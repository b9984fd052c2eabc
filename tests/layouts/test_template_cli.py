"""Tests of the template commands: lint exit codes and JSON, list, show, publish, activate."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from service.commands.cli import main
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


def _shipped_with(document_xml: bytes) -> bytes:
    """Return the shipped notice template with its main part replaced."""
    from tests.layouts.test_lint import rezip

    return rezip(SHIPPED.read_bytes(), {"word/document.xml": document_xml})


def _paragraphs(*texts: str) -> bytes:
    """Return a GB/T 9704 template using every field plus the given paragraphs."""
    from tests.layouts.test_lint import ALL_FIELDS, with_paragraphs

    return with_paragraphs(ALL_FIELDS, *texts)


def _zip_bomb() -> bytes:
    """Return a template carrying a member that unpacks to 60 MB."""
    from tests.layouts.test_lint import rezip

    return rezip(_paragraphs("x"), {"word/media/huge.bin": b"\x00" * (60 * 1024 * 1024)})


HOSTILE_FILES = {
    "zip bomb": _zip_bomb,
    "not a zip": lambda: b"%PDF-1.7 not a template",
    "random bytes": lambda: bytes(range(256)) * 64,
    "empty": lambda: b"",
    "truncated zip": lambda: SHIPPED.read_bytes()[: len(SHIPPED.read_bytes()) // 2],
    "main part not UTF-8": lambda: _shipped_with(b"\xff\xfe\x00<w:document>\xc3\x28"),
    "main part not XML": lambda: _shipped_with(b"this is not XML at all"),
    "main part in GB18030 declared UTF-8": lambda: _shipped_with(
        '<?xml version="1.0" encoding="UTF-8"?><w:document>汉字</w:document>'.encode("gb18030")
    ),
    "invalid Jinja": lambda: _paragraphs("{% if %}坏的标签"),
    "unclosed block": lambda: _paragraphs("{% for line in facts %}没有结束"),
    "huge nested loop": lambda: _paragraphs(
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"
    ),
    "range from facts": lambda: _paragraphs(
        "{% for i in range(facts|length * 1000) %}{% endfor %}"
    ),
    "huge value when filled": lambda: _paragraphs(
        "{% set big = '汉' * 1000 %}{{ big * 1000 * 10 }}"
    ),
    "expression nested too deep": lambda: _paragraphs(
        "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}"
    ),
    "macro calling itself": lambda: _paragraphs("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"),
    "division by zero": lambda: _paragraphs("{{ 1 / 0 }}"),
}


def _lint(runner: CliRunner, path: Path, *options: str) -> Any:
    """Return the result of wenshu template lint on a path, failing on any traceback."""
    result = runner.invoke(
        main, ["template", "lint", str(path), "--kind", "supervision_notice", *options]
    )
    assert result.exc_info is not None and result.exc_info[0] is SystemExit, result.exc_info
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    return result


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_lint_answers_every_hostile_file_with_a_report(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    """This test ensures that lint answers each hostile file with its refusal and exit 1, as text and as JSON."""
    path = tmp_path / "hostile.docx"
    path.write_bytes(HOSTILE_FILES[name]())
    text = _lint(runner, path)
    assert text.exit_code == 1 and "错误｜" in text.output, text.output
    as_json = _lint(runner, path, "--json")
    assert as_json.exit_code == 1
    report = json.loads(as_json.output)
    assert report["refused"] is True and any(p["level"] == "error" for p in report["problems"])


def _special_paths(tmp_path: Path) -> dict[str, Path]:
    """Return paths that are not template files: missing, a directory, a pipe, devices, too large."""
    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    link = tmp_path / "zero.docx"
    link.symlink_to("/dev/zero")
    dangling = tmp_path / "dangling.docx"
    dangling.symlink_to(tmp_path / "nowhere.docx")
    large = tmp_path / "large.docx"
    with large.open("wb") as file:
        file.truncate(17 * 1024 * 1024)  # sparse: nothing is written
    return {
        "找不到该文件": tmp_path / "missing.docx",
        "这是一个目录": tmp_path,
        "不是普通文件": fifo,
        "不是普通文件（": link,
        "找不到该文件 ": dangling,
        "文件超过 16 MB": large,
    }


def test_lint_answers_paths_that_are_not_template_files(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a missing path, a directory, a pipe, /dev/zero or a huge file are reported, never read whole or waited on."""
    for expected, path in _special_paths(tmp_path).items():
        result = _lint(runner, path)
        assert result.exit_code == 1 and expected.strip() in result.output, (path, result.output)
        report = json.loads(_lint(runner, path, "--json").output)
        assert (
            report["refused"] is True and expected.strip("（ ") in report["problems"][0]["message"]
        )


def test_publish_refuses_paths_that_are_not_template_files(
    runner: CliRunner, tmp_path: Path
) -> None:
    """This test ensures that publish says why a path is no template (pipe, device, directory) and publishes nothing."""
    for path in _special_paths(tmp_path).values():
        result = runner.invoke(main, ["template", "publish", "supervision_notice", str(path)])
        assert result.exit_code == 1 and "模板未发布" in result.stderr, result.output
        assert "Traceback" not in result.output
    listed = runner.invoke(main, ["template", "list", "supervision_notice"])
    assert "v2" not in listed.output


def test_lint_refuses_a_template_whose_opening_outlasts_the_child(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that lint answers a template docxtpl would take seconds to open with a refusal, exit 1."""
    from service.render.fill import trial

    monkeypatch.setattr(
        trial, "DEFAULT_ALLOWANCE", trial.Allowance(cpu_seconds=1, wall_seconds=600)
    )
    path = tmp_path / "unclosed.docx"
    path.write_bytes(_paragraphs("".join(f"{{{{ {i} " for i in range(8_000))))
    result = _lint(runner, path)
    assert result.exit_code == 1 and "CPU 时间上限" in result.output

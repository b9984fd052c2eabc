"""Tests of template lint: each refusal, each warning, shipped templates, and other kinds of DOCX."""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm, Pt

from service.instruments.registry import INSTRUMENTS, get_instrument
from service.layouts.lint import LintReport, lint_template, read_sample
from tests.outside_docx import with_parts as rezip

# Lint's rules are tested with the trial child's code run in this process; the child itself
# in test_template_limits.py, test_template_cli.py and the one test below that names it.
pytestmark = pytest.mark.usefixtures("trial_in_process")
ROOT = Path(__file__).resolve().parents[2]
NOTICE = get_instrument("supervision_notice")
ALL_FIELDS = (
    " ".join(
        "{{ " + name + " }}"
        for name in [
            "inspected_body",
            "situation",
            "legal_basis",
            "decision_type",
            "deadline",
            "issuer",
            "issue_date",
            "cc",
        ]
    )
    + " {% for line in facts %}{{ line }}{% endfor %}"
)


def lint(data: bytes) -> LintReport:
    """Return the lint report of template bytes for the supervision notice."""
    return lint_template(data, NOTICE, read_sample("supervision_notice", ROOT / "samples"))


def gbt_document() -> Document:
    """Return a python-docx document with GB/T 9704 page settings."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin = Mm(37), Mm(28)
    section.bottom_margin, section.right_margin = Mm(35), Mm(26)
    return document


def as_bytes(document: Document) -> bytes:
    """Return a python-docx document as DOCX bytes."""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@functools.cache  # python-docx takes a tenth of a second to start a document
def with_paragraphs(*texts: str) -> bytes:
    """Return a GB/T 9704 DOCX with one paragraph per text."""
    document = gbt_document()
    for text in texts:
        document.add_paragraph(text)
    return as_bytes(document)


def tiny_png() -> bytes:
    """Return a valid 1×1 red PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def messages(report: LintReport, level: str) -> str:
    """Return all messages of a level as one text."""
    return " ".join(p.message for p in report.problems if p.level == level)


@pytest.mark.parametrize("kind", sorted(INSTRUMENTS))
def test_shipped_templates_are_not_refused(kind: str) -> None:
    """This test ensures that every shipped template passes lint without an error."""
    data = (ROOT / "templates_docx" / f"{kind}.docx").read_bytes()
    report = lint_template(data, get_instrument(kind), read_sample(kind, ROOT / "samples"))
    assert report.errors == []


def test_clean_template() -> None:
    """This test ensures that a template using every field, in official fonts and GB/T 9704 pages, is clean."""
    report = lint((ROOT / "templates_docx" / "supervision_notice.docx").read_bytes())
    assert report.clean, [p.line() for p in report.problems]


def test_not_a_docx_is_refused() -> None:
    """This test ensures that a file that is not a DOCX is refused with a clear message."""
    assert "不是 DOCX" in messages(lint(b"%PDF-1.7 this is a pdf"), "error")
    empty_zip = io.BytesIO()
    zipfile.ZipFile(empty_zip, "w").close()
    assert "不是 Word 文档" in messages(lint(empty_zip.getvalue()), "error")


def test_macro_enabled_file_is_refused() -> None:
    """This test ensures that a template carrying a VBA project is refused."""
    data = rezip(with_paragraphs(ALL_FIELDS), {"word/vbaProject.bin": b"\x00" * 100})
    assert "宏" in messages(lint(data), "error")


def test_zip_bomb_is_refused() -> None:
    """This test ensures that a member that unpacks to far more than a template is refused."""
    data = rezip(with_paragraphs(ALL_FIELDS), {"word/media/huge.bin": b"\x00" * (60 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    assert "ZIP 炸弹" in messages(lint(data), "error")


def test_external_entities_are_refused() -> None:
    """This test ensures that XML declaring entities (XXE) is refused before it is parsed."""
    base = with_paragraphs(ALL_FIELDS)
    document = zipfile.ZipFile(io.BytesIO(base)).read("word/document.xml")
    hostile = document.replace(
        b"?>", b'?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1
    )
    assert "实体" in messages(lint(rezip(base, {"word/document.xml": hostile})), "error")


def test_jinja_syntax_error_names_its_paragraph() -> None:
    """This test ensures that a syntax error is refused with its line and the text around it."""
    report = lint(with_paragraphs("第一段", "坏标签：{% if inspected_body %}没有结束", ALL_FIELDS))
    [error] = report.errors
    assert "语法错误" in error.message
    assert "坏标签" in error.where


def test_unknown_placeholder_is_refused() -> None:
    """This test ensures that a placeholder the form does not supply is refused, naming it."""
    report = lint(with_paragraphs(ALL_FIELDS, "罚款：{{ fine_amount }}"))
    assert "fine_amount" in messages(report, "error")
    assert "罚款" in report.errors[0].where


def test_python_internals_are_refused() -> None:
    """This test ensures that reaching Python internals through Jinja is refused."""
    for hostile in [
        "{{ ''.__class__.__mro__ }}",
        "{{ inspected_body.__init__ }}",
        "{{ cycler['__init__'] }}",
    ]:
        report = lint(with_paragraphs(ALL_FIELDS, hostile))
        assert report.errors, hostile
        assert "禁止" in messages(report, "error") or "不是本文书" in messages(report, "error")


def test_unused_field_is_a_warning() -> None:
    """This test ensures that a form field the template never uses gives a warning, not a refusal."""
    report = lint(with_paragraphs(ALL_FIELDS.replace("{{ cc }}", "")))
    assert report.errors == []
    assert "cc 没有在模板中使用" in messages(report, "warning")


def test_split_placeholder_is_a_warning() -> None:
    """This test ensures that a placeholder Word split across runs is pointed out."""
    document = gbt_document()
    document.add_paragraph(ALL_FIELDS)
    paragraph = document.add_paragraph("主送：")
    paragraph.add_run("{{ inspected_")
    paragraph.add_run("body }}").bold = True
    assert "拆成了多段格式" in messages(lint(as_bytes(document)), "warning")


def test_smart_quotes_in_a_tag_are_a_warning() -> None:
    """This test ensures that curly quotes typed inside a tag are pointed out."""
    report = lint(with_paragraphs(ALL_FIELDS, "{% if situation == “撤销” %}撤销{% endif %}"))
    assert "中文引号" in messages(report, "warning")


def test_unofficial_font_is_a_warning() -> None:
    """This test ensures that a font other than the official ones is pointed out."""
    document = gbt_document()
    run = document.add_paragraph().add_run(ALL_FIELDS)
    run.font.name = "Comic Sans MS"
    run.font.size = Pt(16)
    assert "Comic Sans MS" in messages(lint(as_bytes(document)), "warning")


def test_page_outside_gbt9704_is_a_warning() -> None:
    """This test ensures that Letter paper and one-inch margins are pointed out."""
    document = Document()  # python-docx's default: US Letter, 25.4 mm margins
    document.add_paragraph(ALL_FIELDS)
    warnings = messages(lint(as_bytes(document)), "warning")
    assert "不是 A4" in warnings and "上边距" in warnings and "左边距" in warnings


def test_other_kinds_of_docx_do_not_crash_lint(tmp_path: Path) -> None:
    """This test ensures that loops, tables, rich text, images and sub-documents are linted, not crashed on."""
    document = gbt_document()
    document.add_paragraph("{%p for line in facts %}")
    document.add_paragraph("{{ line }}")
    document.add_paragraph("{%p endfor %}")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for row in facts %}"
    table.cell(1, 0).text = "{{ row }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    document.add_paragraph("{{r inspected_body }}")
    document.add_paragraph("{{ subdocument }}")
    png = tmp_path / "seal.png"
    png.write_bytes(tiny_png())
    document.add_picture(str(png))
    report = lint(as_bytes(document))
    assert "subdocument" in messages(report, "error")  # not a field of this instrument


def test_damaged_package_is_refused_not_crashed() -> None:
    """This test ensures that a DOCX whose member fails its CRC, or lacks a declared part, is refused."""
    data = bytearray(with_paragraphs(ALL_FIELDS))
    start = data.find(b"word/document.xml")
    # Flip a byte inside the compressed document.xml, past its local header.
    data[start + 200] ^= 0xFF
    report = lint(bytes(data))
    assert report.errors
    assert "损坏" in messages(report, "error")


def findings(*texts: str) -> LintReport:
    """Return the lint report of a template using every field plus the given paragraphs."""
    return lint(with_paragraphs(ALL_FIELDS, *texts))


@pytest.mark.parametrize(
    "loop",
    [
        "{% for i in range(facts|length) %}{{ i }}{% endfor %}",
        "{% for i in range(1, deadline|length * 100) %}{{ i }}{% endfor %}",
        "{% set n = facts|length %}{% for i in range(n) %}{{ i }}{% endfor %}",
        "{{ range(situation|length)|list }}",
    ],
)
def test_range_from_facts_is_refused(loop: str) -> None:
    """This test ensures that range() whose bounds come from facts is refused, however the bound is reached."""
    report = findings(loop)
    assert "range() 的范围来自事实数据" in messages(report, "error")
    assert "遍历表单字段" in report.errors[0].advice and "第3行" in report.errors[0].where


def test_range_beyond_the_limit_is_refused_and_a_small_one_is_not() -> None:
    """This test ensures that a literal range over 1,000 numbers is refused, and range(28) passes."""
    assert "range() 的长度超过上限 1,000" in messages(
        findings("{{ range(0, 5000)|list }}"), "error"
    )
    assert "range()" not in messages(findings("{% for i in range(28) %}—{% endfor %}"), "error")


@pytest.mark.parametrize(
    ("text", "level", "expected"),
    [
        ("{{ '—' * (facts|length) }}", "warning", "两边都不是固定数字"),
        ("{{ deadline * situation|length }}", "warning", "两边都不是固定数字"),
        ("{{ '—' * 5000 }}", "error", "重复次数超过上限 1,000"),
        ("{{ 2 ** (facts|length) }}", "warning", "乘方的指数不是固定数字"),
        ("{{ situation|center(facts|length) }}", "warning", "过滤器 center 的 width 来自事实数据"),
        ("{{ situation|indent(width=facts|length) }}", "warning", "过滤器 indent 的 width"),
        ("{{ facts|batch(deadline|length) }}", "warning", "过滤器 batch 的 linecount"),
        ("{{ situation|center(5000) }}", "error", "过滤器 center 的 width 为 5,000"),
        ("{{ facts|slice(2000)|list }}", "error", "过滤器 slice 的 slices 为 2,000"),
    ],
)
def test_sizes_set_by_facts_are_pointed_out(text: str, level: str, expected: str) -> None:
    """This test ensures that repetitions, powers and filter sizes set by facts are warned of, and beyond the limit refused."""
    assert expected in messages(findings(text), level)


def test_unrelated_nested_loops_are_warned_of_and_related_ones_are_not() -> None:
    """This test ensures that a loop nested in an unrelated loop is pointed out, a loop over the row's own list is not."""
    crossed = findings(
        "{% for a in facts %}{% for b in facts %}{{ a }}{{ b }}{% endfor %}{% endfor %}"
    )
    assert "嵌套了一个不相关的循环" in messages(crossed, "warning") and crossed.errors == []
    related = findings("{% for a in facts %}{% for c in a %}{{ c }}{% endfor %}{% endfor %}")
    assert "嵌套" not in messages(related, "warning")
    literal = findings(
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"
    )
    assert "嵌套循环共 1,000,000 次，超过上限 100,000" in messages(literal, "error")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% for x in facts recursive %}{{ x }}{{ loop(x) }}{% endfor %}", "recursive"),
        ("{% macro m(x) %}{{ m(x) }}{% endmacro %}{{ m(facts) }}", "宏 m 调用了自身"),
        ("{{ facts|tojson }}", "过滤器 tojson 不可用"),
        ("{{ facts|no_such_filter }}", "过滤器 no_such_filter 不可用"),
        ("{{ situation.encode() }}", "模板不能调用方法 encode()"),
        ("{{ situation.expandtabs(100000) }}", "模板不能调用方法 expandtabs()"),
    ],
)
def test_recursion_and_unavailable_calls_are_refused(text: str, expected: str) -> None:
    """This test ensures that recursion, filters the sandbox lacks and methods it does not allow are refused at lint."""
    assert expected in messages(findings(text), "error")


def test_allowed_calls_and_blocks_pass() -> None:
    """This test ensures that the methods, loop helpers and blocks templates may use give no finding."""
    text = (
        "{{ situation.strip().replace('，', '、') }}{{ '、'.join(facts) }}{{ '{}号'.format(1) }}"
        "{% for line in facts %}{{ loop.cycle('甲', '乙') }}{% endfor %}"
        "{% block tail %}尾{% endblock %}{{ self.tail() }}"
    )
    assert findings(text).errors == []


def test_trial_render_runs_under_the_render_limits() -> None:
    """This test ensures that a template clean to the static checks but beyond a limit when filled is refused."""
    report = findings("{% set big = '汉' * 1000 %}{{ big * 1000 * 10 }}")
    [error] = report.errors
    assert error.where == "试填样例" and "超过单个值的上限" in error.message


def test_deeply_nested_expression_is_a_syntax_error_not_a_crash() -> None:
    """This test ensures that an expression nested beyond what Python can parse is refused, not a RecursionError."""
    report = findings("{{ " + "(" * 3000 + "situation" + ")" * 3000 + " }}")
    assert "嵌套过深或过长" in messages(report, "error")


def test_template_whose_opening_outlasts_the_child_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """This test ensures that a template whose opening outlasts the child's CPU allowance is refused, lint unharmed.

    Opening it takes docxtpl nine seconds of CPU (its clean-up is quadratic in unclosed tags);
    the allowance is lowered to one second so that the test is quick.
    """
    import service.layouts.lint as lint_module
    from service.render.fill import trial

    monkeypatch.setattr(lint_module, "trial_render", trial.trial_render)  # the real child
    monkeypatch.setattr(
        trial, "DEFAULT_ALLOWANCE", trial.Allowance(cpu_seconds=1, wall_seconds=600)
    )
    # Numbered so that the file does not compress like a ZIP bomb.
    report = lint(with_paragraphs("".join(f"{{{{ {i} " for i in range(8_000))))
    [error] = report.errors
    assert "CPU 时间上限（1 秒）" in error.message and "未闭合" in error.message


def test_an_unforeseen_failure_inside_lint_is_a_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that a check crashing on some file refuses it with a report for every caller."""
    import service.layouts.lint as lint_module

    def crash(*_args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(lint_module, "_check_fonts", crash)
    shipped = (ROOT / "templates_docx" / "supervision_notice.docx").read_bytes()
    report = lint(shipped)
    assert [problem.message for problem in report.errors] == ["无法检查这个文件（RecursionError）"]

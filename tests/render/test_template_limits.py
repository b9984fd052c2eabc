"""Tests of the render limits: every cap, the deadline, the output budget, and the paths they guard."""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docxtpl import DocxTemplate

from service.batch.compose import CompiledTemplate
from service.render.fill.docx import GuardedDocxTemplate, TemplateProblem, render_docx
from service.render.fill.limits import LimitExceeded, RenderLimits
from service.render.fill.sandbox import template_environment
from service.render.fill.script_gaps import ZERO_WIDTH_SPACE, close_script_gaps
from service.render.fill.trial import Allowance, trial_render
from tests.outside_docx import parts_of, with_parts

ROOT = Path(__file__).resolve().parents[2]
LONG = "汉" * 3000  # as long as a long-text fact may be
CONTEXT: dict[str, Any] = {
    "s": LONG,
    "rows": list(range(200)),
    "words": ["甲", "乙"] * 1000,
    "d": {"a": "甲"},
    "tab": "左\t右",
}
# The deadline decides no test but its own: on a busy machine a render may be slow.
LIMITS = RenderLimits(seconds=600)
# Limits whose caps a test does not exercise are set out of reach, so that the one under
# test is the one that stops the render.
UNBOUNDED = RenderLimits(seconds=600, iterations=10**12, value=10**12, output=10**12)


def template(*paragraphs: str) -> bytes:
    """Return a DOCX whose paragraphs hold the given template text."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def refusal(
    text: str, context: dict[str, Any] | None = None, limits: RenderLimits | None = None
) -> str:
    """Return the message of the TemplateProblem filling a one-paragraph template raises."""
    with pytest.raises(TemplateProblem) as raised:
        render_docx(
            template("正文", text),
            CONTEXT if context is None else context,
            limits or LIMITS,
        )
    return str(raised.value)


def within(seconds: float, work: Callable[[], Any]) -> Any:
    """Return what work returns, failing the test (instead of hanging it) past a generous bound."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(("value", work()))
        except BaseException as error:  # handed to the test below
            outcome.append(("error", error))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"still running after {seconds} seconds"
    kind, result = outcome[0]
    if kind == "error":
        raise result
    return result


def body_text(docx: bytes) -> str:
    """Return the text of a filled DOCX's paragraphs, without the zero-width spaces filling adds.

    Filling puts one where Chinese meets a digit or Latin letter, so that LibreOffice sets
    no gap there (service/render/fill/script_gaps.py); it is neither printed nor extracted.
    """
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    return text.replace(ZERO_WIDTH_SPACE, "")


def test_ordinary_constructs_fill_up_to_the_limits() -> None:
    """This test ensures that the limits leave room for what a 公文 uses, up to each cap itself."""
    text = (
        "{{ '—' * 28 }}|{{ range(1000)|list|length }}|{{ 'x'.center(1000)|length }}|"
        "{{ '%s-%03d' % ('甲', 7) }}|{{ '{}号'.format(3) }}|{{ words|join('、')|length }}|"
        "{{ s.replace('汉', '字')|length }}|{{ 'a, b'.split(', ')|join('/') }}|{{ 2 ** 10 }}|"
        "{% for row in rows %}{% if loop.last %}{{ loop.index }}{% endif %}{% endfor %}"
    )
    filled = body_text(render_docx(template(text), CONTEXT, LIMITS))
    assert (
        filled
        == f"{'—' * 28}|1000|1000|甲-007|3号|{len('、'.join(CONTEXT['words']))}|3000|a/b|1024|200"
    )


@pytest.mark.parametrize(
    "expression",
    ["range(1001)", "range(0, 2002, 2) ~ range(5000)", "range(10 ** 30)", "range(-5000, 0)",
     "range(2000)|list", "range(s|length)"],
)  # fmt: skip
def test_range_is_capped_at_a_thousand(expression: str) -> None:
    """This test ensures that range() beyond 1,000 numbers is refused, however its bounds are written."""
    message = refusal("{{ " + expression + " }}")
    assert "range()" in message and "上限 1,000" in message and "请直接遍历表单字段" in message


@pytest.mark.parametrize(
    "loops",
    [
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
        "{% for a in rows %}{% for b in rows %}{% for c in rows %}{% endfor %}{% endfor %}{% endfor %}",
        "{% for a in words %}{% for b in words if b %}{% endfor %}{% endfor %}",
        "{% for a in words %}{% for b in words %}{{ loop.length }}{% endfor %}{% endfor %}",
        "{% macro m() %}{% for a in words %}{% for b in words %}{% endfor %}{% endfor %}{% endmacro %}{{ m() }}",
        "{% set x %}{% for a in words %}{% for b in words %}{% endfor %}{% endfor %}{% endset %}",
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
    ],
)
def test_loop_iterations_and_macro_calls_are_capped(loops: str) -> None:
    """This test ensures that nested loops (empty, filtered, in macros or set blocks) and doubling macros stop at 100,000."""
    message = refusal(loops)
    assert "循环和宏调用的总次数超过上限（100,000 次）" in message and "避免嵌套循环" in message


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'x' * 1001", "重复次数 1,001 超过上限 1,000"),
        ("1001 * 'x'", "重复次数 1,001"),
        ("[1] * 5000", "重复次数 5,000"),
        ("('<w:t/>'|safe) * 5000", "重复次数 5,000"),
        ("'x' * 1000 * 1000 * 10", "超过单个值的上限"),
        ("[s] * 1000 * 2", "超过单个值的上限"),
        ("'%01001d' % 1", "格式宽度 1,001"),
        ("'%.5000f' % 1", "格式宽度 5,000"),
        ("'%*d' % (5, 1)", "不能用“*”指定宽度"),
        ("('%s' * 1000) % ((s,) * 1000)", "“%”格式化"),
        ("'{:>5000}'.format(1)", "格式宽度 5,000"),
        ("'{:>{w}}'.format(1, w=5000)", "格式宽度 5,000"),
        ("'{a:>5000}'.format_map(d)", "格式宽度 5,000"),
        ("('{0}' * 1000).format(s * 1000)", "填充后的内容超过上限"),
        ("'x'.center(5000)", "center() 的宽度 5,000"),
        ("'x'.ljust(5000)", "ljust() 的宽度"),
        ("'x'.rjust(5000)", "rjust() 的宽度"),
        ("'x'.zfill(5000)", "zfill() 的宽度"),
        ("s.replace('', s)", "replace将生成"),
        ("s|replace('', s)", "replace将生成"),
        ("s|center(5000)", "center 的宽度 5,000"),
        ("s|indent(5000)", "indent 的缩进宽度 5,000"),
        ("((s ~ '\n') * 300)|indent(s)", "indent 的缩进宽度 3,000"),
        ("s|wordwrap(1, wrapstring=s)", "wordwrap 将生成"),
        ("words|join(s)", "join将生成"),
        ("s.join(words)", "join将生成"),
        ("s.join(range(3))", "join 只能连接列表"),
        ("[1]|batch(5000, 'x')|list", "batch 的每组个数 5,000"),
        ("[1]|slice(5000)|list", "slice 的份数 5,000"),
        ("([[1] * 1000] * 1000)|sum(start=[])", "sum 的起始值只能是数字"),
        ("2 ** 5000", "乘方 2 ** 5000 的结果过大"),
        ("(10 ** 250) * (10 ** 250)", "乘法的结果过大"),
        (" ~ ".join(["s"] * 1400), "“~”连接"),
        ("[s] * 1000 ~ [s] * 1000", "“~”连接"),
    ],
)
def test_operations_that_grow_are_refused_before_they_run(expression: str, expected: str) -> None:
    """This test ensures that every repetition, padding, format, replace, join or power beyond the limits is refused."""
    message = refusal("{{ " + expression + " }}")
    assert expected in message, message
    assert message.startswith("模板有误：第3行（段落）") and "请" in message


@pytest.mark.parametrize(
    "statements",
    [
        "{% set a = s %}" + "{% set a = a ~ a %}" * 12,
        "{% set ns = namespace(a=s) %}{% for i in range(40) %}{% set ns.a = ns.a ~ ns.a %}{% endfor %}",
        "{% set ns = namespace(a=s) %}{% for i in range(40) %}{% set ns.a = ns.a + ns.a %}{% endfor %}",
        "{% set a = [s] %}" + "{% set a = a + a %}" * 12,
    ],
)
def test_doubling_step_by_step_is_refused(statements: str) -> None:
    """This test ensures that a value doubled statement by statement (or in a namespace) stops at the value limit."""
    assert "超过单个值的上限（4,000,000）" in refusal(statements)


@pytest.mark.parametrize(
    "call",
    ["'x'.encode()", "'\t'.expandtabs(100000000)", "'x'.translate({})", "(1).to_bytes(10, 'big')",
     "(1).bit_length()", "d.update(b=1)", "rows.append(1)", "'x'.maketrans('x', 'y')"],
)  # fmt: skip
def test_methods_beyond_the_allowed_few_are_refused(call: str) -> None:
    """This test ensures that a method not on the short list (encode, expandtabs, to_bytes…) cannot be called."""
    message = refusal("{{ " + call + " }}")
    assert "不能调用" in message or "unsafe" in message


@pytest.mark.parametrize("expression", ["lipsum(100000)", "cycler(1, 2)", "joiner()"])
def test_text_generating_globals_are_gone(expression: str) -> None:
    """This test ensures that lipsum, cycler and joiner are not available to templates."""
    assert "is undefined" in refusal("{{ " + expression + " }}")


@pytest.mark.parametrize("name", ["tojson", "urlize", "xmlattr", "pprint", "random"])
def test_html_and_random_filters_are_refused(name: str) -> None:
    """This test ensures that filters made for web pages or varying by render say they are unavailable."""
    assert f"过滤器 {name} 不可用" in refusal("{{ d|" + name + " }}")


@pytest.mark.parametrize(
    "text",
    [
        "{% for i in range(1000) %}{% for j in range(100) %}" + "文" * 400 + "{% endfor %}{% endfor %}",
        "{% macro f() %}{% for i in range(1000) %}{% for j in range(99) %}"
        + "文" * 400 + "{% endfor %}{% endfor %}{% endmacro %}{{ f()|length }}",
        "{% set x %}{% for i in range(1000) %}{% for j in range(99) %}{{ s }}{% endfor %}{% endfor %}{% endset %}",
        "{% filter upper %}{% for i in range(1000) %}{% for j in range(99) %}{{ s }}{% endfor %}{% endfor %}{% endfilter %}",
        "{% for i in range(1000) %}{% for j in range(99) %}{{ s|upper|lower }}{% endfor %}{% endfor %}",
    ],
)  # fmt: skip
def test_output_budget_counts_every_piece_also_in_buffers(text: str) -> None:
    """This test ensures that text made in loops, macros, set and filter blocks stops at 20 million characters."""
    limits = RenderLimits(seconds=600, iterations=10**9)
    assert "填充后的内容超过上限（20,000,000 个字符）" in refusal(text, limits=limits)


def test_headers_footers_and_body_share_one_budget() -> None:
    """This test ensures that every part of a document is filled under the limits, on one shared budget."""
    document = Document()
    document.add_paragraph("{% for i in range(600) %}.{% endfor %}")
    document.sections[0].header.paragraphs[0].text = "{% for i in range(600) %}.{% endfor %}"
    out = io.BytesIO()
    document.save(out)
    render_docx(out.getvalue(), {}, RenderLimits(seconds=600, iterations=1300))
    with pytest.raises(TemplateProblem, match="总次数超过上限（1,000 次）"):
        render_docx(out.getvalue(), {}, RenderLimits(seconds=600, iterations=1000))
    document.sections[0].footer.paragraphs[0].text = "{{ 'x' * 5000 }}"
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(TemplateProblem, match="重复次数 5,000"):
        render_docx(out.getvalue(), {}, LIMITS)


@pytest.mark.parametrize(
    "text",
    [
        "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}",
        "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}{{ k }}{% endfor %}{% endfor %}{% endfor %}",
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(45) }}",
    ],
)  # fmt: skip
def test_deadline_stops_work_that_is_within_every_other_limit(text: str) -> None:
    """This test ensures that a render still running at its deadline stops, even in loops that output nothing."""
    limits = RenderLimits(seconds=0.5, iterations=10**12, output=10**12, macro_depth=100)
    message = within(120, lambda: refusal(text, limits=limits))
    assert "填充模板超过时间上限（0.5 秒）" in message and "请简化模板" in message


def test_macro_nesting_is_capped() -> None:
    """This test ensures that a macro calling itself stops at 50 levels, before Python's own limit."""
    message = refusal("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")
    assert "宏嵌套调用超过 50 层" in message and "请去掉宏的递归调用" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
        ("{{ [1][5] }}", "has no element 5"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "嵌套过深"),
        ("{{ " + "(" * 300 + "1" + ")" * 300 + " }}", "嵌套过深或过长"),
        ("{{ " + "[" * 3000 + "]" * 3000 + " }}", "嵌套过深或过长"),
        ("{% for x in [[1]] recursive %}{{ loop(x) }}{% endfor %}", "不允许递归循环"),
    ],
)
def test_failing_template_code_is_a_template_problem(text: str, expected: str) -> None:
    """This test ensures that a template's own failure (division, recursion, nesting) is a TemplateProblem, never a crash."""
    limits = RenderLimits(seconds=600, macro_depth=10**6)  # Python's own recursion limit is reached
    assert expected in refusal(text, limits=limits)


def test_runtime_failures_name_their_paragraph() -> None:
    """This test ensures that a limit reached at run time names the paragraph and its text."""
    message = refusal("{{ 'x' * 5000 }}重复的段落")
    assert "第3行（段落）" in message and "附近文字" in message and "重复的段落" in message


def test_template_source_is_capped() -> None:
    """This test ensures that a template part longer than the source limit is refused before it is parsed."""
    message = refusal("很长" * 1000, limits=RenderLimits(seconds=600, source=1000))
    assert "模板内容过长" in message and "上限 1,000" in message


def test_template_code_runs_only_under_a_budget() -> None:
    """This test ensures that a compiled template run outside a render (as a module) is refused."""
    compiled = template_environment().from_string("{{ 'x' }}")
    with pytest.raises(LimitExceeded, match="受限的填充过程"):
        str(compiled.module)


def test_one_failed_render_leaves_the_next_untouched() -> None:
    """This test ensures that budgets belong to one render: a failed one neither leaks into nor blocks the next."""
    hostile = template(
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"
    )
    plain = template("{% for i in range(900) %}{% endfor %}{{ s|length }}")
    for _ in range(3):
        with pytest.raises(TemplateProblem):
            render_docx(hostile, CONTEXT, LIMITS)
        assert body_text(render_docx(plain, CONTEXT, LIMITS)) == "3000"


def test_renders_in_threads_have_their_own_budgets() -> None:
    """This test ensures that concurrent renders (waitress, batch threads) each spend only their own budget."""
    plain = template("{% for i in range(900) %}{% for j in range(100) %}{% endfor %}{% endfor %}好")
    hostile = template(
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"
    )
    results: list[str] = []

    def fill(data: bytes) -> None:
        try:
            results.append(body_text(render_docx(data, CONTEXT, LIMITS)))
        except TemplateProblem:
            results.append("refused")

    threads = [threading.Thread(target=fill, args=(d,)) for d in [plain, hostile] * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["refused"] * 3 + ["好"] * 3


def test_unclosed_paragraphs_are_refused_with_a_clear_message() -> None:
    """This test ensures that filled XML left unclosed (|safe) is refused by name, not repaired in silence."""
    text = "{% for i in range(1000) %}{% for j in range(80) %}{{ '<w:p >'|safe }}{% endfor %}{% endfor %}{{ tab }}"
    message = within(120, lambda: refusal(text))
    assert "模板填充后的 XML 不完整" in message and "|safe" in message


def trailing_empty_paragraphs(outer: int, inner: int) -> bytes:
    """Return a template ending in a loop over an empty paragraph, as Word writes it (<w:p w:rsidR="…"/>).

    docxtpl looks for the </w:p> of every <w:p …> it meets: after the last </w:p> of the
    body, each such paragraph makes it scan to the end, so the time grows with the square
    of their number (8,000 take ten seconds, 80,000 a quarter of an hour).
    """
    document = Document()
    for text in ["{{ tab }}", f"{{%p for i in range({outer}) %}}", f"{{%p for j in range({inner}) %}}",
                 "", "{%p endfor %}", "{%p endfor %}"]:  # fmt: skip
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    body = parts_of(out.getvalue())["word/document.xml"]
    return with_parts(
        out.getvalue(), {"word/document.xml": body.replace(b"<w:p/>", b'<w:p w:rsidR="00A1"/>')}
    )


def test_empty_paragraphs_by_the_thousand_fill_in_linear_time() -> None:
    """This test ensures that 80,000 trailing empty paragraphs (a quarter of an hour for docxtpl) fill at once."""
    data = trailing_empty_paragraphs(1000, 80)
    filled = within(120, lambda: docx_body(render_docx(data, CONTEXT, LIMITS)).decode())
    assert filled.count('<w:p w:rsidR="00A1"/>') == 80_000 and "<w:tab/>" in filled


def docx_body(docx: bytes) -> bytes:
    """Return the main part of a DOCX."""
    return zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")


@pytest.mark.parametrize("kind", ["supervision_notice", "sampling_list", "penalty_decision"])
def test_filled_xml_is_what_docxtpl_makes(kind: str) -> None:
    """This test ensures that the guarded template fills shipped templates exactly as docxtpl does, tabs and breaks too."""
    from service.foundations.config import Bureau
    from service.instruments.context import build_context
    from service.instruments.facts import validate_facts
    from service.instruments.registry import get_instrument
    from service.instruments.request import computed_values
    from tests.conftest import sample

    instrument = get_instrument(kind)
    facts = validate_facts(instrument, sample(kind))
    extra = computed_values(instrument, facts, None, case_number="君档立〔2026〕1号")
    context = build_context(instrument, facts, "君档〔2026〕1号", Bureau(), extra)
    first_text = next(name for name, value in context.items() if isinstance(value, str) and value)
    context[first_text] = "第一\t第二\n第三\f第四\a第五"  # every character docxtpl turns into XML
    data = (ROOT / "templates_docx" / f"{kind}.docx").read_bytes()
    fills: list[bytes] = []
    for make in (DocxTemplate, GuardedDocxTemplate):
        document = make(io.BytesIO(data))
        document.render(context, jinja_env=template_environment(), autoescape=True)
        out = io.BytesIO()
        document.save(out)
        fills.append(docx_body(out.getvalue()))
    # The guarded fill adds one thing docxtpl does not: the zero-width spaces closing the
    # gaps LibreOffice would set between Chinese and digits.
    assert close_script_gaps(fills[0].decode()) == fills[1].decode()


def exploding_notice() -> bytes:
    """Return the shipped notice with a loop that is tiny for the sample's facts and huge for others.

    The sample's 认定的事实 has two lines: 8 iterations. Sixty lines make 216,000.
    """
    source = (ROOT / "templates_docx" / "supervision_notice.docx").read_bytes()
    loops = "{% for a in facts %}{% for b in facts %}{% for c in facts %}·{% endfor %}{% endfor %}{% endfor %}"
    body = parts_of(source)["word/document.xml"]
    return with_parts(
        source,
        {"word/document.xml": body.replace("本局依法".encode(), (loops + "本局依法").encode(), 1)},
    )


def many_facts() -> dict[str, Any]:
    """Return the notice's sample facts with sixty lines of 认定的事实 (within the form's 3,000 characters)."""
    from tests.conftest import sample

    return sample("supervision_notice") | {"facts": "\n".join(f"第{i}项事实" for i in range(60))}


def test_batch_copies_are_limited_one_by_one() -> None:
    """This test ensures that a batch copy exploding with its row's facts is a TemplateProblem, and the next copy fills."""
    from service.foundations.config import Bureau
    from service.instruments.context import build_context
    from service.instruments.facts import validate_facts
    from service.instruments.registry import get_instrument
    from tests.conftest import sample

    instrument = get_instrument("supervision_notice")
    compiled = CompiledTemplate(exploding_notice())

    def context(facts: dict[str, Any]) -> dict[str, Any]:
        return build_context(instrument, validate_facts(instrument, facts), "文号", Bureau())

    with pytest.raises(TemplateProblem, match="总次数超过上限"):
        compiled.render_body(context(many_facts()))
    body = compiled.render_body(context(sample("supervision_notice")))
    assert "········本局依法" in "".join(body.itertext())


@pytest.mark.office
def test_batch_job_with_an_exploding_row_stops_and_uses_no_number(wenshu: Any) -> None:
    """This test ensures that a batch whose row explodes the template stops with the limit named, no copy numbered."""
    from sqlalchemy import func, select

    from service.acts.errors import TemplateUnusable
    from service.batch.executor import run_job
    from service.batch.jobs import create_job, load_job
    from service.batch.validation import SnapshotArchive, check_rows
    from service.database.batch_models import FAILED
    from service.database.models import Document
    from service.instruments.registry import get_instrument
    from tests.batch.conftest import common_facts

    publish_exploding(wenshu)
    instrument = get_instrument("supervision_notice")
    common = common_facts("supervision_notice")
    rows = [{"inspected_body": "甲单位"}, {"inspected_body": "乙单位", "facts": many_facts()["facts"]},
            {"inspected_body": "丙单位"}]  # fmt: skip
    check = check_rows(
        instrument, common, list(enumerate(rows, start=2)), SnapshotArchive(wenshu.database), {}
    )
    job = create_job(wenshu, instrument, common, check, "测试员")
    with pytest.raises(TemplateUnusable, match="总次数超过上限") as stopped_by:
        run_job(wenshu, job.id, chunk_size=3)
    assert isinstance(stopped_by.value.__cause__, TemplateProblem)
    stopped = load_job(wenshu, job.id)
    assert stopped.status == FAILED and "总次数超过上限" in (stopped.error or "")
    with wenshu.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0


def publish_exploding(app_or_wenshu: Any) -> None:
    """Publish the exploding notice as the active version, through lint, which only warns of it."""
    from service.layouts.lint import read_sample
    from service.layouts.versions import publish_version

    wenshu = (
        app_or_wenshu.extensions["wenshu"]
        if hasattr(app_or_wenshu, "extensions")
        else app_or_wenshu
    )
    with wenshu.database.session() as session:
        _version, report = publish_version(
            session, wenshu.templates, "supervision_notice", exploding_notice(),
            read_sample("supervision_notice", ROOT / "samples"), "维护员",
        )  # fmt: skip
    assert not report.errors and any("嵌套" in p.message for p in report.problems)


@pytest.mark.office
def test_issue_exploding_with_other_facts_uses_no_number(app: Any) -> None:
    """This test ensures that a published template that explodes with a request's facts answers 503, uses no number."""
    from tests.web.test_api import bearer, document_count, is_json_error, post, token_for

    publish_exploding(app)
    api, clerk = app.test_client(), bearer(token_for(app, "clerk"))
    response = post(api, clerk, {"kind": "supervision_notice", "facts": many_facts()})
    message = is_json_error(response, 503)
    assert "总次数超过上限（100,000 次）" in message and "未占用文号" in message
    assert document_count(app) == 0
    from tests.conftest import sample

    issued = post(api, clerk, {"kind": "supervision_notice", "facts": sample("supervision_notice")})
    assert issued.status_code == 201, issued.get_data(as_text=True)
    assert issued.get_json()["number"].endswith("〔2026〕1号")


@pytest.mark.office
def test_web_form_with_exploding_facts_keeps_the_input(app: Any, client: Any) -> None:
    """This test ensures that issuing and previewing through the form answer 503 with the limit and keep the input."""
    from tests.web.test_api import document_count

    publish_exploding(app)
    form = {key: str(value) for key, value in many_facts().items()}
    from tests.web.issuing import issue_via_form

    for response in (
        issue_via_form(client, "supervision_notice", form),  # refused at its review
        client.post("/documents/new/supervision_notice", data=form | {"action": "preview"}),
    ):
        assert response.status_code == 503
        page = response.get_data(as_text=True)
        assert "总次数超过上限" in page and "第59项事实" in page
    assert document_count(app) == 0


def test_cli_render_with_exploding_facts_exits_1(runner: Any, tmp_path: Path) -> None:
    """This test ensures that wenshu render with a template exploding for its facts exits 1 and says why."""
    import json

    from service.commands.cli import main

    candidate = tmp_path / "exploding.docx"
    candidate.write_bytes(exploding_notice())
    published = runner.invoke(main, ["template", "publish", "supervision_notice", str(candidate)])
    assert published.exit_code == 0, published.output
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(many_facts(), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(
        main, ["render", "supervision_notice", str(facts), "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1 and "总次数超过上限" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def context_of_notice() -> dict[str, Any]:
    """Return the notice's sample context."""
    from service.foundations.config import Bureau
    from service.instruments.context import build_context
    from service.instruments.facts import validate_facts
    from service.instruments.registry import get_instrument
    from tests.conftest import sample

    instrument = get_instrument("supervision_notice")
    return build_context(
        instrument, validate_facts(instrument, sample("supervision_notice")), "文号", Bureau()
    )


def test_trial_in_a_child_gives_source_and_outcome() -> None:
    """This test ensures that a trial render in the child returns the body source and fills a good template."""
    outcome = trial_render(
        (ROOT / "templates_docx" / "supervision_notice.docx").read_bytes(), context_of_notice()
    )
    assert outcome.problem is None and outcome.unreadable is None
    assert outcome.source is not None and "{{ inspected_body }}" in outcome.source
    refused = trial_render(template("{{ 'x' * 5000 }}"), {})
    assert refused.source is not None and "重复次数 5,000" in (refused.problem or "")
    assert trial_render(b"not a docx", {}).unreadable == "BadZipFile"


UNCLOSED_TAGS = "{{ " * 60_000  # docxtpl's clean-up of this takes many minutes


@pytest.mark.parametrize(
    ("allowance", "expected"),
    [
        (Allowance(cpu_seconds=1, wall_seconds=600), "CPU 时间上限（1 秒）"),
        (Allowance(wall_seconds=1), "试填超过 1 秒仍未完成"),
    ],
)
def test_trial_child_is_stopped_at_its_cpu_and_wall_limits(
    allowance: Allowance, expected: str
) -> None:
    """This test ensures that a template whose mere opening runs for minutes is stopped by the child's limits."""
    outcome = trial_render(template(UNCLOSED_TAGS), {}, allowance=allowance)
    assert expected in (outcome.problem or "") and "未闭合" in (outcome.problem or "")


def test_trial_child_is_held_to_its_memory() -> None:
    """This test ensures that a render needing more memory than the child may have fails as a template problem."""
    gigabyte = "{{ (('x' * 1000) * 1000) * 1000 }}"
    outcome = trial_render(
        template(gigabyte),
        {},
        UNBOUNDED,
        Allowance(memory_bytes=300 * 1024 * 1024, wall_seconds=600),
    )
    assert "内存不足" in (outcome.problem or ""), outcome


def test_lifted_caps_let_large_values_through() -> None:
    """This test ensures that the value cap is what stops 5 million characters, so lifting it (UNBOUNDED) leaves the child's memory as the wall."""
    text = "{{ ('x' * 1000 * 1000 * 5)|length }}"
    assert body_text(render_docx(template(text), {}, UNBOUNDED)) == str(5 * 10**6)
    assert "超过单个值的上限" in refusal(text, {})

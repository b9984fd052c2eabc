"""Template lint: refuses unsafe or broken DOCX templates and warns of what will go wrong in print.

A problem is an error (the template is refused) or a warning (it may be published, but
someone should look). Each names where it is (paragraph or table cell, with the text
around it) and what to do.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, meta, nodes
from lxml import etree

from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import Instrument
from service.instruments.request import computed_values
from service.layouts.externals import report_outside_references
from service.layouts.growth import growth_findings
from service.render.fill.checked_filters import REMOVED_FILTERS
from service.render.fill.docx import template_environment
from service.render.fill.trial import trial_render

log = logging.getLogger(__name__)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_UNPACKED = 50 * 1024 * 1024  # a template is a few hundred KB; more is a bomb
MAX_RATIO = 200  # compression ratio beyond which a member is treated as a bomb
MAX_MEMBERS = 2000
OFFICIAL_FONTS = {"仿宋_GB2312", "仿宋", "方正小标宋简体", "黑体", "楷体_GB2312", "楷体", "宋体"}
TWIPS_PER_MM = 1440 / 25.4
A4 = (11906, 16838)
MM_TOLERANCE = 1
MACRO_MARKERS = ("vbaProject", "macroEnabled", "vbaData", "activeX")
SMART_QUOTES = "“”‘’"


@dataclass(frozen=True)
class Problem:
    """One finding: error or warning, where it is, what is wrong, what to do."""

    level: str  # "error" or "warning"
    where: str
    message: str
    advice: str

    def line(self) -> str:
        """Return the problem as one line of text."""
        label = "错误" if self.level == "error" else "提醒"
        return f"{label}｜{self.where}｜{self.message}｜{self.advice}"


@dataclass
class LintReport:
    """Everything lint found in one template."""

    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that refuse the template."""
        return [p for p in self.problems if p.level == "error"]

    @property
    def clean(self) -> bool:
        """Return whether nothing at all was found."""
        return not self.problems

    def to_json(self) -> str:
        """Return the report as JSON."""
        return json.dumps(
            {"clean": self.clean, "refused": bool(self.errors),
             "problems": [asdict(p) for p in self.problems]},
            ensure_ascii=False, indent=2,
        )  # fmt: skip

    def add(self, level: str, where: str, message: str, advice: str) -> None:
        """Record a problem."""
        self.problems.append(Problem(level, where, message, advice))


class Refused(Exception):
    """Stops linting a file that must not be opened further (a bomb, a macro, not a DOCX)."""


def lint_template(data: bytes, instrument: Instrument, sample: dict[str, Any]) -> LintReport:
    """Return what is wrong with template bytes for an instrument, tried with its sample facts."""
    report = LintReport()
    try:
        # A damaged package (bad CRC, missing part) is refused, never a crash.
        try:
            parts = _open_package(data, report)
            # Also refuses, in any encoding, a part that does not parse or declares a DOCTYPE.
            if not report_outside_references(data, report):
                raise Refused
        except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
            report.add("error", "文件", f"文件已损坏，无法读取（{type(error).__name__}）",
                       "请用 Word 或 LibreOffice 打开后重新另存为 .docx")  # fmt: skip
            raise Refused from None
        source, trial_problem = _trial(data, instrument, sample, report)
        _check_jinja(source, instrument, sample, report)
        _check_runs_and_quotes(parts.get("word/document.xml", b""), report)
        _check_fonts(parts, report)
        _check_page(parts.get("word/document.xml", b""), report)
        if not report.errors and trial_problem:
            report.add("error", "试填样例", trial_problem, "按提示修改模板后重新检查")
    except Refused:
        pass
    except Exception as error:  # every caller (upload, publish, CLI) gets a refusal, never a crash
        log.warning("lint of a %s template failed unforeseen: %r", instrument.kind, error)
        report.add("error", "文件", f"无法检查这个文件（{type(error).__name__}）",
                   "请用 Word 或 LibreOffice 打开后重新另存为 .docx，再重新上传")  # fmt: skip
    return report


def _open_package(data: bytes, report: LintReport) -> dict[str, bytes]:
    """Return the XML parts of a DOCX package after checking it is one and is not a bomb."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        report.add("error", "文件", "不是 DOCX 文件（不是有效的 ZIP 包）",
                   "请在 Word 或 LibreOffice 中另存为“Word 文档（*.docx）”后上传")  # fmt: skip
        raise Refused from None
    members = package.infolist()
    names = {m.filename for m in members}
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
        report.add("error", "文件", "解压后体积异常巨大（疑似 ZIP 炸弹）", "请上传正常的模板文件")
        raise Refused
    for member in members:
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
            report.add(
                "error", member.filename, "压缩比异常（疑似 ZIP 炸弹）", "请上传正常的模板文件"
            )
            raise Refused
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        report.add("error", "文件", "不是 Word 文档：缺少 word/document.xml",
                   "请上传 .docx 格式的模板")  # fmt: skip
        raise Refused
    content_types = package.read("[Content_Types].xml")
    if any(marker.encode() in content_types for marker in MACRO_MARKERS) or any(
        marker in name for name in names for marker in MACRO_MARKERS
    ):
        report.add("error", "文件", "含有宏或 ActiveX 控件（启用宏的文档）",
                   "模板不允许含宏，请另存为不含宏的 .docx")  # fmt: skip
        raise Refused
    return {name: package.read(name) for name in names if name.endswith((".xml", ".rels"))}


def _trial(
    data: bytes, instrument: Instrument, sample: dict[str, Any], report: LintReport
) -> tuple[str, str | None]:
    """Return the body source and why filling it with the sample failed (None: it filled).

    Opening a template runs docxtpl's clean-up of its XML, which a crafted file can make run
    for hours; the child that does it is held to memory and CPU limits (service.render.fill.trial).
    """
    trial = trial_render(data, _sample_context(instrument, sample))
    if trial.unreadable:
        report.add("error", "文件", f"文件已损坏，无法读取（{trial.unreadable}）",
                   "请用 Word 或 LibreOffice 打开后重新另存为 .docx")  # fmt: skip
        raise Refused
    if trial.source is None:
        report.add(
            "error", "文件", trial.problem or "模板无法打开", "请用 Word 重新保存模板后再上传"
        )
        raise Refused
    return trial.source, trial.problem


def _where(source: str, line: int | None) -> str:
    """Return "第N段（附近文字）" for a line of the docxtpl source."""
    if not line:
        return "模板中"
    lines = source.splitlines()
    text = re.sub(r"<[^>]+>", "", lines[line - 1]) if 0 < line <= len(lines) else ""
    in_table = (
        "<w:tc>" in lines[line - 1] or "<w:tc " in lines[line - 1]
        if 0 < line <= len(lines)
        else False
    )
    place = "表格单元格" if in_table else "段落"
    return f"第{line}行{place}（“{text.strip()[:40]}”）"


def _check_jinja(
    source: str, instrument: Instrument, sample: dict[str, Any], report: LintReport
) -> None:
    """Check syntax, forbidden constructs and placeholders against what the form supplies."""
    environment = template_environment()
    try:
        tree = environment.parse(source)
    except TemplateSyntaxError as error:
        line = error.lineno
        if (error.message or "").startswith("Unexpected end of template"):
            line = _unclosed_block(source) or line  # point at the block that was never closed
        report.add("error", _where(source, line), f"模板语法错误：{error.message}",
                   "检查 {{ }} 与 {% %} 是否成对、是否有拼写错误")  # fmt: skip
        return
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            attribute: Any = node.attr
        else:
            attribute = getattr(getattr(node, "arg", None), "value", "")
        if isinstance(attribute, str) and attribute.startswith("_"):
            report.add("error", _where(source, node.lineno), f"使用了被禁止的属性 {attribute}",
                       "模板只能引用表单字段，不能访问程序内部对象")  # fmt: skip
    usable = set(environment.filters) - REMOVED_FILTERS
    for finding in growth_findings(tree, usable, environment.limits):
        report.add(finding.level, _where(source, finding.line), finding.message, finding.advice)
    available = _available_names(instrument, sample)
    try:
        used = meta.find_undeclared_variables(tree)
    except TemplateSyntaxError as error:  # a filter or test the environment does not have
        if not any(f.level == "error" for f in report.problems):
            report.add("error", _where(source, error.lineno), f"模板语法错误：{error.message}",
                       "检查过滤器和测试的名称是否拼写正确")  # fmt: skip
        return
    for name in sorted(used - available):
        found = next((n.lineno for n in tree.find_all(nodes.Name) if n.name == name), None)
        report.add("error", _where(source, found), f"占位符 {name} 不是本文书表单提供的字段",
                   f"改用表单字段之一：{'、'.join(sorted(available))[:200]}")  # fmt: skip
    fields = {f.name for f in instrument.form()}
    for name in sorted(fields - used):
        report.add("warning", "整个模板", f"表单字段 {name} 没有在模板中使用",
                   "确认该事实无需印在文书上，否则请加上 {{ " + name + " }}")  # fmt: skip


BLOCK_TAG = re.compile(r"\{%[-+]?\s*(\w+)")
BLOCKS = {"if", "for", "macro", "call", "filter", "with", "raw", "block", "autoescape"}


def _unclosed_block(source: str) -> int | None:
    """Return the line of the innermost block tag that has no end tag."""
    stack: list[tuple[str, int]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        for keyword in BLOCK_TAG.findall(line):
            if keyword in BLOCKS:
                stack.append((keyword, number))
            elif keyword.startswith("end") and stack and stack[-1][0] == keyword[3:]:
                stack.pop()
    return stack[-1][1] if stack else None


def _available_names(instrument: Instrument, sample: dict[str, Any]) -> set[str]:
    """Return every name the template context holds for this instrument."""
    return set(_sample_context(instrument, sample)) | {f.name for f in instrument.form()}


def _sample_context(instrument: Instrument, sample: dict[str, Any]) -> dict[str, Any]:
    """Return the context the sample facts fill a template with."""
    facts = validate_facts(instrument, sample)
    return build_context(
        instrument, facts, "文号", Bureau(), computed_values(instrument, facts, None)
    )


TAG = re.compile(r"\{[{%].*?[}%]\}")


def _check_runs_and_quotes(document: bytes, report: LintReport) -> None:
    """Warn of tags Word split across runs and of smart quotes typed inside tags."""
    if not document:
        return
    root = etree.fromstring(document)
    for index, paragraph in enumerate(root.iter(f"{W}p"), start=1):
        runs = ["".join(t.text or "" for t in r.iter(f"{W}t")) for r in paragraph.iter(f"{W}r")]
        text = "".join(runs)
        for match in TAG.finditer(text):
            tag = match.group(0)
            if not any(tag in run for run in runs):
                report.add("warning", f"第{index}段（“{text[:40]}”）", f"占位符 {tag} 被 Word 拆成了多段格式",
                           "选中整个占位符，清除格式后重新输入，使其格式一致")  # fmt: skip
            if any(q in tag for q in SMART_QUOTES):
                report.add("warning", f"第{index}段（“{text[:40]}”）", f"占位符 {tag} 中有中文引号（智能引号）",
                           "在 Word 中关闭“自动更正—直引号替换为弯引号”，改用英文直引号")  # fmt: skip


def _check_fonts(parts: dict[str, bytes], report: LintReport) -> None:
    """Warn of fonts other than the official ones, naming the part that sets them."""
    found: dict[str, set[str]] = {}
    for name in ("word/styles.xml", "word/document.xml"):
        xml = parts.get(name)
        if not xml:
            continue
        for element in etree.fromstring(xml).iter(f"{W}rFonts"):
            for attribute in ("ascii", "hAnsi", "eastAsia"):
                font = element.get(f"{W}{attribute}")
                if font and font not in OFFICIAL_FONTS:
                    found.setdefault(font, set()).add(name)
    for font, where in sorted(found.items()):
        report.add("warning", "、".join(sorted(where)), f"使用了非公文规定字体“{font}”",
                   "正文用仿宋_GB2312，标题用方正小标宋简体，一级标题黑体，二级标题楷体_GB2312")  # fmt: skip


def _check_page(document: bytes, report: LintReport) -> None:
    """Warn of page size or margins outside GB/T 9704 (A4, top 37 mm, binding 28 mm, ±1 mm)."""
    if not document:
        return
    root = etree.fromstring(document)
    for index, section in enumerate(root.iter(f"{W}sectPr"), start=1):
        size = section.find(f"{W}pgSz")
        margins = section.find(f"{W}pgMar")
        where = f"第{index}节的页面设置"
        if size is not None:
            width, height = int(size.get(f"{W}w", "0")), int(size.get(f"{W}h", "0"))
            if sorted((width, height)) != sorted(A4) and not _near_a4(width, height):
                report.add("warning", where, f"纸张不是 A4（{width / TWIPS_PER_MM:.0f}×{height / TWIPS_PER_MM:.0f} 毫米）",
                           "在“布局—纸张大小”中选 A4")  # fmt: skip
        if margins is not None and size is not None:
            landscape = int(size.get(f"{W}w", "0")) > int(size.get(f"{W}h", "0"))
            top_key, left_key = ("left", "top") if landscape else ("top", "left")
            expected = {top_key: 37, left_key: 28}
            for key, millimetres in expected.items():
                value = abs(int(margins.get(f"{W}{key}", "0"))) / TWIPS_PER_MM
                if abs(value - millimetres) > MM_TOLERANCE:
                    label = {"top": "上边距", "left": "左边距"}[key]
                    report.add("warning", where, f"{label}为 {value:.1f} 毫米，GB/T 9704 要求 {millimetres}±1 毫米",
                               "在“布局—页边距”中按公文格式设置：上 37 毫米，左 28 毫米")  # fmt: skip


def _near_a4(width: int, height: int) -> bool:
    """Return whether a page size is A4 within a millimetre (Word rounds differently)."""
    tolerance = MM_TOLERANCE * TWIPS_PER_MM
    low, high = sorted((width, height))
    return abs(low - A4[0]) <= tolerance and abs(high - A4[1]) <= tolerance


def read_sample(kind: str, samples: Path) -> dict[str, Any]:
    """Return the instrument's sample facts, used to try a template."""
    facts: dict[str, Any] = json.loads((samples / f"{kind}.json").read_text(encoding="utf-8"))
    return facts

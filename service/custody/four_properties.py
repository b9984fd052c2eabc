"""四性检测 (DA/T 70-2018): authenticity, integrity, usability and security, per document and per set."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service.archive.access import Hidden, Visibility, hidden_from, shown
from service.archive.audit import UNNAMED_BREAK, verify_chain
from service.archive.fixity import OFD_DIR, PDF_DIR, archived_files, fixity_problem
from service.archive.pdfinspect import PdfFindings, inspect_pdf
from service.custody.ofd_checks import ofd_checks
from service.custody.sealed_documents import CHECK_NAME, SealTrust, judge_signatures, seal_trust
from service.database.models import AuditEvent, Document, NumberSeries, utcnow
from service.foundations.formatting import format_document_number
from service.instruments.registry import INSTRUMENTS, Numbering
from service.instruments.request import series_code
from service.render.pdfa import read_archival_metadata
from service.services import Wenshu

AUTHENTICITY, INTEGRITY, USABILITY, SECURITY = "真实性", "完整性", "可用性", "安全性"
PROPERTIES = (AUTHENTICITY, INTEGRITY, USABILITY, SECURITY)
# The record's fields every archived document must have (DA/T 46 core elements and process).
REQUIRED = {
    "title": "题名", "number": "文号", "document_date": "日期", "retention": "保管期限",
    "classification": "密级", "pdf_path": "存储位置", "size": "大小", "pages": "页数",
    "sha256": "SHA-256", "sm3": "SM3", "issued_by": "经办人", "issued_at": "生成时间",
}  # fmt: skip
REQUIRED_WHEN_VOIDED = {"void_reason": "作废原因", "voided_by": "作废人", "voided_at": "作废时间"}
XMP_ELEMENTS = (
    "题名",
    "文号",
    "责任者",
    "日期",
    "格式",
    "文种",
    "密级和保管期限",
    "业务行为",
    "行为时间",
)
NOT_READ = "文件不存在或无法读取，未能检测"


@dataclass(frozen=True)
class Check:
    """One test of one property: what was tested, whether it passed, what was found."""

    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class PropertyResult:
    """The checks of one of the four properties."""

    name: str
    checks: list[Check]

    @property
    def passed(self) -> bool:
        """Return whether every check passed."""
        return all(check.passed for check in self.checks)


@dataclass(frozen=True)
class DocumentAssessment:
    """The four properties of one archived document."""

    document_id: int
    number: str
    title: str
    kind: str
    status: str
    properties: list[PropertyResult]
    assessed_at: dt.datetime = field(default_factory=utcnow)

    @property
    def passed(self) -> bool:
        """Return whether all four properties hold."""
        return all(result.passed for result in self.properties)

    def failed_checks(self) -> list[tuple[str, Check]]:
        """Return (property, check) for every check that failed."""
        return [(r.name, c) for r in self.properties for c in r.checks if not c.passed]


@dataclass(frozen=True)
class SetAssessment:
    """The four properties of a set of documents (a kind, a year, or the whole archive)."""

    kind: str
    year: int | None
    assessed_at: dt.datetime
    documents: list[DocumentAssessment]
    checks: list[PropertyResult] = field(default_factory=list)  # about the set as a whole

    @property
    def passed(self) -> bool:
        """Return whether every document and every set-wide check passed."""
        return all(d.passed for d in self.documents) and all(r.passed for r in self.checks)

    def failures(self) -> list[tuple[DocumentAssessment, str, Check]]:
        """Return (document, property, check) for every failed check of every document."""
        return [(d, name, check) for d in self.documents for name, check in d.failed_checks()]

    def passed_count(self, name: str) -> int:
        """Return how many documents hold the property of this name."""
        return sum(1 for d in self.documents for r in d.properties if r.name == name and r.passed)


@dataclass(frozen=True)
class _Context:
    """What the assessment of each document needs to know of the archive around it."""

    root: Path
    gaps: dict[tuple[str, int], list[str]]  # series and year → missing 文号
    audited: set[tuple[str, str]]  # (action, 文号) recorded in the audit chain
    trust: SealTrust  # what the documents' signatures are checked against


def assess_document(wenshu: Wenshu, document_id: int) -> DocumentAssessment | None:
    """Return the four-property report of one document, or None if there is no such document."""
    trust = seal_trust(wenshu)
    with wenshu.database.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            return None
        counters = select(NumberSeries).where(
            NumberSeries.series == document.series, NumberSeries.year == document.year
        )
        context = _context(wenshu, session, [document], counters, trust)
    return _assess(wenshu, document, context)


def assess_set(
    wenshu: Wenshu, kind: str = "", year: int | None = None, classifications: Visibility = None
) -> SetAssessment:
    """Return the four-property report of the documents of a kind and year (all when not given).

    Beyond each document's report, the set's 文号 must be unbroken in each series and year,
    the audit chain intact, and — for the whole archive — no file may lie in it unrecorded.
    Only documents of the 密级 in classifications (None: all) are in the report, and no
    finding names another: to the reader the others do not exist. They still fill their
    place in the numbering and own their files, which are then neither gaps nor strays.
    """
    trust = seal_trust(wenshu)
    with wenshu.database.session() as session:
        query = (
            select(Document)
            .where(shown(classifications))
            .order_by(Document.kind, Document.year, Document.sequence, Document.copy_number)
        )
        if kind:
            query = query.where(Document.kind == kind)
        if year is not None:
            query = query.where(Document.year == year)
        documents = list(session.scalars(query))
        counters = select(NumberSeries)
        if kind:
            counters = counters.where(NumberSeries.series == _series_of(kind))
        if year is not None:
            counters = counters.where(NumberSeries.year == year)
        context = _context(wenshu, session, documents, counters, trust)
        chain = verify_chain(session)
        hidden = hidden_from(session, classifications)
        recorded = set(session.scalars(select(Document.pdf_path)))
        recorded |= set(session.scalars(select(Document.ofd_path)))
    assessed = [_assess(wenshu, document, context) for document in documents]
    missing = [number for numbers in context.gaps.values() for number in numbers]
    integrity = Check(
        "文号连续",
        not missing,
        "缺少登记：" + "、".join(missing) if missing else "各系列各年度文号连续，无缺号",
    )
    authenticity = [_chain_check([p.message for p in chain], hidden)]
    if not kind and year is None:
        extra = [
            path
            for folder in (PDF_DIR, OFD_DIR)
            for path in archived_files(context.root, folder)
            if path not in recorded
        ]
        authenticity.append(
            Check(
                "无登记外文件",
                not extra,
                "没有登记的文件：" + "、".join(extra) if extra else "存档中的文件都有登记",
            )
        )
    checks = [PropertyResult(AUTHENTICITY, authenticity), PropertyResult(INTEGRITY, [integrity])]
    return SetAssessment(kind, year, utcnow(), assessed, checks)


def _chain_check(messages: list[str], hidden: Hidden) -> Check:
    """Return the audit chain's check; a break in an entry about a hidden document is not named."""
    if not messages:
        return Check("审计链", True, "审计记录逐条链接，未被改动或删除")
    named = [UNNAMED_BREAK if hidden.mentioned_in(message) else message for message in messages]
    return Check("审计链", False, "；".join(dict.fromkeys(named)))


def _series_of(kind: str) -> str:
    """Return the numbering series of a kind."""
    return INSTRUMENTS[kind].series if kind in INSTRUMENTS else kind


def _context(
    wenshu: Wenshu,
    session: Session,
    documents: list[Document],
    counters: Select[NumberSeries],
    trust: SealTrust,
) -> _Context:
    """Return the gaps in the numbering and the audited actions the documents' reports refer to.

    The series counters (the last number used) are read too, so that a deleted last record
    of a series shows as a gap.
    """
    series_years = {(d.series, d.year) for d in documents}
    last = {(c.series, c.year): c.last_sequence for c in session.scalars(counters)}
    gaps = {}
    for series, number_year in series_years | set(last):
        used = set(
            session.scalars(
                select(Document.sequence).where(
                    Document.series == series, Document.year == number_year
                )
            )
        )
        highest = max([*used, last.get((series, number_year), 0)])
        gaps[(series, number_year)] = [
            _number(wenshu, series, number_year, n) for n in range(1, highest + 1) if n not in used
        ]
    numbers = list(dict.fromkeys(d.number for d in documents))  # copies share one number
    recorded = select(AuditEvent.action, AuditEvent.subject).where(
        AuditEvent.action.in_(("issue", "void"))
    )
    if len(numbers) <= 500:  # beyond that, reading all is cheaper than a huge IN list
        recorded = recorded.where(AuditEvent.subject.in_(numbers))
    audited = {(action, subject) for action, subject in session.execute(recorded)}
    return _Context(wenshu.archive.root, gaps, audited, trust)


def _number(wenshu: Wenshu, series: str, year: int, sequence: int) -> str:
    """Return the 文号 (or 收文登记号) a sequence of a series has."""
    return format_document_number(series_code(series, wenshu.settings.bureau), year, sequence)


def _assess(wenshu: Wenshu, document: Document, context: _Context) -> DocumentAssessment:
    """Return the four properties of one document."""
    path = context.root / document.pdf_path
    readable = path.is_file()
    findings = inspect_pdf(path) if readable else PdfFindings(error="文件不存在")
    metadata = read_archival_metadata(path) if findings.opened else {}
    ofd = ofd_checks(document, wenshu.archive)
    properties = [
        PropertyResult(AUTHENTICITY, _authenticity(wenshu, document, context, findings, metadata)),
        PropertyResult(INTEGRITY, _integrity(document, context, metadata, findings.opened)),
        PropertyResult(USABILITY, _usability(findings)),
        PropertyResult(SECURITY, _security(findings)),
    ]
    for result in properties:  # the OFD's checks after the PDF's, under the same properties
        result.checks.extend(Check(*check) for check in ofd.get(result.name, []))
    return DocumentAssessment(
        document.id, document.number, document.title, document.kind, document.status, properties
    )


def _authenticity(
    wenshu: Wenshu,
    document: Document,
    context: _Context,
    findings: PdfFindings,
    metadata: dict[str, str],
) -> list[Check]:
    """Return the authenticity checks: fixity, the signatures, and the file matching its record."""
    fixity = fixity_problem(document, context.root)
    checks = [
        Check("固化信息", fixity is None,
              fixity.message if fixity else "SHA-256 与 SM3 重新计算，与登记一致"),
        Check("存储位置", document.pdf_path == wenshu.archive.path_for(document.sha256),
              f"{document.pdf_path}（文件以其 SHA-256 命名）"),
    ]  # fmt: skip
    path = context.root / document.pdf_path
    if not findings.opened:
        return [
            *checks,
            Check(CHECK_NAME, False, NOT_READ),
            Check("文件与元数据一致", False, NOT_READ),
        ]
    signatures = judge_signatures(document, path.read_bytes(), context.trust)
    checks.append(Check(CHECK_NAME, signatures.passed, signatures.detail))
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(5)
    pairs = [
        ("大小", f"{document.size} 字节", f"{size} 字节"),
        ("格式", "application/pdf", "application/pdf" if header == b"%PDF-" else "非 PDF 文件"),
        ("页数", f"{document.pages} 页", f"{findings.pages} 页"),
        ("文号（XMP dc:identifier）", document.number, metadata.get("文号", "")),
        ("题名（XMP dc:title）", document.title, metadata.get("题名", "")),
        ("日期（XMP dc:date）", document.document_date.isoformat(), metadata.get("日期", "")),
        ("格式（XMP dc:format）", "application/pdf", metadata.get("格式", "")),
    ]
    for name, recorded, found in pairs:
        detail = recorded if recorded == found else f"登记为“{recorded}”，文件中为“{found or '无'}”"
        checks.append(Check(name, recorded == found, detail))
    return checks


def _integrity(
    document: Document, context: _Context, metadata: dict[str, str], opened: bool
) -> list[Check]:
    """Return the integrity checks: required metadata, unbroken numbering, recorded actions."""
    required = REQUIRED | (REQUIRED_WHEN_VOIDED if document.status == "voided" else {})
    absent = [label for name, label in required.items() if getattr(document, name) in ("", None, 0)]
    expected = f"〔{document.year}〕{document.sequence}号"
    gaps = context.gaps.get((document.series, document.year), [])
    recorded_as = "收文" if document.numbering == Numbering.INCOMING else "发文"
    actions = [("issue", recorded_as)] + ([("void", "作废")] if document.status == "voided" else [])
    unrecorded = [
        label for action, label in actions if (action, document.number) not in context.audited
    ]
    checks = [
        Check("必备元数据", not absent,
              "缺少：" + "、".join(absent) if absent else "题名、文号、日期、保管期限、密级、固化信息、存储位置、经办信息齐全"),
        Check("文号与序号一致", document.number.endswith(expected),
              f"{document.number}：{document.year}年第{document.sequence}号"),
        Check("所在系列文号连续", not gaps,
              "缺少登记：" + "、".join(gaps) if gaps else f"{document.year}年本系列文号无缺号"),
        Check("业务行为记录", not unrecorded,
              "审计链中没有：" + "、".join(unrecorded) if unrecorded
              else "、".join(label for _, label in actions) + "已记入审计链"),
    ]  # fmt: skip
    if not opened:
        return [*checks, Check("文件内著录项目", False, NOT_READ)]
    blank = [name for name in XMP_ELEMENTS if not metadata.get(name)]
    checks.append(
        Check("文件内著录项目", not blank,
              "XMP 缺少：" + "、".join(blank) if blank else "XMP 中 DA/T 46 核心元数据齐全")
    )  # fmt: skip
    return checks


def _usability(findings: PdfFindings) -> list[Check]:
    """Return the usability checks: opens, PDF/A-2b, fonts embedded, not encrypted."""
    if not findings.opened:
        return [Check("能够打开", False, f"无法打开：{findings.error}")]
    violations = findings.pdfa_violations
    pdfa_ok = findings.pdfa == "2B" and not violations
    pdfa_detail = (
        "声明 PDF/A-2b，校验无违规" if pdfa_ok
        else f"声明为“{findings.pdfa or '无'}”" + (f"；违规：{'；'.join(violations[:5])}" if violations else "")
    )  # fmt: skip
    missing = sorted(set(findings.fonts_not_embedded))
    return [
        Check("能够打开", True, f"共 {findings.pages} 页"),
        Check("PDF/A-2b", pdfa_ok, pdfa_detail),
        Check("字体嵌入", not missing,
              "未嵌入：" + "、".join(missing) if missing else "所有字体均已嵌入"),
        Check("未加密", not findings.encrypted, "文件已加密" if findings.encrypted else "未加密"),
    ]  # fmt: skip


def _security(findings: PdfFindings) -> list[Check]:
    """Return the security checks: no scripts, no embedded files, no launch actions."""
    if not findings.opened:
        return [Check("无可执行内容", False, NOT_READ)]
    return [
        Check("无 JavaScript", not findings.javascript,
              "；".join(findings.javascript) or "未发现 JavaScript"),
        Check("无嵌入文件", not findings.embedded_files,
              "；".join(findings.embedded_files) or "未发现嵌入文件"),
        Check("无启动动作", not findings.launch_actions,
              "；".join(findings.launch_actions) or "未发现启动外部程序的动作"),
    ]  # fmt: skip


def years_on_record(wenshu: Wenshu, classifications: Visibility = None) -> list[int]:
    """Return the years that have documents of the 密级 in classifications (None: all), newest first."""
    with wenshu.database.session() as session:
        years = select(Document.year).where(shown(classifications)).distinct()
        return list(session.scalars(years.order_by(Document.year.desc())))

"""The instrument registry: each kind declared once with its form, template, series and metadata."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, Literal, Protocol

from forms.fields import ArchiveView, InstrumentForm
from service.foundations.plaintext import quote_back

PageFormat = Literal["文件格式", "信函格式", "表格"]  # GB/T 9704 §7, §10.1, a form
# Whether a kind is issued in an enforcement case (案件): never, when the clerk names one,
# or only in one (the penalty procedure's instruments).
CaseUse = Literal["never", "optional", "required"]
ContextHook = Callable[[dict[str, Any], "ArchiveView | None"], dict[str, Any]]


def _resolve(path: str) -> Any:
    """Return the object named "package.module:attribute"."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


class Numbering(StrEnum):
    """How a kind is numbered: what a 文号 (or 收文登记号) stands for."""

    OWN = "own"  # one 文号 per document: it is addressed to one party
    SHARED = "shared"  # one 文号 for a document sent to many units; each copy has a 份号
    INCOMING = "incoming"  # received from a unit: a 收文登记号, not the bureau's own 文号


# The receipt register: one gapless series a year for every incoming kind, apart from the
# outgoing series, its numbers written 收〔2026〕12号 (a bureau may set its own prefix under
# this key in agency_codes).
RECEIPT_SERIES = "receipt_register"
RECEIPT_CODE = "收"


class DrawRules(Protocol):
    """How a kind drawn by the system records its draw and holds its facts to the record."""

    seed_field: str  # the fact holding the seed the system drew
    draw_field: str  # the fact naming the recorded draw (its audit entry's id)

    def new_seed(self) -> str:
        """Return a seed drawn by the system, never chosen by anyone."""

    def record(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Return the draw valid facts give, as JSON: its inputs and its result."""

    def departures(
        self, values: Mapping[str, Any], record: Mapping[str, Any]
    ) -> dict[str, list[str]]:
        """Return, at their fields, where valid facts differ from the recorded draw's inputs."""

    def result(self, record: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return a record's result as a page shows it."""


@dataclass(frozen=True)
class Instrument:
    """One kind of numbered instrument and everything the pipeline needs to issue it."""

    kind: str
    title: str
    form_path: str  # "forms.<kind>:<FormClass>", imported when first used
    agency_code: str  # default 机关代字 of its numbering series; a bureau may override it
    recipient_field: str  # the field naming the addressee, one copy each in a batch
    date_field: str  # the field holding the 成文日期, which also fixes the year of the number
    retention: str  # 保管期限 (DA/T 46)
    classification: str = "公开"  # 密级 (DA/T 46)
    # The GB/T 9704 format its template follows: "文件格式" (§7), "信函格式" (§10.1, a
    # bureau's letter to one unit) or "表格" (a form filled in and signed).
    format: PageFormat = "文件格式"
    # Whether its documents bear the bureau's seal and signature once one is installed
    # (GB/T 9704 7.3.5): the bureau's own acts do; records signed by persons and documents
    # received from units do not.
    seal: bool = False
    # The context key printed as the 发文机关署名, over which the seal is pressed.
    issuer_field: str = "bureau"
    # What its 文号 stands for: one document, the copies of one document, or a receipt.
    numbering: Numbering = Numbering.OWN
    context_path: str | None = None  # "forms.<kind>:<function>" adding computed context
    # Row fields that may be filled from a spreadsheet: field → "forms.<kind>:<reader>",
    # a reader taking a .xlsx or .csv path and returning the rows as facts.
    row_readers: Mapping[str, str] = field(default_factory=dict)
    # "forms.<kind>:<DrawRules>" for a kind drawn by the system (双随机): issuing it refers
    # to a draw recorded in the audit chain, which service.acts.drawing makes and checks.
    draw_path: str | None = None
    # Whether it is issued in an enforcement case: "required" kinds are refused outside one.
    case: CaseUse = "never"
    # Whether it is served on its addressee (送达) with a 送达回证, the day of service starting
    # the party's time limits: the bureau's notices, orders and decisions to one party.
    served: bool = False
    # Whether the 负责人 must approve it before it is numbered (立案, a penalty decision):
    # the clerk's submission waits, numberless, until the head approves or returns it.
    approval: bool = False

    @cached_property
    def form(self) -> type[InstrumentForm]:
        """Return the instrument's WTForms class."""
        form: type[InstrumentForm] = _resolve(self.form_path)
        form.date_field = self.date_field  # the day its officers must be certified on
        return form

    @cached_property
    def context_hook(self) -> ContextHook | None:
        """Return the function computing extra context from facts (a draw, a summary), if any."""
        return _resolve(self.context_path) if self.context_path else None

    @cached_property
    def draw_rules(self) -> DrawRules | None:
        """Return how the kind's recorded draw is made and checked, if it is drawn."""
        return _resolve(self.draw_path) if self.draw_path else None

    def read_rows(self, field_name: str, path: str) -> list[dict[str, Any]]:
        """Return the rows of a row field read from a spreadsheet, or raise KeyError."""
        reader: Callable[[str], list[dict[str, Any]]] = _resolve(self.row_readers[field_name])
        return reader(path)

    @property
    def series(self) -> str:
        """Return the numbering series key; one gapless sequence per series and year.

        Each issued kind numbers in its own series; every incoming kind in the receipt register.
        """
        return RECEIPT_SERIES if self.numbering is Numbering.INCOMING else self.kind


INSTRUMENTS: dict[str, Instrument] = {
    spec.kind: spec
    for spec in (
        # Own: addressed to the one inspected body, which applies for 复查 against its 文号.
        Instrument(
            kind="supervision_notice",
            title="执法监督通知（决定）书",
            form_path="forms.supervision_notice:SupervisionNoticeForm",
            agency_code="君档监通",
            recipient_field="inspected_body",
            date_field="issue_date",
            seal=True,
            issuer_field="issuer",
            retention="30年",
            format="信函格式",  # a notice (decision) to the one inspected body: the bureau's letter
            served=True,
        ),
        # Own: it answers one applicant's application.
        Instrument(
            kind="review_decision",
            title="复查决定书",
            form_path="forms.review_decision:ReviewDecisionForm",
            agency_code="君档复决",
            recipient_field="applicant",
            date_field="decision_date",
            seal=True,
            issuer_field="issuer",
            retention="30年",
            format="文件格式",  # a decision settling an application, open to challenge: a formal act
            served=True,
        ),
        # Own: the record of one visit to one unit.
        Instrument(
            kind="inspection_record",
            title="档案形成与保管单位巡查、回访记录",
            form_path="forms.inspection_record:InspectionRecordForm",
            agency_code="君档巡记",
            recipient_field="unit",
            date_field="inspection_date",
            # No seal: a record of a visit, signed by hand by the officers and the unit's head
            # (or a recorded refusal), not an act the bureau issues under its 署名.
            seal=False,
            retention="30年",
            format="表格",  # a record filled in on site and signed
            case="optional",  # a routine visit, or the inspection of a case
        ),
        # Own: it orders one unit to correct what was found there.
        Instrument(
            kind="enforcement_notice",
            title="档案监督检查执法通知书",
            form_path="forms.enforcement_notice:EnforcementNoticeForm",
            agency_code="君档执通",
            recipient_field="unit",
            date_field="issue_date",
            seal=True,
            retention="30年",
            format="信函格式",  # a notice to the one unit inspected: the bureau's letter
            case="optional",
            served=True,
        ),
        # Own: even sent to many units at once, each order binds one unit, with its own deadline.
        Instrument(
            kind="correction_order",
            title="责令限期改正通知书",
            form_path="forms.correction_order:CorrectionOrderForm",
            agency_code="君档责改",
            recipient_field="unit",
            date_field="issue_date",
            seal=True,
            retention="30年",
            format="信函格式",  # an order to one unit: the bureau's letter
            case="optional",
            served=True,
        ),
        # Own: a decision on one party, who may challenge it by its 文号.
        Instrument(
            kind="penalty_decision",
            title="行政处罚决定书",
            form_path="forms.penalty_decision:PenaltyDecisionForm",
            agency_code="君档罚决",
            recipient_field="party_name",
            date_field="decision_date",
            seal=True,
            retention="永久",
            format="文件格式",  # a decision imposing a penalty, kept for good: a formal act
            # Only at the end of the procedure of a case, and only once the head approves it.
            case="required",
            approval=True,
            served=True,
        ),
        # Incoming: a unit reports to the bureau (seed 档案安全监管 §四(五)); the bureau
        # receives the report and registers it, it does not issue it under its own 文号.
        Instrument(
            kind="annual_report",
            title="档案工作情况报告",
            form_path="forms.annual_report:AnnualReportForm",
            agency_code=RECEIPT_CODE,
            recipient_field="unit",
            date_field="report_date",
            # No seal: the unit's own report received by the bureau, which does not sign it.
            seal=False,
            retention="10年",
            format="文件格式",  # the unit's own report; its 版头 is the unit's and is not printed
            numbering=Numbering.INCOMING,
        ),
        # Own: the bureau's one report to the city bureau.
        Instrument(
            kind="audit_summary",
            title="档案安全年度工作自查审核汇总表",
            form_path="forms.audit_summary:AuditSummaryForm",
            agency_code="君档审汇",
            recipient_field="report_to",
            date_field="issue_date",
            seal=True,
            retention="30年",
            format="表格",  # one row per unit, reported upward
            context_path="forms.audit_summary:summary_context",
            row_readers={"paper_reports": "forms.audit_summary:read_paper_reports"},
        ),
        # Shared: the year's 通报 to every unit is one document with its 主送 list (GB/T
        # 9704); the copies sent to the units share its 文号, each with its 份号.
        Instrument(
            kind="safety_circular",
            title="全区档案安全通报",
            form_path="forms.safety_circular:SafetyCircularForm",
            agency_code="君档通报",
            recipient_field="addressee",
            date_field="issue_date",
            seal=True,
            retention="30年",
            format="文件格式",  # a 通报 to every unit, one document with its 主送
            numbering=Numbering.SHARED,
        ),
        # Shared: one draw, published to the units its 主送 names; every copy is the same list.
        Instrument(
            kind="sampling_list",
            title="双随机抽查名单",
            form_path="forms.sampling_list:SamplingListForm",
            agency_code="君档抽查",
            recipient_field="addressee",
            date_field="issue_date",
            seal=True,
            retention="10年",
            format="文件格式",  # one draw published to the units of its 主送
            context_path="forms.sampling_list:draw_context",
            draw_path="forms.sampling_list:DRAW",
            numbering=Numbering.SHARED,
        ),
        # Own: one visitor's registration.
        Instrument(
            kind="access_register",
            title="档案查阅（复制）登记单",
            form_path="forms.access_register:AccessRegisterForm",
            agency_code="君档查阅",
            recipient_field="visitor",
            date_field="visit_date",
            # No seal: a visitor's registration, signed by the visitor and the desk (接待人员).
            seal=False,
            retention="10年",
            format="表格",  # a register filled in and signed at the counter
            classification="内部",
        ),
        # The enforcement procedure's own instruments (行政处罚法 第五十四条至第六十五条), each
        # issued only in a case, in the order service.cases.procedure enforces.
        # Own: the 立案审批表 opens a case; its 文号 is the case number, given on approval.
        Instrument(
            kind="case_opening",
            title="立案审批表",
            form_path="forms.case_opening:CaseOpeningForm",
            agency_code="君档立",
            recipient_field="party_name",
            date_field="opening_date",
            seal=False,  # an internal approval form, signed by the officers and the head
            retention="永久",
            format="表格",
            case="required",
            approval=True,
        ),
        # Own: the record of one inquiry of one person, signed page by page.
        Instrument(
            kind="inquiry_record",
            title="询问笔录",
            form_path="forms.inquiry_record:InquiryRecordForm",
            agency_code="君档询录",
            recipient_field="interviewee",
            date_field="inquiry_date",
            seal=False,  # signed by the person questioned and the officers
            retention="永久",
            format="表格",
            case="required",
        ),
        # Own: the record of one on-site inspection (勘验) in a case.
        Instrument(
            kind="site_record",
            title="现场检查（勘验）笔录",
            form_path="forms.site_record:SiteRecordForm",
            agency_code="君档勘录",
            recipient_field="party_name",
            date_field="inspection_date",
            seal=False,  # signed by the party present and the officers
            retention="永久",
            format="表格",
            case="required",
        ),
        # Own: the notice to the one party of the penalty intended and of its rights.
        Instrument(
            kind="penalty_notice",
            title="行政处罚事先告知书",
            form_path="forms.penalty_notice:PenaltyNoticeForm",
            agency_code="君档罚告",
            recipient_field="party_name",
            date_field="notice_date",
            seal=True,
            retention="永久",
            format="信函格式",  # the bureau's letter to the one party
            case="required",
            served=True,
        ),
        # Own: the notice of the hearing the party asked for.
        Instrument(
            kind="hearing_notice",
            title="听证通知书",
            form_path="forms.hearing_notice:HearingNoticeForm",
            agency_code="君档听通",
            recipient_field="party_name",
            date_field="notice_date",
            seal=True,
            retention="永久",
            format="信函格式",
            case="required",
            served=True,
        ),
        # Own: the record of the hearing, signed by those who took part.
        Instrument(
            kind="hearing_record",
            title="听证笔录",
            form_path="forms.hearing_record:HearingRecordForm",
            agency_code="君档听录",
            recipient_field="party_name",
            date_field="hearing_date",
            seal=False,
            retention="永久",
            format="表格",
            case="required",
        ),
        # Own: the legal officer's review before a major decision (第五十八条).
        Instrument(
            kind="legal_review",
            title="法制审核意见书",
            form_path="forms.legal_review:LegalReviewForm",
            agency_code="君档法审",
            recipient_field="party_name",
            date_field="review_date",
            seal=False,  # signed by the reviewing officer
            retention="永久",
            format="表格",
            case="required",
        ),
        # Own: the record of the heads' collective discussion (第五十七条).
        Instrument(
            kind="collective_discussion",
            title="集体讨论记录",
            form_path="forms.collective_discussion:CollectiveDiscussionForm",
            agency_code="君档集讨",
            recipient_field="party_name",
            date_field="meeting_date",
            seal=False,  # signed by those present
            retention="永久",
            format="表格",
            case="required",
        ),
        # Own: the proof that one instrument reached its addressee, and how and when.
        Instrument(
            kind="service_receipt",
            title="送达回证",
            form_path="forms.service_receipt:ServiceReceiptForm",
            agency_code="君档送证",
            recipient_field="recipient",
            date_field="served_on",
            seal=True,  # issued by the bureau; the recipient signs it on receipt
            retention="永久",
            format="表格",
            case="optional",  # every served instrument has one, in a case or not
        ),
        # Own: the report closing a case.
        Instrument(
            kind="case_closing",
            title="结案报告",
            form_path="forms.case_closing:CaseClosingForm",
            agency_code="君档结案",
            recipient_field="party_name",
            date_field="closing_date",
            seal=False,  # an internal report, signed by the officers and the head
            retention="永久",
            format="表格",
            case="required",
        ),
    )
}


class UnknownKind(KeyError):
    """Raised for a kind that is not in the registry."""

    def __str__(self) -> str:
        known = "、".join(INSTRUMENTS)
        return f"没有这种文书：{quote_back(self.args[0])}（可用：{known}）"


def get_instrument(kind: str) -> Instrument:
    """Return the registered instrument of this kind, or raise UnknownKind."""
    try:
        return INSTRUMENTS[kind]
    except KeyError:
        raise UnknownKind(kind) from None

"""The signatures of archived documents: what the installed seal trusts, and which documents must be signed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from cryptography import x509
from sqlalchemy import select

from service.acts.seal_install import INSTALL_ACTION, installed_seal
from service.archive.fixity import ArchivedFile, Problem
from service.archive.seals import SealUnusable
from service.database.models import AuditEvent
from service.instruments.registry import INSTRUMENTS
from service.render.signing import UNSEALED
from service.services import Wenshu

if TYPE_CHECKING:  # pyHanko's validation is loaded when a signature is first checked
    from service.custody.signatures import SignatureFindings

SIGNATURE_PROBLEM = "signature"
# The name of a check of signatures on the pages of the 四性检测.
CHECK_NAME = "电子签名"


class Issued(Protocol):
    """What the signature rules read of a document: its kind and when it was issued."""

    @property
    def kind(self) -> str:
        """Return the instrument's kind."""

    @property
    def issued_at(self) -> dt.datetime:
        """Return when it was issued."""


@dataclass(frozen=True)
class SealTrust:
    """What signatures are checked against: the installed seal's root and certificate, and since when."""

    trust_roots: tuple[x509.Certificate, ...]
    certificate: x509.Certificate | None
    sealed_since: dt.datetime | None  # the first install in the audit chain; None: never installed
    unusable: str = ""  # why the installed seal cannot be read, in Chinese


@dataclass(frozen=True)
class SignatureVerdict:
    """Whether a document's signatures are as they must be, and what was found, in Chinese."""

    passed: bool
    detail: str
    findings: SignatureFindings


def seal_trust(wenshu: Wenshu) -> SealTrust:
    """Return the installed seal's trust root and certificate, and when a seal was first installed.

    The first install is read from the audit chain, which keeps every install: a renewal
    replaces the seal's files, not the day since which sealed kinds are signed.
    """
    unusable = ""
    try:
        seal = installed_seal(wenshu)
    except SealUnusable as error:
        seal, unusable = None, str(error)
    with wenshu.database.session() as session:
        first = session.scalar(
            select(AuditEvent.at)
            .where(AuditEvent.action == INSTALL_ACTION)
            .order_by(AuditEvent.id)
            .limit(1)
        )
    if first is None and seal is not None:
        first = seal.installed_at
    if seal is None:
        return SealTrust((), None, first, unusable)
    return SealTrust((seal.trust_root,), seal.certificate, first, unusable)


def must_be_signed(document: Issued, trust: SealTrust) -> bool:
    """Return whether the document was issued signed: a sealed kind issued after a seal was installed."""
    instrument = INSTRUMENTS.get(document.kind)
    if instrument is None or not instrument.seal or trust.sealed_since is None:
        return False
    return document.issued_at >= trust.sealed_since


def judge_signatures(document: Issued, pdf: bytes, trust: SealTrust) -> SignatureVerdict:
    """Return whether a document's file carries the signatures it must, each of them holding.

    An unsigned file passes, said to be UNSEALED, when its document was issued before any
    seal was installed or is of a kind that bears none; otherwise the signature was removed.
    """
    from service.custody.signatures import check_signatures

    findings = check_signatures(pdf, trust.trust_roots, trust.certificate)
    if findings.signed:
        detail = findings.describe()
        if not findings.ok and trust.unusable:
            detail += f"（{trust.unusable}）"
        return SignatureVerdict(findings.ok, detail, findings)
    if findings.error and not must_be_signed(document, trust):
        # A file pyHanko cannot parse is damaged; the fixity and usability checks say so, and
        # nothing shows it was ever signed.
        return SignatureVerdict(True, f"{findings.error}（签发时不要求电子签名）", findings)
    if findings.error:
        return SignatureVerdict(False, findings.error, findings)
    if must_be_signed(document, trust):
        since = trust.sealed_since
        assert since is not None  # must_be_signed says a seal was installed
        return SignatureVerdict(
            False,
            f"{UNSEALED}：{INSTRUMENTS[document.kind].title}应加盖电子印章，本文书签发于"
            f"印章安装（{since:%Y-%m-%d %H:%M} UTC）之后，签名已被去除",
            findings,
        )
    instrument = INSTRUMENTS.get(document.kind)
    reason = (
        "本种文书不加盖印章"
        if instrument is None or not instrument.seal
        else "签发时尚未安装电子印章"
    )
    return SignatureVerdict(True, f"{UNSEALED}（{reason}）", findings)


@dataclass(frozen=True)
class SignatureTally:
    """How many documents the archive check found signed and holding, unsealed, and failing."""

    verified: int = 0
    unsealed: int = 0
    failed: int = 0

    def to_json(self) -> dict[str, int]:
        """Return the counts as a JSON object."""
        return {"verified": self.verified, "unsealed": self.unsealed, "failed": self.failed}


class SignatureCheck:
    """The signatures of each archived file, judged as the archive check hashes it (an Examiner).

    A document whose file is missing is left to the fixity check, which names it already.
    """

    def __init__(self, trust: SealTrust) -> None:
        self.trust = trust
        self.problems: list[Problem] = []
        self.verified = 0
        self.unsealed = 0

    def examine(self, record: ArchivedFile, data: bytes) -> SignatureVerdict:
        """Return the verdict on the file's signatures (run in a hashing thread)."""
        return judge_signatures(record, data, self.trust)

    def keep(self, record: ArchivedFile, outcome: SignatureVerdict) -> None:
        """Count the verdict, and keep a problem when the signatures fail (in the records' order)."""
        if not outcome.passed:
            self.problems.append(
                Problem(SIGNATURE_PROBLEM, record.number, record.pdf_path, outcome.detail)
            )
        elif outcome.findings.signed:
            self.verified += 1
        else:
            self.unsealed += 1

    @property
    def tally(self) -> SignatureTally:
        """Return the counts so far."""
        return SignatureTally(self.verified, self.unsealed, len(self.problems))

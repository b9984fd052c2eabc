"""The check of an archived PDF's electronic signatures: unchanged, trusted, valid when signed, the bureau's."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import (
    MultivaluedAttributeError,
    NonexistentAttributeError,
    find_unique_cms_attribute,
)
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from service.render.signing import UNSEALED

BY_TIMESTAMP = "时间戳"
BY_CLAIM = "签名者声称的签名时间"
BY_CHECK = "检测时间（签名中没有签名时间）"
# Updates after the signature that leave the signed content as it was: none at all, or the
# validation data and document timestamps of long-term preservation (PAdES B-LT/B-LTA).
HARMLESS_UPDATES = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
CHANGES = {
    ModificationLevel.FORM_FILLING: "填写了表单域或加了签名",
    ModificationLevel.ANNOTATIONS: "添加了注释",
    ModificationLevel.OTHER: "改动了页面内容或文件结构",
}
# The install refuses a certificate that may not make digital signatures and asks no more:
# a certificate accepted there is accepted here (pyHanko's default asks for non-repudiation).
KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature"})

# pyHanko logs every failed validation with its traceback at ERROR; here a failure is a
# finding, reported in Chinese with the document it concerns, not an error of the service.
for _noisy in ("pyhanko.sign.validation", "pyhanko.sign.diff_analysis"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class SignatureFinding:
    """What the check found of one signature: who signed, when, by what evidence, what is wrong."""

    field_name: str  # the signature field's name in the PDF
    signer: str  # the signer certificate's common name (or its whole subject)
    signed_at: dt.datetime | None
    time_source: str  # BY_TIMESTAMP, BY_CLAIM or BY_CHECK: what signed_at was taken from
    problems: tuple[str, ...]  # in Chinese; none when the signature holds

    @property
    def ok(self) -> bool:
        """Return whether the signature holds on every count."""
        return not self.problems

    def describe(self) -> str:
        """Return the finding as one Chinese sentence."""
        when = f"{self.signed_at:%Y-%m-%d %H:%M:%S} UTC" if self.signed_at else "不明"
        head = f"签名者“{self.signer}”，签名时间 {when}（依据{self.time_source}）"
        if self.ok:
            return f"电子签名有效：{head}；签名后文件未被改动，证书链接到本局信任根证书且签名时在有效期内"
        return f"电子签名无效：{head}；" + "；".join(self.problems)


@dataclass(frozen=True)
class SignatureFindings:
    """The signatures of one PDF, in the order they were made; error when they could not be read."""

    signatures: tuple[SignatureFinding, ...] = ()
    error: str = ""

    @property
    def signed(self) -> bool:
        """Return whether the PDF carries at least one signature."""
        return bool(self.signatures)

    @property
    def ok(self) -> bool:
        """Return whether the signatures could be read and every one of them holds (none: True)."""
        return not self.error and all(finding.ok for finding in self.signatures)

    def problems(self) -> list[str]:
        """Return what is wrong, one Chinese sentence for each signature that does not hold."""
        if self.error:
            return [self.error]
        return [finding.describe() for finding in self.signatures if not finding.ok]

    def describe(self) -> str:
        """Return the findings as Chinese text: each signature's, or UNSEALED when there is none."""
        if self.error:
            return self.error
        if not self.signatures:
            return UNSEALED
        return "；".join(finding.describe() for finding in self.signatures)


def check_signatures(
    pdf_bytes: bytes,
    trust_roots: Sequence[x509.Certificate],
    bureau_certificate: x509.Certificate | None,
) -> SignatureFindings:
    """Return what holds of each signature of a PDF.

    A signature holds when the bytes it covers are unchanged and cover the whole file but
    for the signature itself (an update appended later may only add validation data), its
    certificate chains to one of trust_roots and was valid when the document was signed
    (the time of its timestamp, else the signing time it claims), and the signer is the
    bureau: the installed bureau_certificate, or one with the same subject (a renewal)
    that chains to the same roots.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, SignatureValidationError, ValueError, KeyError, TypeError) as error:
        return SignatureFindings(error=f"无法读取文件中的电子签名：{error}")
    roots = [_asn1(root) for root in trust_roots]
    findings = []
    for signature in embedded:
        try:
            findings.append(_check_one(signature, roots, bureau_certificate))
        except (PdfError, SignatureValidationError, ValueError, KeyError, TypeError) as error:
            findings.append(
                SignatureFinding(
                    signature.field_name, "不明", None, BY_CHECK,
                    (f"签名无法解析，不能核验：{error}",),
                )
            )  # fmt: skip
    return SignatureFindings(tuple(findings))


def _check_one(
    signature: EmbeddedPdfSignature,
    roots: list[asn1_x509.Certificate],
    bureau: x509.Certificate | None,
) -> SignatureFinding:
    """Return the finding of one embedded signature."""
    signer = x509.load_der_x509_certificate(signature.signer_cert.dump())
    stamped = _timestamp_time(signature.signer_info)
    claimed = _claimed_time(signature)
    if stamped is not None:
        moment, source = stamped, BY_TIMESTAMP
    elif claimed is not None:
        moment, source = claimed, BY_CLAIM
    else:
        moment, source = dt.datetime.now(dt.UTC), BY_CHECK
    if roots:
        status = asyncio.run(_validate(signature, roots, moment, stamped))
        problems = _integrity_problems(status)
        if not problems:
            # pyHanko judges no certificate of a signature whose value does not verify.
            problems += _timestamp_problems(status, stamped)
            problems += _trust_problems(status, signer, moment, source, roots)
    else:
        problems = ["没有配置信任根证书，无法核验签名：请用 wenshu seal install 安装本局印章和证书"]
    problems += _signer_problems(signer, bureau)
    return SignatureFinding(signature.field_name, _name(signer), moment, source, tuple(problems))


async def _validate(
    signature: EmbeddedPdfSignature,
    roots: list[asn1_x509.Certificate],
    moment: dt.datetime,
    stamped: dt.datetime | None,
) -> PdfSignatureStatus:
    """Return pyHanko's status of a signature, its certificate judged at moment, offline.

    The timestamp's own certificate is judged at the time it stamped, so that a timestamp
    authority's certificate expiring later does not undo the documents it stamped.
    """
    signer_context = ValidationContext(
        trust_roots=roots, moment=moment, allow_fetching=False, revocation_mode="soft-fail"
    )
    timestamp_context = ValidationContext(
        trust_roots=roots, moment=stamped or moment, allow_fetching=False,
        revocation_mode="soft-fail",
    )  # fmt: skip
    return await async_validate_pdf_signature(
        signature,
        signer_validation_context=signer_context,
        ts_validation_context=timestamp_context,
        key_usage_settings=KEY_USAGE,
    )


def _integrity_problems(status: PdfSignatureStatus) -> list[str]:
    """Return what shows the bytes changed since signing, or not all of them covered."""
    if not status.intact:
        return ["签名后文件被改动：签名所覆盖的内容与签名值不符"]
    if not status.valid:
        return ["签名值不能用签名证书验证：签名已损坏或被替换"]
    coverage = status.coverage
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return []
    if coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        level = status.modification_level
        if level in HARMLESS_UPDATES and status.docmdp_ok:
            return []
        change = CHANGES.get(level, "改动了文件内容") if level is not None else "改动了文件内容"
        return [f"签名后又追加了增量更新，{change}：签署的文件已被改动"]
    return ["签名没有覆盖整个文件：文件中有签名未保护的部分"]


def _timestamp_problems(status: PdfSignatureStatus, stamped: dt.datetime | None) -> list[str]:
    """Return what is wrong with the signature's timestamp, when it has one."""
    if stamped is None:
        return []
    timestamp = status.timestamp_validity
    if timestamp is None or not (timestamp.intact and timestamp.valid):
        return ["签名所附的时间戳已损坏或与签名不符"]
    if not timestamp.trusted:
        return ["时间戳服务的证书不能链接到本局配置的信任根证书：时间戳不可信"]
    return []


def _trust_problems(
    status: PdfSignatureStatus,
    signer: x509.Certificate,
    moment: dt.datetime,
    source: str,
    roots: list[asn1_x509.Certificate],
) -> list[str]:
    """Return why the certificate is not trusted at the signing time: chain, validity, revocation."""
    if status.trusted and not status.revoked:
        return []
    begins, ends = signer.not_valid_before_utc, signer.not_valid_after_utc
    if not begins <= moment <= ends:
        return [
            f"签名时（{moment:%Y-%m-%d %H:%M:%S} UTC，依据{source}）证书不在有效期内"
            f"（{begins:%Y-%m-%d} 至 {ends:%Y-%m-%d}）"
        ]
    if status.revoked:
        return ["签名证书已被吊销"]
    names = "、".join(f"“{_name(_cryptography(root))}”" for root in roots)
    issuer = _common_name(signer.issuer) or signer.issuer.rfc4514_string()
    return [f"签名证书（由“{issuer}”签发）不能链接到本局配置的信任根证书{names}"]


def _signer_problems(signer: x509.Certificate, bureau: x509.Certificate | None) -> list[str]:
    """Return why the signer is not the bureau: neither its installed certificate nor a renewal."""
    if bureau is None:
        return ["本服务没有安装本局的签名证书，无法确认签名者是本局：请用 wenshu seal install 安装"]
    if signer == bureau or signer.subject == bureau.subject:
        return []
    return [
        f"签名者“{signer.subject.rfc4514_string()}”不是本局（本局证书为“{bureau.subject.rfc4514_string()}”）"
    ]


def _timestamp_time(signer_info: cms.SignerInfo) -> dt.datetime | None:
    """Return the time the signature's timestamp token says, or None without a token."""
    try:
        token = find_unique_cms_attribute(
            signer_info["unsigned_attrs"], "signature_time_stamp_token"
        )
    except (NonexistentAttributeError, MultivaluedAttributeError):
        return None
    info = token["content"]["encap_content_info"]["content"].parsed
    stamped: dt.datetime = info["gen_time"].native
    return stamped


def _claimed_time(signature: EmbeddedPdfSignature) -> dt.datetime | None:
    """Return the signing time the signer claims: its signed attribute, else the signature's /M."""
    try:
        claimed: dt.datetime = find_unique_cms_attribute(
            signature.signer_info["signed_attrs"], "signing_time"
        ).native
        return claimed
    except (NonexistentAttributeError, MultivaluedAttributeError):
        return signature.self_reported_timestamp


def _name(certificate: x509.Certificate) -> str:
    """Return a certificate's common name, or its whole subject when it has none."""
    return _common_name(certificate.subject) or certificate.subject.rfc4514_string()


def _common_name(name: x509.Name) -> str:
    """Return the common name in a distinguished name, or ""."""
    names = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """Return a certificate as pyHanko reads it."""
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def _cryptography(certificate: asn1_x509.Certificate) -> x509.Certificate:
    """Return a pyHanko certificate as cryptography reads it."""
    return x509.load_der_x509_certificate(certificate.dump())

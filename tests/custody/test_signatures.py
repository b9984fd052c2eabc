"""Tests of the signature check: unchanged bytes, the trust root, validity when signed, the bureau as signer."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pikepdf
import pytest
from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers import pdf_signer

from service.custody.signatures import (
    BY_CLAIM,
    BY_TIMESTAMP,
    UNSEALED,
    SignatureFindings,
    check_signatures,
)
from service.render.pades import signer_from_pkcs12
from tests.pki import (
    PASSPHRASE,
    bureau_pkcs12,
    certificate_der,
    timestamp_authority,
    trust_root_pem,
)

BODY = b"BT /F1 12 Tf 72 712 Td (Original text of the act) Tj ET"
BACKDATED = dt.datetime(2020, 6, 1, 8, 0, tzinfo=dt.UTC)  # within bureau-expired's validity


@pytest.fixture(scope="module")
def tsa_url() -> Iterator[str]:
    """The test PKI's timestamp authority on a loopback port."""
    with timestamp_authority() as url:
        yield url


def one_page() -> bytes:
    """Return a one-page PDF whose page shows BODY."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(BODY)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)  # the text stays readable, for a test to change it
    return out.getvalue()


def signed(label: str = "bureau", tsa_url: str = "", arch: str = "wenshu") -> bytes:
    """Return one_page() signed with a certificate of the test PKI, as issuing signs."""
    signer = signer_from_pkcs12(bureau_pkcs12(label, arch=arch), PASSPHRASE.encode(), tsa_url)
    return signer.sign(one_page())


def checked(pdf: bytes) -> SignatureFindings:
    """Return the findings on pdf with the bureau's trust root and installed certificate."""
    root = x509.load_pem_x509_certificate(trust_root_pem())
    bureau = x509.load_der_x509_certificate(certificate_der("bureau"))
    return check_signatures(pdf, [root], bureau)


def problems(findings: SignatureFindings) -> tuple[str, ...]:
    """Return the problems of the one signature found."""
    [finding] = findings.signatures
    return finding.problems


def sign_at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    """Make pyHanko's signer take moment as the time of signing (the claimed signing time)."""

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Frozen:
            return cls.fromtimestamp(moment.timestamp(), tz)

    monkeypatch.setattr(pdf_signer, "datetime", Frozen)


def test_signed_document_verifies(tsa_url: str) -> None:
    """This test ensures that a PDF signed by the bureau with a timestamp holds on every count, its time taken from the timestamp."""
    findings = checked(signed(tsa_url=tsa_url))
    assert findings.ok and findings.signed
    [finding] = findings.signatures
    assert finding.problems == ()
    assert (finding.signer, finding.time_source) == ("岳阳市君山区史志档案局", BY_TIMESTAMP)
    assert finding.signed_at is not None
    assert abs(finding.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(hours=1)
    assert findings.describe().startswith("电子签名有效：签名者“岳阳市君山区史志档案局”")


def test_changed_byte_inside_the_signed_range_fails(tsa_url: str) -> None:
    """This test ensures that one byte of the page's text changed after signing makes the signature fail."""
    data = bytearray(signed(tsa_url=tsa_url))
    at = data.index(b"Original")
    data[at] = ord("X")
    findings = checked(bytes(data))
    assert not findings.ok
    assert problems(findings) == ("签名后文件被改动：签名所覆盖的内容与签名值不符",)


def test_incremental_update_changing_a_page_fails(tsa_url: str) -> None:
    """This test ensures that an update appended after signing that replaces a page's content fails, though the signed bytes are intact."""
    original = signed(tsa_url=tsa_url)
    writer = IncrementalPdfFileWriter(io.BytesIO(original), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    forged = generic.StreamObject(stream_data=BODY.replace(b"Original", b"Forged"))
    page["/Contents"] = writer.add_object(forged)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(original)
    findings = checked(out.getvalue())
    assert not findings.ok
    [problem] = problems(findings)
    assert problem.startswith("签名后又追加了增量更新，改动了页面内容或文件结构")


def test_bytes_appended_without_a_change_still_hold(tsa_url: str) -> None:
    """This test ensures that bytes after the signed revision that change nothing are no signature problem (fixity tells them)."""
    findings = checked(signed(tsa_url=tsa_url) + b"\n% a comment\n")
    assert findings.ok


def test_certificate_of_an_unrelated_ca_fails() -> None:
    """This test ensures that a certificate in the bureau's name issued by a CA other than the trust root fails the chain."""
    findings = checked(signed("other-bureau", arch="other"))
    assert not findings.ok
    assert (
        "签名证书（由“另一测试根证书”签发）不能链接到本局配置的信任根证书“岳阳市电子政务测试根证书”"
        in problems(findings)
    )


def test_certificate_expired_now_but_valid_when_signed_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """This test ensures that a certificate expired today holds when the claimed signing time lies in its validity, and the finding says the time is the claimed one."""
    sign_at(monkeypatch, BACKDATED)
    findings = checked(signed("bureau-expired"))
    assert findings.ok, findings.describe()
    [finding] = findings.signatures
    assert (finding.signed_at, finding.time_source) == (BACKDATED, BY_CLAIM)
    assert "依据签名者声称的签名时间" in findings.describe()


def test_timestamp_outweighs_a_backdated_claim(
    monkeypatch: pytest.MonkeyPatch, tsa_url: str
) -> None:
    """This test ensures that an expired certificate fails when the timestamp shows it signed after its validity, whatever time it claims."""
    sign_at(monkeypatch, BACKDATED)
    findings = checked(signed("bureau-expired", tsa_url=tsa_url))
    assert not findings.ok
    [finding] = findings.signatures
    assert finding.time_source == BY_TIMESTAMP
    assert finding.signed_at is not None and finding.signed_at.year >= 2026
    [problem] = finding.problems
    assert "依据时间戳）证书不在有效期内（2020-01-01 至 2021-01-01）" in problem


def test_signer_other_than_the_bureau_fails() -> None:
    """This test ensures that a certificate of the bureau's own root with another subject is not taken for the bureau."""
    findings = checked(signed("tsa"))
    assert not findings.ok
    [problem] = problems(findings)
    assert problem.startswith("签名者“CN=测试时间戳服务")
    assert "不是本局" in problem


def test_renewed_certificate_is_the_bureau() -> None:
    """This test ensures that a certificate with the bureau's subject from the same root but another key (a renewal) is the bureau's."""
    assert checked(signed("bureau-other-key")).ok


def test_without_trust_root_or_certificate_nothing_is_trusted() -> None:
    """This test ensures that with no trust root and no bureau certificate configured a signature is not taken as valid."""
    findings = check_signatures(signed(), [], None)
    assert not findings.ok
    assert any("没有配置信任根证书" in p for p in problems(findings))
    assert any("没有安装本局的签名证书" in p for p in problems(findings))


def test_unsigned_pdf_says_unsealed() -> None:
    """This test ensures that a PDF without a signature is found unsealed, not failed, and one that is not a PDF fails."""
    findings = checked(one_page())
    assert (findings.signed, findings.ok, findings.describe()) == (False, True, UNSEALED)
    broken = checked(b"not a pdf")
    assert not broken.ok
    assert broken.problems()[0].startswith("无法读取文件中的电子签名")

"""The checks a seal passes before it is installed: its image, key, certificate and trust root."""

from __future__ import annotations

import asyncio
import datetime as dt
import io

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from cryptography.x509.oid import NameOID
from PIL import Image, UnidentifiedImageError
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from service.archive.seals import SealCandidate, readable_name

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The printed diameter a bureau's seal may have: GB/T 9704 gives no size, the seal law's
# rules put a state organ's seal between 38 and 45 mm; a little room either side.
DIAMETER_RANGE_MM = (20.0, 60.0)
INSTALL_COMMAND = "wenshu seal install SEAL.png KEY.p12"


class SealRefused(Exception):
    """Raised when a seal may not be installed; the message, in Chinese, says what and how to fix."""


def check_seal(
    png: bytes,
    pkcs12_data: bytes,
    passphrase: str,
    trust_root_pem: bytes | None,
    diameter_mm: float,
    bureau_name: str,
    now: dt.datetime,
) -> SealCandidate:
    """Return the seal as it will be installed, or raise SealRefused with the first problem found.

    The image must be a PNG with transparency; the passphrase must open the PKCS#12; its key
    must match its certificate, which must name the bureau, be valid now, allow digital
    signatures and chain to the trust root (the certificate itself when it is self-signed and
    no root is given).
    """
    check_image(png)
    low, high = DIAMETER_RANGE_MM
    if not low <= diameter_mm <= high:
        raise SealRefused(
            f"印章直径 {diameter_mm:g} 毫米超出范围：请用 --diameter-mm 给出 {low:g}–{high:g} 毫米的印章直径"
        )
    key, certificate, chain = open_pkcs12(pkcs12_data, passphrase)
    check_bureau(certificate, bureau_name)
    check_validity(certificate, now)
    check_key_usage(certificate)
    root = trust_root(certificate, trust_root_pem)
    check_chain(certificate, chain, root, now)
    issuers = tuple(c for c in chain if c != certificate)
    return SealCandidate(png, diameter_mm, key, certificate, issuers, root)


def check_image(png: bytes) -> None:
    """Raise SealRefused unless png is a PNG image with transparent pixels around the seal."""
    if not png.startswith(PNG_SIGNATURE):
        raise SealRefused("印章图像不是 PNG 文件：请提供带透明背景的 PNG 印章图像（SEAL.png）")
    try:
        with Image.open(io.BytesIO(png)) as image:
            image.load()
            rgba = image.convert("RGBA") if image.mode != "RGBA" else image
            lowest_alpha, _ = rgba.getchannel("A").getextrema()
    except (OSError, UnidentifiedImageError, ValueError) as error:
        raise SealRefused(
            f"印章图像无法读取（{error}）：请提供完好的 PNG 印章图像（SEAL.png）"
        ) from error
    if lowest_alpha == 255:
        raise SealRefused(
            "印章图像没有透明背景（每个像素都不透明），盖在文书上会遮住文字："
            "请导出带透明通道（Alpha）的 PNG 印章图像"
        )


def open_pkcs12(
    data: bytes, passphrase: str
) -> tuple[
    rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, x509.Certificate, list[x509.Certificate]
]:
    """Return the key, its certificate and the other certificates of a PKCS#12.

    The certificate is the one whose public key matches the private key: the PKCS#12's own
    certificate, or one of its other certificates when it was exported without a pairing.
    """
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(
            data, passphrase.encode("utf-8")
        )
    except ValueError as error:
        raise SealRefused(
            "无法打开证书文件（KEY.p12）：口令不对，或文件不是 PKCS#12 格式。"
            "请核对口令（WENSHU_SEAL_PASSPHRASE 或提示输入的口令）和文件"
        ) from error
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SealRefused(
            "证书文件（KEY.p12）中没有 RSA 或 ECDSA 私钥：请导出含私钥的 PKCS#12 文件"
        )
    candidates = [certificate] if certificate is not None else list(others)
    matching = [c for c in candidates if c.public_key() == key.public_key()]
    if not matching:
        raise SealRefused(
            "证书文件（KEY.p12）中的私钥与证书不匹配：请导出本局签名证书及其对应私钥的 PKCS#12 文件"
        )
    return key, matching[0], list(others)


def check_bureau(certificate: x509.Certificate, bureau_name: str) -> None:
    """Raise SealRefused unless the certificate's subject names the bureau (CN or O)."""
    names = [
        attribute.value
        for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME)
        for attribute in certificate.subject.get_attributes_for_oid(oid)
    ]
    if bureau_name not in names:
        raise SealRefused(
            f"证书主体（{readable_name(certificate.subject)}）不是本局“{bureau_name}”："
            "请使用以本局名义签发的签名证书，或核对 wenshu.toml 中的 bureau.name"
        )


def check_validity(certificate: x509.Certificate, now: dt.datetime) -> None:
    """Raise SealRefused unless now lies within the certificate's validity."""
    begins, ends = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if now < begins:
        raise SealRefused(
            f"证书尚未生效（有效期自 {begins:%Y-%m-%d %H:%M} UTC 起）：请在生效后再安装，或使用当前有效的证书"
        )
    if now > ends:
        raise SealRefused(
            f"证书已于 {ends:%Y-%m-%d %H:%M} UTC 过期：请向发证机构申请新的签名证书后重新安装"
        )


def check_key_usage(certificate: x509.Certificate) -> None:
    """Raise SealRefused when the certificate's key usage leaves out digital signatures.

    A certificate without a key usage extension may sign (RFC 5280 4.2.1.3).
    """
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not usage.digital_signature:
        raise SealRefused(
            "证书的密钥用法不含数字签名（digitalSignature），不能用于签署文书："
            "请使用签名证书，而不是加密证书"
        )


def trust_root(certificate: x509.Certificate, trust_root_pem: bytes | None) -> x509.Certificate:
    """Return the trust root the certificate must chain to: the one given, or itself if self-signed."""
    if trust_root_pem is not None:
        try:
            return x509.load_pem_x509_certificate(trust_root_pem)
        except ValueError as error:
            raise SealRefused(
                "信任根证书（--trust-root）无法读取：请提供 PEM 格式的根证书文件"
            ) from error
    if certificate.issuer == certificate.subject:
        return certificate
    raise SealRefused(
        f"证书由“{readable_name(certificate.issuer)}”签发：请用 --trust-root CA.pem 给出本局信任的根证书"
    )


def check_chain(
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
    root: x509.Certificate,
    now: dt.datetime,
) -> None:
    """Raise SealRefused unless the certificate chains to root through the PKCS#12's certificates."""
    context = ValidationContext(
        trust_roots=[_asn1(root)],
        other_certs=[_asn1(c) for c in chain],
        moment=now,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(_asn1(certificate), validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage(set()))
    except (PathBuildingError, PathValidationError) as error:
        raise SealRefused(
            f"证书不能链接到信任根证书“{readable_name(root.subject)}”（{error}）："
            "请核对 --trust-root 是否为本局配置的根证书，以及证书文件是否含中间证书"
        ) from error


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """Return a certificate as pyhanko-certvalidator reads it."""
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))

"""The bureau's installed seal: its image, certificate, trust root and wrapped key, kept in the instance.

Files live in instance/seal/, named by content, and one manifest (seal.json) names the
current ones: an install writes the new files, then replaces the manifest in one rename,
so a reader sees the old seal or the new one, never a mixture. The private key is kept as
a PKCS#12 encrypted under a key derived (HKDF-SHA256, a random salt) from the service's
own secret: the operator's passphrase is not needed to sign, and the key file alone — in
a backup, say — does not open without that secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    pkcs12,
)

from service.render.signing import SignerSource, SigningKey

SEAL_FOLDER = "seal"
MANIFEST = "seal.json"
WRAPPING_INFO = b"wenshu seal key v1"


class SealUnusable(Exception):
    """Raised when the installed seal cannot be read or its key not unwrapped; the message says what to do."""


@dataclass(frozen=True)
class CertificateSummary:
    """What an administrator reads of a certificate: names, serial, validity, fingerprint."""

    subject: str
    issuer: str
    serial: str  # hexadecimal, as CAs print it
    not_before: dt.datetime
    not_after: dt.datetime
    sha256: str  # of the DER, hexadecimal

    def to_json(self) -> dict[str, str]:
        """Return the summary as JSON values (times in ISO 8601, UTC)."""
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "sha256": self.sha256,
        }


def summarize(certificate: x509.Certificate) -> CertificateSummary:
    """Return the summary of a certificate."""
    return CertificateSummary(
        subject=readable_name(certificate.subject),
        issuer=readable_name(certificate.issuer),
        serial=f"{certificate.serial_number:X}",
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        sha256=certificate.fingerprint(hashes.SHA256()).hex(),
    )


def readable_name(name: x509.Name) -> str:
    """Return a distinguished name as RFC 4514 writes it (CN first), its parts set apart by ", "."""
    return ", ".join(rdn.rfc4514_string() for rdn in reversed(name.rdns))


@dataclass(frozen=True)
class SealCandidate:
    """A seal that passed every check of an install, about to be stored."""

    png: bytes
    diameter_mm: float
    key: SigningKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # the issuers the PKCS#12 brought, up to the root
    trust_root: x509.Certificate


@dataclass(frozen=True)
class InstalledSeal:
    """The seal as installed: image, certificate, trust root; the key stays wrapped until signing."""

    png: bytes
    diameter_mm: float
    certificate: x509.Certificate
    trust_root: x509.Certificate
    installed_at: dt.datetime
    wrapped_key: bytes
    salt: bytes

    @property
    def summary(self) -> CertificateSummary:
        """Return the summary of the bureau's certificate."""
        return summarize(self.certificate)


class SealStore:
    """The instance's seal folder: install a checked seal, read the installed one, make its signer."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def in_instance(cls, instance: Path) -> SealStore:
        """Return the seal folder of an instance (instance/seal/, apart from the archive)."""
        return cls(instance / SEAL_FOLDER)

    @property
    def manifest(self) -> Path:
        """Return the path of the manifest naming the current files."""
        return self.folder / MANIFEST

    def install(self, candidate: SealCandidate, secret: str, installed_at: dt.datetime) -> None:
        """Store the candidate's files and make it the installed seal in one rename.

        Files of the seal installed before are removed once the new manifest is in place.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        salt = secrets.token_bytes(16)
        wrapped = pkcs12.serialize_key_and_certificates(
            name=b"wenshu-seal",
            key=candidate.key,
            cert=candidate.certificate,
            cas=list(candidate.chain) or None,
            encryption_algorithm=BestAvailableEncryption(wrapping_password(secret, salt)),
        )
        files = {
            "image": self._put("seal", ".png", candidate.png),
            "certificate": self._put(
                "certificate", ".pem", candidate.certificate.public_bytes(Encoding.PEM)
            ),
            "trust_root": self._put(
                "trust-root", ".pem", candidate.trust_root.public_bytes(Encoding.PEM)
            ),
            "key": self._put("key", ".p12", wrapped),
        }
        manifest = {
            "installed_at": installed_at.isoformat(),
            "diameter_mm": candidate.diameter_mm,
            "salt": salt.hex(),
            "files": files,
        }
        _write_atomically(
            self.manifest, json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        )
        keep = {MANIFEST, *files.values()}
        for leftover in self.folder.iterdir():
            if leftover.name not in keep:
                leftover.unlink(missing_ok=True)

    def installed(self) -> InstalledSeal | None:
        """Return the installed seal, or None when none was installed.

        Raises SealUnusable when its files are damaged or missing.
        """
        try:
            return self._installed()
        except SealUnusable:
            # An install may have replaced the manifest and removed the old files while they
            # were read: once more, from the manifest now in place.
            return self._installed()

    def _installed(self) -> InstalledSeal | None:
        """Return the seal the manifest names now, read once per change of the manifest."""
        try:
            stamp = _stamp(self.manifest)
            raw = self.manifest.read_bytes()
        except FileNotFoundError:
            return None
        with _cache_lock:
            cached = _installed_cache.get(self.folder)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        seal = self._read(raw)
        with _cache_lock:
            _installed_cache[self.folder] = (stamp, seal)
        return seal

    def _read(self, raw: bytes) -> InstalledSeal:
        """Return the seal the manifest names, its files checked against their names' digests."""
        try:
            manifest: dict[str, Any] = json.loads(raw)
            files: dict[str, str] = manifest["files"]
            data = {role: self._get(name) for role, name in files.items()}
            return InstalledSeal(
                png=data["image"],
                diameter_mm=float(manifest["diameter_mm"]),
                certificate=x509.load_pem_x509_certificate(data["certificate"]),
                trust_root=x509.load_pem_x509_certificate(data["trust_root"]),
                installed_at=dt.datetime.fromisoformat(manifest["installed_at"]),
                wrapped_key=data["key"],
                salt=bytes.fromhex(manifest["salt"]),
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise SealUnusable(
                f"已安装的电子印章文件损坏或缺失（{self.folder}：{error}）："
                "请重新执行 wenshu seal install 安装印章和证书"
            ) from error

    def _put(self, stem: str, suffix: str, data: bytes) -> str:
        """Write one file named by its content's digest; return its name."""
        name = f"{stem}-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
        _write_atomically(self.folder / name, data)
        return name

    def _get(self, name: str) -> bytes:
        """Return a file's bytes, or raise ValueError if they do not match the digest in its name."""
        data = (self.folder / name).read_bytes()
        stem = Path(name).stem
        if not stem.endswith(hashlib.sha256(data).hexdigest()[:16]):
            raise ValueError(f"{name} 的内容与其登记的摘要不符")
        return data


def wrapping_password(secret: str, salt: bytes) -> bytes:
    """Return the password the seal's PKCS#12 is encrypted with: HKDF-SHA256 of the service secret."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=WRAPPING_INFO).derive(
        secret.encode("utf-8")
    )
    return derived.hex().encode("ascii")


_installed_cache: dict[Path, tuple[tuple[int, int, int], InstalledSeal]] = {}
_cache_lock = threading.Lock()


def seal_signer(seal: InstalledSeal, secret: str, tsa_url: str) -> SignerSource:
    """Return what the installed seal's signer is made from, the signer made once in this process.

    Loading the key (PBKDF2 of the PKCS#12, then the key itself) happens once per process,
    not once per document. Raises SealUnusable when the service's secret does not unwrap it.
    """
    source = SignerSource(seal.wrapped_key, wrapping_password(secret, seal.salt), tsa_url)
    try:
        source.signer()
    except ValueError as error:
        raise SealUnusable(
            "电子印章的私钥无法用本服务的密钥解开（WENSHU_SECRET_KEY 或 instance/secret_key "
            "在安装印章后更换过？）：请重新执行 wenshu seal install 安装印章和证书"
        ) from error
    return source


def _stamp(path: Path) -> tuple[int, int, int]:
    """Return what tells a replaced file from the one read before: inode, size and mtime."""
    status = path.stat()
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a file (mode 0600) under a temporary name, flush it to disk, and rename it into place."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)

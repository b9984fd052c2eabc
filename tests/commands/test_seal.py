"""Tests of `wenshu seal install` and `wenshu seal show`: every refusal, the passphrase, the files at rest."""

from __future__ import annotations

import hashlib
import io
import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.serialization import pkcs12
from PIL import Image
from sqlalchemy import select

from service.archive import seals
from service.archive.seals import MANIFEST, SEAL_FOLDER, wrapping_password
from service.commands.cli import main
from service.database.models import AuditEvent
from service.foundations.config import load_settings
from service.foundations.secret import service_secret
from service.services import Wenshu
from tests.pki import (
    BUREAU_NAME,
    PASSPHRASE,
    bureau_pkcs12,
    certificate_der,
    mismatched_pkcs12,
    trust_root_pem,
)
from tests.render.specimen_seal import specimen_seal_png


def instance(tmp_path: Path) -> Path:
    """Return the instance folder the runner fixture points WENSHU_INSTANCE at."""
    return tmp_path / "cli-instance"


def files(tmp_path: Path, p12: bytes | None = None, png: bytes | None = None) -> list[str]:
    """Write the seal, the PKCS#12 and the trust root; return install's arguments for them."""
    (tmp_path / "seal.png").write_bytes(specimen_seal_png() if png is None else png)
    (tmp_path / "key.p12").write_bytes(bureau_pkcs12() if p12 is None else p12)
    (tmp_path / "ca.pem").write_bytes(trust_root_pem())
    return [
        "seal", "install", str(tmp_path / "seal.png"), str(tmp_path / "key.p12"),
        "--trust-root", str(tmp_path / "ca.pem"),
    ]  # fmt: skip


def install(runner: CliRunner, arguments: list[str], passphrase: str = PASSPHRASE) -> Result:
    """Run install with the passphrase in WENSHU_SEAL_PASSPHRASE."""
    return runner.invoke(main, arguments, env={"WENSHU_SEAL_PASSPHRASE": passphrase})


def seal_events(tmp_path: Path) -> list[AuditEvent]:
    """Return the instance's seal_install audit entries."""
    services = Wenshu.open(load_settings({"instance_path": instance(tmp_path)}))
    try:
        with services.database.session() as session:
            return list(
                session.scalars(select(AuditEvent).where(AuditEvent.action == "seal_install"))
            )
    finally:
        services.close()


def test_install_then_show(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that install takes the passphrase from the environment, prints the certificate, records it, and show prints it again."""
    result = install(runner, files(tmp_path))
    assert result.exit_code == 0, result.output
    assert f"CN={BUREAU_NAME}" in result.output
    shown = runner.invoke(main, ["seal", "show"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0].startswith("主体：CN=岳阳市君山区史志档案局")
    assert lines[1].startswith("签发者：CN=岳阳市电子政务测试根证书")
    assert lines[2] == "序列号：1001"
    assert lines[3] == "有效期：2024-01-01 00:00:00 至 2050-01-01 00:00:00 (UTC)"
    fingerprint = lines[4].removeprefix("SHA-256 指纹：")
    assert fingerprint == hashlib.sha256(certificate_der("bureau")).hexdigest()
    [event] = seal_events(tmp_path)
    assert event.actor == "cli"
    assert event.details["sha256"] == fingerprint
    assert event.details["serial"] == "1001"
    assert event.details["not_after"].startswith("2050-01-01")
    assert event.subject.startswith("CN=岳阳市君山区史志档案局")


def test_passphrase_is_prompted_without_the_variable(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that without WENSHU_SEAL_PASSPHRASE the passphrase is asked for, hidden, and used."""
    result = runner.invoke(main, files(tmp_path), input=f"{PASSPHRASE}\n")
    assert result.exit_code == 0, result.output
    assert "证书口令" in result.stderr
    assert PASSPHRASE not in result.output  # typed, not echoed
    assert runner.invoke(main, ["seal", "show"]).exit_code == 0


def test_show_without_seal(runner: CliRunner) -> None:
    """This test ensures that show exits 1 and says how to install when no seal is installed."""
    result = runner.invoke(main, ["seal", "show"])
    assert result.exit_code == 1
    assert "尚未安装电子印章" in result.stderr
    assert "wenshu seal install" in result.stderr


def opaque_png() -> bytes:
    """Return a PNG of the seal on a white ground: no transparent pixel."""
    image = Image.open(io.BytesIO(specimen_seal_png())).convert("RGBA")
    ground = Image.new("RGBA", image.size, (255, 255, 255, 255))
    ground.alpha_composite(image)
    out = io.BytesIO()
    ground.convert("RGB").save(out, format="PNG")
    return out.getvalue()


def jpeg() -> bytes:
    """Return the seal as a JPEG."""
    out = io.BytesIO()
    Image.open(io.BytesIO(opaque_png())).save(out, format="JPEG")
    return out.getvalue()


REFUSALS = {
    "not a PNG": ({"png": jpeg()}, [], PASSPHRASE, "不是 PNG 文件"),
    "no transparency": ({"png": opaque_png()}, [], PASSPHRASE, "没有透明背景"),
    "wrong passphrase": ({}, [], "not-the-passphrase", "口令不对"),
    "expired": ({"p12": bureau_pkcs12("bureau-expired")}, [], PASSPHRASE, "已于 2021-01-01"),
    "not yet valid": ({"p12": bureau_pkcs12("bureau-future")}, [], PASSPHRASE, "尚未生效"),
    "key and certificate differ": ({"p12": mismatched_pkcs12()}, [], PASSPHRASE, "不匹配"),
    "another trust root": (
        {"p12": bureau_pkcs12("other-bureau", arch="other")}, [], PASSPHRASE, "不能链接到信任根",
    ),
    "no digital signature": (
        {"p12": bureau_pkcs12("bureau-no-signing")}, [], PASSPHRASE, "不含数字签名",
    ),
    "no trust root given": ({}, ["--no-root"], PASSPHRASE, "--trust-root"),
    "diameter out of range": ({}, ["--diameter-mm", "5"], PASSPHRASE, "印章直径 5 毫米"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_install_refusals(runner: CliRunner, tmp_path: Path, case: str) -> None:
    """This test ensures that each defect of the seal, key or certificate is refused with exit 2 and a Chinese reason, leaving nothing installed or recorded."""
    overrides, extra, passphrase, expected = REFUSALS[case]
    arguments = files(tmp_path, **overrides)
    if extra == ["--no-root"]:
        arguments = arguments[:-2]
    else:
        arguments += extra
    result = install(runner, arguments, passphrase)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("seal: ")
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert not (instance(tmp_path) / SEAL_FOLDER / MANIFEST).exists()
    assert seal_events(tmp_path) == []


def test_self_signed_certificate_needs_no_trust_root(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a self-signed certificate of the bureau installs without --trust-root and is its own trust root."""
    arguments = files(tmp_path, p12=bureau_pkcs12("self-signed", arch="self-signed"))[:-2]
    result = install(runner, arguments)
    assert result.exit_code == 0, result.output
    folder = instance(tmp_path) / SEAL_FOLDER
    manifest = json.loads((folder / MANIFEST).read_text())
    root = (folder / manifest["files"]["trust_root"]).read_bytes()
    assert root.replace(b"\r", b"") == (
        folder / manifest["files"]["certificate"]
    ).read_bytes().replace(b"\r", b"")


def test_missing_file_is_named(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that an unreadable file is named with exit 2, not a traceback."""
    arguments = files(tmp_path)
    arguments[3] = str(tmp_path / "nowhere.p12")
    result = install(runner, arguments)
    assert result.exit_code == 2
    assert "无法读取证书文件" in result.stderr and "nowhere.p12" in result.stderr


def test_key_at_rest_does_not_open_without_the_service_secret(
    runner: CliRunner, tmp_path: Path
) -> None:
    """This test ensures that the stored key is not the operator's PKCS#12: neither its passphrase nor none opens it, only the service's secret does."""
    assert install(runner, files(tmp_path)).exit_code == 0
    folder = instance(tmp_path) / SEAL_FOLDER
    manifest = json.loads((folder / MANIFEST).read_text())
    stored = (folder / manifest["files"]["key"]).read_bytes()
    assert stored != bureau_pkcs12()
    for wrong in (PASSPHRASE.encode(), None, b""):
        with pytest.raises(ValueError):
            pkcs12.load_key_and_certificates(stored, wrong)
    secret = service_secret(load_settings({"instance_path": instance(tmp_path)}))
    password = wrapping_password(secret, bytes.fromhex(manifest["salt"]))
    key, certificate, _ = pkcs12.load_key_and_certificates(stored, password)
    assert key is not None and certificate is not None
    # Another instance's secret does not open it either.
    other = wrapping_password("another-instance-secret", bytes.fromhex(manifest["salt"]))
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(stored, other)


def test_files_live_in_the_instance_readable_by_the_owner_alone(
    runner: CliRunner, tmp_path: Path
) -> None:
    """This test ensures that the seal's files are in instance/seal (not the archive), mode 0600 in a 0700 folder, and a second install replaces the first's."""
    assert install(runner, files(tmp_path)).exit_code == 0
    folder = instance(tmp_path) / SEAL_FOLDER
    first = {p.name for p in folder.iterdir()}
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    assert not any((instance(tmp_path) / "archive").rglob("*.p12"))
    assert install(runner, [*files(tmp_path), "--diameter-mm", "40"]).exit_code == 0
    second = {p.name for p in folder.iterdir()}
    assert len(second) == 5 and second != first  # a new key file (new salt); the rest removed
    assert json.loads((folder / MANIFEST).read_text())["diameter_mm"] == 40
    assert len(seal_events(tmp_path)) == 2


def test_damaged_seal_files_are_reported(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a stored seal file changed on disk is found by its digest: show exits 1 saying to install again."""
    assert install(runner, files(tmp_path)).exit_code == 0
    folder = instance(tmp_path) / SEAL_FOLDER
    manifest = json.loads((folder / MANIFEST).read_text())
    certificate = folder / manifest["files"]["certificate"]
    certificate.write_bytes(certificate_der("other-bureau", "other"))
    seals._installed_cache.clear()  # as a new process would find it
    result = runner.invoke(main, ["seal", "show"])
    assert result.exit_code == 1
    assert "损坏或缺失" in result.stderr and "wenshu seal install" in result.stderr

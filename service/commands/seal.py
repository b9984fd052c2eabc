"""The `wenshu seal` commands: install the bureau's seal and signing certificate, show what is installed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from service.acts.seal_install import install_seal, installed_seal
from service.archive.sealchecks import SealRefused
from service.archive.seals import CertificateSummary, SealUnusable
from service.commands.common import EXIT_INVALID, opened

PASSPHRASE_VARIABLE = "WENSHU_SEAL_PASSPHRASE"
EXIT_NONE = 1  # nothing installed, or the installed seal cannot be read


@click.group()
def seal() -> None:
    """The bureau's electronic seal: its image, signing certificate and key."""


@seal.command("install")
@click.argument("seal_png", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("key_p12", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--trust-root", type=click.Path(path_type=Path, dir_okay=False),
    help="本局配置的信任根证书（PEM）；证书为自签名时可省略",
)  # fmt: skip
@click.option(
    "--diameter-mm", type=float, default=42.0, show_default=True, help="印章的印刷直径（毫米）"
)
@click.option("--as", "actor", default="cli", show_default=True, help="安装人")
def install_command(
    seal_png: Path, key_p12: Path, trust_root: Path | None, diameter_mm: float, actor: str
) -> None:
    """Install the seal image (PNG with transparency) and the PKCS#12 of the signing key.

    The passphrase is taken from WENSHU_SEAL_PASSPHRASE, or asked for (not shown). The key
    is kept encrypted under the service's own secret; sealed documents issued from now on
    are stamped and signed. Exit 2, nothing installed, when a check fails.
    """
    png, bundle = _read(seal_png, "印章图像"), _read(key_p12, "证书文件")
    root = _read(trust_root, "信任根证书") if trust_root is not None else None
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    if passphrase is None:
        passphrase = click.prompt("证书口令", hide_input=True, err=True)
    try:
        with opened() as wenshu:
            installed = install_seal(wenshu, png, bundle, passphrase, root, diameter_mm, actor)
    except SealRefused as refused:
        click.echo(f"seal: {refused}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"已安装电子印章（直径 {installed.diameter_mm:g} 毫米）")
    _show(installed.summary)


@seal.command("show")
def show_command() -> None:
    """Print the installed certificate: subject, issuer, serial, validity and fingerprint.

    Exit 1 when no seal is installed or its files cannot be read.
    """
    try:
        with opened() as wenshu:
            installed = installed_seal(wenshu)
    except SealUnusable as error:
        click.echo(f"seal: {error}", err=True)
        sys.exit(EXIT_NONE)
    if installed is None:
        click.echo(
            "seal: 尚未安装电子印章：请执行 wenshu seal install SEAL.png KEY.p12 --trust-root CA.pem",
            err=True,
        )
        sys.exit(EXIT_NONE)
    _show(installed.summary)


def _show(summary: CertificateSummary) -> None:
    """Print a certificate's summary, one labelled line each."""
    click.echo(f"主体：{summary.subject}")
    click.echo(f"签发者：{summary.issuer}")
    click.echo(f"序列号：{summary.serial}")
    click.echo(
        f"有效期：{summary.not_before:%Y-%m-%d %H:%M:%S} 至 {summary.not_after:%Y-%m-%d %H:%M:%S} (UTC)"
    )
    click.echo(f"SHA-256 指纹：{summary.sha256}")


def _read(path: Path, what: str) -> bytes:
    """Return a file's bytes, or exit 2 saying which file could not be read and why."""
    try:
        return path.read_bytes()
    except OSError as error:
        click.echo(f"seal: 无法读取{what} {path}：{error.strerror or error}", err=True)
        sys.exit(EXIT_INVALID)

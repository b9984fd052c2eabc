"""Tests of the administrator's seal page: the installed seal and certificate, or how to install one."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from flask import Flask

from service.acts.seal_install import install_seal
from tests.conftest import signed_in
from tests.pki import PASSPHRASE, bureau_pkcs12, certificate_der, trust_root_pem
from tests.render.specimen_seal import specimen_seal_png
from tests.web.clock import clocked


def install(app: Flask) -> None:
    """Install the specimen seal and the test bureau's certificate in the app's instance."""
    install_seal(
        app.extensions["wenshu"], specimen_seal_png(), bureau_pkcs12(), PASSPHRASE,
        trust_root_pem(), 42.0, "测试管理员",
    )  # fmt: skip


def test_page_without_seal_says_how_to_install(app: Flask) -> None:
    """This test ensures that with no seal installed the page says so and gives the install command."""
    page = signed_in(app, "admin").get("/admin/seal")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "尚未安装电子印章" in text
    assert "wenshu seal install SEAL.png KEY.p12 --trust-root CA.pem" in text
    assert signed_in(app, "admin").get("/admin/seal.png").status_code == 404


def test_page_shows_the_installed_seal_and_certificate(app: Flask) -> None:
    """This test ensures that the page shows the seal image and the certificate's subject, issuer, serial, validity and fingerprint."""
    install(app)
    client = signed_in(app, "admin")
    text = client.get("/admin/seal").get_data(as_text=True)
    assert "尚未安装" not in text
    assert "CN=岳阳市君山区史志档案局, O=岳阳市君山区史志档案局" in text
    assert "CN=岳阳市电子政务测试根证书" in text
    assert "<code>1001</code>" in text
    assert "2024-01-01 08:00 至 2050-01-01 08:00" in text  # the bureau's time, UTC+8
    fingerprint = hashlib.sha256(certificate_der("bureau")).hexdigest()
    assert " ".join(fingerprint[i : i + 4] for i in range(0, 64, 4)) in text
    assert "证书将于" not in text and "证书已于" not in text
    image = client.get("/admin/seal.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data == specimen_seal_png()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2049, 12, 15, 12, tzinfo=dt.UTC), "证书将于 2050-01-01 到期（还剩 17 天）"),
        (dt.datetime(2050, 1, 2, tzinfo=dt.UTC), "证书已于 2050-01-01 过期"),
    ],
)
def test_page_warns_of_expiry(app: Flask, moment: dt.datetime, expected: str) -> None:
    """This test ensures that a certificate ending within 30 days, or ended, is shown with a warning to renew it."""
    install(app)
    clocked(app).now = moment  # before signing in: a jump would end the session
    client = signed_in(app, "admin")
    text = client.get("/admin/seal").get_data(as_text=True)
    assert expected in text
    assert "wenshu seal install" in text


def test_no_warning_31_days_before_expiry(app: Flask) -> None:
    """This test ensures that 31 days before the end the page gives no warning yet."""
    install(app)
    clocked(app).now = dt.datetime(2049, 12, 1, tzinfo=dt.UTC)
    client = signed_in(app, "admin")
    assert "证书将于" not in client.get("/admin/seal").get_data(as_text=True)


@pytest.mark.parametrize("role", ["clerk", "maintainer"])
def test_only_administrators_see_the_seal(app: Flask, role: str) -> None:
    """This test ensures that clerks and maintainers are refused the seal page and its image."""
    install(app)
    client = signed_in(app, role)
    assert client.get("/admin/seal").status_code == 403
    assert client.get("/admin/seal.png").status_code == 403


def test_install_is_listed_in_the_audit_chain(app: Flask) -> None:
    """This test ensures that the seal's installation is listed by name among the audit entries, and on its own under 电子印章."""
    install(app)
    client = signed_in(app, "admin")
    text = client.get("/archive?audit=seal").get_data(as_text=True)
    assert "安装电子印章" in text
    assert "CN=岳阳市君山区史志档案局" in text
    assert 'href="/admin/seal"' in client.get("/admin/users").get_data(as_text=True)

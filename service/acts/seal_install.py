"""Installing the bureau's seal and signing certificate: checked, stored with its key wrapped, audited."""

from __future__ import annotations

import datetime as dt

from service.archive.audit import record_event
from service.archive.sealchecks import check_seal
from service.archive.seals import InstalledSeal, SealStore, summarize
from service.foundations.secret import service_secret
from service.services import Wenshu

INSTALL_ACTION = "seal_install"


def install_seal(
    wenshu: Wenshu,
    png: bytes,
    pkcs12_data: bytes,
    passphrase: str,
    trust_root_pem: bytes | None,
    diameter_mm: float,
    actor: str,
    now: dt.datetime | None = None,
) -> InstalledSeal:
    """Return the seal installed in place of any before it, after every check of an install.

    Raises SealRefused (service.archive.sealchecks) naming the first problem: the image, the
    passphrase, the key and certificate, their validity, key usage and chain to the trust root.
    The audit entry and the switch to the new seal are one step: if the files cannot be
    written, no entry is kept.
    """
    moment = now or dt.datetime.now(dt.UTC)
    settings = wenshu.settings
    candidate = check_seal(
        png, pkcs12_data, passphrase, trust_root_pem, diameter_mm, settings.bureau.name, moment
    )
    certificate = summarize(candidate.certificate)
    root = summarize(candidate.trust_root)
    store = seal_store(wenshu)
    with wenshu.database.session() as session:
        record_event(
            session, INSTALL_ACTION, actor, certificate.subject,
            {**certificate.to_json(), "diameter_mm": diameter_mm,
             "trust_root": root.subject, "trust_root_sha256": root.sha256},
        )  # fmt: skip
        store.install(candidate, service_secret(settings), moment)
    installed = store.installed()
    if installed is None:  # the manifest was just written
        raise RuntimeError(f"the seal installed in {store.folder} cannot be read back")
    return installed


def installed_seal(wenshu: Wenshu) -> InstalledSeal | None:
    """Return the installed seal, or None; raise SealUnusable when its files are damaged."""
    return seal_store(wenshu).installed()


def seal_store(wenshu: Wenshu) -> SealStore:
    """Return the instance's seal folder."""
    return SealStore.in_instance(wenshu.settings.instance_path)

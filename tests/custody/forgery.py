"""Helpers of the signature tests: the specimen seal installed, and a forger's rewrite of an archived file."""

from __future__ import annotations

import io
from collections.abc import Callable

import pikepdf
from sqlalchemy import text

from service.acts.seal_install import install_seal
from service.archive.store import fixity_of
from service.database.models import Document
from service.services import Wenshu
from tests.pki import PASSPHRASE, bureau_pkcs12, trust_root_pem
from tests.render.specimen_seal import specimen_seal_png


def install(wenshu: Wenshu) -> None:
    """Install the specimen seal with the test bureau's certificate and trust root."""
    install_seal(
        wenshu, specimen_seal_png(), bureau_pkcs12(), PASSPHRASE, trust_root_pem(), 42.0, "管理员"
    )


def forge(wenshu: Wenshu, document: Document, change: Callable[[bytes], bytes]) -> None:
    """Replace a document's archived file by a changed one and record its fixity, as a forger would."""
    path = wenshu.archive.absolute(document.pdf_path)
    data = change(path.read_bytes())
    path.write_bytes(data)
    fixity = fixity_of(data)
    with wenshu.database.engine.begin() as connection:
        connection.execute(
            text("UPDATE documents SET sha256 = :sha256, sm3 = :sm3, size = :size WHERE id = :id"),
            {"sha256": fixity.sha256, "sm3": fixity.sm3, "size": fixity.size, "id": document.id},
        )


def strip_signature(data: bytes) -> bytes:
    """Return the PDF saved again without its signature field (the seal image stays)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        del pdf.Root.AcroForm
        for page in pdf.pages:
            if "/Annots" in page:
                kept = [a for a in page.Annots if a.get("/FT") != pikepdf.Name.Sig]
                page.Annots = pikepdf.Array(kept)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()

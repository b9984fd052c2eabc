"""Candidate templates: uploaded bytes checked by lint and kept by SHA-256 until someone publishes them."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.archive.templates import TemplateStore
from service.database.models import TemplateVersion
from service.foundations.shipped import SAMPLES
from service.instruments.registry import get_instrument
from service.layouts.lint import LintReport, lint_template, read_sample
from service.layouts.versions import TemplateRefused

SHA256 = re.compile(r"[0-9a-f]{64}")
log = logging.getLogger(__name__)


def check_candidate(kind: str, data: bytes) -> LintReport:
    """Return lint's report on template bytes for a kind, tried with the kind's sample facts.

    Lint stops at what it knows to be hostile; a file broken in some other way (a ZIP whose
    members fail their CRC, a package python-docx cannot open) must still come back as a
    refusal the maintainer can read, never as a server error.
    """
    instrument = get_instrument(kind)
    try:
        return lint_template(data, instrument, read_sample(kind, SAMPLES))
    except Exception as error:  # any failure to read an upload is a refusal, never a 500
        log.info("template upload for %s unreadable: %r", kind, error)
        report = LintReport()
        report.add("error", "文件", f"文件已损坏，无法读取（{type(error).__name__}）",
                   "请在 Word 或 LibreOffice 中打开模板，另存为“Word 文档（*.docx）”后重新上传")  # fmt: skip
        return report


def keep_candidate(store: TemplateStore, kind: str, data: bytes) -> tuple[str, LintReport]:
    """Lint a candidate and keep it in the template store; return its SHA-256 and the report.

    Raises TemplateRefused, storing nothing, when lint finds an error.
    """
    report = check_candidate(kind, data)
    if report.errors:
        raise TemplateRefused(report)
    sha256, _relative = store.put(data)
    return sha256, report


def load_candidate(store: TemplateStore, sha256: str) -> bytes:
    """Return the bytes kept under a SHA-256; raise LookupError when there are none."""
    if not SHA256.fullmatch(sha256):
        raise LookupError("not a SHA-256")
    try:
        # TemplateStore.put keeps every file as <sha256>.docx at the store's root.
        return store.read(f"{sha256}.docx", sha256)
    except FileNotFoundError:
        raise LookupError(f"no template {sha256}") from None


def version_with_sha(session: Session, kind: str, sha256: str) -> int | None:
    """Return the number of a kind's version with exactly these bytes, if one exists."""
    return session.scalar(
        select(TemplateVersion.version)
        .where(TemplateVersion.kind == kind, TemplateVersion.sha256 == sha256)
        .order_by(TemplateVersion.version.desc())
        .limit(1)
    )

"""Template versions: the shipped templates become version 1; exactly one version is active per kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.archive.audit import record_event
from service.archive.templates import TemplateStore, refused_version
from service.database.models import TemplateVersion
from service.instruments.registry import INSTRUMENTS, get_instrument
from service.layouts.externals import report_outside_references
from service.layouts.lint import LintReport, lint_template
from service.render.ooxml.outside_references import find_outside_references, summary


def install_shipped_templates(session: Session, store: TemplateStore, shipped: Path) -> list[str]:
    """Record templates_docx/<kind>.docx as version 1 of each kind that has no version yet."""
    installed = []
    for kind in INSTRUMENTS:
        exists = session.scalar(select(TemplateVersion.id).where(TemplateVersion.kind == kind))
        source = shipped / f"{kind}.docx"
        if exists is not None or not source.exists():
            continue  # a kind without a shipped template cannot be issued until one is published
        data = source.read_bytes()
        sha256, relative = store.put(data)
        session.add(
            TemplateVersion(
                kind=kind, version=1, sha256=sha256, path=relative, content=data, active=True,
                published_by="system", note="随系统提供的第1版",
            )
        )  # fmt: skip
        installed.append(kind)
    return installed


class TemplateRefused(ValueError):
    """Raised when a template version cannot be published; report holds lint's findings."""

    def __init__(self, report: LintReport) -> None:
        super().__init__("；".join(problem.line() for problem in report.errors))
        self.report = report


def refuse_outside_references(data: bytes) -> None:
    """Raise TemplateRefused when template bytes reach outside the document, as lint would."""
    report = LintReport()
    report_outside_references(data, report)
    if report.errors:
        raise TemplateRefused(report)


def publish_version(
    session: Session,
    store: TemplateStore,
    kind: str,
    data: bytes,
    sample: dict[str, Any],
    published_by: str,
    note: str = "",
    activate: bool = True,
) -> tuple[TemplateVersion, LintReport]:
    """Lint a template and record it as the kind's next version; raise TemplateRefused on errors."""
    instrument = get_instrument(kind)
    report = lint_template(data, instrument, sample)
    if report.errors:
        raise TemplateRefused(report)
    sha256, relative = store.put(data)
    _lock_kind(session, kind)
    latest = session.scalar(
        select(func.max(TemplateVersion.version)).where(TemplateVersion.kind == kind)
    )
    version = TemplateVersion(
        kind=kind, version=(latest or 0) + 1, sha256=sha256, path=relative, content=data,
        active=False, published_by=published_by, note=note,
    )  # fmt: skip
    session.add(version)
    session.flush()
    if activate:
        _make_active(session, kind, version.version)
    # Recorded after the rows are written, so that the audit chain's lock is always taken last.
    record_event(
        session, "template_publish", published_by, f"{kind} v{version.version}",
        {"kind": kind, "version": version.version, "sha256": sha256, "note": note},
    )  # fmt: skip
    if activate:
        _record_activation(session, version, published_by)
    return version, report


def activate_version(
    session: Session, kind: str, number: int, by: str = "system"
) -> TemplateVersion:
    """Make one version of a kind the active one (rolling back is activating an earlier one).

    Raises LookupError when there is no such version, VersionRefused when it reaches outside.
    """
    target = _make_active(session, kind, number)
    _record_activation(session, target, by)
    return target


def _record_activation(session: Session, version: TemplateVersion, by: str) -> None:
    """Record in the audit chain that a version became the active one."""
    record_event(
        session, "template_activate", by, f"{version.kind} v{version.version}",
        {"kind": version.kind, "version": version.version, "sha256": version.sha256},
    )  # fmt: skip


def _lock_kind(session: Session, kind: str) -> None:
    """Lock the rows of a kind's versions until commit, first waiting for a writer holding them.

    Publishing and activating both lock first, so that one racing another waits and then
    reads what the other wrote: the later one's choice becomes the active version, and a
    publish numbers after a version published meanwhile. (PostgreSQL; on SQLite, writers
    already take turns.)
    """
    session.execute(
        select(TemplateVersion.id)
        .where(TemplateVersion.kind == kind)
        .order_by(TemplateVersion.id)
        .with_for_update()
    )


def _make_active(session: Session, kind: str, number: int) -> TemplateVersion:
    """Return the version after making it the only active one of its kind (written at once)."""
    _lock_kind(session, kind)
    target = session.scalar(
        select(TemplateVersion).where(
            TemplateVersion.kind == kind, TemplateVersion.version == number
        )
    )
    if target is None:
        raise LookupError(f"{kind} 没有第{number}版模板")
    # The stored bytes themselves: a version recorded before outside references were refused
    # may still hold one, and an active version is rendered.
    reason = summary(find_outside_references(target.content)) if target.content else ""
    if reason:
        raise refused_version(target, reason)
    # The database holds at most one active row per kind at every moment, so the old one is
    # cleared and written before the new one is set.
    session.execute(
        update(TemplateVersion)
        .where(
            TemplateVersion.kind == kind, TemplateVersion.active, TemplateVersion.id != target.id
        )
        .values(active=False)
    )
    target.active = True
    session.flush()
    return target

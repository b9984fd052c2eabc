"""Stored template versions that reach outside the document: found when the service starts, shown refused.

Versions published before lint refused outside references may hold one (a linked picture,
an INCLUDETEXT field). Every start of the web service, of a batch worker and of a command
checks every stored version again. A version found is never rendered: active_template and
template_of refuse it (versions.VersionRefused), activating it is refused, the templates
page marks it 已停用 with the reason, the log says so at every start, and the audit chain
records it once. Nothing is changed in the database: whether a version reaches outside
follows from its bytes alone, so every machine reaches the same answer on its own.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.archive.audit import record_event
from service.archive.templates import TemplateStore, list_versions
from service.database.models import AuditEvent, TemplateVersion
from service.render.fill.docx import TemplateProblem

log = logging.getLogger(__name__)
REFUSE_ACTION = "template_refuse"


def recheck_stored_versions(session: Session, store: TemplateStore) -> list[TemplateVersion]:
    """Check every stored version for outside references; log and audit the ones refused; return them."""
    refused = []
    for version, reason in refusals(session, store):
        refused.append(version)
        subject = f"{version.kind} v{version.version}"
        log.warning("template %s refused, it reaches outside the document: %s", subject, reason)
        if version.active:
            log.error(
                "%s cannot be issued until another template version is activated", version.kind
            )
        if not _recorded(session, subject):
            record_event(
                session, REFUSE_ACTION, "system", subject,
                {"kind": version.kind, "version": version.version, "sha256": version.sha256,
                 "reason": reason},
            )  # fmt: skip
    return refused


def refusals(
    session: Session, store: TemplateStore, kind: str | None = None
) -> list[tuple[TemplateVersion, str]]:
    """Return the stored versions (of one kind, or all) that are refused, each with the reason."""
    found = []
    for version in list_versions(session, kind):
        try:
            reason = store.refusal(version)
        except TemplateProblem as problem:  # missing or altered bytes: rendering says so itself
            log.error(
                "template %s v%s cannot be checked: %s", version.kind, version.version, problem
            )
            continue
        if reason:
            found.append((version, reason))
    return found


def _recorded(session: Session, subject: str) -> bool:
    """Return whether the audit chain already records the refusal of this version."""
    return (
        session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.action == REFUSE_ACTION, AuditEvent.subject == subject)
            .limit(1)
        )
        is not None
    )

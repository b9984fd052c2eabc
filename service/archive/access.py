"""Access by 密级: which roles may see a document of each classification (policy classified_roles)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from service.accounts.users import ROLES
from service.database.models import Document, User

EVERYONE = frozenset(ROLES)
ADMIN_ONLY = frozenset({"admin"})
# DA/T 46 密级 and who sees them unless wenshu.toml's [policy.classified_roles] says otherwise.
DEFAULT_CLASSIFIED_ROLES: dict[str, frozenset[str]] = {
    "公开": EVERYONE,
    "内部": EVERYONE,
    "秘密": ADMIN_ONLY,
    "机密": ADMIN_ONLY,
    "绝密": ADMIN_ONLY,
}
# The 密级 a reader may see, or None for a reader who sees every document.
Visibility = frozenset[str] | None


def classified_roles(policy: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Return classification → roles allowed: the defaults, overridden by the bureau's policy."""
    configured = policy.get("classified_roles", {})
    roles = dict(DEFAULT_CLASSIFIED_ROLES)
    roles.update({name: frozenset(allowed) for name, allowed in configured.items()})
    return roles


def may_see(role: str, classification: str, policy: Mapping[str, Any]) -> bool:
    """Return whether a role may see a document of this 密级; an unknown 密级 is for admins only."""
    return role in classified_roles(policy).get(classification, ADMIN_ONLY)


def visible_classifications(role: str, policy: Mapping[str, Any]) -> Visibility:
    """Return the 密级 a role may see, or None when it may see every document."""
    roles = classified_roles(policy)
    visible = frozenset(name for name, allowed in roles.items() if role in allowed)
    # Seeing every known 密级 and the unknown ones too (admins) means no restriction.
    if visible == frozenset(roles) and role in ADMIN_ONLY:
        return None
    return visible


def shown(classifications: Visibility) -> ColumnElement[bool]:
    """Return the SQL condition that a document's 密级 is one the reader may see."""
    if classifications is None:
        return true()
    return Document.classification.in_(classifications)


def issuer_classifications(
    session: Session, username: str, policy: Mapping[str, Any]
) -> Visibility:
    """Return what the account of this name may see; None for a name that is no account.

    Work done later on someone's behalf (a batch job on a worker) reads the archive as its
    issuer would. A name that is no account is the command line's operator (`--as cli`),
    who reads the database directly anyway and so is not restricted.
    """
    role = session.scalar(select(User.role).where(User.username == username))
    return None if role is None else visible_classifications(role, policy)


@dataclass(frozen=True)
class Hidden:
    """The documents a reader may not see, by 文号 and by archived file, to leave them out of reports."""

    numbers: frozenset[str]
    paths: frozenset[str]

    def mentioned_in(self, *texts: str) -> bool:
        """Return whether any of the texts names a hidden 文号 or file."""
        names = self.numbers | self.paths
        return any(name in text for text in texts if text for name in names)


def hidden_from(session: Session, classifications: Visibility) -> Hidden:
    """Return the documents whose 密级 the reader may not see (none for an unrestricted reader)."""
    if classifications is None:
        return Hidden(frozenset(), frozenset())
    rows = session.execute(
        select(Document.number, Document.pdf_path, Document.ofd_path).where(
            Document.classification.not_in(classifications)
        )
    ).all()
    paths = frozenset(path for _, pdf, ofd in rows for path in (pdf, ofd) if path)
    return Hidden(frozenset(n for n, _, _ in rows), paths)

"""Access by 密级: which roles may see a document of each classification (policy classified_roles)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.accounts import ROLES

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


def classified_roles(policy: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Return classification → roles allowed: the defaults, overridden by the bureau's policy."""
    configured = policy.get("classified_roles", {})
    roles = dict(DEFAULT_CLASSIFIED_ROLES)
    roles.update({name: frozenset(allowed) for name, allowed in configured.items()})
    return roles


def may_see(role: str, classification: str, policy: Mapping[str, Any]) -> bool:
    """Return whether a role may see a document of this 密级; an unknown 密级 is for admins only."""
    return role in classified_roles(policy).get(classification, ADMIN_ONLY)


def visible_classifications(role: str, policy: Mapping[str, Any]) -> frozenset[str] | None:
    """Return the 密级 a role may see, or None when it may see every document."""
    roles = classified_roles(policy)
    visible = frozenset(name for name, allowed in roles.items() if role in allowed)
    # Seeing every known 密级 and the unknown ones too (admins) means no restriction.
    if visible == frozenset(roles) and role in ADMIN_ONLY:
        return None
    return visible

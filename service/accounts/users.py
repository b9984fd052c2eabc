"""Accounts: users with roles, hashed passwords, and API tokens of which only a hash is kept."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from service.accounts.sessions import end_user_sessions
from service.database.models import ApiToken, User
from service.foundations.plaintext import unprintable

ROLES = {"clerk": "办事员", "head": "负责人", "maintainer": "模板维护人员", "admin": "管理员"}
# What each role may do; an administrator may do everything but approve.
ISSUE = frozenset({"clerk", "head", "admin"})
# Approving 立案, penalty decisions and extensions is the 负责人's alone (行政处罚法 第五十七条):
# an administrator runs the service, not its cases.
APPROVE = frozenset({"head"})
MAINTAIN_TEMPLATES = frozenset({"maintainer", "admin"})
ADMINISTER = frozenset({"admin"})
MIN_PASSWORD = 8
NAME_LENGTH = 60  # the users table's full_name and title columns


class AccountError(ValueError):
    """Raised for a user or token that cannot be created as asked."""


@dataclass(frozen=True)
class Account:
    """A signed-in user as the rest of the service sees it."""

    id: int
    username: str
    role: str
    full_name: str = ""
    title: str = ""

    @property
    def name(self) -> str:
        """Return the person's name as pages and documents show it; the login until one is set."""
        return self.full_name or self.username

    @property
    def role_title(self) -> str:
        """Return the role's Chinese name."""
        return ROLES[self.role]

    def may(self, roles: frozenset[str]) -> bool:
        """Return whether the account's role is among roles."""
        return self.role in roles


def _account(user: User) -> Account:
    """Return the account view of a user row."""
    return Account(user.id, user.username, user.role, user.full_name or "", user.title or "")


def hashed_password(password: str) -> str:
    """Return the hash kept for a password (scrypt, with its parameters and salt)."""
    return generate_password_hash(password)


def check_password(password: str) -> None:
    """Raise AccountError for a password the service does not accept."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少{MIN_PASSWORD}个字符")


def checked_person(full_name: str, title: str) -> tuple[str, str]:
    """Return a person's name and title trimmed; raise AccountError for one too long or unprintable."""
    checked = []
    for label, value in (("姓名", full_name), ("职务", title)):
        value = value.strip()
        if len(value) > NAME_LENGTH:
            raise AccountError(f"{label}最长{NAME_LENGTH}个字符")
        problem = unprintable(value)
        if problem:
            raise AccountError(f"{label}中{problem}")
        checked.append(value)
    return checked[0], checked[1]


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    title: str = "",
) -> Account:
    """Create a user with a hashed password; raise AccountError for a bad name, role or password.

    full_name is what documents print as 经办人 and pages show; without it, the login is shown.
    """
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AccountError("用户名不能为空、不能含空格，最长64个字符")
    problem = unprintable(username)
    if problem:
        raise AccountError(f"用户名中{problem}")
    if role not in ROLES:
        raise AccountError(f"角色只能是：{'、'.join(ROLES)}")
    check_password(password)
    full_name, title = checked_person(full_name, title)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"用户 {username} 已存在")
    user = User(
        username=username,
        password_hash=hashed_password(password),
        role=role,
        full_name=full_name,
        title=title,
    )
    session.add(user)
    session.flush()
    return _account(user)


def authenticate(session: Session, username: str, password: str) -> Account | None:
    """Return the account if the username and password match an active user.

    The password is checked against a hash in every case, a dummy one for an unknown user, so
    that an unknown or disabled user's refusal takes as long as a wrong password's.
    """
    user = session.scalar(select(User).where(User.username == username.strip()))
    matches = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not user.active or not matches:
        return None
    return _account(user)


@cache
def _dummy_hash() -> str:
    """Return a hash made as every user's is, of a password nobody has (checked for unknown users)."""
    return generate_password_hash(secrets.token_urlsafe(32))


def load_account(session: Session, user_id: int) -> Account | None:
    """Return the active account with this id."""
    user = session.get(User, user_id)
    return _account(user) if user is not None and user.active else None


def create_token(session: Session, username: str) -> str:
    """Create an API token for a user and return it; only its SHA-256 is stored."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise AccountError(f"没有启用的用户 {username}")
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=hashlib.sha256(token.encode()).hexdigest()))
    return token


def account_for_token(session: Session, token: str) -> Account | None:
    """Return the account a bearer token belongs to, if the token is valid."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_sha256 == digest, ApiToken.revoked.is_(False))
    )
    return load_account(session, row.user_id) if row is not None else None


def has_users(session: Session) -> bool:
    """Return whether any user exists."""
    return session.scalar(select(User.id).limit(1)) is not None


def list_users(session: Session) -> list[User]:
    """Return every user, by name."""
    return list(session.scalars(select(User).order_by(User.username)))


def set_active(session: Session, user_id: int, active: bool) -> None:
    """Enable or disable a user; disabling ends the user's sessions, so enabling revives none."""
    user = session.get(User, user_id)
    if user is None:
        raise AccountError("没有这个用户")
    user.active = active
    if not active:
        end_user_sessions(session, user_id)

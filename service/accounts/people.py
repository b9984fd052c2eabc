"""People behind the logins: their names and titles, and their passwords changed or reset."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from service.accounts.sessions import end_user_sessions
from service.accounts.users import (
    ROLES,
    AccountError,
    check_password,
    checked_person,
    hashed_password,
)
from service.database.models import User


def person_names(session: Session) -> dict[str, str]:
    """Return each login's name as shown and printed: the full name, or the login without one."""
    rows = session.execute(select(User.username, User.full_name))
    return {username: full_name or username for username, full_name in rows}


def person_name(session: Session, login: str) -> str:
    """Return the name a document prints as 经办人 for a login; the login itself if no user has it.

    Documents issued from the command line name an operator ("cli") who has no account.
    """
    full_name = session.scalar(select(User.full_name).where(User.username == login))
    return full_name or login


def _user(session: Session, user_id: int) -> User:
    """Return the user with this id; raise AccountError if there is none."""
    user = session.get(User, user_id)
    if user is None:
        raise AccountError("没有这个用户")
    return user


def update_person(
    session: Session, user_id: int, full_name: str, title: str, role: str, actor_id: int
) -> None:
    """Set a user's name, title and role; an administrator cannot take his own role away.

    Refusing it keeps the service from being left without anyone who can administer it.
    """
    user = _user(session, user_id)
    if role not in ROLES:
        raise AccountError(f"角色只能是：{'、'.join(ROLES)}")
    if user_id == actor_id and role != user.role:
        raise AccountError("不能更改自己的角色：请由另一位管理员更改")
    user.full_name, user.title = checked_person(full_name, title)
    user.role = role


def change_own_password(session: Session, user_id: int, current: str, new: str) -> None:
    """Change a user's password after checking the current one; raise AccountError if refused."""
    user = _user(session, user_id)
    if not check_password_hash(user.password_hash, current):
        raise AccountError("当前密码不正确")
    if new == current:
        raise AccountError("新密码不能与当前密码相同")
    check_password(new)
    user.password_hash = hashed_password(new)


def reset_password(session: Session, user_id: int, new: str) -> None:
    """Give a user a new password set by an administrator, and end the user's sessions.

    Whoever signed in with the old password is signed out: a reset is often made because the
    old one became known.
    """
    user = _user(session, user_id)
    check_password(new)
    user.password_hash = hashed_password(new)
    end_user_sessions(session, user_id)

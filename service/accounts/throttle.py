"""Failed sign-ins counted per user name and per address, and the waits they earn.

The counts live in the database, so that every web process and machine shares them and a
restart forgets nothing; a day without failures forgets a name's or an address's history.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.database.models import FailedLogins
from service.foundations.config import Settings

ACCOUNT = "account"
ADDRESS = "address"
FORGET_AFTER = dt.timedelta(days=1)
# A lock lasts at most 2**20 first locks, far past any max_lockout, so the doubling cannot overflow.
_MOST_DOUBLINGS = 20


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures within what window earn a wait, and how long the waits are."""

    account_failures: int
    address_failures: int
    window: dt.timedelta
    lockout: dt.timedelta
    max_lockout: dt.timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottlePolicy:
        """Return the policy the settings describe; raise ValueError for one that cannot work."""
        policy = cls(
            account_failures=settings.login_account_failures,
            address_failures=settings.login_address_failures,
            window=dt.timedelta(minutes=settings.login_window_minutes),
            lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
            max_lockout=dt.timedelta(minutes=settings.login_lockout_max_minutes),
        )
        if min(policy.account_failures, policy.address_failures) < 1:
            raise ValueError("login_account_failures and login_address_failures must be at least 1")
        if not dt.timedelta(0) < policy.lockout <= policy.max_lockout < FORGET_AFTER:
            raise ValueError(
                "login lockouts must be positive, the longest at least the first, under a day"
            )
        if policy.window <= dt.timedelta(0):
            raise ValueError("login_window_minutes must be positive")
        return policy

    def limit(self, scope: str) -> int:
        """Return how many failures in a window lock a user name or an address."""
        return self.account_failures if scope == ACCOUNT else self.address_failures

    def lockout_for(self, lockouts: int) -> dt.timedelta:
        """Return how long the lockouts-th lock lasts: the first lockout, doubled each time, capped.

        The cap keeps a flood from locking a real user out for longer than max_lockout at a time.
        """
        return min(self.lockout * 2 ** min(lockouts - 1, _MOST_DOUBLINGS), self.max_lockout)


@dataclass(frozen=True)
class Lockout:
    """A wait in force for a user name (account) or an address, until a moment."""

    scope: str
    until: dt.datetime

    def seconds_left(self, now: dt.datetime) -> int:
        """Return the whole seconds still to wait, at least one."""
        return max(1, math.ceil((self.until - now).total_seconds()))


def account_key(username: str) -> str:
    """Return the subject a user name is counted under: the name as sign-in looks it up."""
    return username.strip()


def address_key(address: str) -> str:
    """Return the subject an address is counted under.

    An IPv6 client usually holds a whole /64 network and may take any address in it, so the
    /64 is counted; an IPv4-mapped IPv6 address counts as the IPv4 address it carries.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:200]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


class AttemptLimits:
    """The failure counts of one attempt's user name and address, held until its transaction ends."""

    def __init__(self, account: FailedLogins, address: FailedLogins) -> None:
        self.account = account
        self.address = address

    def lockout(self, now: dt.datetime) -> Lockout | None:
        """Return the wait in force for the user name or the address (the longer one), if any."""
        waits = [
            Lockout(row.scope, row.locked_until)
            for row in (self.account, self.address)
            if row.locked_until is not None and row.locked_until > now
        ]
        return max(waits, key=lambda wait: wait.until, default=None)

    def count_failure(self, now: dt.datetime, policy: ThrottlePolicy) -> Lockout | None:
        """Count a failed attempt against the name and the address; return the wait now in force."""
        for row in (self.account, self.address):
            if row.window_started_at is None or now - row.window_started_at >= policy.window:
                row.failures, row.window_started_at = 0, now
            row.failures += 1
            row.touched_at = now
            if row.failures >= policy.limit(row.scope):
                row.lockouts += 1
                row.locked_until = now + policy.lockout_for(row.lockouts)
                row.failures, row.window_started_at = 0, None
        return self.lockout(now)

    def clear_account(self) -> None:
        """Forget the user name's failures after a successful sign-in; the address keeps its count.

        An attacker who owns one account thus cannot wipe the count his guesses at other
        accounts built up from his address by signing in to his own between them.
        """
        _forget(self.account)


def hold_limits(session: Session, username: str, address: str, now: dt.datetime) -> AttemptLimits:
    """Return the counts of an attempt's user name and address, locked until the transaction ends.

    Attempts on one name or from one address thus run one after another on PostgreSQL
    (SQLite runs every write transaction alone anyway): parallel guesses cannot all pass the
    check before the first failure is counted. The name's row is always taken before the
    address's, so two attempts never wait for each other.
    """
    account = _held_row(session, ACCOUNT, account_key(username), now)
    address_row = _held_row(session, ADDRESS, address_key(address), now)
    return AttemptLimits(account, address_row)


def _held_row(session: Session, scope: str, subject: str, now: dt.datetime) -> FailedLogins:
    """Return the row of one name or address, made if missing, locked for this transaction."""
    query = (
        select(FailedLogins)
        .where(FailedLogins.scope == scope, FailedLogins.subject == subject)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row = session.scalar(query)
    if row is None:
        try:
            with session.begin_nested():
                session.add(FailedLogins(scope=scope, subject=subject, failures=0, lockouts=0,
                                         touched_at=now))  # fmt: skip
        except IntegrityError:
            pass  # a parallel attempt made the row first; it is read below like any other
        row = session.scalars(query).one()
    if now - row.touched_at >= FORGET_AFTER:
        _forget(row)
    return row


def _forget(row: FailedLogins) -> None:
    """Clear a row's failures, lock and escalation."""
    row.failures, row.window_started_at = 0, None
    row.lockouts, row.locked_until = 0, None


def forget_quiet_limits(session: Session, now: dt.datetime) -> int:
    """Remove the counts of names and addresses without a failure for a day; return how many."""
    result = session.execute(
        delete(FailedLogins).where(FailedLogins.touched_at < now - FORGET_AFTER)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]

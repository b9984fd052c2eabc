"""Tests of login limits: failures per user name and per address, the wait and its message, equal work."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

import service.accounts.users
from service.accounts.throttle import ThrottlePolicy, address_key, hold_limits
from service.accounts.users import list_users, set_active
from service.database.engine import Database
from service.database.models import AuditEvent
from service.database.schema import upgrade_to_latest
from service.foundations.config import Settings
from service.render.office.pool import OfficePool
from tests.conftest import PASSWORD, add_user
from tests.postgres import fresh_database
from tests.web.clock import Clock, clocked
from tests.web.test_sessions import app_with

ACCOUNT_REFUSAL = "这个用户名登录失败次数过多，已暂停登录。"
ADDRESS_REFUSAL = "从本机地址登录失败次数过多，已暂停登录。"
WRONG = "用户名或密码不正确"


def attempt(
    app: Flask, username: str, password: str, address: str = "192.0.2.1", **headers: str
) -> Any:
    """Post the login form from an address (a fresh browser each time) and return the response."""
    return app.test_client().post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def fail(app: Flask, username: str, times: int, address: str = "192.0.2.1", **headers: str) -> Any:
    """Fail to sign in as username so many times; return the last response."""
    response = None
    for _ in range(times):
        response = attempt(app, username, "wrong-password", address, **headers)
    return response


def visible(response: Any) -> str:
    """Return a page without its CSRF token, which differs on every page."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))


@pytest.fixture
def clock(app: Flask) -> Clock:
    """The app's clock, moved by hand."""
    return clocked(app)


def test_user_name_waits_after_five_failures(app: Flask, clock: Clock) -> None:
    """This test ensures that five failures lock a user name for five minutes with 429, Retry-After and a Chinese message."""
    add_user(app, "李办事", "clerk")
    assert fail(app, "李办事", 4).status_code == 401
    fifth = fail(app, "李办事", 1)
    assert fifth.status_code == 429 and fifth.headers["Retry-After"] == "300"
    page = fifth.get_data(as_text=True)
    assert WRONG in page and ACCOUNT_REFUSAL in page and "请5分钟后再试" in page
    # while it waits even the right password is not checked, and what was typed stays
    refused = attempt(app, "李办事", PASSWORD, address="198.51.100.7")
    assert refused.status_code == 429 and "Location" not in refused.headers
    page = refused.get_data(as_text=True)
    assert ACCOUNT_REFUSAL in page and WRONG not in page
    assert 'value="李办事"' in page
    clock.advance(minutes=4, seconds=30)
    later = attempt(app, "李办事", PASSWORD)
    assert later.headers["Retry-After"] == "30" and "请30秒后再试" in later.get_data(as_text=True)
    clock.advance(seconds=30)
    assert attempt(app, "李办事", PASSWORD).status_code == 302


def test_unknown_user_name_is_limited_alike(app: Flask, clock: Clock) -> None:
    """This test ensures that an unknown user name is answered exactly as a known one, so the limit discloses nobody."""
    add_user(app, "李办事", "clerk")
    known = [attempt(app, "李办事", "wrong", address=f"192.0.2.{n}") for n in range(7)]
    unknown = [attempt(app, "李无此人", "wrong", address=f"198.51.100.{n}") for n in range(7)]
    for one, other in zip(known, unknown, strict=True):
        assert one.status_code == other.status_code
        assert one.headers.get("Retry-After") == other.headers.get("Retry-After")
        assert visible(one).replace("李办事", "李无此人") == visible(other)
    assert [r.status_code for r in known] == [401, 401, 401, 401, 429, 429, 429]


def test_spelling_variants_of_a_name_share_its_count(app: Flask, clock: Clock) -> None:
    """This test ensures that spaces around a name and other addresses do not escape the name's count."""
    add_user(app, "李办事", "clerk")
    for number, name in enumerate([" 李办事", "李办事 ", "\t李办事", "李办事\u3000", "李办事"]):
        last = attempt(app, name, "wrong", address=f"203.0.113.{number}")
    assert last.status_code == 429
    assert attempt(app, "李办事", PASSWORD, address="203.0.113.99").status_code == 429


def test_address_waits_after_twenty_failures(app: Flask, clock: Clock) -> None:
    """This test ensures that twenty failures from one address, on any names, stop that address but no other."""
    add_user(app, "李办事", "clerk")
    for number in range(19):
        assert attempt(app, f"guess-{number}", "wrong", address="192.0.2.66").status_code == 401
    twentieth = attempt(app, "guess-19", "wrong", address="192.0.2.66")
    assert twentieth.status_code == 429 and twentieth.headers["Retry-After"] == "300"
    assert ADDRESS_REFUSAL in twentieth.get_data(as_text=True)
    refused = attempt(app, "李办事", PASSWORD, address="192.0.2.66")
    assert refused.status_code == 429 and ADDRESS_REFUSAL in refused.get_data(as_text=True)
    assert attempt(app, "李办事", PASSWORD, address="192.0.2.67").status_code == 302


def test_ipv6_neighbours_share_the_count(app: Flask, clock: Clock) -> None:
    """This test ensures that an attacker cannot dodge the address limit by stepping through his IPv6 /64."""
    for number in range(20):
        last = attempt(app, f"guess-{number}", "wrong", address=f"2001:db8:0:1::{number + 1:x}")
    assert last.status_code == 429 and ADDRESS_REFUSAL in last.get_data(as_text=True)
    add_user(app, "李办事", "clerk")
    assert attempt(app, "李办事", PASSWORD, address="2001:db8:0:1:ffff::1").status_code == 429
    assert attempt(app, "李办事", PASSWORD, address="2001:db8:0:2::1").status_code == 302


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("::FFFF:c000:0201", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::/64"),
        ("2001:0db8:0000:0000:ffff:ffff:ffff:ffff", "2001:db8::/64"),
        ("2001:db8:0:1::1", "2001:db8:0:1::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("", ""),
    ],
)
def test_addresses_are_counted_by_network(address: str, key: str) -> None:
    """This test ensures that every spelling of one IPv4 address, and every address of one IPv6 /64, counts as one."""
    assert address_key(address) == key


def test_forwarded_for_counts_only_behind_a_trusted_proxy(
    tmp_path: Path, office_pool: OfficePool
) -> None:
    """This test ensures that X-Forwarded-For names the address only behind a trusted proxy, so a forged one dodges nothing."""
    with app_with(tmp_path / "direct", office_pool) as app:
        clocked(app)
        add_user(app, "李办事", "clerk")
        for number in range(20):
            last = attempt(
                app, f"guess-{number}", "wrong", **{"X-Forwarded-For": f"198.51.100.{number}"}
            )
        assert last.status_code == 429 and ADDRESS_REFUSAL in last.get_data(as_text=True)
    with app_with(tmp_path / "proxied", office_pool, trusted_proxies=1) as app:
        clocked(app)
        add_user(app, "李办事", "clerk")
        for number in range(20):
            last = attempt(app, f"guess-{number}", "wrong", **{"X-Forwarded-For": "198.51.100.1"})
        assert last.status_code == 429 and ADDRESS_REFUSAL in last.get_data(as_text=True)
        other = attempt(app, "李办事", PASSWORD, **{"X-Forwarded-For": "198.51.100.2"})
        assert other.status_code == 302  # the proxy's own address is not what was counted


def test_success_clears_the_name_not_the_address(app: Flask, clock: Clock) -> None:
    """This test ensures that signing in clears the name's failures but not the count of the address's guesses at others."""
    add_user(app, "李办事", "clerk")
    add_user(app, "攻击者", "clerk")
    fail(app, "李办事", 4, address="192.0.2.10")
    assert attempt(app, "李办事", PASSWORD, address="192.0.2.11").status_code == 302
    assert fail(app, "李办事", 4, address="192.0.2.12").status_code == 401  # counted from zero
    for number in range(19):
        attempt(app, f"victim-{number}", "wrong", address="192.0.2.99")
    assert attempt(app, "攻击者", PASSWORD, address="192.0.2.99").status_code == 302
    last = attempt(app, "victim-19", "wrong", address="192.0.2.99")
    assert last.status_code == 429 and ADDRESS_REFUSAL in last.get_data(as_text=True)


def test_waits_double_up_to_an_hour_and_end(app: Flask, clock: Clock) -> None:
    """This test ensures that each further lock of a name lasts twice the one before, at most an hour, and always ends."""
    add_user(app, "李办事", "clerk")
    waits = []
    for round_number in range(7):
        last = fail(app, "李办事", 5, address=f"192.0.2.{round_number}")
        waits.append(int(last.headers["Retry-After"]))
        # a flood while locked neither extends the wait nor reaches the audit chain
        fail(app, "李办事", 30, address=f"198.51.100.{round_number}")
        clock.advance(seconds=waits[-1])
    assert waits == [300, 600, 1200, 2400, 3600, 3600, 3600]
    assert attempt(app, "李办事", PASSWORD).status_code == 302


def test_a_quiet_day_forgets_the_escalation(app: Flask, clock: Clock) -> None:
    """This test ensures that after a day without failures a name's next lock is the short first one again."""
    fail(app, "李办事", 5, address="192.0.2.1")
    clock.advance(minutes=5)
    assert fail(app, "李办事", 5, address="192.0.2.2").headers["Retry-After"] == "600"
    clock.advance(days=1)
    assert fail(app, "李办事", 5, address="192.0.2.3").headers["Retry-After"] == "300"


def test_failures_count_within_the_window(app: Flask, clock: Clock) -> None:
    """This test ensures that failures spread wider than the 15-minute window do not lock a name."""
    fail(app, "李办事", 4)
    clock.advance(minutes=15)
    assert fail(app, "李办事", 4).status_code == 401
    assert fail(app, "李办事", 1).status_code == 429


def test_refused_attempts_are_not_audited_but_the_lock_is(app: Flask, clock: Clock) -> None:
    """This test ensures that the failure that locks a name records the lock, and refused attempts add no audit entry."""
    database = app.extensions["wenshu"].database
    fail(app, "李办事", 5)
    with database.session() as session:
        entries = session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed"))
        details = [entry.details for entry in entries]
    assert len(details) == 5 and "locked_until" in details[-1]
    assert all("locked_until" not in d for d in details[:-1])
    fail(app, "李办事", 50)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 5


@pytest.fixture
def hash_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the method of every password hash checked at sign-in (e.g. scrypt:32768:8:1)."""
    checked: list[str] = []
    real = service.accounts.users.check_password_hash

    def counting(stored: str, password: str) -> bool:
        checked.append(stored.split("$")[0])
        return real(stored, password)

    monkeypatch.setattr(service.accounts.users, "check_password_hash", counting)
    return checked


def test_every_refusal_costs_one_password_hash(
    app: Flask, clock: Clock, hash_checks: list[str]
) -> None:
    """This test ensures that an unknown or disabled user's refusal does the same hashing as a wrong password."""
    add_user(app, "李办事", "clerk")
    add_user(app, "赵离职", "clerk")
    with app.extensions["wenshu"].database.session() as session:
        set_active(
            session, next(u.id for u in list_users(session) if u.username == "赵离职"), False
        )
    assert attempt(app, "李办事", PASSWORD).status_code == 302
    method = hash_checks.pop()
    for username, password in [("李办事", "wrong"), ("无此人", PASSWORD), ("赵离职", PASSWORD)]:
        response = attempt(app, username, password, address=f"192.0.2.{len(username)}")
        assert response.status_code == 401
        assert hash_checks == [method], username
        hash_checks.clear()


def test_policy_refuses_settings_that_cannot_work(app: Flask) -> None:
    """This test ensures that login limits of zero failures, or locks longer than the day that forgets them, are refused."""
    settings = app.extensions["wenshu"].settings
    assert ThrottlePolicy.from_settings(settings).lockout_for(1).total_seconds() == 300
    for bad in [
        {"login_account_failures": 0},
        {"login_address_failures": 0},
        {"login_window_minutes": 0},
        {"login_lockout_minutes": 0},
        {"login_lockout_max_minutes": 1},
        {"login_lockout_max_minutes": 24 * 60},
    ]:
        with pytest.raises(ValueError):
            ThrottlePolicy.from_settings(replace(settings, **bad))


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[Database]:
    """A migrated, empty PostgreSQL database."""
    with fresh_database(postgres_url) as url:
        database = Database(url)
        upgrade_to_latest(database.engine)
        yield database
        database.dispose()


def test_parallel_attempts_on_one_name_run_one_after_another(postgres_database: Database) -> None:
    """This test ensures that on PostgreSQL a second attempt on a name waits for the first, so parallel guesses cannot pass the check together."""
    policy = ThrottlePolicy.from_settings(Settings())
    clock = Clock()
    with postgres_database.session() as session:
        limits = hold_limits(session, "李办事", "192.0.2.1", clock.now)
        for _ in range(4):
            limits.count_failure(clock.now, policy)
    seen: list[object] = []

    def second_attempt() -> None:
        with postgres_database.session() as session:
            seen.append(hold_limits(session, "李办事", "192.0.2.2", clock.now).lockout(clock.now))

    with postgres_database.session() as session:
        first = hold_limits(session, "李办事", "192.0.2.1", clock.now)
        waiting = threading.Thread(target=second_attempt)
        waiting.start()
        with postgres_database.engine.connect() as watcher:
            for _ in range(600):  # until the second attempt waits on the row lock (at most 60 s)
                blocked = watcher.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar()
                if blocked:
                    break
                # PostgreSQL answers pg_stat_activity from a snapshot kept for the rest of the
                # transaction: end it, or a second attempt that blocks later is never seen.
                watcher.rollback()
                threading.Event().wait(0.1)
        assert blocked == 1 and waiting.is_alive()
        first.count_failure(clock.now, policy)  # the fifth failure: the name is locked
    waiting.join(timeout=60)
    assert len(seen) == 1 and seen[0] is not None

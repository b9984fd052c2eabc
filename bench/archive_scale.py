"""The service at the scale of years of issuing: a filled archive, a live `wenshu serve`, and latencies.

Run: .venv/bin/python bench/archive_scale.py [--documents 100000] [--requests 20]
                                             [--verify-documents 10000]
     .venv/bin/python bench/archive_scale.py --postgres --documents 1000000
     .venv/bin/python bench/archive_scale.py --database-url postgresql+psycopg://…/db

It fills a fresh instance with synthetic documents of every kind that has a sample (the
samples' facts with units, dates and figures varied, dates spread over seven years, a
share voided, the case kinds filed in cases, the due items a document sets when the
due_items table exists, and search_text when the documents table has it), with bulk
inserts through the ORM's tables, whatever columns exist at run time. Then it starts a
live `wenshu serve` on it (no LibreOffice workers, no scheduled check) and prints p50 and
p95 of the register (page 1, a deep page, the last page, by 文号, by date range, by a
2- and a 4-character fragment), the desk, the deadlines page and GET /api/documents/ID,
with the server's RSS before and after.

Files: the main instance's records all point to ONE shared small PDF (its path, SHA-256
and SM3 recorded on each), since the pages never read them. `wenshu archive verify` needs
real files to be timed: it runs on a second instance of --verify-documents documents,
each with its own file (a 40 KB PDF made distinct by its /Title), and its wall time and
peak RSS are printed (0 skips it).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import html
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, func, insert, select, text  # noqa: E402

from service.accounts.users import create_token, create_user  # noqa: E402
from service.archive.templates import active_template  # noqa: E402
from service.background.startup import prepare_service  # noqa: E402
from service.cases.status import CLOSED, INVESTIGATION  # noqa: E402
from service.database.models import Base, Document, NumberSeries, User  # noqa: E402
from service.foundations.config import Settings, load_settings  # noqa: E402
from service.foundations.formatting import format_document_number  # noqa: E402
from service.instruments.facts import InvalidFacts, validate_facts  # noqa: E402
from service.instruments.registry import INSTRUMENTS, Instrument  # noqa: E402
from service.instruments.request import agency_code  # noqa: E402
from service.services import Wenshu  # noqa: E402

SAMPLES = ROOT / "samples"
PASSWORD = "bench-password-16"
USER = "bench"  # an administrator, who sees every 密级
CLERK = "bench-clerk"  # a 办事员, who does not see 秘密 and above: his pages ask for his 密级
CHUNK = 5000  # rows per bulk insert
FIRST_YEAR = 2020
VOIDED_SHARE = 0.02
# How often each kind is issued, relative to the rest (1 for any kind not named): the
# bureau's daily work is inspections, notices and orders, reports received, few cases.
WEIGHTS = {
    "annual_report": 25, "inspection_record": 15, "supervision_notice": 12,
    "correction_order": 12, "review_decision": 4, "enforcement_notice": 4, "site_record": 4,
    "safety_circular": 2, "audit_summary": 1, "service_receipt": 3,
}  # fmt: skip
# Kinds filed in an enforcement case; case_opening opens one.
CASE_KINDS = frozenset(
    {"inquiry_record", "site_record", "hearing_notice", "hearing_record", "penalty_notice",
     "penalty_decision", "legal_review", "collective_discussion", "case_closing",
     "service_receipt", "sampling_list"}
)  # fmt: skip
TOWNS = ("柳林洲镇", "钱粮湖镇", "良心堡镇", "许市镇", "广兴洲镇", "采桑湖镇", "君山岛", "城陵矶")
BODIES = ("人民政府", "财政所", "中心学校", "卫生院", "供销社", "农业服务中心", "派出所",
          "国土所", "水利站", "司法所", "畜牧站", "文化站", "村民委员会", "社区居委会")  # fmt: skip
# Fragments searched for: two characters (shorter than a trigram) and four.
FRAGMENT_2 = "档案"
FRAGMENT_4 = "档案库房"
FAILED = [float("nan")]  # a page that did not answer 200: shown as nan
MARKER = b"WSBENCH-0000000000"  # the /Title each own file changes to tell the files apart


@dataclass(frozen=True)
class Filled:
    """What was put in an instance: counts, and a few values the requests use."""

    documents: int
    cases: int
    due_items: int
    files: int
    seconds: float
    sample_number: str
    sample_id: int
    first_date: dt.date
    last_date: dt.date


def bench_pdf(kilobytes: int = 40) -> bytes:
    """Return a valid one-page PDF of about the size of an issued document, its /Title the marker."""
    rng = random.Random(16)
    padding = bytes(rng.getrandbits(8) for _ in range(kilobytes * 1024))  # fonts don't compress
    content = b"BT /F1 16 Tf 72 720 Td (wenshu) Tj ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(padding) + padding + b"\nendstream",
        b"<< /Title (" + MARKER + b") /Producer (wenshu bench) >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def own_pdf(base: bytes, document_id: int) -> bytes:
    """Return the base PDF made distinct for one record (same length, so its xref holds)."""
    return base.replace(MARKER, b"WSBENCH-%010d" % document_id)


def sample_facts(instrument: Instrument) -> dict[str, Any] | None:
    """Return a kind's sample facts as an issue stores them, or None when it has no valid sample."""
    path = SAMPLES / f"{instrument.kind}.json"
    if not path.exists():
        return None
    try:
        facts = validate_facts(instrument, json.loads(path.read_text(encoding="utf-8")))
    except InvalidFacts:
        return None
    stored: dict[str, Any] = facts.to_json()
    return stored


def units(count: int = 600) -> list[str]:
    """Return the names of count units of the district."""
    names = [f"{town}{body}" for town in TOWNS for body in BODIES]
    names += [f"君山区{body}（第{n}片区）" for n in range(1, count) for body in BODIES]
    return names[:count]


def varied(
    value: Any, shift: dt.timedelta, unit: str, old_units: set[str], rng: random.Random
) -> Any:
    """Return a fact's value varied: dates moved by shift, the unit renamed, figures changed."""
    if isinstance(value, dict):
        return {key: varied(item, shift, unit, old_units, rng) for key, item in value.items()}
    if isinstance(value, list):
        return [varied(item, shift, unit, old_units, rng) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return max(0, value + rng.randint(-value // 4 - 1, value // 4 + 1)) if value > 31 else value
    if isinstance(value, str):
        if value in old_units:
            return unit
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            with contextlib.suppress(ValueError):
                return (dt.date.fromisoformat(value) + shift).isoformat()
    return value


def plain_text(value: Any) -> Iterator[str]:
    """Yield the text of every value in the facts, in order, for search_text."""
    if isinstance(value, dict):
        for item in value.values():
            yield from plain_text(item)
    elif isinstance(value, list):
        for item in value:
            yield from plain_text(item)
    elif value not in (None, "", True, False):
        yield str(value)


def search_text(facts: dict[str, Any]) -> str:
    """Return the search text of a document's facts: the service's own when it has one."""
    try:
        from service.database.search_text import plain_text as service_text
    except ImportError:
        return " ".join(plain_text(facts))
    text: str = service_text(facts)
    return text


def fill_instance(wenshu: Wenshu, documents: int, *, own_files: int = 0, seed: int = 16) -> Filled:
    """Fill a prepared instance with documents issued over the years, in bulk; return what was put.

    The first own_files records get a file of their own; every other one points to a
    single shared file. Rows go in through the ORM's tables, with whichever of the
    optional columns and tables (search_text, due_items) the schema has.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    tables = Base.metadata.tables
    document_table, case_table = tables["documents"], tables["cases"]
    due_table: Table | None = tables.get("due_items")
    with_search_text = "search_text" in document_table.c
    bureau = wenshu.settings.bureau
    kinds: list[tuple[Instrument, dict[str, Any], Any]] = []
    with wenshu.database.session() as session:
        for instrument in INSTRUMENTS.values():
            facts = sample_facts(instrument)
            if facts is not None:
                kinds.append(
                    (instrument, facts, active_template(session, wenshu.templates, instrument.kind))
                )
        next_id = (session.scalar(select(func.max(Document.id))) or 0) + 1
        next_case = (session.scalar(select(func.max(case_table.c.id))) or 0) + 1
        next_due = (
            (session.scalar(select(func.max(due_table.c.id))) or 0) + 1
            if due_table is not None
            else 1
        )
    weights = [WEIGHTS.get(instrument.kind, 1) for instrument, _facts, _template in kinds]
    unit_names = units()
    today = dt.date.today()
    first = dt.date(FIRST_YEAR, 1, 2)
    span = (today - first).days
    days = sorted(rng.randrange(span) for _ in range(documents))
    base = bench_pdf()
    shared = base
    archive = wenshu.archive
    sequences: dict[tuple[str, int], int] = {}
    open_cases: list[tuple[int, dt.date]] = []
    counts = {"cases": 0, "due": 0, "files": 0}
    sample_number, sample_id = "", next_id

    def store(data: bytes) -> tuple[str, str, str, int]:
        """Write a file where the archive keeps it; return its path and fixity values."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = archive.path_for(sha256)
        target = archive.root / path
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            counts["files"] += 1
        return path, sha256, hashlib.new("sm3", data).hexdigest(), len(data)

    # Stored only when some record points to it: a file no record names is a problem.
    shared_file = store(shared) if own_files < documents else ("", "", "", 0)
    rows: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    dues: list[dict[str, Any]] = []

    def flush() -> None:
        """Insert what was gathered, cases first (documents refer to them), then due items."""
        with wenshu.database.engine.begin() as connection:
            if cases:
                connection.execute(insert(case_table), cases)
            if rows:
                connection.execute(insert(document_table), rows)
            if dues and due_table is not None:
                connection.execute(insert(due_table), dues)
        for gathered in (rows, cases, dues):
            gathered.clear()

    for index, offset in enumerate(days):
        document_id = next_id + index
        day = first + dt.timedelta(days=offset)
        instrument, facts, template = rng.choices(kinds, weights)[0]
        sample_day = facts.get(instrument.date_field)
        shift = (
            day - dt.date.fromisoformat(sample_day)
            if isinstance(sample_day, str)
            else dt.timedelta(0)
        )
        unit = rng.choice(unit_names)
        recipient_sample = (
            facts.get(instrument.recipient_field) if instrument.recipient_field else None
        )
        old_units = {
            str(facts.get(name)) for name in ("unit", "party", "unit_name") if facts.get(name)
        }
        if isinstance(recipient_sample, str) and recipient_sample:
            old_units.add(recipient_sample)
        values = varied(facts, shift, unit, old_units, rng)
        values[instrument.date_field] = day.isoformat()
        key = (instrument.series, day.year)
        sequences[key] = sequence = sequences.get(key, 0) + 1
        number = format_document_number(agency_code(instrument, bureau), day.year, sequence)
        recipient = (
            str(values.get(instrument.recipient_field) or "") if instrument.recipient_field else ""
        )
        path, sha256, sm3, size = (
            store(own_pdf(base, document_id)) if index < own_files else shared_file
        )
        issued_at = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=rng.randrange(480))
        voided = rng.random() < VOIDED_SHARE
        case_id = None
        if instrument.kind == "case_opening":
            case_id = next_case + counts["cases"]
            counts["cases"] += 1
            closed = (today - day).days > 120
            cases.append({
                "id": case_id, "number": number, "status": CLOSED if closed else INVESTIGATION,
                "cause": "未按规定移交档案", "party": unit, "opened_on": day, "facts": values,
                "created_by": USER, "created_at": issued_at,
                "closed_on": day + dt.timedelta(days=rng.randrange(30, 90)) if closed else None,
            })  # fmt: skip
            open_cases.append((case_id, day))
        elif instrument.kind in CASE_KINDS and open_cases:
            case_id = rng.choice(open_cases[-20:])[0]
        row = {
            "id": document_id, "kind": instrument.kind, "title": instrument.title,
            "series": instrument.series, "year": day.year, "sequence": sequence, "number": number,
            "copy_number": 0, "numbering": instrument.numbering.value, "recipient": recipient,
            "document_date": day, "facts": values, "template_id": template.id,
            "template_version": template.version, "template_sha256": template.sha256,
            "pdf_path": path, "size": size, "pages": 1 + rng.randrange(3), "sha256": sha256,
            "sm3": sm3, "retention": instrument.retention,
            "classification": instrument.classification, "issued_by": USER,
            "issued_at": issued_at, "status": "voided" if voided else "issued", "warnings": [],
            "context": None, "void_reason": "文号填写有误，重新签发" if voided else "",
            "voided_by": USER if voided else "",
            "voided_at": issued_at + dt.timedelta(hours=2) if voided else None,
            "case_id": case_id, "served_on": None, "service_receipt_id": None,
        }  # fmt: skip
        if with_search_text:
            row["search_text"] = search_text(values)
        rows.append({name: value for name, value in row.items() if name in document_table.c})
        if due_table is not None and not voided:
            for due in due_rows(
                instrument, values, day, number, recipient, document_id, case_id, today, rng
            ):
                due["id"] = next_due + counts["due"]
                counts["due"] += 1
                dues.append({name: value for name, value in due.items() if name in due_table.c})
        if instrument.kind == "supervision_notice" and not sample_number and not voided:
            sample_number, sample_id = number, document_id
        if len(rows) >= CHUNK:
            flush()
    flush()
    with wenshu.database.session() as session:
        for (series, year), last in sequences.items():
            session.merge(NumberSeries(series=series, year=year, last_sequence=last))
    if wenshu.database.engine.dialect.name == "postgresql":
        with wenshu.database.engine.begin() as connection:
            for name in ("documents", "cases", "due_items"):
                if name in tables:
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {name}))"
                    ))  # fmt: skip
    return Filled(
        documents, counts["cases"], counts["due"], counts["files"],
        time.perf_counter() - started, sample_number, sample_id,
        first + dt.timedelta(days=days[0]) if days else first,
        first + dt.timedelta(days=days[-1]) if days else first,
    )  # fmt: skip


def vacuumed(wenshu: Wenshu) -> None:
    """VACUUM ANALYZE a PostgreSQL archive after its bulk load, as autovacuum keeps a live one.

    A million rows inserted in one go leave the visibility map unset until autovacuum has
    gone over them, and index-only scans read the rows meanwhile; a live archive, filled a
    document at a time over years, is vacuumed as it goes.
    """
    if wenshu.database.engine.dialect.name != "postgresql":
        return
    with wenshu.database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def already_filled(wenshu: Wenshu) -> Filled:
    """Return what an instance filled by an earlier run holds, read back from its database."""
    with wenshu.database.session() as session:
        count = session.scalar(select(func.count()).select_from(Document)) or 0
        first_date, last_date = session.execute(
            select(func.min(Document.document_date), func.max(Document.document_date))
        ).one()
        sample = session.execute(
            select(Document.number, Document.id)
            .where(Document.kind == "supervision_notice", Document.status == "issued")
            .order_by(Document.id)
            .limit(1)
        ).one()
        tables = Base.metadata.tables
        cases = session.scalar(select(func.count()).select_from(tables["cases"])) or 0
        due = session.scalar(select(func.count()).select_from(tables["due_items"])) or 0
    return Filled(count, cases, due, 0, 0.0, sample[0], sample[1], first_date, last_date)


def due_rows(
    instrument: Instrument,
    facts: dict[str, Any],
    day: dt.date,
    number: str,
    unit: str,
    document_id: int,
    case_id: int | None,
    today: dt.date,
    rng: random.Random,
) -> list[dict[str, Any]]:
    """Return the due items a document of this kind sets: a 复查 window, a correction deadline.

    Most items older than four months were settled by their follow-up; the rest are open,
    the older of them overdue, as on a real desk.
    """
    items: list[tuple[str, dt.date, str, int | None]] = []
    if instrument.kind == "supervision_notice":
        items.append(
            (
                "review_window",
                day + dt.timedelta(days=60),
                "复查申请期限届满（自成文日期起60日）",
                None,
            )
        )
    if instrument.kind in ("supervision_notice", "enforcement_notice", "correction_order"):
        deadline = facts.get("deadline")
        due = (
            dt.date.fromisoformat(deadline)
            if isinstance(deadline, str)
            else day + dt.timedelta(days=30)
        )
        year = facts.get("report_year") if instrument.kind == "correction_order" else None
        items.append(("correction", due, "改正期限", year if isinstance(year, int) else None))
    rows = []
    for matter, due, what, year in items:
        settled = (today - due).days > 120 and rng.random() < 0.95
        rows.append({
            "document_id": document_id, "case_id": case_id, "matter": matter, "due": due,
            "what": what, "unit": unit, "year": year, "number": number, "note": "",
            "classification": instrument.classification,
            "settled_at": dt.datetime.combine(due, dt.time(10)) if settled else None,
            "settled_by_document_id": None,
        })  # fmt: skip
    return rows


def prepared(settings: Settings) -> Wenshu:
    """Return the services on an instance, schema and shipped templates in place."""
    wenshu = Wenshu.open(settings)
    prepare_service(wenshu)
    return wenshu


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment(settings: Settings) -> dict[str, str]:
    """Return the environment of a child on the instance: no LibreOffice, no scheduled check."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "WENSHU_INSTANCE": str(settings.instance_path),
        "WENSHU_DATABASE_URL": settings.resolved_database_url,
        "WENSHU_OFFICE_WORKERS": "0",
        "WENSHU_VERIFY_INTERVAL_HOURS": "0",
    }


def memory(pid: int) -> dict[str, int]:
    """Return VmRSS and VmHWM of a process, in MiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) // 1024
    return found


class Browser:
    """One kept-alive HTTP connection with the session's cookie (and a bearer token for the API)."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str]:  # fmt: skip
        """Return the status and text of one request."""
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, data, sent)
        response = self.connection.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.read().decode("utf-8", errors="replace")

    def sign_in(self, username: str = USER) -> None:
        """Sign in as one of the bench's accounts (its administrator unless told)."""
        _status, page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        form = {"username": username, "password": PASSWORD}
        if token:
            form["csrf_token"] = token.group(1)
        status, said = self.request("POST", "/login", form)
        if status != 302:
            raise RuntimeError(f"sign-in refused ({status}): {said[:300]}")


def timed(
    browser: Browser, path: str, count: int, headers: dict[str, str] | None = None
) -> list[float]:
    """Return the milliseconds of count GETs of a path (after one untimed, to warm up).

    A page that does not answer 200 is not timed (nothing is returned); the table says so.
    """
    status, _page = browser.request("GET", path, headers=headers)
    if status != 200:
        print(f"GET {path} answered {status}: not timed", file=sys.stderr)
        return []
    times = []
    for _ in range(count):
        started = time.perf_counter()
        browser.request("GET", path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
    return times


def last_page_path(page_one: str, total_hint: int) -> str:
    """Return the register's last page: its own link when the page offers one, else page=N."""
    for match in re.finditer(r'<a[^>]*href="([^"]*)"[^>]*>([^<]*)</a>', page_one):
        href, label = html.unescape(match.group(1)), match.group(2)
        if 'rel="last"' in match.group(0) or label.strip() in ("末页", "最后一页", "尾页"):
            return href
    pages = re.search(r"第 1 / ([\d,]+) 页", page_one)
    last = int(pages.group(1).replace(",", "")) if pages else max(1, -(-total_hint // 50))
    return f"/documents?page={last}"


def deep_page_path(wenshu: Wenshu, page_one: str, page: int) -> str:
    """Return a page deep in the register: by keyset cursor when the register uses them, else page=N."""
    if "after=" not in page_one:
        return f"/documents?page={page}"
    with wenshu.database.session() as session:
        row = session.execute(
            select(Document.document_date, Document.id)
            .order_by(Document.document_date.desc(), Document.id.desc())
            .offset(page * 50 - 1).limit(1)
        ).one_or_none()  # fmt: skip
    if row is None:
        return "/documents"
    return f"/documents?after={row[0].isoformat()},{row[1]}"


def padded(text: str, width: int) -> str:
    """Return text padded to width columns, a Chinese character taking two."""
    columns = sum(2 if ord(character) > 0x2E80 else 1 for character in text)
    return text + " " * max(0, width - columns)


def percentile(values: list[float], share: float) -> float:
    """Return the value below which share of values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure_pages(
    settings: Settings, wenshu: Wenshu, filled: Filled, count: int
) -> list[tuple[str, str, list[float]]]:
    """Start `wenshu serve` on the instance, time each page count times; return rows and memory."""
    with wenshu.database.session() as session:
        for username, role in ((USER, "admin"), (CLERK, "clerk")):
            if session.scalar(select(User.id).where(User.username == username)) is None:
                create_user(session, username, PASSWORD, role)  # a run measuring again has them
        token = create_token(session, USER)
    port = free_port()
    log = (settings.instance_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "service.commands", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environment(settings), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    results: list[tuple[str, str, list[float]]] = []
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"wenshu serve did not start: see {log.name}")
            time.sleep(0.2)
        browser = Browser(port)
        browser.sign_in()
        before = memory(server.pid)
        _status, page_one = browser.request("GET", "/documents")
        middle = filled.first_date + (filled.last_date - filled.first_date) / 2
        date_range = urllib.parse.urlencode(
            {
                "date_from": middle.isoformat(),
                "date_to": (middle + dt.timedelta(days=30)).isoformat(),
            }
        )
        deep = max(1, min(200, filled.documents // 100))  # page 200, or halfway in a small one
        plan = [
            ("register, page 1", "/documents"),
            (f"register, deep page ({deep})", deep_page_path(wenshu, page_one, deep)),
            ("register, last page", last_page_path(page_one, filled.documents)),
            (
                "register, by 文号",
                "/documents?" + urllib.parse.urlencode({"number": filled.sample_number}),
            ),
            ("register, 30 days", "/documents?" + date_range),
            (
                f"register, “{FRAGMENT_2}”",
                "/documents?" + urllib.parse.urlencode({"text": FRAGMENT_2}),
            ),
            (
                f"register, “{FRAGMENT_4}”",
                "/documents?" + urllib.parse.urlencode({"text": FRAGMENT_4}),
            ),
            ("desk (home)", "/"),
            ("deadlines", "/deadlines"),
        ]
        for name, path in plan:
            results.append((name, path, timed(browser, path, count) or FAILED))
        clerk = Browser(port)  # the pages a clerk reads, asked for his 密级
        clerk.sign_in(CLERK)
        for name, path in [plan[0], plan[5], *plan[-2:]]:
            results.append((name + ", clerk", path, timed(clerk, path, count) or FAILED))
        api = f"/api/documents/{filled.sample_id}"
        bearer = {"Authorization": f"Bearer {token}"}
        results.append(("GET " + api, api, timed(browser, api, count, bearer) or FAILED))
        after = memory(server.pid)
        results.append(("server RSS MiB", f"before {before['VmRSS']}, after {after['VmRSS']}, "
                        f"peak {after['VmHWM']}", []))  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return results


def measure_verify(settings: Settings) -> tuple[float, int, int]:
    """Run `wenshu archive verify` on the instance; return its seconds, peak RSS in MiB and exit status.

    The peak is the child's own VmHWM, read as it runs: the rusage of a child forked from
    this large process would count the copy of this process it started as.
    """
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "service.commands", "archive", "verify"],
        env=environment(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip
    peak = 0
    while child.poll() is None:
        with contextlib.suppress(OSError, KeyError):
            peak = max(peak, memory(child.pid)["VmHWM"])
        time.sleep(0.1)
    return time.perf_counter() - started, peak, child.returncode


@contextlib.contextmanager
def database_urls(arguments: argparse.Namespace) -> Iterator[tuple[str, str]]:
    """Yield the URLs of the main and the verify instance's databases ("" for SQLite)."""
    if arguments.database_url:
        yield (
            arguments.database_url,
            "",
        )  # the verify instance keeps SQLite: the URL is the main one's
        return
    if not arguments.postgres:
        yield "", ""
        return
    from tests.postgres import fresh_database, postgres_server

    with (
        postgres_server() as server,
        fresh_database(server) as main,
        fresh_database(server) as other,
    ):
        yield main, other


def main() -> None:
    """Fill, serve, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--verify-documents", type=int, default=10_000,
                        help="documents with their own files to time `wenshu archive verify` on (0: skip)")  # fmt: skip
    parser.add_argument("--postgres", action="store_true", help="a private PostgreSQL server")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database to fill")
    parser.add_argument("--folder", type=Path, help="where the instances go (default: a temporary folder, removed)")  # fmt: skip
    parser.add_argument("--measure-only", action="store_true",
                        help="measure an instance an earlier run filled (--folder and --database-url) without filling it")  # fmt: skip
    arguments = parser.parse_args()
    folder = arguments.folder or Path(tempfile.mkdtemp(prefix="wenshu-scale-"))
    try:
        with database_urls(arguments) as (main_url, verify_url):
            settings = load_settings({
                "instance_path": folder / "instance", "database_url": main_url,
                "office_workers": 0, "verify_interval_hours": 0,
            })  # fmt: skip
            wenshu = prepared(settings)
            if arguments.measure_only:
                filled = already_filled(wenshu)
            else:
                filled = fill_instance(wenshu, arguments.documents)
            vacuumed(wenshu)
            print(f"filled {filled.documents:,} documents, {filled.cases:,} cases, "
                  f"{filled.due_items:,} due items in {filled.seconds:.1f} s "
                  f"({wenshu.database.engine.dialect.name})", flush=True)  # fmt: skip
            rows = measure_pages(settings, wenshu, filled, arguments.requests)
            wenshu.close()
            verified = None
            if arguments.verify_documents:
                checked = load_settings({
                    "instance_path": folder / "verify", "database_url": verify_url,
                    "office_workers": 0, "verify_interval_hours": 0,
                })  # fmt: skip
                other = prepared(checked)
                fill_instance(
                    other, arguments.verify_documents, own_files=arguments.verify_documents
                )
                other.close()
                verified = measure_verify(checked)
    finally:
        if arguments.folder is None:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(f"{'what':36} {'p50 ms':>9} {'p95 ms':>9}  path")
    for name, path, times in rows:
        if times:
            median, p95 = statistics.median(times), percentile(times, 0.95)
            print(f"{padded(name, 36)} {median:9.1f} {p95:9.1f}  {urllib.parse.unquote(path)}")
        else:
            print(f"{padded(name, 36)} {path}")
    if verified is not None:
        seconds, peak, status = verified
        print(f"{'archive verify':36} {arguments.verify_documents:,} documents with own files: "
              f"{seconds:.1f} s, the command's start included; peak RSS {peak} MiB, "
              f"exit {status}")  # fmt: skip


if __name__ == "__main__":
    main()

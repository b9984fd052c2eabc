"""Time the due items table's backfill (migration 0014) over a synthetic archive of N documents.

    .venv/bin/python -m bench.due_backfill --documents 20000 [--profile]

The archive is filled as bench/archive_scale.py fills it; the table is then emptied and
filled again by service.acts.due_table.backfill, as upgrading through 0014 does.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from bench.archive_scale import fill_instance, prepared
from service.acts.due_table import backfill
from service.database.models import Base, DueItemRow
from service.foundations.config import load_settings


def answered(engine: Engine) -> None:
    """Make the follow-ups answer earlier documents, as in an archive: a 复查决定 names an
    earlier notice, half the inspections are 回访 of a unit with a correction due, a report
    is on the year and unit of an earlier order."""
    documents = Base.metadata.tables["documents"]
    rng = random.Random(14)
    with engine.begin() as connection:
        notices: list[str] = []
        units: list[str] = []
        orders: list[tuple[str, int]] = []
        changes = []
        query = select(documents.c.id, documents.c.kind, documents.c.number,
                       documents.c.recipient, documents.c.facts).order_by(documents.c.id)  # fmt: skip
        for row in connection.execute(query):
            facts = dict(row.facts)
            if row.kind == "supervision_notice":
                notices.append(row.number)
            if row.kind in ("supervision_notice", "enforcement_notice"):
                units.append(row.recipient)
            if row.kind == "correction_order" and isinstance(facts.get("report_year"), int):
                orders.append((str(facts.get("unit") or ""), facts["report_year"]))
            if row.kind == "review_decision" and notices:
                facts["notice_number"] = rng.choice(notices[-200:])
            elif row.kind == "inspection_record" and units and rng.random() < 0.5:
                facts |= {"inspection_kind": "回访", "unit": rng.choice(units[-200:])}
            elif row.kind == "annual_report" and orders:
                unit, year = rng.choice(orders[-200:])
                facts |= {"unit": unit, "report_year": year}
            else:
                continue
            changes.append({"row_id": row.id, "facts": facts})
        if changes:
            connection.execute(
                update(documents).where(documents.c.id == bindparam("row_id")), changes
            )


def main() -> None:
    """Fill an archive, empty the due items, and time filling them again."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest calls")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wenshu-backfill-"))
    try:
        settings = load_settings({
            "instance_path": folder / "instance", "office_workers": 0,
            "verify_interval_hours": 0,
        })  # fmt: skip
        wenshu = prepared(settings)
        filled = fill_instance(wenshu, arguments.documents)
        answered(wenshu.database.engine)
        with Session(wenshu.database.engine) as session:
            session.execute(delete(DueItemRow))
            session.commit()
            profile = cProfile.Profile() if arguments.profile else None
            started = time.perf_counter()
            if profile:
                profile.enable()
            backfill(session)
            session.commit()
            seconds = time.perf_counter() - started
            if profile:
                profile.disable()
            rows = session.scalar(select(func.count()).select_from(DueItemRow))
            settled = session.scalar(select(func.count()).where(DueItemRow.settled_at.is_not(None)))
        print(f"backfill of {filled.documents:,} documents: {rows:,} items, "
              f"{settled:,} settled, in {seconds:.1f} s", flush=True)  # fmt: skip
        if profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        wenshu.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

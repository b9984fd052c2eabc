"""The register's text search on a filled archive: first pages of 2-character and longer fragments.

Run: .venv/bin/python bench/register_fragments.py --database-url sqlite:////path/archive.db
     .venv/bin/python bench/register_fragments.py --database-url postgresql+psycopg://…/db

It opens the archive bench/archive_scale.py filled (its --folder keeps it) and times the
register's first page, its total included, for every fragment given (--fragment, repeatable;
by default a very common, a common, a less common and an absent 2-character one, and a
common and an absent 4-character one), read by an administrator and by a clerk who may not
see 秘密 and 机密 documents. It prints each one's median and p95 in milliseconds, the total
and whether it was an estimate.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.archive.search import Criteria, browse_documents  # noqa: E402
from service.database.engine import Database  # noqa: E402

# In the synthetic archive: in every document, in most, in a sixth, in some thousands, nowhere.
FRAGMENTS = ("档案", "漏雨", "良心", "。君", "龘龘", "档案移交", "龘龘龘龘")
CLERK = frozenset({"公开", "内部"})


def percentile(values: list[float], share: float) -> float:
    """Return the value below which share of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(database: Database, criteria: Criteria, runs: int) -> tuple[list[float], int, bool]:
    """Return the times in ms of runs first pages, after one untimed, and the last total."""
    times: list[float] = []
    total, estimated = 0, False
    for run in range(runs + 1):
        with database.session() as session:
            started = time.perf_counter()
            page = browse_documents(session, criteria)
            elapsed = (time.perf_counter() - started) * 1000
        total, estimated = page.total, page.estimated
        if run:
            times.append(elapsed)
    return times, total, estimated


def main() -> None:
    """Time the first page of each fragment, by 事实 text and (2 characters) by 文号."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--fragment", action="append", help="a fragment to search for")
    arguments = parser.parse_args()
    database = Database(arguments.database_url)
    try:
        for fragment in arguments.fragment or FRAGMENTS:
            for reader, classifications in (("admin", None), ("clerk", CLERK)):
                criteria = Criteria(text=fragment, classifications=classifications)
                times, total, estimated = measure(database, criteria, arguments.runs)
                print(
                    f"text {fragment:<8} {reader:<5} median {statistics.median(times):8.1f} ms"
                    f"  p95 {percentile(times, 0.95):8.1f} ms"
                    f"  total {'~' if estimated else ''}{total}",
                    flush=True,
                )
    finally:
        database.dispose()


if __name__ == "__main__":
    main()

"""The directories of units and officers: the lookups forms pick from, and the pages that keep them."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from service.accounts.users import APPROVE, ISSUE
from service.archive.officers import lookup_officers
from service.archive.units import lookup_units
from service.foundations.tables import TableUnreadable
from service.web import wenshu
from service.web.auth import requires
from service.web.deadlines import today

blueprint = Blueprint("directory", __name__, url_prefix="/directory")
# The longest text a lookup searches with: longer than any name or code the directory holds.
QUERY_LIMIT = 100


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@contextmanager
def uploaded_table(field: str) -> Iterator[Path]:
    """Yield the table uploaded as field, saved under its own name; raise TableUnreadable for none.

    The name is kept (its folder dropped) so that a message about the file names it as the
    administrator knows it.
    """
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        raise TableUnreadable("请选择要导入的 .xlsx 或 .csv 文件")
    name = Path(upload.filename.replace("\\", "/")).name
    if name.strip(".") == "":  # "..": never a name that leaves the folder
        name = "table"
    with tempfile.TemporaryDirectory(prefix="wenshu-directory-") as work:
        saved = Path(work) / name
        upload.save(saved)
        yield saved


def _query() -> str:
    """Return the typed text a lookup searches with (?q=), cut to QUERY_LIMIT characters."""
    return request.args.get("q", "").strip()[:QUERY_LIMIT]


@blueprint.get("/units.json")
@requires(ISSUE | APPROVE)
def units_lookup() -> Response:
    """Return the active units whose name holds ?q= or whose credit code starts with it (≤20)."""
    with wenshu().database.session() as session:
        units = lookup_units(session, _query())
    return jsonify(units=[unit.lookup_json() for unit in units])


@blueprint.get("/officers.json")
@requires(ISSUE | APPROVE)
def officers_lookup() -> Response:
    """Return the active officers whose name holds ?q= or whose 执法证号 starts with it (≤20).

    Each says whether the certificate has expired as of the bureau's today, so that a form
    can show the officer marked and refuse to name him or her.
    """
    day = today()
    with wenshu().database.session() as session:
        officers = lookup_officers(session, _query())
    return jsonify(officers=[officer.to_json(day) for officer in officers])

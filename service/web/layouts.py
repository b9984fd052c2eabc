"""Template versions, for template maintainers: every version of every instrument's template."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from service.accounts import MAINTAIN_TEMPLATES
from service.archive.models import TemplateVersion
from service.registry import INSTRUMENTS
from service.web import wenshu
from service.web.auth import requires

blueprint = Blueprint("layouts", __name__)


@blueprint.get("/templates")
@requires(MAINTAIN_TEMPLATES)
def index() -> str:
    """List each instrument's template versions, the active one marked."""
    with wenshu().database.session() as session:
        versions = session.scalars(
            select(TemplateVersion).order_by(TemplateVersion.kind, TemplateVersion.version)
        ).all()
    by_kind: dict[str, list[TemplateVersion]] = {kind: [] for kind in INSTRUMENTS}
    for version in versions:
        by_kind.setdefault(version.kind, []).append(version)
    return render_template("layouts.html", instruments=INSTRUMENTS, by_kind=by_kind)

"""The administrators' pages of the unit directory: list and search, add, edit, deactivate, import."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import Form, StringField

from service.accounts.users import ADMINISTER
from service.archive.unit_table import RowProblem, UnitRow, UnitsRefused, units_template
from service.archive.units import (
    UnknownUnit,
    import_units,
    list_units,
    save_unit,
    set_unit_active,
    unit_by_id,
)
from service.foundations.tables import TableUnreadable
from service.web import wenshu
from service.web.auth import requires
from service.web.directory import XLSX, uploaded_table
from service.web.downloads import send_named
from service.web.kept_forms import restored_fields

blueprint = Blueprint("directory_units", __name__, url_prefix="/directory")

# The form's field of each column a refusal names.
FIELDS = {
    "单位名称": "name",
    "统一社会信用代码": "credit_code",
    "地址": "address",
    "法定代表人（负责人）": "representative",
    "所在乡镇": "town",
    "单位类别": "category",
}


class UnitForm(Form):
    """A unit as an administrator types it; the directory's own rules check it when saved."""

    class Meta:
        locales = ("zh_CN", "zh")

    name = StringField(_l("单位名称"))
    credit_code = StringField(_l("统一社会信用代码"))
    address = StringField(_l("地址"))
    representative = StringField(_l("法定代表人"))
    town = StringField(_l("所在乡镇（街道）"))
    category = StringField(_l("单位类别"))

    def row(self) -> UnitRow:
        """Return the unit typed, each value without surrounding spaces."""

        def typed(field: StringField) -> str:
            return (field.data or "").strip()

        return UnitRow(
            0,
            typed(self.name),
            typed(self.credit_code).upper(),
            typed(self.address),
            typed(self.representative),
            typed(self.town),
            typed(self.category),
        )


def _units_page(problems: list[RowProblem], status: int, unreadable: str = "") -> tuple[str, int]:
    """Return the list of units (those matching ?q=), with an import's refusal if any."""
    text = request.args.get("q", "").strip()[:100]
    with wenshu().database.session() as session:
        units = list_units(session, text)
    page = render_template(
        "directory_units.html", units=units, q=text, problems=problems, unreadable=unreadable
    )
    return page, status


@blueprint.get("/units")
@requires(ADMINISTER)
def units() -> tuple[str, int]:
    """List the units of the directory, deactivated ones too; search by name, code, town, category."""
    return _units_page([], 200)


@blueprint.post("/units/import")
@requires(ADMINISTER)
def import_table() -> Response | tuple[str, int]:
    """Import a table of units: every row checked first, nothing kept unless all are right."""
    try:
        with uploaded_table("table") as path, wenshu().database.session() as session:
            report = import_units(session, path)
    except UnitsRefused as refused:
        return _units_page(refused.problems, 422)
    except TableUnreadable as error:
        return _units_page([], 422, str(error))
    flash(
        _(
            "导入完成：新增%(added)s个，更新%(updated)s个，未变%(unchanged)s个",
            added=len(report.added),
            updated=len(report.updated),
            unchanged=report.unchanged,
        )
    )
    return redirect(url_for("directory_units.units"))


@blueprint.get("/units/template.xlsx")
@requires(ADMINISTER)
def units_table_template() -> Response:
    """The table to fill in for an import: the Chinese column names and one example unit."""
    return send_named(io.BytesIO(units_template()), XLSX, "单位名录导入表.xlsx", "units.xlsx")


@blueprint.route("/units/new", methods=["GET", "POST"])
@blueprint.route("/units/<id:unit_id>", methods=["GET", "POST"])
@requires(ADMINISTER)
def unit(unit_id: int | None = None) -> Response | tuple[str, int]:
    """Add a unit, or change one; a refused value is named at its field, everything typed kept."""
    existing = None
    if unit_id is not None:
        with wenshu().database.session() as session:
            existing = unit_by_id(session, unit_id)
        if existing is None:
            abort(404)
    # A form posted after its session ended comes back as typed once its author signs in again.
    form = UnitForm(request.form if request.method == "POST" else restored_fields(), obj=existing)
    if request.method == "POST":
        try:
            with wenshu().database.session() as session:
                saved = save_unit(session, form.row(), unit_id)
        except UnitsRefused as refused:
            for problem in refused.problems:
                field = getattr(form, FIELDS.get(problem.field, "name"))
                field.errors = [*field.errors, problem.message]
        else:
            flash(_("已保存单位：%(name)s", name=saved.name))
            return redirect(url_for("directory_units.units"))
    status = 422 if request.method == "POST" else 200
    return render_template("directory_unit.html", form=form, unit=existing), status


@blueprint.post("/units/<id:unit_id>/active")
@requires(ADMINISTER)
def unit_active(unit_id: int) -> Response:
    """Take a unit out of the directory (its documents keep naming it), or back in."""
    active = request.form.get("active") == "1"
    try:
        with wenshu().database.session() as session:
            set_unit_active(session, unit_id, active)
    except UnknownUnit:
        abort(404)
    except UnitsRefused as refused:
        flash(_("不能启用：%(reason)s", reason=refused.problems[0].message))
    return redirect(url_for("directory_units.units", q=request.form.get("q") or None))

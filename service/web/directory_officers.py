"""The administrators' pages of the officer directory: list and search, add, edit, deactivate, import."""

from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import DateField, Form, StringField
from wtforms.validators import InputRequired

from service.accounts.users import ADMINISTER
from service.archive.officer_table import (
    OfficerRow,
    OfficersRefused,
    officer_row_problems,
    officers_template,
)
from service.archive.officers import (
    UnknownOfficer,
    import_officers,
    list_officers,
    officer_by_id,
    save_officer,
    set_officer_active,
)
from service.foundations.tables import RowProblem, TableUnreadable
from service.web import wenshu
from service.web.auth import requires
from service.web.deadlines import today
from service.web.directory import XLSX, uploaded_table
from service.web.downloads import send_named
from service.web.kept_forms import restored_fields

blueprint = Blueprint("directory_officers", __name__, url_prefix="/directory")
# The form's field of each column a refusal names.
FIELDS = {"姓名": "name", "执法证号": "certificate", "有效期至": "valid_until"}


class ChineseDate(DateField):
    """A date written 年-月-日, with a Chinese message when it is not a date."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("日期格式应为 年-月-日，如 2027-12-31") from error


class OfficerForm(Form):
    """An officer as an administrator types him or her; the directory's rules check it when saved."""

    class Meta:
        locales = ("zh_CN", "zh")

    name = StringField(_l("姓名"))
    certificate = StringField(_l("执法证号"))
    valid_until = ChineseDate(
        _l("有效期至"),
        validators=[InputRequired(message="请填写有效期至（如2027-12-31）")],
        format="%Y-%m-%d",
    )

    def row(self) -> OfficerRow:
        """Return the officer typed (a valid date checked first), names without surrounding spaces."""
        return OfficerRow(
            0,
            (self.name.data or "").strip(),
            (self.certificate.data or "").strip(),
            self.valid_until.data or dt.date.min,
        )


def _officers_page(
    problems: list[RowProblem], status: int, unreadable: str = ""
) -> tuple[str, int]:
    """Return the list of officers (those matching ?q=), with an import's refusal if any."""
    text = request.args.get("q", "").strip()[:100]
    with wenshu().database.session() as session:
        officers = list_officers(session, text)
    page = render_template(
        "directory_officers.html", officers=officers, q=text, problems=problems,
        unreadable=unreadable, today=today(),
    )  # fmt: skip
    return page, status


@blueprint.get("/officers")
@requires(ADMINISTER)
def officers() -> tuple[str, int]:
    """List the officers of the directory, deactivated and expired ones marked; search by name or 证号."""
    return _officers_page([], 200)


@blueprint.post("/officers/import")
@requires(ADMINISTER)
def import_table() -> Response | tuple[str, int]:
    """Import a table of officers: every row checked first, nothing kept unless all are right."""
    try:
        with uploaded_table("table") as path, wenshu().database.session() as session:
            report = import_officers(session, path)
    except OfficersRefused as refused:
        return _officers_page(refused.problems, 422)
    except TableUnreadable as error:
        return _officers_page([], 422, str(error))
    flash(
        _(
            "导入完成：新增%(added)s人，更新%(updated)s人，未变%(unchanged)s人",
            added=len(report.added),
            updated=len(report.updated),
            unchanged=report.unchanged,
        )
    )
    return redirect(url_for("directory_officers.officers"))


@blueprint.get("/officers/template.xlsx")
@requires(ADMINISTER)
def officers_table_template() -> Response:
    """The table to fill in for an import: the Chinese column names and one example officer."""
    return send_named(
        io.BytesIO(officers_template()), XLSX, "执法人员名录导入表.xlsx", "officers.xlsx"
    )


@blueprint.route("/officers/new", methods=["GET", "POST"])
@blueprint.route("/officers/<id:officer_id>", methods=["GET", "POST"])
@requires(ADMINISTER)
def officer(officer_id: int | None = None) -> Response | tuple[str, int]:
    """Add an officer, or change one; a refused value is named at its field, everything typed kept."""
    existing = None
    if officer_id is not None:
        with wenshu().database.session() as session:
            existing = officer_by_id(session, officer_id)
        if existing is None:
            abort(404)
    # A form posted after its session ended comes back as typed once its author signs in again.
    formdata = request.form if request.method == "POST" else restored_fields()
    form = OfficerForm(formdata, obj=existing)
    if request.method == "POST":
        dated, row = form.validate(), form.row()
        try:
            if not dated:  # the date's message is at its field; the others are checked as well
                raise OfficersRefused(officer_row_problems(row))
            with wenshu().database.session() as session:
                saved = save_officer(session, row, officer_id)
        except OfficersRefused as refused:
            for problem in refused.problems:
                field = getattr(form, FIELDS.get(problem.field, "name"))
                field.errors = [*field.errors, problem.message]
        else:
            flash(_("已保存执法人员：%(name)s", name=saved.name))
            return redirect(url_for("directory_officers.officers"))
    status = 422 if request.method == "POST" else 200
    return render_template("directory_officer.html", form=form, officer=existing), status


@blueprint.post("/officers/<id:officer_id>/active")
@requires(ADMINISTER)
def officer_active(officer_id: int) -> Response:
    """Take an officer out of the directory (documents naming him or her stay), or back in."""
    try:
        with wenshu().database.session() as session:
            set_officer_active(session, officer_id, request.form.get("active") == "1")
    except UnknownOfficer:
        abort(404)
    return redirect(url_for("directory_officers.officers", q=request.form.get("q") or None))

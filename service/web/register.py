"""The register of issued documents (文书登记簿): search, and voiding a mistaken document."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import Field, Form, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from forms.fields import ChineseDateField
from service.accounts.users import ISSUE
from service.acts.voiding import void_issued
from service.archive.access import visible_classifications
from service.archive.search import (
    INCOMING,
    OUTGOING,
    Criteria,
    browse_documents,
    search_documents,
)
from service.archive.voiding import NoSuchDocument, VoidRefused
from service.database.models import Document
from service.instruments.registry import INSTRUMENTS
from service.web import wenshu
from service.web.auth import current_account, requires
from service.web.documents import visible_document
from service.web.language import N_

blueprint = Blueprint("register", __name__)
STATUS_TITLES = {"issued": N_("有效"), "voided": N_("已作废")}
REGISTER_TITLES = {OUTGOING: N_("发文"), INCOMING: N_("收文登记（收到的报告）")}


class SearchForm(Form):
    """The register's search form, submitted by GET; every field may stay empty."""

    class Meta:
        locales = ("zh_CN", "zh")

    register = SelectField(
        _l("登记簿"),
        choices=[
            SelectChoice("", _l("发文和收文")),
            *(SelectChoice(value, _l(title)) for value, title in REGISTER_TITLES.items()),
        ],
        validate_choice=False,  # an unknown register simply matches everything
    )
    kind = SelectField(
        _l("文书"),
        choices=[
            SelectChoice("", _l("全部文书")),
            *(SelectChoice(kind, spec.title) for kind, spec in INSTRUMENTS.items()),
        ],
        validate_choice=False,  # an unknown kind simply matches nothing
    )
    number = StringField(
        _l("文号"), validators=[Length(max=100, message=_l("文号不能超过100个字"))]
    )
    recipient = StringField(
        _l("主送单位或个人"), validators=[Length(max=200, message=_l("单位名称不能超过200个字"))]
    )
    text = StringField(
        _l("内容包含"), validators=[Length(max=200, message=_l("内容不能超过200个字"))]
    )
    date_from = ChineseDateField(_l("成文日期从"), validators=[Optional()], format="%Y-%m-%d")
    date_to = ChineseDateField(_l("成文日期至"), validators=[Optional()], format="%Y-%m-%d")
    status = SelectField(
        _l("状态"),
        choices=[
            SelectChoice("", _l("全部")),
            *(SelectChoice(value, _l(title)) for value, title in STATUS_TITLES.items()),
        ],
        validate_choice=False,
    )

    def validate_date_to(self, field: Field) -> None:
        """The range ends on or after its start."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("结束日期不能早于开始日期"))

    def criteria(self) -> Criteria:
        """Return the search criteria the form holds."""
        return Criteria(
            kind=self.kind.data or "",
            number=self.number.data or "",
            recipient=self.recipient.data or "",
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            text=self.text.data or "",
            status=self.status.data or "",
            register=self.register.data or "",
        )


@blueprint.get("/documents")
def search() -> tuple[str, int]:
    """Every issued document, newest first, 50 a page, narrowed by the search form."""
    form = SearchForm(request.args)
    if not form.validate():
        return render_template("register.html", form=form, results=None, **_titles()), 422
    after, before = request.args.get("after", ""), request.args.get("before", "")
    # A cursor without a page number (a link kept from elsewhere) is a page of unknown number.
    page = request.args.get("page", type=int) or (0 if after or before else 1)
    last = request.args.get("last") == "1"
    with wenshu().database.session() as session:
        visible = visible_classifications(current_account().role, wenshu().settings.policy)
        criteria = replace(form.criteria(), classifications=visible)
        if after or before or last or page == 1:
            results = browse_documents(
                session, criteria, after=after, before=before, last=last, page=page
            )
        else:  # a link by page number, from before the register paged by cursors
            results = search_documents(session, criteria, page)
    return render_template(
        "register.html", form=form, results=results, query=_query(form), **_titles()
    ), 200


def _query(form: SearchForm) -> dict[str, str]:
    """Return the search's own parameters, for the links to other pages of results."""
    return {field.name: request.args[field.name] for field in form if request.args.get(field.name)}


def _titles() -> dict[str, Any]:
    """Return the Chinese names of statuses the page shows."""
    return {"status_titles": STATUS_TITLES, "incoming": INCOMING}


@blueprint.post("/documents/<id:document_id>/void")
@requires(ISSUE)
def void(document_id: int) -> Response | tuple[str, int]:
    """Void a mistaken document with a reason; its 文号 stays used and its file unchanged."""
    reason = request.form.get("reason", "")
    with wenshu().database.session() as session:
        visible_document(session, document_id)
    try:
        with wenshu().database.session() as session:
            void_issued(session, document_id, reason, current_account().username)
    except NoSuchDocument:
        abort(404)
    except VoidRefused as refusal:
        with wenshu().database.session() as session:
            document = session.get(Document, document_id)
        page = render_template(
            "document.html",
            document=document,
            may_issue=True,
            void_error=str(refusal),
            void_reason=reason,
        )
        return page, 409 if document is not None and document.status == "voided" else 422
    return redirect(url_for("documents.show", document_id=document_id))

"""Instrument forms, issuing, and issued documents with their PDFs."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms import FieldList

from service.accounts import ISSUE
from service.archive.lookup import DatabaseArchiveView
from service.archive.models import Document
from service.facts import Facts, InvalidFacts
from service.issuing import IssueFailed, issue_document
from service.registry import INSTRUMENTS, Instrument, UnknownKind, get_instrument
from service.render.convert import OfficeError
from service.render.docx import TemplateProblem
from service.render.preview import page_png
from service.web import wenshu
from service.web.auth import current_account, requires

blueprint = Blueprint("documents", __name__)


@blueprint.get("/")
def index() -> str:
    """Home: every instrument by its Chinese title, and the latest documents."""
    with wenshu().database.session() as session:
        recent = session.scalars(select(Document).order_by(Document.id.desc()).limit(20)).all()
    return render_template("index.html", instruments=INSTRUMENTS.values(), recent=recent)


@blueprint.route("/documents/new/<kind>", methods=["GET", "POST"])
@requires(ISSUE)
def new(kind: str) -> str | Response | tuple[str, int]:
    """Show an instrument's form; on a valid submission issue it and show the result."""
    try:
        instrument = get_instrument(kind)
    except UnknownKind:
        abort(404)
    problem = None
    if request.method == "POST":
        formdata = without_blank_rows(request.form)
        try:
            formdata = with_uploaded_rows(instrument, formdata)
        except (OSError, ValueError) as error:
            problem = f"上传的表格无法读取：{error}"
        form = instrument.form(formdata)
    else:
        form = instrument.form(data=defaults_for(instrument))
        for field in form:
            if isinstance(field, FieldList) and not field.entries:
                for _ in range(BLANK_ROWS):
                    field.append_entry()
    form.archive = DatabaseArchiveView(wenshu().database)
    form.policy = wenshu().settings.policy
    if request.method == "POST" and not problem and form.validate():
        try:
            facts = Facts(kind, dict(form.data)).to_json()
            document = issue_document(wenshu(), kind, facts, current_account().username)
            return redirect(url_for("documents.show", document_id=document.id))
        except InvalidFacts as error:
            for name, messages in error.errors.items():
                if name in form:
                    form[name].errors = list(messages)
        except (OfficeError, IssueFailed, TemplateProblem) as error:
            problem = f"文书未能生成，未占用文号，填写的内容已保留：{error}"
    # 503: the facts were fine but the service could not finish; 422: the facts were not.
    status = 503 if problem and form.errors == {} else 422 if request.method == "POST" else 200
    page = render_template("form.html", instrument=instrument, form=form, problem=problem)
    return page, status


BLANK_ROWS = 2  # empty rows offered for officers, table lines and the like


def without_blank_rows(formdata: MultiDict[str, str]) -> MultiDict[str, str]:
    """Return the submitted form without repeated rows the clerk left entirely empty."""
    rows: dict[str, list[tuple[str, str]]] = {}
    kept: MultiDict[str, str] = MultiDict()
    for key, value in formdata.items(multi=True):
        match = re.fullmatch(r"(\w+-\d+)-\w+", key)
        if match:
            rows.setdefault(match.group(1), []).append((key, value))
        else:
            kept.add(key, value)
    for items in rows.values():
        if any(value.strip() for _, value in items):
            for key, value in items:
                kept.add(key, value)
    return kept


def with_uploaded_rows(
    instrument: Instrument, formdata: MultiDict[str, str]
) -> MultiDict[str, str]:
    """Return formdata with row fields replaced by the rows of spreadsheets uploaded for them."""
    for name in instrument.row_readers:
        upload = request.files.get(f"{name}__file")
        if upload is None or not upload.filename:
            continue
        suffix = Path(upload.filename).suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as saved:
            upload.save(saved.name)
            rows = instrument.read_rows(name, saved.name)
        formdata = MultiDict(
            [
                (key, value)
                for key, value in formdata.items(multi=True)
                if not key.startswith(f"{name}-")
            ]
        )
        for index, row in enumerate(rows):
            for key, value in row.items():
                formdata.add(f"{name}-{index}-{key}", str(value))
    return formdata


def defaults_for(instrument: Instrument) -> dict[str, object]:
    """Return what a blank form starts with: this bureau as issuer, today as the date."""
    defaults: dict[str, object] = {instrument.date_field: dt.date.today()}
    if "issuer" in instrument.form():
        defaults["issuer"] = wenshu().settings.bureau.name
    return defaults


@blueprint.get("/documents/<int:document_id>")
def show(document_id: int) -> str:
    """One issued document: its number, metadata, fixity values and PDF."""
    with wenshu().database.session() as session:
        document = session.get(Document, document_id)
    if document is None:
        abort(404)
    return render_template("document.html", document=document)


@blueprint.get("/documents/<int:document_id>/pages/<int:page>.png")
def page_image(document_id: int, page: int) -> Response:
    """One page of the archived PDF as an image, for the preview on the document page."""
    with wenshu().database.session() as session:
        document = session.get(Document, document_id)
    if document is None or not 1 <= page <= document.pages:
        abort(404)
    image = page_png(wenshu().archive.absolute(document.pdf_path), page)
    response = Response(image, mimetype="image/png")
    response.cache_control.max_age = 86400  # an archived document never changes
    return response


@blueprint.get("/documents/<int:document_id>/pdf")
def pdf(document_id: int) -> Response:
    """The archived PDF, inline so that the browser opens it for printing."""
    with wenshu().database.session() as session:
        document = session.get(Document, document_id)
    if document is None:
        abort(404)
    return send_file(
        wenshu().archive.absolute(document.pdf_path),
        mimetype="application/pdf",
        download_name=f"{document.number}.pdf",
        as_attachment=request.args.get("download") == "1",
    )

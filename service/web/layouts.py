"""Template maintenance: versions of each instrument's template, candidates side by side, publish, roll back."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from service.accounts.users import MAINTAIN_TEMPLATES
from service.archive.templates import VersionRefused, list_versions
from service.instruments.facts import InvalidFacts
from service.instruments.registry import INSTRUMENTS, Instrument
from service.layouts.candidates import (
    SAMPLES,
    check_candidate,
    keep_candidate,
    load_candidate,
    version_with_sha,
)
from service.layouts.lint import LintReport, read_sample
from service.layouts.preview import PagesWithoutOfd, PreviewCache
from service.layouts.refusals import refusals
from service.layouts.versions import TemplateRefused, activate_version, publish_version
from service.render.fill.docx import TemplateProblem
from service.render.office.retry import OfficeError
from service.web import wenshu
from service.web.auth import current_account, requires
from service.web.downloads import send_named
from service.web.kept_forms import restored_fields
from service.web.language import N_

blueprint = Blueprint("layouts", __name__)
MAX_NOTE = 200
NO_FILE = N_("请选择要上传的模板文件（.docx）")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def instrument_or_404(kind: str) -> Instrument:
    """Return the instrument of a kind named in a URL, or answer 404."""
    if kind not in INSTRUMENTS:
        abort(404)
    return INSTRUMENTS[kind]


def previews() -> PreviewCache:
    """Return the instance's cache of template preview images."""
    return PreviewCache(wenshu().settings.instance_path / "template-previews")


def submitted_note() -> str:
    """Return the version note typed in the form or carried in the URL, trimmed to its limit."""
    return (request.values.get("note") or "").strip()[:MAX_NOTE]


def restored_note() -> str | None:
    """Return the note of an upload or publish posted after the session ended, now given back."""
    kept = restored_fields()
    return (kept.get("note") or "").strip()[:MAX_NOTE] if kept is not None else None


@blueprint.app_errorhandler(VersionRefused)
def version_refused(error: VersionRefused) -> tuple[str | Response, int]:
    """Answer any page or API call that would render a refused template version: why, never a 500."""
    if request.path.startswith("/api/"):
        return jsonify(error=str(error)), 409
    return render_template("error.html", code=409, message=str(error)), 409


@blueprint.get("/templates")
@requires(MAINTAIN_TEMPLATES)
def index() -> str:
    """Every instrument with its active template version and how many versions it has."""
    with wenshu().database.session() as session:
        versions = list_versions(session)
        refused = {version.id: reason for version, reason in refusals(session, wenshu().templates)}
    counts = {kind: 0 for kind in INSTRUMENTS}
    active: dict[str, int] = {}
    active_refused: set[str] = set()
    for version in versions:
        counts[version.kind] = counts.get(version.kind, 0) + 1
        if version.active:
            active[version.kind] = version.version
            if version.id in refused:
                active_refused.add(version.kind)
    return render_template(
        "layouts.html", instruments=INSTRUMENTS, counts=counts, active=active,
        active_refused=active_refused,
    )  # fmt: skip


def kind_page(
    instrument: Instrument,
    report: LintReport | None = None,
    filename: str = "",
    note: str | None = None,
) -> str:
    """Return the page of one kind's versions, with a refused upload's report when there is one."""
    with wenshu().database.session() as session:
        versions = list_versions(session, instrument.kind)
        found = refusals(session, wenshu().templates, instrument.kind)
    return render_template(
        "layout_kind.html", instrument=instrument, versions=versions, report=report,
        filename=filename, note=submitted_note() if note is None else note, max_note=MAX_NOTE,
        refused={version.id: reason for version, reason in found},
    )  # fmt: skip


@blueprint.get("/templates/<kind>")
@requires(MAINTAIN_TEMPLATES)
def kind(kind: str) -> str:
    """One kind's versions: activate (roll back), download, and upload a candidate."""
    instrument = instrument_or_404(kind)
    return kind_page(instrument, note=restored_note())


@blueprint.post("/templates/<kind>/versions/<int:number>/activate")
@requires(MAINTAIN_TEMPLATES)
def activate(kind: str, number: int) -> Response:
    """Make a version the active one; activating an earlier one rolls back."""
    instrument = instrument_or_404(kind)
    try:
        with wenshu().database.session() as session:
            activate_version(session, kind, number, by=current_account().username)
    except LookupError:
        abort(404)
    except VersionRefused as refused:
        flash(_("没有启用第%(n)s版：%(reason)s", n=number, reason=refused))
        return redirect(url_for("layouts.kind", kind=kind))
    flash(
        _(
            "已启用第%(n)s版。此后生成的%(title)s使用第%(n)s版；已归档的文书不受影响。",
            n=number,
            title=instrument.title,
        )
    )
    return redirect(url_for("layouts.kind", kind=kind))


@blueprint.get("/templates/<kind>/versions/<int:number>.docx")
@requires(MAINTAIN_TEMPLATES)
def download(kind: str, number: int) -> Response:
    """One version's DOCX, to edit in Word or LibreOffice."""
    instrument = instrument_or_404(kind)
    with wenshu().database.session() as session:
        version = next((v for v in list_versions(session, kind) if v.version == number), None)
        if version is None:
            abort(404)
        data = wenshu().templates.read_version(version)
    name = f"{instrument.title}-第{number}版.docx"
    return send_named(io.BytesIO(data), DOCX, name, f"{kind}-v{number}.docx")


@blueprint.post("/templates/<kind>/candidates")
@requires(MAINTAIN_TEMPLATES)
def upload(kind: str) -> Response | tuple[str, int]:
    """Lint an uploaded template: refused, show why and keep nothing; else show it as a candidate."""
    instrument = instrument_or_404(kind)
    upload = request.files.get("template")
    if upload is None or not upload.filename:
        report = LintReport()
        report.add("error", _("上传"), _(NO_FILE), _("点“选择文件”选中模板后再点“上传并检查”"))
        return kind_page(instrument, report), 422
    try:
        sha256, _report = keep_candidate(wenshu().templates, kind, upload.read())
    except TemplateRefused as refused:
        return kind_page(instrument, refused.report, upload.filename), 422
    return redirect(
        url_for("layouts.candidate", kind=kind, sha256=sha256, note=submitted_note() or None)
    )


def candidate_page(
    instrument: Instrument, sha256: str, data: bytes, note: str | None = None
) -> str:
    """Return the candidate's page: lint's findings, and its pages beside the active version's."""
    report = check_candidate(instrument.kind, data)
    with wenshu().database.session() as session:
        versions = list_versions(session, instrument.kind)
        active = next((v for v in versions if v.active), None)
        active_data = wenshu().templates.read_version(active) if active else None
        same = version_with_sha(session, instrument.kind, sha256)
    sides = []
    if not report.errors:
        current = _("启用中：第%(n)s版", n=active.version) if active else _("尚无启用的版本")
        sides = [
            preview_side(instrument, current, active.sha256 if active else "", active_data),
            preview_side(instrument, _("新上传（未发布）"), sha256, data),
        ]
    return render_template(
        "layout_candidate.html", instrument=instrument, sha256=sha256, report=report,
        active=active, same=same, sides=sides, max_note=MAX_NOTE,
        note=submitted_note() if note is None else note,
        candidate_failed=bool(sides) and bool(sides[-1]["problem"]),
        candidate_without_ofd=bool(sides) and bool(sides[-1]["without_ofd"]),
    )  # fmt: skip


def preview_side(
    instrument: Instrument, label: str, sha256: str, template: bytes | None
) -> dict[str, object]:
    """Return one column of the comparison: its label, page count (drawn unless cached), problem."""
    side: dict[str, object] = {
        "label": label, "sha256": sha256, "pages": 0, "problem": "", "without_ofd": False
    }  # fmt: skip
    if template is None:
        return side
    try:
        side["pages"] = previews().page_count(wenshu(), instrument.kind, template)
    except PagesWithoutOfd as error:
        side["problem"], side["without_ofd"] = str(error), True
    except TemplateRefused:
        side["problem"] = _("该版本未通过模板检查，无法预览")
    except (OfficeError, TemplateProblem, InvalidFacts, ValueError, OSError) as error:
        side["problem"] = _("预览未能生成：%(error)s", error=error)
    return side


@blueprint.get("/templates/<kind>/candidates/<string(length=64):sha256>")
@requires(MAINTAIN_TEMPLATES)
def candidate(kind: str, sha256: str) -> str:
    """A kept candidate: its warnings, its pages beside the active version's, and 发布."""
    instrument = instrument_or_404(kind)
    try:
        data = load_candidate(wenshu().templates, sha256)
    except LookupError:
        abort(404)
    return candidate_page(instrument, sha256, data, note=restored_note())


@blueprint.get("/templates/<kind>/previews/<string(length=64):sha256>/<int:page>.png")
@requires(MAINTAIN_TEMPLATES)
def preview_image(kind: str, sha256: str, page: int) -> Response:
    """One page of a kept template filled with the sample facts, as an image."""
    instrument_or_404(kind)
    try:
        data = load_candidate(wenshu().templates, sha256)
        image = previews().page(wenshu(), kind, data, page)
    except (LookupError, TemplateRefused):
        abort(404)  # IndexError, a page past the last, is a LookupError
    except (OfficeError, TemplateProblem, InvalidFacts, ValueError, OSError):
        abort(503)
    response = Response(image, mimetype="image/png")
    response.cache_control.max_age = 86400  # the same bytes always give the same pages
    return response


@blueprint.post("/templates/<kind>/candidates/<string(length=64):sha256>/publish")
@requires(MAINTAIN_TEMPLATES)
def publish(kind: str, sha256: str) -> Response | tuple[str, int]:
    """Publish a kept candidate as the kind's next version and make it active."""
    instrument = instrument_or_404(kind)
    try:
        data = load_candidate(wenshu().templates, sha256)
    except LookupError:
        abort(404)
    with wenshu().database.session() as session:
        same = version_with_sha(session, kind, sha256)
    if same is not None:
        flash(_("这份模板与第%(n)s版完全相同，没有重复发布；要改用它，请启用第%(n)s版。", n=same))
        return redirect(url_for("layouts.kind", kind=kind))
    if preview_side(instrument, "", sha256, data)["problem"]:
        # Refused as its page refuses it: pages that cannot be drawn, or written as OFD.
        return candidate_page(instrument, sha256, data), 422
    try:
        with wenshu().database.session() as session:
            version, _report = publish_version(
                session, wenshu().templates, kind, data, read_sample(kind, SAMPLES),
                published_by=current_account().username, note=submitted_note(),
            )  # fmt: skip
            number = version.version
    except TemplateRefused:
        return candidate_page(instrument, sha256, data), 422
    flash(
        _(
            "已发布并启用第%(n)s版。此后生成的%(title)s使用第%(n)s版；已归档的文书仍保留原来的版本。",
            n=number,
            title=instrument.title,
        )
    )
    return redirect(url_for("layouts.kind", kind=kind))

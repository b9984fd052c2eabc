"""Tests of stored template versions that reach outside: found at start, never rendered, shown refused."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from service.acts.errors import TemplateUnusable
from service.acts.issuing import issue_document
from service.archive.templates import VersionRefused, active_template, list_versions, template_of
from service.background.startup import prepare_service
from service.batch.executor import run_job
from service.commands.cli import main
from service.database.batch_models import FAILED
from service.database.models import AuditEvent, Document, TemplateVersion
from service.foundations.config import load_settings
from service.layouts.refusals import REFUSE_ACTION, refusals
from service.layouts.versions import activate_version
from service.services import Wenshu
from tests.batch.test_executor import KIND as BATCH_KIND
from tests.batch.test_executor import make_job
from tests.conftest import sample, signed_in
from tests.outside_docx import linked_picture
from tests.web.batch_client import KIND as BATCH_PAGE_KIND
from tests.web.batch_client import csv_bytes, upload
from tests.web.issuing import issue_via_form

ROOT = Path(__file__).resolve().parents[2]
KIND = "supervision_notice"
TITLE = "执法监督通知（决定）书"


def store_old_version(wenshu: Wenshu, kind: str = KIND, active: bool = True) -> int:
    """Record version 2 of a kind as a release from before the check would have: a linked picture.

    Written straight into the database, as an older release of the service left it; returns its id.
    """
    shipped = (ROOT / "templates_docx" / f"{kind}.docx").read_bytes()
    data = linked_picture(shipped, "file:///etc/hostname")
    sha256, relative = wenshu.templates.put(data)
    with wenshu.database.session() as session:
        for row in session.scalars(select(TemplateVersion).where(TemplateVersion.kind == kind)):
            row.active = row.active and not active
        version = TemplateVersion(
            kind=kind, version=2, sha256=sha256, path=relative, content=data, active=active,
            published_by="旧版维护员", note="旧版发布",
        )  # fmt: skip
        session.add(version)
        session.flush()
        return version.id


def refusal_events(wenshu: Wenshu) -> list[AuditEvent]:
    """Return the audit chain's refusal entries."""
    with wenshu.database.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == REFUSE_ACTION)))


def test_start_finds_logs_and_audits_a_version_once(
    wenshu: Wenshu, caplog: pytest.LogCaptureFixture
) -> None:
    """This test ensures that each start checks stored versions, logs a refused one, and audits it once."""
    store_old_version(wenshu)
    assert refusal_events(wenshu) == []
    with caplog.at_level(logging.WARNING, logger="service.layouts.refusals"):
        prepare_service(wenshu)
    assert "supervision_notice v2 refused" in caplog.text
    assert "supervision_notice cannot be issued" in caplog.text  # it is the active one
    prepare_service(wenshu)  # a second start logs again, but records nothing new
    events = refusal_events(wenshu)
    assert [(e.subject, e.actor) for e in events] == [("supervision_notice v2", "system")]
    assert "图片或媒体链接到包外的文件（file:///etc/hostname）" in events[0].details["reason"]
    with wenshu.database.session() as session:
        found = refusals(session, wenshu.templates)
    assert [(v.version, reason.split("）")[0]) for v, reason in found] == [
        (2, "正文（word/document.xml")
    ]


def test_a_refused_version_is_never_rendered_nor_activated(wenshu: Wenshu) -> None:
    """This test ensures that a refused version cannot be loaded to render, as active or by id, nor activated."""
    version_id = store_old_version(wenshu)
    prepare_service(wenshu)
    with wenshu.database.session() as session:
        with pytest.raises(VersionRefused, match=f"{TITLE}的第2版模板含有外部引用，已停用"):
            active_template(session, wenshu.templates, KIND)
        with pytest.raises(VersionRefused, match="file:///etc/hostname"):
            template_of(session, wenshu.templates, version_id)
    with pytest.raises(VersionRefused), wenshu.database.session() as session:
        activate_version(session, KIND, 2)
    with wenshu.database.session() as session:
        activate_version(session, KIND, 1, by="维护员")  # rolling back to a clean one works
        assert active_template(session, wenshu.templates, KIND).version == 1


def test_a_fresh_machine_refuses_without_a_start(wenshu: Wenshu, tmp_path: Path) -> None:
    """This test ensures that the render path checks by itself, even where no start has checked yet."""
    from dataclasses import replace

    store_old_version(wenshu)
    other = Wenshu.open(
        replace(wenshu.settings, instance_path=tmp_path / "other",
                database_url=wenshu.settings.resolved_database_url),
        wenshu.converter,
    )  # fmt: skip
    try:
        with other.database.session() as session, pytest.raises(VersionRefused):
            active_template(session, other.templates, KIND)
    finally:
        other.database.dispose()


@pytest.mark.office
def test_issuing_refuses_and_takes_no_number(wenshu: Wenshu) -> None:
    """This test ensures that issuing with a refused active version fails with the reason and uses no number."""
    store_old_version(wenshu)
    prepare_service(wenshu)
    with pytest.raises(TemplateUnusable, match="第2版") as refused:
        issue_document(wenshu, KIND, sample(KIND), "王文书")
    assert isinstance(refused.value.__cause__, VersionRefused)
    with wenshu.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        activate_version(session, KIND, 1)
    issued = issue_document(wenshu, KIND, sample(KIND), "王文书")
    assert issued.number == "君档监通〔2026〕1号"  # the refusal cost no number


@pytest.mark.office
def test_a_batch_job_recorded_with_a_now_refused_version_fails_with_the_reason(
    wenshu: Wenshu,
) -> None:
    """This test ensures that a job recorded before its version was refused stops, issuing nothing."""
    job = make_job(wenshu, ["岳阳市君山区许市镇人民政府"])
    refused_id = store_old_version(wenshu, BATCH_KIND, active=False)
    with wenshu.database.session() as session:
        session.get(type(job), job.id).template_id = refused_id  # as if recorded with it
    prepare_service(wenshu)
    with pytest.raises(TemplateUnusable) as refused:
        run_job(wenshu, job.id)
    assert isinstance(refused.value.__cause__, VersionRefused)
    with wenshu.database.session() as session:
        failed = session.get(type(job), job.id)
        assert failed.status == FAILED and "含有外部引用" in failed.error
        assert session.scalar(select(func.count()).select_from(Document)) == 0


@pytest.mark.office
def test_web_refuses_to_issue_preview_or_batch_with_it(app: Flask) -> None:
    """This test ensures that the form's preview and issue, the API and a batch upload all say why, in Chinese."""
    wenshu: Wenshu = app.extensions["wenshu"]
    store_old_version(wenshu)
    prepare_service(wenshu)
    clerk = signed_in(app, "clerk")
    form = {key: str(value) for key, value in sample(KIND).items()}
    for page in (
        clerk.post(f"/documents/new/{KIND}", data={**form, "action": "preview"}),
        issue_via_form(clerk, KIND, form),  # refused at its review, before any number
    ):
        assert page.status_code == 503
        assert "第2版模板含有外部引用，已停用" in page.get_data(as_text=True)
    store_old_version(wenshu, BATCH_PAGE_KIND)
    batch = upload(clerk, csv_bytes(["岳阳市君山区许市镇人民政府"]))
    assert batch.status_code == 503  # as for one document: not issued, the upload kept
    assert "全区档案安全通报" in batch.get_data(as_text=True)
    assert "第2版模板含有外部引用，已停用" in batch.get_data(as_text=True)
    with wenshu.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_templates_pages_show_the_version_refused(app: Flask) -> None:
    """This test ensures that maintainers see which version is refused and why, and cannot activate it."""
    wenshu: Wenshu = app.extensions["wenshu"]
    store_old_version(wenshu, active=False)
    prepare_service(wenshu)
    maintainer = signed_in(app, "maintainer")
    page = maintainer.get(f"/templates/{KIND}").get_data(as_text=True)
    assert "已停用" in page and "file:///etc/hostname" in page
    assert f"/templates/{KIND}/versions/2/activate" not in page  # no button for it
    answer = maintainer.post(f"/templates/{KIND}/versions/2/activate")
    assert answer.status_code == 302
    after = maintainer.get(f"/templates/{KIND}").get_data(as_text=True)
    assert "没有启用第2版" in after
    with wenshu.database.session() as session:
        assert [v.version for v in list_versions(session, KIND) if v.active] == [1]
    index = maintainer.get("/templates").get_data(as_text=True)
    assert "已停用：含有外部引用" not in index  # the active version, 1, is fine
    with wenshu.database.session() as session:
        for version in list_versions(session, KIND):
            version.active = version.version == 2  # as an older release left it
    index = maintainer.get("/templates").get_data(as_text=True)
    assert "第2版 <strong" in index and "已停用：含有外部引用" in index
    kind_page = maintainer.get(f"/templates/{KIND}").get_data(as_text=True)
    assert f"启用中的第2版已停用，暂时不能生成{TITLE}" in kind_page


def test_cached_previews_of_a_refused_template_are_not_shown(app: Flask) -> None:
    """This test ensures that preview pages drawn before the refusal (they may show what was fetched) are not served."""
    wenshu: Wenshu = app.extensions["wenshu"]
    store_old_version(wenshu, active=False)
    with wenshu.database.session() as session:
        sha256 = next(v.sha256 for v in list_versions(session, KIND) if v.version == 2)
    drawn = wenshu.settings.instance_path / "template-previews" / KIND / sha256
    drawn.mkdir(parents=True)
    (drawn / "1.png").write_bytes(b"\x89PNG drawn before")
    (drawn / "pages").write_text("1")
    maintainer = signed_in(app, "maintainer")
    assert maintainer.get(f"/templates/{KIND}/previews/{sha256}/1.png").status_code == 404


def test_cli_activate_refuses_it(runner: CliRunner) -> None:
    """This test ensures that `wenshu template activate` refuses a refused version with the reason."""
    wenshu = Wenshu.open(load_settings())
    try:
        prepare_service(wenshu)
        store_old_version(wenshu, active=False)
    finally:
        wenshu.database.dispose()
    result = runner.invoke(main, ["template", "activate", KIND, "2"])
    assert result.exit_code != 0
    assert "第2版模板含有外部引用" in result.stderr
    listing = runner.invoke(main, ["template", "list", KIND])
    assert "* supervision_notice\tv1" in listing.output


def test_upload_of_a_template_reaching_outside_is_refused_and_not_kept(app: Flask) -> None:
    """This test ensures that the upload page refuses a linked picture, saying where and how to fix it."""
    from tests.web.test_layouts import stored_templates, upload

    shipped = (ROOT / "templates_docx" / f"{KIND}.docx").read_bytes()
    maintainer = signed_in(app, "maintainer")
    kept = stored_templates(app)
    response = upload(maintainer, linked_picture(shipped, "file:///etc/passwd"), "链接图片.docx")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "“链接图片.docx”未通过检查，没有保存" in page
    assert "图片或媒体链接到包外的文件（file:///etc/passwd）" in page
    assert "（“链接图片：”）" in page and "插入—图片—此设备" in page
    assert stored_templates(app) == kept

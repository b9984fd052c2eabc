"""Tests of template versions: publish, activate (roll back), and archived documents untouched."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from service.acts.issuing import issue_document
from service.acts.rerendering import rerender_document
from service.archive.templates import active_template, list_versions, template_of
from service.background.startup import prepare_service
from service.layouts.lint import read_sample
from service.layouts.versions import TemplateRefused, activate_version, publish_version
from service.render.fill.docx import TemplateProblem
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import sample

ROOT = Path(__file__).resolve().parents[2]
MARKER = "【第二版】"


def notice_with(change: Callable[[str], str]) -> bytes:
    """Return the shipped notice template with its document.xml changed."""
    source = (ROOT / "templates_docx" / "supervision_notice.docx").read_bytes()
    package = zipfile.ZipFile(io.BytesIO(source))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in package.infolist():
            data = package.read(item.filename)
            if item.filename == "word/document.xml":
                data = change(data.decode()).encode()
            target.writestr(item, data)
    return out.getvalue()


def second_version() -> bytes:
    """Return the shipped notice template with a visible change of wording."""
    return notice_with(lambda text: text.replace("本局依法", MARKER + "本局依法", 1))


def test_publish_refuses_a_broken_template(wenshu: Wenshu) -> None:
    """This test ensures that a template lint refuses is not published and changes nothing."""
    with pytest.raises(TemplateRefused) as refused, wenshu.database.session() as session:
        publish_version(session, wenshu.templates, "supervision_notice", b"not a docx",
                        read_sample("supervision_notice", ROOT / "samples"), "维护员")  # fmt: skip
    assert "不是 DOCX" in str(refused.value)
    with wenshu.database.session() as session:
        assert [v.version for v in list_versions(session, "supervision_notice")] == [1]


@pytest.mark.office
def test_new_version_changes_new_documents_not_archived_ones(wenshu: Wenshu) -> None:
    """This test ensures that publishing affects later documents only, and rolling back works."""
    first = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "甲")
    first_file = wenshu.archive.absolute(first.pdf_path)
    before = hashlib.sha256(first_file.read_bytes()).hexdigest()

    with wenshu.database.session() as session:
        version, report = publish_version(
            session, wenshu.templates, "supervision_notice", second_version(),
            read_sample("supervision_notice", ROOT / "samples"), "维护员", "措辞调整",
        )  # fmt: skip
        assert version.version == 2 and version.active and report.errors == []
    second = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "甲")
    assert second.template_version == 2
    assert MARKER in pdfcheck.poppler_text(wenshu.archive.absolute(second.pdf_path))

    # The archived first document is untouched, and re-rendering it uses version 1.
    assert hashlib.sha256(first_file.read_bytes()).hexdigest() == before == first.sha256
    again = rerender_document(wenshu, first.id)
    copy = Path(wenshu.settings.instance_path / "again.pdf")
    copy.write_bytes(again.data)
    assert MARKER not in pdfcheck.poppler_text(copy)
    assert pdfcheck.poppler_text(copy) == pdfcheck.poppler_text(first_file)

    with wenshu.database.session() as session:
        activate_version(session, "supervision_notice", 1)
    third = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "甲")
    assert third.template_version == 1
    assert MARKER not in pdfcheck.poppler_text(wenshu.archive.absolute(third.pdf_path))


def another_machine(wenshu: Wenshu, tmp_path: Path) -> Wenshu:
    """Return services on the same database with an instance (and template store) of their own."""
    from dataclasses import replace

    shared = wenshu.settings.resolved_database_url
    other = replace(wenshu.settings, instance_path=tmp_path / "other", database_url=shared)
    return Wenshu.open(other, wenshu.converter)


def test_a_version_published_here_renders_on_another_machine(
    wenshu: Wenshu, tmp_path: Path
) -> None:
    """This test ensures that a machine with no copy of a template takes it from the database and keeps it."""
    data = second_version()
    with wenshu.database.session() as session:
        version, _report = publish_version(session, wenshu.templates, "supervision_notice", data,
                                           read_sample("supervision_notice", ROOT / "samples"), "维护员")  # fmt: skip
        version_id = version.id
    other = another_machine(wenshu, tmp_path)
    try:
        assert not other.templates.root.exists()
        with other.database.session() as session:
            loaded = template_of(session, other.templates, version_id)
            active = active_template(session, other.templates, "supervision_notice")
        assert loaded.data == data and active.data == data
        assert (other.templates.root / f"{loaded.sha256}.docx").read_bytes() == data
    finally:
        other.database.dispose()


def test_a_changed_template_in_the_database_is_refused(wenshu: Wenshu, tmp_path: Path) -> None:
    """This test ensures that database bytes not matching the recorded SHA-256 are not rendered."""
    with wenshu.database.session() as session:
        version = list_versions(session, "supervision_notice")[0]
        version.content = (version.content or b"") + b"tampered"
        version_id = version.id
    other = another_machine(wenshu, tmp_path)
    try:
        with (
            pytest.raises(TemplateProblem, match="SHA-256 不符"),
            other.database.session() as session,
        ):
            template_of(session, other.templates, version_id)
    finally:
        other.database.dispose()


def test_versions_from_before_the_database_kept_them_are_filled_in(wenshu: Wenshu) -> None:
    """This test ensures that on start, versions recorded without their bytes get them from the store."""
    with wenshu.database.session() as session:
        for version in list_versions(session):
            version.content = None
    prepare_service(wenshu)
    with wenshu.database.session() as session:
        versions = list_versions(session)
        assert versions and all(
            hashlib.sha256(v.content or b"").hexdigest() == v.sha256 for v in versions
        )

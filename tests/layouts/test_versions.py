"""Tests of template versions: publish, activate (roll back), and archived documents untouched."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from service.issuing import issue_document
from service.layouts.lint import read_sample
from service.layouts.versions import (
    TemplateRefused,
    activate_version,
    list_versions,
    publish_version,
)
from service.rerendering import rerender_document
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import sample

ROOT = Path(__file__).resolve().parents[2]
MARKER = "【第二版】"


def second_version() -> bytes:
    """Return the shipped notice template with a visible change of wording."""
    source = (ROOT / "templates_docx" / "supervision_notice.docx").read_bytes()
    package = zipfile.ZipFile(io.BytesIO(source))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in package.infolist():
            data = package.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace("本局依法".encode(), (MARKER + "本局依法").encode(), 1)
            target.writestr(item, data)
    return out.getvalue()


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

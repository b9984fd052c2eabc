"""Tests of the not-issued family: each expected failure below the use cases becomes one member of it."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.acts.errors import (
    ArchiveUnwritable,
    ConversionFailed,
    DocumentUnknown,
    FactsRefused,
    KindUnknown,
    NotIssued,
    TemplateUnusable,
    archive_refusal,
    nothing_used,
)
from service.acts.issuing import issue_document
from service.acts.previewing import preview_pdf
from service.acts.rerendering import rerender_document
from service.archive.store import ArchiveFull
from service.background.startup import prepare_service
from service.foundations.config import load_settings
from service.instruments.facts import InvalidFacts
from service.instruments.registry import UnknownKind
from service.render.fill.docx import TemplateProblem
from service.render.office.retry import OfficeError, OutputUnusable
from service.services import Wenshu
from tests.conftest import sample

CAUSES = [
    pytest.param(
        InvalidFacts({"deadline": ["执行期限应当晚于成文日期"]}), FactsRefused, id="facts"
    ),
    pytest.param(UnknownKind("no_such_kind"), KindUnknown, id="kind"),
    pytest.param(TemplateProblem("模板有误：第3段"), TemplateUnusable, id="template"),
    pytest.param(OfficeError("LibreOffice 未响应"), ConversionFailed, id="office"),
    pytest.param(OutputUnusable("输出目录不可写"), ConversionFailed, id="office-output"),
]


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[Wenshu]:
    """Services on a fresh SQLite instance with its templates installed; never converting."""
    wenshu = Wenshu.open(load_settings({"instance_path": tmp_path / "instance"}))
    prepare_service(wenshu)
    yield wenshu
    wenshu.database.dispose()


@pytest.mark.parametrize(("cause", "member"), CAUSES)
def test_each_cause_becomes_its_member_with_its_message(
    cause: Exception, member: type[NotIssued]
) -> None:
    """This test ensures that every expected failure below the use cases comes out as the
    family member for its cause, with the same Chinese message and the cause kept for the log."""
    with pytest.raises(member) as raised, nothing_used():
        raise cause
    assert str(raised.value) == str(cause)
    assert raised.value.__cause__ is cause


def test_refused_facts_keep_every_field_message() -> None:
    """This test ensures that refused facts keep their messages by field, for the form and the API."""
    errors = {
        "deadline": ["执行期限应当晚于成文日期"],
        "issuer": ["请填写执行检查的机构名称", "过长"],
    }
    with pytest.raises(FactsRefused) as raised, nothing_used():
        raise InvalidFacts(errors)
    assert raised.value.errors == errors
    assert raised.value.lines() == InvalidFacts(errors).lines()


@pytest.mark.parametrize("unexpected", [RuntimeError("bug"), KeyError("bug"), OSError("disk")])
def test_unexpected_errors_are_not_dressed_up(unexpected: Exception) -> None:
    """This test ensures that a failure nobody foresaw is not passed off as an expected one."""
    with pytest.raises(type(unexpected)) as raised, nothing_used():
        raise unexpected
    assert raised.value is unexpected


def test_archive_refusals_say_why_and_what_to_do(tmp_path: Path) -> None:
    """This test ensures that a full disk keeps its message, and any other refusal of the archive's
    disk names the folder, the reason in Chinese where known, and who should do what."""
    full = archive_refusal(tmp_path, ArchiveFull(tmp_path))
    assert str(full) == f"归档存储空间已满（{tmp_path}），请腾出空间后重试"
    read_only = archive_refusal(tmp_path, OSError(errno.EROFS, "Read-only file system"))
    assert isinstance(read_only, ArchiveUnwritable)
    assert str(read_only) == (
        f"归档存储无法写入（{tmp_path}：磁盘为只读），请管理员检查归档目录的挂载、权限和磁盘后重试"
    )
    other = archive_refusal(tmp_path, OSError(errno.ENAMETOOLONG, "File name too long"))
    assert "File name too long" in str(other) and str(tmp_path) in str(other)


def test_use_cases_raise_the_family_for_an_unknown_kind(bare: Wenshu) -> None:
    """This test ensures that issuing and previewing an unknown kind raise KindUnknown, and that
    rendering again a document that does not exist raises DocumentUnknown, nothing used."""
    with pytest.raises(KindUnknown, match="没有这种文书"):
        issue_document(bare, "no_such_kind", sample("supervision_notice"), "测试员")
    with pytest.raises(KindUnknown, match="没有这种文书"):
        preview_pdf(bare, "no_such_kind", sample("supervision_notice"))
    with pytest.raises(DocumentUnknown, match="没有编号为 99 的文书"):
        rerender_document(bare, 99)
    assert not bare.archive.root.exists() or not any(bare.archive.root.rglob("*.pdf"))

"""Tests of voiding: a reason is required, never twice, and nothing but the status changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.acts.issuing import issue_document
from service.archive.voiding import MAX_REASON, NoSuchDocument, VoidRefused, void_document
from service.database.models import Document
from service.services import Wenshu
from tests.conftest import sample

pytestmark = pytest.mark.office


@pytest.fixture
def notice(wenshu: Wenshu) -> Document:
    """An issued supervision notice."""
    return issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")


def test_void_keeps_number_file_and_facts(wenshu: Wenshu, notice: Document) -> None:
    """This test ensures that voiding records reason, voider and time and changes nothing else."""
    pdf = wenshu.archive.absolute(notice.pdf_path).read_bytes()
    with wenshu.database.session() as session:
        void_document(session, notice.id, "  被检查单位名称写错  ", "李科长")
    with wenshu.database.session() as session:
        voided = session.get(Document, notice.id)
        assert voided is not None
        assert (voided.status, voided.void_reason, voided.voided_by) == (
            "voided", "被检查单位名称写错", "李科长",
        )  # fmt: skip
        assert voided.voided_at is not None
        for name in ("number", "sequence", "facts", "pdf_path", "sha256", "sm3", "issued_by"):
            assert getattr(voided, name) == getattr(notice, name), name
    assert wenshu.archive.absolute(notice.pdf_path).read_bytes() == pdf


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_reason_is_required(wenshu: Wenshu, notice: Document, reason: str) -> None:
    """This test ensures that a missing or blank reason is refused in Chinese and voids nothing."""
    with pytest.raises(VoidRefused, match="请填写作废原因"), wenshu.database.session() as session:
        void_document(session, notice.id, reason, "李科长")
    with wenshu.database.session() as session:
        assert session.scalar(select(Document.status)) == "issued"


def test_reason_at_most_500_characters(wenshu: Wenshu, notice: Document) -> None:
    """This test ensures that a reason of 501 characters is refused and one of 500 accepted."""
    with pytest.raises(VoidRefused, match="不能超过500个字"), wenshu.database.session() as session:
        void_document(session, notice.id, "错" * (MAX_REASON + 1), "李科长")
    with wenshu.database.session() as session:
        assert void_document(session, notice.id, "错" * MAX_REASON, "李科长").status == "voided"


def test_never_voided_twice(wenshu: Wenshu, notice: Document) -> None:
    """This test ensures that a second voiding is refused, saying when and by whom, and changes nothing."""
    with wenshu.database.session() as session:
        void_document(session, notice.id, "第一次", "李科长")
    with pytest.raises(VoidRefused) as refused, wenshu.database.session() as session:
        void_document(session, notice.id, "第二次", "王文书")
    assert "已于" in str(refused.value) and "李科长" in str(refused.value)
    assert "不能重复作废" in str(refused.value)
    with wenshu.database.session() as session:
        voided = session.get(Document, notice.id)
        assert voided is not None
        assert (voided.void_reason, voided.voided_by) == ("第一次", "李科长")


def test_unknown_document(wenshu: Wenshu) -> None:
    """This test ensures that voiding a document that does not exist says so."""
    with pytest.raises(NoSuchDocument), wenshu.database.session() as session:
        void_document(session, 999, "不存在", "李科长")


def test_voided_number_is_not_reused(wenshu: Wenshu, notice: Document) -> None:
    """This test ensures that after voiding No. 1 the next document of the series is No. 2."""
    with wenshu.database.session() as session:
        void_document(session, notice.id, "事实认定有误", "李科长")
    corrected = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    assert notice.number == "君档监通〔2026〕1号"
    assert corrected.number == "君档监通〔2026〕2号"

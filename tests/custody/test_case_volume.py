"""Tests of what a closed case's file holds, on each database: documents in order, voided ones out, approvals."""

from __future__ import annotations

import pytest

from service.custody.case_volume import gather_volume
from service.services import Wenshu
from tests.custody.case_files import (
    HEAD,
    case_documents,
    closed_case,
    filed_order,
    is_sealed_kind,
    open_case,
    printed_opinion,
)

APPROVED = ("case_opening", "penalty_decision")  # the kinds the head approves

pytestmark = pytest.mark.office


def test_the_volume_holds_the_issued_documents_and_the_cases_approvals(wenshu: Wenshu) -> None:
    """This test ensures that the volume takes the case's issued documents in order and its own approvals only."""
    case_id = closed_case(wenshu)
    open_case(wenshu)  # another case, its 立案审批表 approved by the same head
    volume = gather_volume(wenshu, case_id)
    expected = filed_order(case_documents(wenshu, case_id))
    assert [d.id for d in volume.documents] == [d.id for d in expected]
    assert [d.index for d in volume.documents] == list(range(1, len(expected) + 1))
    for filed, document in zip(volume.documents, expected, strict=True):
        assert filed.data == wenshu.archive.absolute(document.pdf_path).read_bytes()
        assert (filed.number, filed.sha256, filed.sm3) == (
            document.number,
            document.sha256,
            document.sm3,
        )
        assert filed.signed is is_sealed_kind(document)
    assert len(volume.voided) == 1 and volume.voided[0].startswith("君档巡记〔2026〕")
    opening, decision = (next(d for d in expected if d.kind == kind) for kind in APPROVED)
    assert [(a.head, a.subject, a.opinion) for a in volume.approvals] == [
        (HEAD, f"立案审批表（{opening.number}）", printed_opinion(wenshu, opening)),
        (HEAD, f"行政处罚决定书（{decision.number}）", printed_opinion(wenshu, decision)),
        (HEAD, "延长办案期限30日", "同意延长30日"),
    ]

"""Tests of dates, amounts, 大写金额 and 文号 formatting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from service.foundations.formatting import (
    amount_in_words,
    format_amount,
    format_date,
    format_document_number,
)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1409.50", "人民币壹仟肆佰零玖元伍角"),
        ("107000.53", "人民币壹拾万柒仟元零伍角叁分"),
        ("30000", "人民币叁万元整"),
        ("0", "人民币零元整"),
        ("0.05", "人民币伍分"),
        ("16", "人民币壹拾陆元整"),
        ("100050", "人民币壹拾万零伍拾元整"),
        ("1001001", "人民币壹佰万壹仟零壹元整"),
        ("100010000", "人民币壹亿零壹万元整"),
        ("1409.05", "人民币壹仟肆佰零玖元零伍分"),
        ("200000", "人民币贰拾万元整"),
    ],
)
def test_amount_in_words(amount: str, words: str) -> None:
    """This test ensures that amounts are written in capitals by the People's Bank rules."""
    assert amount_in_words(Decimal(amount)) == words


def test_negative_amount_is_refused() -> None:
    """This test ensures that a negative amount cannot be written in capitals."""
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1"))


def test_amount_in_figures() -> None:
    """This test ensures that amounts in figures carry separators and two decimals."""
    assert format_amount(Decimal("15000")) == "15,000.00元"


def test_date_has_full_year_and_no_leading_zeros() -> None:
    """This test ensures that dates read 2026年3月5日."""
    assert format_date(dt.date(2026, 3, 5)) == "2026年3月5日"
    assert format_date(dt.date(2026, 12, 31)) == "2026年12月31日"


def test_document_number_format() -> None:
    """This test ensures that a 文号 has hexagonal brackets, the full year and no leading zeros."""
    assert format_document_number("君档监通", 2026, 3) == "君档监通〔2026〕3号"
    with pytest.raises(ValueError):
        format_document_number("君档监通", 2026, 0)

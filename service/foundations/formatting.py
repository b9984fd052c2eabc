"""How dates, amounts, 大写金额 and 文号 are written in an instrument; the only place that decides it."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date

LOCALE = "zh_Hans_CN"
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")

# China Standard Time (UTC+8, no daylight saving): the time printed in a 案卷 as 北京时间.
BEIJING = dt.timezone(dt.timedelta(hours=8))


def local_moment(moment: dt.datetime, zone: str) -> dt.datetime:
    """Return the moment in the bureau's time zone (a naive moment is taken as UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(zone))


def local_date(moment: dt.datetime, zone: str) -> dt.date:
    """Return the bureau's calendar day at the moment, whatever the server's own zone."""
    return local_moment(moment, zone).date()


def format_moment(moment: dt.datetime | None, zone: str, seconds: bool = False) -> str:
    """Return a moment as a page shows it, in the bureau's zone: 2026-03-05 10:13; "" for none."""
    if moment is None:
        return ""
    pattern = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return local_moment(moment, zone).strftime(pattern)


def format_date(day: dt.date) -> str:
    """Return the date as written in an instrument: 2026年3月5日 (full year, no leading zeros)."""
    return babel_format_date(day, format="long", locale=LOCALE)


def format_amount(amount: Decimal) -> str:
    """Return the amount in figures with thousands separators: 15,000.00元."""
    return f"{_to_cents(amount):,.2f}元"


def format_document_number(agency_code: str, year: int, sequence: int) -> str:
    """Return a 文号 such as 君档监通〔2026〕3号: hexagonal brackets, full year, no leading zeros."""
    if sequence < 1:
        raise ValueError("a 文号 sequence starts at 1")
    return f"{agency_code}〔{year}〕{sequence}号"


COPY_DIGITS = 6  # GB/T 9704 7.2.1: a 份号 is six Arabic digits


def format_copy_number(copy: int) -> str:
    """Return a 份号 as printed, 000001 for the first copy; "" for a document without one (0)."""
    if copy < 0 or copy >= 10**COPY_DIGITS:
        raise ValueError(f"a 份号 has {COPY_DIGITS} digits: {copy}")
    return f"{copy:0{COPY_DIGITS}d}" if copy else ""


def format_main_recipients(names: list[str]) -> str:
    """Return a 主送 list as GB/T 9704 7.3.3 writes it: the names in order, joined by 顿号.

    The full-width colon after the last name is the template's, as it is after one name.
    """
    return "、".join(names)


def amount_in_words(amount: Decimal) -> str:
    """Return the amount in capital numerals per the People's Bank rules: 人民币叁万元整."""
    cents = int(_to_cents(amount) * 100)
    if cents < 0:
        raise ValueError("an amount cannot be negative")
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "人民币零元整"
    words = ""
    if yuan:
        words = _integer_in_words(yuan) + "元"
        if jiao == 0 and fen == 0:
            return "人民币" + words + "整"
        # A zero in the 元 place before non-zero 角 or a zero 角 before 分 is read as one 零.
        if yuan % 10 == 0 or jiao == 0:
            words += "零"
    if jiao:
        words += _DIGITS[jiao] + "角"
    if fen:
        words += _DIGITS[fen] + "分"
    return "人民币" + words


def _to_cents(amount: Decimal) -> Decimal:
    """Return the amount rounded half-up to the cent."""
    return Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _integer_in_words(number: int) -> str:
    """Return a positive integer in capital numerals, one 零 for each run of zeros inside it."""
    groups: list[int] = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    words = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(words)
            continue
        if words and (pending_zero or group < 1000):
            words += "零"
        words += _group_in_words(group) + _GROUPS[index]
        pending_zero = False
    return words


def _group_in_words(group: int) -> str:
    """Return a number below 10000 in capital numerals, without leading 零."""
    digits = [group // 1000, group // 100 % 10, group // 10 % 10, group % 10]
    words = ""
    zero_run = False
    for position, digit in enumerate(digits):
        if digit == 0:
            zero_run = bool(words)
            continue
        if zero_run:
            words += "零"
        words += _DIGITS[digit] + _PLACES[3 - position]
        zero_run = False
    return words

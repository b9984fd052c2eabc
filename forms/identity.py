"""Checks of identity numbers: 公民身份号码 (GB 11643) and 统一社会信用代码 (GB 32100)."""

from __future__ import annotations

import datetime as dt
import re

# GB 11643-1999: the 18th character is the ISO 7064 MOD 11-2 check of the first 17 digits.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_RESIDENT_ID_SHAPE = re.compile(r"\d{17}[\dX]")


def resident_id_check_character(first17: str) -> str:
    """Return the check character (0–9 or X) of the first 17 digits of a 居民身份证 number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def resident_id_problem(number: str) -> str | None:
    """Return what is wrong with a 公民身份号码 (GB 11643), or None when it is well formed."""
    if not _RESIDENT_ID_SHAPE.fullmatch(number):
        return "公民身份号码应为18位：前17位是数字，最后1位是数字或X"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"公民身份号码中的出生日期{number[6:14]}不是有效日期"
    expected = resident_id_check_character(number[:17])
    if number[17] != expected:
        return f"公民身份号码的校验码不对（按前17位应为{expected}），请核对号码"
    return None


# GB 32100-2015 统一社会信用代码: 31 characters (no I, O, S, V, Z), weights of the check character.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_problem(code: str) -> str | None:
    """Return what is wrong with a 统一社会信用代码, or None when its check character is right."""
    code = code.upper()
    if len(code) != 18 or any(char not in CREDIT_CODE_CHARS for char in code):
        return "统一社会信用代码应当是18位数字或大写字母（不含I、O、S、V、Z）"
    total = sum(
        CREDIT_CODE_CHARS.index(c) * w for c, w in zip(code, CREDIT_CODE_WEIGHTS, strict=False)
    )
    if CREDIT_CODE_CHARS[-total % 31] != code[17]:
        return "统一社会信用代码的校验位不对，请核对是否抄错"
    return None

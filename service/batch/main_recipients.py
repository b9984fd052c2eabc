"""A shared document's 主送: every unit named, or the office's 统称, never so long the first page has no body.

GB/T 9704—2012 7.2.4: the 主送机关 is set one blank line below the title, flush left,
with a full-width colon after the last name; "如主送机关名称过多导致公文首页不能显示正文时"
the names must not stay there. A 通报 to hundreds of units names them by a 统称 (同类型机关
统称, as GB/T 9704 allows: 各乡镇人民政府、街道办事处，区直各单位), and each unit still
receives its own copy with its 份号. Without a 统称 the units are listed in row order,
and a list too long for the first page is refused before any number is used.

How long is too long, measured on the 文件格式 of this service (22 lines of 28 characters, the
title in 2号 on a 36 pt line, GB/T 9704 7.2 and 7.3): the 主送's first line stands 297 pt
above the foot of the text area under a one-line title, 261 pt under a two-line one; the
body's first paragraph needs two of its lines there (LibreOffice leaves no orphan line),
28.96 pt each. So a 主送 of at most seven lines keeps the body on the first page under a
title of one or two lines (tests/batch/test_shared.py renders both sides).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from service.foundations.formatting import format_main_recipients

CHARS_PER_LINE = 28  # GB/T 9704 7.1: 3号 characters on a line of the text area
MAX_LINES = 7  # of the 主送, the colon included, that leave the body its first page
EXAMPLE = "各乡镇人民政府、街道办事处，区直各单位"


def main_recipients(collective: str | None, recipients: Sequence[str]) -> str:
    """Return the 主送 of a document sent to these units: the 统称 when given, else every name."""
    collective = (collective or "").strip()
    return collective or format_main_recipients(list(recipients))


def line_count(text: str) -> int:
    """Return the lines of the text area the 主送 takes, its closing colon included.

    A full-width character takes one place of 28, a half-width one (a digit, a Latin
    letter) half of one; format characters (zero-width spaces) none.
    """
    places = 1.0  # the colon the template writes after the last name
    for character in text:
        if unicodedata.category(character) in ("Cf", "Mn"):
            continue
        places += 0.5 if unicodedata.east_asian_width(character) in ("Na", "H", "N") else 1
    return max(1, math.ceil(places / CHARS_PER_LINE))


def too_long(text: str, units: int) -> str | None:
    """Return why this 主送 cannot stand under the title, or None if the first page keeps its body."""
    lines = line_count(text)
    if lines <= MAX_LINES:
        return None
    return (
        f"主送单位共{units}个，依次列出要占{lines}行，公文首页将排不下正文"
        f"（GB/T 9704—2012 7.2.4，首页主送最多{MAX_LINES}行）："
        f"请在各份共同的内容中填写主送机关统称，如“{EXAMPLE}”；每个单位仍各得一份"
    )

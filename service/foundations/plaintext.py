"""What typed text may hold, and how a refusal quotes typed text back without echoing too much."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Bidirectional controls reorder what a reader sees without changing what is stored, so a
# name or a 文号 could read as something else on the page, in the PDF or in the audit chain
# (the "Trojan Source" trick). Embeddings, overrides and isolates, and the three marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f"  # ARABIC LETTER MARK, LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
)
QUOTE_LIMIT = 40


def unprintable(text: str, multiline: bool = False) -> str | None:
    """Return a Chinese message naming the first character a document must not hold, or None.

    Refused: control characters (line breaks only where multiline is false; tab and newline
    pass in long text), lone surrogates, the non-characters U+FFFE and U+FFFF, and
    bidirectional controls.
    """
    allowed = {"\n", "\t"} if multiline else set()
    for position, char in enumerate(text, start=1):
        if char in allowed:
            continue
        if char in BIDI_CONTROLS:
            return (
                f"第{position}个字符是双向文字控制符（U+{ord(char):04X}），"
                "会使文字显示的顺序与实际内容不符，请删除后再提交"
            )
        if unicodedata.category(char) in {"Cc", "Cs"} or char in "\ufffe\uffff":
            kind = "换行" if char in "\r\n" else "不可打印的控制字符"
            return f"第{position}个字符是{kind}（U+{ord(char):04X}），请删除后再提交"
    return None


def quote_back(value: object, limit: int = QUOTE_LIMIT) -> str:
    """Return typed text as a message may show it: at most limit characters, controls made visible.

    An answer to bad input names the input so the user can find it, but never echoes
    megabytes back, nor lets control characters rearrange the message around it.
    """
    text = str(value)
    shown = "".join(
        f"\\u{ord(char):04x}"
        if char in BIDI_CONTROLS or unicodedata.category(char) in {"Cc", "Cs"}
        else char
        for char in text[:limit]
    )
    return f"{shown}…（共{len(text)}个字符）" if len(text) > limit else shown


def quote_many(values: Iterable[object], most: int = 5) -> str:
    """Return the first few typed values quoted back, joined with 、, and how many there were."""
    items = list(values)
    shown = "、".join(quote_back(item) for item in items[:most])
    return f"{shown}等{len(items)}个" if len(items) > most else shown

"""Keeps LibreOffice from spacing Chinese apart from Latin letters and digits ("2026年3月5日").

LibreOffice sets a fifth of an em between a Chinese character and a Latin letter or digit
next to it (its "spacing between Asian and non-Asian text"), and its DOCX import ignores
the w:autoSpaceDE and w:autoSpaceDN that turn Word's off, so GB/T 9704 dates printed as
"2026 年 3 月 5 日". It adds that space only where both characters are letters or digits: a
zero-width space between them, which it neither draws nor writes into the PDF's text,
closes the gap.
"""

from __future__ import annotations

import re

ZERO_WIDTH_SPACE = "\u200b"
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
LATIN = "0-9A-Za-z"
BOUNDARY = re.compile(f"(?<=[{CJK}])(?=[{LATIN}])|(?<=[{LATIN}])(?=[{CJK}])")
TEXT = re.compile(r"(<w:t(?:\s[^>]*)?>)([^<]*)(</w:t>)")


def close_script_gaps(xml: str) -> str:
    """Return WordprocessingML with a zero-width space wherever Chinese meets a Latin letter or digit.

    Only the text of w:t elements changes; markup and attribute values stay as they are.
    """
    return TEXT.sub(lambda m: m[1] + BOUNDARY.sub(ZERO_WIDTH_SPACE, m[2]) + m[3], xml)

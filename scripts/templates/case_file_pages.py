"""The 页号 of a closed case's file: one page per page of the volume, its number at the top outer corner.

Converted alone and laid over the merged volume, page on page (service.custody.volume_pdf).
"""

from __future__ import annotations

from typing import Any

from gbt9704 import Para, tag

TITLE = "案卷页号"
LANDSCAPE = False
FORMAT = "表格"  # not a GB/T 9704 document: the archive's page numbers of a volume
PAGE_NUMBERS = "header"  # the front's number at the right, the back's at the left


def body() -> list[Any]:
    """Return an empty first page and one more page for each item of breaks."""
    return [
        Para("Blank"),
        tag("for page in breaks"),
        Para("Blank", [], "<w:pageBreakBefore/>"),
        tag("endfor"),
    ]

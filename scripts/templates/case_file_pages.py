"""The 页号 of a closed case's file: one page per page of its documents, its number at the top right.

Converted alone and laid over the documents' pages of the merged volume, page on page
(service.custody.volume_pdf); the cover, the 目录 and the 备考表 are not numbered.
"""

from __future__ import annotations

from typing import Any

from gbt9704 import Para, tag

TITLE = "案卷页号"
LANDSCAPE = False
FORMAT = "表格"  # not a GB/T 9704 document: the archive's page numbers of a volume
PAGE_NUMBERS = "header"  # every page's number at the top right, as on a page written on one side


def body() -> list[Any]:
    """Return an empty first page and one more page for each item of breaks."""
    return [
        Para("Blank"),
        tag("for page in breaks"),
        Para("Blank", [], "<w:pageBreakBefore/>"),
        tag("endfor"),
    ]

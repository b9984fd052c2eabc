"""What a converter is: a DOCX turned into a PDF/A-2b file, with further PDF export options."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

# The workers' form of PDF/A-2b (unoserver's): filter options as "Name=value" words.
PDFA_FILTER_OPTIONS = ("SelectPdfVersion=2",)
# The JSON form is the only one soffice --convert-to honours; "SelectPdfVersion=2" is ignored there.
PDFA_CONVERT_TO = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


class Converter(Protocol):
    """Anything that turns a DOCX file into a PDF/A file (OfficePool, ColdOffice, test fakes).

    Every converter takes the options, so that a caller never has to ask which one it holds:
    a batch merges its copies whatever converter it is given.
    """

    def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
        """Write the PDF/A rendering of docx_path to pdf_path; raise OfficeError on failure.

        options are further PDF export settings, "Name=value" (true, false and digits typed).
        """


def convert_to_argument(options: Sequence[str] = ()) -> str:
    """Return soffice's --convert-to argument: PDF/A-2b plus options ("Name=value"), as JSON."""
    if not options:
        return PDFA_CONVERT_TO
    settings: dict[str, dict[str, str]] = {"SelectPdfVersion": {"type": "long", "value": "2"}}
    for option in options:
        name, _, value = option.partition("=")
        kind = (
            "boolean" if value in {"true", "false"} else "long" if value.isdecimal() else "string"
        )
        settings[name] = {"type": kind, "value": value}
    return "pdf:writer_pdf_Export:" + json.dumps(settings, separators=(",", ":"))

"""Writes version 1 of instrument templates into templates_docx/, one module each in scripts/templates/.

Run: .venv/bin/python scripts/build_templates.py [KIND ...]
Each module scripts/templates/<kind>.py has TITLE, LANDSCAPE, FORMAT (the GB/T 9704 format it
follows, as the registry declares it) and body() -> list of elements.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from docx_package import write_docx  # noqa: E402

OUT = HERE.parent / "templates_docx"
LETTER = "信函格式"


def main(kinds: list[str]) -> None:
    """Write the named templates (all when none is named)."""
    available = sorted(
        path.stem for path in (HERE / "templates").glob("*.py") if path.stem != "__init__"
    )
    for kind in kinds or available:
        module = importlib.import_module(f"templates.{kind}")
        letter = module.FORMAT == LETTER
        numbers = getattr(module, "PAGE_NUMBERS", "footer")  # a 案卷's parts number otherwise
        write_docx(
            OUT / f"{kind}.docx", module.TITLE, module.body(), module.LANDSCAPE, letter, numbers
        )
        print(f"wrote templates_docx/{kind}.docx")


if __name__ == "__main__":
    main(sys.argv[1:])

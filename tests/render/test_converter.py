"""Tests of what a converter is: the protocol's declared options, held by mypy, and their soffice form."""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from service.render.office import converter
from service.render.office.converter import PDFA_CONVERT_TO, convert_to_argument

ROOT = Path(__file__).resolve().parents[2]

# Fakes as a test might write them; each line mypy must refuse ends in its "# refused" mark.
FAKES = textwrap.dedent(
    """
    from __future__ import annotations

    from collections.abc import Sequence
    from pathlib import Path

    from converter import Converter


    class Honouring:
        def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
            return None


    class Optionless:
        def convert(self, docx_path: Path, pdf_path: Path) -> None:
            return None


    class NamedOptionless(Converter):
        def convert(self, docx_path: Path, pdf_path: Path) -> None:  # refused
            return None


    def render_with(converter: Converter) -> None:
        return None


    render_with(Honouring())
    render_with(Optionless())  # refused
    kept: Converter = Optionless()  # refused
    """
)


def test_mypy_refuses_a_converter_without_options(tmp_path: Path) -> None:
    """This test ensures that mypy refuses a fake converter whose convert takes no options,
    where a Converter is declared or named as its base, and accepts one that takes them."""
    # The protocol's module is checked on its own: as service.render.office.converter, mypy
    # would check the service package around it too, which takes half a minute.
    shutil.copyfile(inspect.getfile(converter), tmp_path / "converter.py")
    source = tmp_path / "fake_converters.py"
    source.write_text(FAKES, encoding="utf-8")
    environment = {key: value for key, value in os.environ.items() if key != "MYPYPATH"}
    # In a child process: mypy raises the interpreter's recursion limit for good, which would
    # let later tests' deliberately deep templates compile instead of failing as they must.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", str(source), "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "mypy-cache"), "--no-error-summary"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    report, errors, status = result.stdout, result.stderr, result.returncode
    assert errors == "" and status == 1, report + errors
    refused = {
        number for number, line in enumerate(FAKES.splitlines(), start=1) if "# refused" in line
    }
    flagged = {
        int(match.group(1))
        for match in re.finditer(rf"^{re.escape(source.name)}:(\d+): error:", report, re.M)
    }
    assert flagged == refused, report


def test_pdfa_alone_is_the_plain_argument() -> None:
    """This test ensures that without options soffice is asked for PDF/A-2b in the JSON form it honours."""
    assert convert_to_argument() == PDFA_CONVERT_TO
    filter_name, _, settings = PDFA_CONVERT_TO.partition("writer_pdf_Export:")
    assert filter_name == "pdf:"
    assert json.loads(settings) == {"SelectPdfVersion": {"type": "long", "value": "2"}}


def test_options_are_typed_for_soffice() -> None:
    """This test ensures that options reach soffice with PDF/A-2b kept and each value typed:
    true and false as booleans, digits as longs, anything else as a string."""
    argument = convert_to_argument(
        ["ExportBookmarksToPDFDestination=true", "Quality=90", "Watermark=草稿"]
    )
    prefix = "pdf:writer_pdf_Export:"
    assert argument.startswith(prefix)
    assert json.loads(argument.removeprefix(prefix)) == {
        "SelectPdfVersion": {"type": "long", "value": "2"},
        "ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"},
        "Quality": {"type": "long", "value": "90"},
        "Watermark": {"type": "string", "value": "草稿"},
    }

"""Where LibreOffice's time goes in a merged batch conversion: loading against exporting, with a section per copy and without.

Run: .venv/bin/python bench/merged_load.py [--copies 10,50] [--runs 5]
The copies are correction orders to distinct units, filled and merged by the batch's own
code (service.batch.compose: each copy a section, numbered from page 1). The same copies
are also merged without sections, each copy's first paragraph starting a new page instead:
page numbers then run on and only the first copy has its first-page footer, so that
variant is not a document to issue, only the measure of what the sections cost. A third
variant loads those same copies and then, before the export, restarts each copy's page
numbers the other way LibreOffice knows: the page style of the first page and a page-number
offset of 1 set on each copy's first paragraph through UNO (its cost is timed apart, as
"restart"). An soffice of its own, with the workers' settings and fonts, is driven from a
child process through the worker's UNO calls; load and PDF/A export are timed apart,
medians over the runs after one unmeasured.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from bench.batch import unit_names  # noqa: E402
from bench.naive import sample  # noqa: E402
from service.batch.compose import CompiledTemplate, W, copy_anchor  # noqa: E402
from service.foundations.config import Bureau, load_settings  # noqa: E402
from service.instruments.context import build_context  # noqa: E402
from service.instruments.facts import validate_facts  # noqa: E402
from service.instruments.registry import get_instrument  # noqa: E402
from service.render.office.process import office_environment  # noqa: E402
from service.render.office.profile import write_settings  # noqa: E402

KIND = "correction_order"
EXPORT = ("SelectPdfVersion=2", "ExportBookmarksToPDFDestination=true")  # as the batch exports


def merged_docx(copies: int) -> bytes:
    """Return copies correction orders to distinct units merged as a batch merges them."""
    instrument = get_instrument(KIND)
    template = (ROOT / "templates_docx" / f"{KIND}.docx").read_bytes()
    compiled = CompiledTemplate(template)
    bodies = []
    for index, unit in enumerate(unit_names(copies)):
        facts = validate_facts(instrument, sample(KIND) | {instrument.recipient_field: unit})
        context = build_context(instrument, facts, f"君档改〔2026〕{index + 1}号", Bureau())
        bodies.append(compiled.render_body(dict(context)))
    return compiled.merge(bodies)


def without_sections(merged: bytes, copies: int) -> bytes:
    """Return the merged package with its per-copy sections taken out, each copy starting a page."""
    package = zipfile.ZipFile(io.BytesIO(merged))
    root = etree.fromstring(package.read("word/document.xml"))
    body = root.find(f"{{{W}}}body")
    assert body is not None
    for paragraph in list(body.findall(f"{{{W}}}p")):
        if paragraph.find(f"{{{W}}}pPr/{{{W}}}sectPr") is not None:
            body.remove(paragraph)
    starts = {copy_anchor(index) for index in range(1, copies)}
    for mark in root.iter(f"{{{W}}}bookmarkStart"):
        if mark.get(f"{{{W}}}name") in starts:
            paragraph = mark.getparent()
            properties = paragraph.find(f"{{{W}}}pPr")
            if properties is None:
                properties = etree.SubElement(paragraph, f"{{{W}}}pPr")
                paragraph.insert(0, properties)
            properties.insert(1, etree.Element(f"{{{W}}}pageBreakBefore"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in package.infolist():
            data = package.read(item)
            if item.filename == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(item.filename, data)
    return out.getvalue()


def restart_numbers(component: Any, copies: int) -> None:
    """Start each copy after the first on a new first page numbered 1, by its first paragraph."""
    component.lockControllers()
    try:
        cursor = component.getText().createTextCursor()
        cursor.gotoStart(False)
        style = cursor.PageStyleName
        marks = component.getBookmarks()
        for index in range(1, copies):
            anchor = marks.getByName(copy_anchor(index)).getAnchor()
            start = anchor.getText().createTextCursorByRange(anchor.getStart())
            start.PageDescName = style
            start.PageNumberOffset = 1
    finally:
        component.unlockControllers()


def drive(documents: list[Path], folder: Path, runs: int) -> None:
    """Load and export each document runs times in an soffice driven here; print JSON, end the session."""
    import uno  # LibreOffice's, present where the workers run

    from service.render.office import uno_worker

    settings = load_settings({"instance_path": folder / "alone", "office_workers": 1})
    os.environ.update(office_environment(settings))
    profile = folder / "profile"
    profile.mkdir(parents=True)
    write_settings(profile)
    office = uno_worker.Office(settings.soffice_path, profile)
    office.start()
    found: dict[str, dict[str, float]] = {}
    for document in documents:
        loads, restarts, exports = [], [], []
        copies = int(document.name.split("-")[0])
        for run in range(runs + 1):
            began = time.perf_counter()
            loading = uno_worker.properties(Hidden=True, ReadOnly=True)
            url = uno.systemPathToFileUrl(str(document))
            component = office.desktop.loadComponentFromURL(url, "_blank", 0, loading)
            loaded = time.perf_counter()
            if document.stem.endswith("-offset"):
                restart_numbers(component, copies)
            restarted = time.perf_counter()
            data, options = uno_worker.filter_data(list(EXPORT))
            storing = uno_worker.properties(FilterName=uno_worker.PDF_EXPORT, Overwrite=True)
            storing += uno_worker.properties(
                FilterData=uno.Any("[]com.sun.star.beans.PropertyValue", data)
            )
            target = uno.systemPathToFileUrl(str(document.with_suffix(".pdf")))
            component.storeToURL(target, storing + options)
            exported = time.perf_counter()
            component.close(True)
            if run:
                loads.append(loaded - began)
                restarts.append(restarted - loaded)
                exports.append(exported - restarted)
        found[document.name] = {
            "load": statistics.median(loads), "restart": statistics.median(restarts),
            "export": statistics.median(exports),
        }  # fmt: skip
    print(json.dumps(found), flush=True)
    office.stopping = True
    uno_worker.stop_group()


def pages(pdf: Path) -> int:
    """Return the page count poppler reads."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


def main() -> None:
    """Build the merged documents, time them in a child's soffice, print per copy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", default="10,50", help="comma-separated copies per document")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--drive", nargs="+", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.drive:
        folder, *documents = arguments.drive
        drive([Path(d) for d in documents], Path(folder), arguments.runs)
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        documents = []
        for copies in (int(c) for c in arguments.copies.split(",")):
            merged = merged_docx(copies)
            plain = without_sections(merged, copies)
            for name, data in (("sections", merged), ("no-sections", plain), ("offset", plain)):
                path = folder / f"{copies}-{name}.docx"
                path.write_bytes(data)
                documents.append(path)
        child = subprocess.run(  # its failure is raised below with its words
            [sys.executable, __file__, "--runs", str(arguments.runs), "--drive", str(folder / "office"),
             *map(str, documents)],
            capture_output=True, text=True, start_new_session=True, timeout=1800,
        )  # fmt: skip
        if child.returncode:
            raise SystemExit(child.stderr)
        found = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"{KIND}, merged, medians of {arguments.runs} runs (PDF/A-2b, destinations):")
        for path in documents:
            copies = int(path.name.split("-")[0])
            timing = found[path.name]
            print(
                f"    {path.stem:<16} {pages(path.with_suffix('.pdf')):4d} pages  "
                f"load {timing['load'] * 1000:6.0f} ms ({timing['load'] * 1000 / copies:5.1f}/copy)  "
                f"restart {timing['restart'] * 1000:5.0f} ms  "
                f"export {timing['export'] * 1000:6.0f} ms ({timing['export'] * 1000 / copies:5.1f}/copy)  "
                f"in all {sum(timing.values()) * 1000 / copies:5.1f}/copy"
            )


if __name__ == "__main__":
    main()

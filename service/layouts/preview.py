"""Template previews: any template bytes filled with the sample facts, as page images, cached on disk."""

from __future__ import annotations

import hashlib
import tempfile
import threading
from pathlib import Path

from service.acts.previewing import render_unnumbered
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import computed_values
from service.layouts.candidates import SAMPLES, check_candidate
from service.layouts.lint import read_sample
from service.layouts.versions import TemplateRefused, refuse_outside_references
from service.render.fill.docx import TemplateProblem
from service.render.ofd.convert import refusal
from service.render.pages import page_png
from service.services import Wenshu

PREVIEW_DPI = 50  # two A4 pages side by side fit a 1280-pixel screen
MAX_PAGES = 40  # a template is a few pages; one that fills more is shown in part
TEMPLATE_PREVIEW_ACTION = "模板预览（样例内容，未编号，未归档）"


def preview_pages(
    wenshu: Wenshu, kind: str, template_bytes: bytes, dpi: int = PREVIEW_DPI
) -> list[bytes]:
    """Return every page (up to MAX_PAGES) of a template filled with the kind's sample facts, as PNGs.

    The template may be a stored version or an uploaded candidate. It is linted first and
    never rendered when lint refuses it (TemplateRefused). The 文号 is the preview
    placeholder; nothing is numbered, archived or recorded. Raises OfficeError or
    TemplateProblem as rendering does, ValueError when a page cannot be drawn, and
    PagesWithoutOfd when the pages draw what the OFD beside every issued PDF cannot carry.
    """
    instrument = get_instrument(kind)
    report = check_candidate(kind, template_bytes)
    if report.errors:
        raise TemplateRefused(report)
    # The sample is checked without the archive, as lint tries it: a sample 复查决定书
    # refers to a notice this instance need not have.
    facts = validate_facts(instrument, read_sample(kind, SAMPLES), None, wenshu.settings.policy)
    extra = computed_values(instrument, facts, None)
    pdf = render_unnumbered(
        wenshu, instrument, facts, extra, template_bytes, "—", TEMPLATE_PREVIEW_ACTION
    )
    if reason := refusal(pdf.data):
        raise PagesWithoutOfd(reason)
    with tempfile.TemporaryDirectory(prefix="wenshu-template-") as work:
        path = Path(work) / "preview.pdf"
        path.write_bytes(pdf.data)
        return [page_png(path, page, dpi) for page in range(1, min(pdf.pages, MAX_PAGES) + 1)]


class PagesWithoutOfd(TemplateProblem):
    """A template whose pages could not be issued: their OFD cannot be written."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"OFD 无法写出，签发时将被拒绝：{reason}")


_key_locks: dict[tuple[str, str], threading.Lock] = {}
_key_locks_guard = threading.Lock()


def _key_lock(kind: str, sha256: str) -> threading.Lock:
    """Return the lock under which one template's previews are drawn, once."""
    with _key_locks_guard:
        return _key_locks.setdefault((kind, sha256), threading.Lock())


class PreviewCache:
    """Preview page images on disk by kind, template SHA-256 and page: drawn once, shown often."""

    def __init__(self, root: Path, dpi: int = PREVIEW_DPI) -> None:
        self.root = root
        self.dpi = dpi

    def page_count(self, wenshu: Wenshu, kind: str, template_bytes: bytes) -> int:
        """Return how many page images the template's preview has, drawing them if not cached."""
        # Pages drawn before a template was found to reach outside may show what it fetched.
        refuse_outside_references(template_bytes)
        sha256 = hashlib.sha256(template_bytes).hexdigest()
        folder = self.root / kind / sha256
        count = folder / "pages"
        if not count.exists():
            with _key_lock(kind, sha256):
                if not count.exists():
                    images = preview_pages(wenshu, kind, template_bytes, self.dpi)
                    folder.mkdir(parents=True, exist_ok=True)
                    for page, image in enumerate(images, start=1):
                        _write(folder / f"{page}.png", image)
                    _write(count, str(len(images)).encode())  # last: the set is complete
        return int(count.read_text())

    def page(self, wenshu: Wenshu, kind: str, template_bytes: bytes, page: int) -> bytes:
        """Return one page image of the template's preview; raise IndexError past the last page."""
        if not 1 <= page <= self.page_count(wenshu, kind, template_bytes):
            raise IndexError(page)
        sha256 = hashlib.sha256(template_bytes).hexdigest()
        return (self.root / kind / sha256 / f"{page}.png").read_bytes()


def _write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)

"""Every instrument's OFD, read by a reader wenshu did not write, shows the pages its PDF shows.

ofd.js (tests/ofdreader) draws each archived OFD in Chromium with its embedded fonts alone;
poppler draws the PDF at the same resolution. The text each reader finds is the same, and
the ink of the two pictures matches within what two rasterisers of one outline differ by
(tests.ofdreader.compare). The XML of every OFD validates against the standard's schemas.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from service.acts.issuing import issue_document
from service.database.models import Document
from service.foundations.config import load_settings
from service.instruments.registry import INSTRUMENTS
from service.render.ofd import pdfpage
from service.render.ofd.convert import pdf_to_ofd
from service.render.ofd.package import OfdInfo
from service.render.ofd.validation import schema_errors
from service.render.office.pool import OfficePool
from service.services import Wenshu
from tests import sealed
from tests.casework import case_documents, case_ready_for, issue_step
from tests.conftest import prepare_service, sample
from tests.drawn import issuable
from tests.ofdreader import compare
from tests.ofdreader.render import available, render_ofd
from tests.render.test_samples import PREREQUISITES, STORY

pytestmark = pytest.mark.office

DPI = 96  # ofd.js draws images at 96 pixels an inch whatever its scale; so does this test
# A person sees the same page: at most this share of either picture's ink has no ink of the
# other within a pixel, on the whole page and in its worst 26 mm tile (README, OFD). Measured
# on the instruments: at most 3.3 % of a page and 16.7 % of a tile (the 版头's double rule,
# which ofd.js draws a little blurred); a line moved by a millimetre, or a font not the
# one embedded, leaves far more (test_the_comparison_sees_*).
PAGE_UNMATCHED = 0.06
TILE_UNMATCHED = 0.25


@dataclass(frozen=True)
class Issued:
    """The instance the instruments were issued in, and its documents."""

    wenshu: Wenshu
    documents: list[Document]

    def of(self, kind: str) -> Document:
        return next(document for document in self.documents if document.kind == kind)


@pytest.fixture(scope="module", autouse=True)
def reader() -> None:
    """Fail at once, saying why, when the reader was not fetched."""
    assert available(), (
        "the OFD reader is missing: run make test (scripts/ofd-reader.sh fetches it)"
    )


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, office_pool: OfficePool) -> Iterator[Issued]:
    """Every instrument issued once (the case's from its story), the specimen seal installed."""
    folder = tmp_path_factory.mktemp("ofd-reader")
    settings = load_settings({"instance_path": folder / "instance"})
    wenshu = Wenshu.open(settings, office_pool)
    prepare_service(wenshu)
    sealed.install(wenshu)
    documents = []
    for kind in sorted(set(INSTRUMENTS) - set(STORY)):
        for earlier in PREREQUISITES.get(kind, []):
            issue_document(wenshu, earlier, sample(earlier), "测试员")
        documents.append(issue_document(wenshu, kind, issuable(wenshu, kind, "测试员"), "测试员"))
    case_id = case_ready_for(wenshu, "case_closing")
    issue_step(wenshu, "case_closing", case_id)
    documents += case_documents(wenshu, case_id)
    yield Issued(wenshu, documents)
    wenshu.database.dispose()


def _kinds() -> list[str]:
    return sorted(INSTRUMENTS)


@pytest.mark.parametrize("kind", _kinds())
def test_the_reader_shows_the_pages_the_pdf_shows(
    kind: str, issued: Issued, tmp_path: Path
) -> None:
    """This test ensures that ofd.js draws each page of an instrument's OFD as poppler draws its PDF, the text the same."""
    wenshu, document = issued.wenshu, issued.of(kind)
    pdf = wenshu.archive.absolute(document.pdf_path)
    ofd = wenshu.archive.read(document.ofd_path)
    pages = render_ofd(ofd, DPI)
    assert len(pages) == document.pages
    pictures = _poppler_pages(pdf)
    for number, (page, picture) in enumerate(zip(pages, pictures, strict=True), start=1):
        where = f"{kind} page {number}"
        assert _bare(page.text) == _bare(_poppler_text(pdf, number)), where
        assert (page.width, page.height) == _size(picture) or _near(page, picture), where
        (tmp_path / f"{number}-ofd.png").write_bytes(page.png)  # kept for a look when it fails
        (tmp_path / f"{number}-pdf.png").write_bytes(picture)
        whole = compare.page_difference(page.png, picture)
        worst, corner = compare.worst_tile(page.png, picture)
        print(f"{where}: page {whole}; worst tile at {corner}: {worst} ({tmp_path})")
        assert whole.unmatched <= PAGE_UNMATCHED, f"{where}: {whole}"
        assert worst.unmatched <= TILE_UNMATCHED, f"{where}, tile at {corner}: {worst}"


@pytest.mark.parametrize("kind", _kinds())
def test_every_part_of_the_package_validates_against_the_standards_schemas(
    kind: str, issued: Issued
) -> None:
    """This test ensures that OFD.xml, Document.xml, the resources and every page of an instrument's OFD validate."""
    assert schema_errors(issued.wenshu.archive.read(issued.of(kind).ofd_path)) == {}


def test_a_sealed_document_shows_its_seal_as_an_image(issued: Issued) -> None:
    """This test ensures that the seal pressed on a sealed kind is an ImageObject the reader draws where the PDF has it."""
    wenshu = issued.wenshu
    sealed_documents = [
        d for d in issued.documents if sealed.seal_marks(wenshu.archive.absolute(d.pdf_path))
    ]
    assert sealed_documents, "no instrument was sealed"
    ofd = wenshu.archive.read(sealed_documents[0].ofd_path)
    assert b"ImageObject" in b"".join(_entries(ofd, "Content.xml"))
    assert any(name.endswith(".png") for name in _names(ofd))


def _entries(ofd: bytes, suffix: str) -> list[bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(ofd)) as package:
        return [package.read(name) for name in package.namelist() if name.endswith(suffix)]


def _names(ofd: bytes) -> list[str]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(ofd)) as package:
        return package.namelist()


def _poppler_pages(pdf: Path) -> list[bytes]:
    """Return each page of the PDF drawn by poppler at DPI, as PNG."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="wenshu-poppler-") as work:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), f"{work}/page"], check=True)
        return [
            path.read_bytes() for path in sorted(Path(work).glob("page-*.png"), key=_page_number)
        ]


def _page_number(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[1])


def _poppler_text(pdf: Path, page: int) -> str:
    """Return the text poppler reads from one page, in the order it is drawn."""
    command = ["pdftotext", "-raw", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _bare(text: str) -> str:
    """Return text without white space (a reader lays out lines and spaces its own way)."""
    return re.sub(r"\s", "", text)


def _size(png: bytes) -> tuple[int, int]:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.size


def _near(page: object, png: bytes) -> bool:
    """Tell whether the two pictures' sizes differ by a rounding pixel at most."""
    width, height = _size(png)
    return abs(page.width - width) <= 1 and abs(page.height - height) <= 1  # type: ignore[attr-defined]


def _changed(ofd: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """Return the OFD with one of its entries changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(ofd)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, change(data) if name.endswith(part) else data)
    return out.getvalue()


def _worst(ofd: bytes, pdf: Path) -> float:
    """Return the worst share of unmatched ink over the pages of an OFD and its PDF."""
    pictures = _poppler_pages(pdf)
    pages = render_ofd(ofd, DPI)
    return max(
        compare.worst_tile(p.png, q)[0].unmatched for p, q in zip(pages, pictures, strict=True)
    )


def test_the_comparison_sees_a_line_moved_by_a_millimetre(issued: Issued) -> None:
    """This test ensures that the longest line of a page, placed 1 mm off, is caught by the page comparison."""
    document = issued.of("supervision_notice")
    ofd = issued.wenshu.archive.read(document.ofd_path)

    def moved(content: bytes) -> bytes:
        codes = list(re.finditer(rb'<ofd:TextCode X="([0-9.]+)"([^>]*)>([^<]*)<', content))
        line = max(codes, key=lambda code: len(code.group(3).decode()))
        x = float(line.group(1)) + 1.0
        return content.replace(
            line.group(0), line.group(0).replace(line.group(1), f"{x:.3f}".encode(), 1)
        )

    pdf = issued.wenshu.archive.absolute(document.pdf_path)
    assert _worst(_changed(ofd, "Page_0/Content.xml", moved), pdf) > TILE_UNMATCHED


def test_the_comparison_sees_text_not_in_the_embedded_font(issued: Issued) -> None:
    """This test ensures that a page whose embedded font was swapped for another's is caught by the comparison."""
    document = issued.of("supervision_notice")
    ofd = issued.wenshu.archive.read(document.ofd_path)
    with zipfile.ZipFile(io.BytesIO(ofd)) as package:
        fonts = sorted(
            (n for n in package.namelist() if n.endswith(".ttf")),
            key=lambda n: package.getinfo(n).file_size,
        )
        smallest = package.read(fonts[0])
    swapped = _changed(ofd, fonts[-1].rsplit("/", 1)[1], lambda _data: smallest)
    assert _worst(swapped, issued.wenshu.archive.absolute(document.pdf_path)) > TILE_UNMATCHED


def _cropped_picture() -> bytes:
    """Return a DOCX with a picture cropped in Word to its left (red) half, and a line of text."""
    from docx import Document as Docx
    from docx.oxml.ns import qn
    from docx.shared import Mm
    from lxml import etree
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (400, 200), (200, 0, 0))
    ImageDraw.Draw(picture).rectangle([200, 0, 399, 199], fill=(0, 0, 200))
    png = io.BytesIO()
    picture.save(png, "PNG")
    document = Docx()
    document.add_paragraph("下面的图片在 Word 中裁去了右半边的蓝色，只显示红色的左半边。")
    shape = document.add_paragraph().add_run().add_picture(io.BytesIO(png.getvalue()), Mm(40))
    fill = shape._inline.graphic.graphicData.pic.blipFill
    crop = etree.SubElement(fill, qn("a:srcRect"))
    crop.set("r", "50000")  # the right 50 % cut away
    fill.remove(crop)
    fill.insert(1, crop)  # after the blip, as the schema orders it
    shape.width = Mm(20)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_picture_cropped_in_word_shows_cropped(
    office_pool: OfficePool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a picture LibreOffice draws under a clip shows in the reader as cut as in the PDF, and that the comparison would see it whole."""
    docx, pdf = tmp_path / "cropped.docx", tmp_path / "cropped.pdf"
    docx.write_bytes(_cropped_picture())
    office_pool.convert(docx, pdf)
    info = OfdInfo("0" * 32, "裁剪", "测试", "", dt.date(2026, 12, 3), dt.date(2026, 12, 3))
    ofd = pdf_to_ofd(pdf.read_bytes(), info)
    [page] = render_ofd(ofd, DPI)
    [picture] = _poppler_pages(pdf)
    assert _bare(page.text) == _bare(_poppler_text(pdf, 1))
    worst, corner = compare.worst_tile(page.png, picture)
    assert compare.page_difference(page.png, picture).unmatched <= PAGE_UNMATCHED
    assert worst.unmatched <= TILE_UNMATCHED, f"tile at {corner}: {worst}"
    monkeypatch.setattr(pdfpage._Reader, "_cut", lambda self, box: False)  # the clip ignored
    whole = pdf_to_ofd(pdf.read_bytes(), info)
    assert _worst(whole, pdf) > TILE_UNMATCHED

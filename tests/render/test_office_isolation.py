"""Tests of the wall behind lint: LibreOffice itself fetches nothing a document links to, pool and cold alike.

Each test converts a DOCX that lint would refuse, straight through the converter: linked
pictures and INCLUDEPICTURE / INCLUDETEXT / LINK fields pointing at a listener on loopback
and at local files with content no template has.
"""

from __future__ import annotations

import http.server
import io
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from service.foundations.config import Settings, load_settings
from service.render.office.cold import ColdOffice
from service.render.office.pool import OfficePool
from service.render.office.process import office_environment
from service.render.office.profile import (
    LINKED_CONTENT,
    NETWORK,
    OFFICE_SETTINGS,
    OfficeSetting,
    isolated,
    network_namespace,
    write_settings,
)
from tests import pdfcheck
from tests.outside_docx import (
    complex_field,
    drawing,
    linked_picture,
    paragraph,
    png,
    simple_field,
    vml_shape,
    with_body,
    with_relationships,
)

pytestmark = pytest.mark.office

SERVED = (0, 0, 255)  # the picture the listener hands out
SECRET = (0, 255, 0)  # the picture in a local file
EMBEDDED = (255, 0, 0)  # a picture inside the document, which must still print
SECRET_TEXT = "SECRET-LOCAL-7F3A"
SERVED_TEXT = "SERVED-REMOTE-9C1B"


class Listener:
    """An HTTP server on a free loopback port that records every request it gets."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self) -> None:
                requests.append(f"{self.command} {self.path}")
                body = png(SERVED) if self.path.endswith(".png") else SERVED_TEXT.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_HEAD = do_POST = do_PROPFIND = do_OPTIONS = answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """Return the listener's base address."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        """Stop listening."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A loopback listener for the duration of one test."""
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def hostile(tmp_path: Path, listener: Listener) -> Path:
    """A DOCX that links to the listener and to local files in every way LibreOffice might follow."""
    secret_picture = tmp_path / "secret.png"
    secret_picture.write_bytes(png(SECRET))
    secret_text = tmp_path / "secret.txt"
    secret_text.write_text(SECRET_TEXT + "\n", encoding="utf-8")
    made = Document()
    made.add_paragraph("正文：外部引用测试")
    made.add_picture(io.BytesIO(png(EMBEDDED)))
    out = io.BytesIO()
    made.save(out)
    data = linked_picture(out.getvalue(), f"{listener.url}/linked.png", "rIdOut1")
    data = linked_picture(data, secret_picture.as_uri(), "rIdOut2")
    data = with_relationships(
        data, "word/_rels/document.xml.rels",
        ("rIdOut3", "image", f"{listener.url}/embedded-external.png", True),
        ("rIdOut4", "image", f"{listener.url}/vml.png", True),
    )  # fmt: skip
    data = with_body(
        data,
        paragraph("外部嵌入：", drawing('r:embed="rIdOut3"'))
        + paragraph("VML：", vml_shape('<v:imagedata r:id="rIdOut4" o:title=""/>'))
        + paragraph("图片域：", complex_field(f'INCLUDEPICTURE "{listener.url}/field.png" \\d'))
        + paragraph("文字域：", complex_field(f'INCLUDETEXT "{listener.url}/field.txt"'))
        + paragraph("本机文字：", complex_field(f'INCLUDETEXT "{secret_text}"'))
        + paragraph("本机图片：", simple_field(f'INCLUDEPICTURE "{secret_picture.as_uri()}"'))
        + paragraph(
            "链接：", complex_field(f'LINK Word.Document.12 "{listener.url}/link.docx" ""')
        ),
    )
    path = tmp_path / "hostile.docx"
    path.write_bytes(data)
    return path


def colours(pdf: Path) -> list[tuple[int, int, int]]:
    """Return the colour at the centre of every picture in a PDF."""
    found = []
    for page in PdfReader(pdf).pages:
        for image in page.images:
            picture = image.image.convert("RGB")
            found.append(picture.getpixel((picture.width // 2, picture.height // 2)))
    return found


def shows(pdf: Path, colour: tuple[int, int, int]) -> bool:
    """Return whether a picture of about this colour is in the PDF (JPEG shifts colours a little)."""
    return any(
        all(abs(a - b) <= 40 for a, b in zip(found, colour, strict=True)) for found in colours(pdf)
    )


def assert_nothing_fetched(listener: Listener, pdf: Path) -> None:
    """Fail unless the PDF holds the document's own picture and nothing from outside."""
    assert listener.requests == []
    assert shows(pdf, EMBEDDED), "the document's own picture must still print"
    assert not shows(pdf, SERVED)
    assert not shows(pdf, SECRET)
    text = pdfcheck.text(pdf)
    assert SECRET_TEXT not in text
    assert SERVED_TEXT not in text


def office_settings(tmp_path: Path) -> Settings:
    """Settings for a private instance folder."""
    return load_settings({"instance_path": tmp_path / "instance"})


def bare_convert(
    docx: Path, settings: Settings, profile: Path, prefix: tuple[str, ...] = ()
) -> Path:
    """Convert with soffice directly, on a given profile, optionally after a command prefix."""
    outdir = docx.parent / f"out-{profile.name}"
    subprocess.run(
        [*prefix, settings.soffice_path, "--headless", "--norestore", "--nolockcheck",
         f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
         "--outdir", str(outdir), str(docx)],
        env=office_environment(settings), capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    return outdir / f"{docx.stem}.pdf"


def test_cold_converter_fetches_nothing(hostile: Path, listener: Listener, tmp_path: Path) -> None:
    """This test ensures that the one-shot converter neither calls a linked URL nor reads a linked file."""
    settings = office_settings(tmp_path)
    # A profile left permissive (by hand, or by an older version) is set right before soffice starts.
    write_settings(settings.office_profiles_path / "cold", [OfficeSetting(
        "/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "false")])  # fmt: skip
    pdf = tmp_path / "cold.pdf"
    ColdOffice(settings).convert(hostile, pdf)
    assert_nothing_fetched(listener, pdf)


def test_pool_fetches_nothing(
    hostile: Path, listener: Listener, office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that the pool's workers neither call a linked URL nor read a linked file."""
    pdf = tmp_path / "pool.pdf"
    office_pool.convert(hostile, pdf)
    assert_nothing_fetched(listener, pdf)


def test_pool_worker_profiles_hold_the_settings(office_pool: OfficePool) -> None:
    """This test ensures that every pool worker's profile carries the settings that forbid linked content."""
    for worker in office_pool.workers:
        written = (
            office_pool.settings.office_profiles_path
            / worker.name
            / "user"
            / "registrymodifications.xcu"
        ).read_text(encoding="utf-8")
        for setting in OFFICE_SETTINGS:
            assert f'oor:name="{setting.name}"' in written


def test_without_the_wall_libreoffice_fetches(
    hostile: Path, listener: Listener, tmp_path: Path
) -> None:
    """This test ensures that the fixture really reaches out when nothing stops it, so the other tests can fail."""
    settings = office_settings(tmp_path)
    pdf = bare_convert(hostile, settings, tmp_path / "plain-profile")
    assert "GET /linked.png" in listener.requests
    assert shows(pdf, SECRET)
    assert shows(pdf, SERVED)


def test_linked_content_settings_alone_stop_files_and_addresses(
    hostile: Path, listener: Listener, tmp_path: Path
) -> None:
    """This test ensures that the profile's linked-content settings alone stop both the URL and the local file."""
    settings = office_settings(tmp_path)
    profile = tmp_path / "linked-content-only"
    write_settings(profile, LINKED_CONTENT)
    pdf = bare_convert(hostile, settings, profile)
    assert_nothing_fetched(listener, pdf)


def test_proxy_settings_alone_stop_addresses(
    hostile: Path, listener: Listener, tmp_path: Path
) -> None:
    """This test ensures that the profile's dead proxy alone keeps LibreOffice from reaching any address."""
    settings = office_settings(tmp_path)
    profile = tmp_path / "network-only"
    write_settings(profile, NETWORK)
    pdf = bare_convert(hostile, settings, profile)
    assert listener.requests == []
    assert not shows(pdf, SERVED)


def test_network_namespace_alone_stops_addresses(
    hostile: Path, listener: Listener, tmp_path: Path
) -> None:
    """This test ensures that soffice in its own network namespace cannot reach even loopback."""
    if not network_namespace():
        pytest.skip("this machine allows no network namespace")
    settings = office_settings(tmp_path)
    prefix = tuple(isolated([]))
    pdf = bare_convert(hostile, settings, tmp_path / "namespace-only", prefix)
    assert listener.requests == []
    assert not shows(pdf, SERVED)

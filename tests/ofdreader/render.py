"""An OFD rendered by a reader wenshu did not write: ofd.js (npm, Apache-2.0) in headless Chromium.

ofd.js 0.2.6 parses the package (its own XML and zip code), places every TextObject's
characters by X, Y and DeltaX, draws PathObjects from AbbreviatedData and ImageObjects from
their CTM, as SVG; Chromium draws the glyphs. ofd.js names each text's font by the OFD's
FamilyName (or FontName) and does not load embedded font files itself, so this module
declares each embedded font file of the package as a web font under the name ofd.js asks
(its weight from the resource's Bold, its unicode-range from the font's own cmap), and
nothing else: Chromium runs with a font configuration that holds one Latin font alone, so a
Chinese glyph the embedded font lacks shows as missing, never in a system font.

The package's files come from tests/ofdreader/vendor/ (fetched by scripts/ofd-reader.sh
from the npm registry, checked against its SHA-512); the page reaches nothing else.
"""

from __future__ import annotations

import base64
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from lxml import etree
from playwright.sync_api import Route, sync_playwright

VENDOR = Path(__file__).parent / "vendor"
OFDJS = VENDOR / "ofd.umd.js"
OFD_NS = "{http://www.ofdspec.org/2016}"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ORIGIN = "http://reader.invalid/"
# The one system font the browser may see: Latin only (Chromium will not start with none), so
# that a Chinese character drawn from anything but the embedded fonts shows as missing.
LATIN_ONLY = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""


@dataclass(frozen=True)
class RenderedPage:
    """One page as the reader drew it: the PNG, and the text its TextObjects gave it."""

    png: bytes
    text: str
    width: int
    height: int


def available() -> bool:
    """Tell whether the reader's files are on disk."""
    return OFDJS.is_file()


def _faces(ofd: bytes) -> list[tuple[str, str, str, str]]:
    """Return (family, weight, unicode-range, font file as base64) for each embedded font."""
    faces = []
    with zipfile.ZipFile(io.BytesIO(ofd)) as package:
        names = package.namelist()
        for name in names:
            if not name.endswith(("PublicRes.xml", "DocumentRes.xml")):
                continue
            root = etree.fromstring(package.read(name))
            base = name.rsplit("/", 1)[0] + "/" + (root.get("BaseLoc") or "")
            for font in root.iter(f"{OFD_NS}Font"):
                location = font.findtext(f"{OFD_NS}FontFile") or ""
                path = base.rstrip("/") + "/" + location
                if path not in names:
                    continue
                data = package.read(path)
                cmap = TTFont(io.BytesIO(data)).getBestCmap() or {}
                ranges = ",".join(f"U+{code:X}" for code in sorted(cmap))
                family = font.get("FamilyName") or font.get("FontName") or ""
                weight = "700" if font.get("Bold") == "true" else "400"
                faces.append((family, weight, ranges, base64.b64encode(data).decode()))
    return faces


def _weights(ofd: bytes) -> None:
    """ofd.js sets font-weight from the TextObject's Weight; the faces use the font's Bold."""


_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
html, body { margin: 0; padding: 0; background: #fff; }
/* ofd.js places every character by itself; Chromium would otherwise trim the blank half of a
   full-width opening bracket that starts a text, as at the start of a line */
svg text { text-spacing-trim: space-all; }
</style><script src="{origin}ofd.js"></script></head><body><div id="pages"></div></body></html>"""

_RENDER = """async ({scale, faces}) => {
  const failed = [];
  for (const [family, weight, range, data] of faces) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const face = new FontFace(family, bytes.buffer, {weight, unicodeRange: range});
    try { document.fonts.add(await face.load()); } catch (error) { failed.push([family, String(error)]); }
  }
  const data = await (await fetch('doc.ofd')).arrayBuffer();
  const documents = await new Promise((resolve, reject) => ofd.parseOfdDocument({
    ofd: data, success: resolve, fail: reject,
  }));
  ofd.setPageScale(scale);
  const divs = ofd.renderOfdByScale(documents[0]);
  const holder = document.getElementById('pages');
  for (const div of divs) { holder.appendChild(div); }
  await document.fonts.ready;
  const texts = [];
  for (const div of divs) {
    texts.push([...div.querySelectorAll('text')].map((t) => t.textContent).join(''));
  }
  return {count: divs.length, texts, failed};
}"""


_ALONE = """(index) => {
  const divs = document.querySelectorAll('#pages > div');
  divs.forEach((div, i) => { div.style.display = i === index ? '' : 'none'; div.style.margin = '0'; });
  window.scrollTo(0, 0);
}"""


def render_ofd(ofd: bytes, dpi: float) -> list[RenderedPage]:
    """Return each page of the OFD as ofd.js draws it at dpi, with the text it placed."""
    page_html = _PAGE.replace("{origin}", ORIGIN)
    script = OFDJS.read_bytes()

    def serve(route: Route) -> None:
        url = route.request.url
        if url == ORIGIN:
            route.fulfill(body=page_html, content_type="text/html; charset=utf-8")
        elif url == ORIGIN + "ofd.js":
            route.fulfill(body=script, content_type="text/javascript")
        elif url == ORIGIN + "doc.ofd":
            route.fulfill(body=ofd, content_type="application/ofd")
        else:
            route.abort()

    with tempfile.TemporaryDirectory(prefix="wenshu-ofdreader-") as work:
        fonts = Path(work) / "fonts"
        fonts.mkdir()
        (fonts / LATIN_ONLY.name).symlink_to(LATIN_ONLY)
        config = Path(work) / "fonts.conf"
        config.write_text(FONTCONFIG.format(fonts=fonts, cache=Path(work) / "cache"))
        environment = {**os.environ, "FONTCONFIG_FILE": str(config)}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=FLAGS, env=environment
            )
            try:
                page = browser.new_page(device_scale_factor=1)
                page.route("**/*", serve)
                page.goto(ORIGIN)
                # ofd.js draws a millimetre as scale pixels (1 to 10)
                result = page.evaluate(_RENDER, {"scale": dpi / 25.4, "faces": _faces(ofd)})
                assert not result["failed"], f"embedded fonts refused: {result['failed']}"
                pages = []
                for index in range(result["count"]):
                    # each page alone at the top left, so that no page sits at a fraction of a pixel
                    page.evaluate(_ALONE, index)
                    element = page.locator("#pages > div").nth(index)
                    box = element.bounding_box()
                    assert box is not None
                    png = element.screenshot()
                    pages.append(
                        RenderedPage(
                            png, result["texts"][index], round(box["width"]), round(box["height"])
                        )
                    )
                return pages
            finally:
                browser.close()

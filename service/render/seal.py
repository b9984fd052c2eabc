"""The bureau's seal pressed on a rendered PDF over its 发文机关署名 and 成文日期 (GB/T 9704 7.3.5.1)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf

from service.render.fill.docx import TemplateProblem
from service.render.overlay import add_image, png_image
from service.render.textlines import TextLine, page_lines

MM = 72 / 25.4
# One line of the GB/T 9704 text area: 22 lines in 225 mm.
LINE_PITCH = 225 * MM / 22
# How far the seal's centre stands above the top of the 署名's glyphs, which so sit just
# below it ("居印章中心偏下位置").
ABOVE_ISSUER = 1 * MM
# Where the body leaves too little room for that, the least it stands above them.
ABOVE_ISSUER_AT_LEAST = 0.2 * MM
# How far inside the one-line limit a risen seal's top stays.
INSIDE = 0.5 * MM


class SealUnplaceable(TemplateProblem):
    """Raised when the page gives no place for the seal that GB/T 9704 7.3.5.1 allows."""


@dataclass(frozen=True)
class SealImage:
    """The bureau's own seal: a PNG with transparency, printed diameter_mm wide."""

    png: bytes
    diameter_mm: float = 42.0  # a bureau seal's usual size

    def __post_init__(self) -> None:
        if not self.png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("印章图像不是 PNG 文件：请提供带透明背景的 PNG 印章图像")
        if self.diameter_mm <= 0:
            raise ValueError(f"印章直径须大于 0 毫米，现为 {self.diameter_mm} 毫米")


@dataclass(frozen=True)
class SignatureBlock:
    """Where the 署名 and 成文日期 stand: their page, lines and the body line above them."""

    page: int
    issuer: TextLine
    date: TextLine
    date_left: float
    date_right: float
    body: TextLine | None  # the last line above the 署名 on the same page, if any


@dataclass(frozen=True)
class SealPlacement:
    """The seal to press on a document, over the 署名 and 成文日期 lines as its template prints them."""

    image: SealImage
    issuer: str
    date: str


def stamp_seal(pdf: bytes, seal: SealImage, issuer: str, date: str) -> bytes:
    """Return the PDF with the seal pressed on the last 署名 and 成文日期 it prints (press_seal)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        press_seal(document, SealPlacement(seal, issuer, date))
        out = io.BytesIO()
        document.save(out, deterministic_id=True)
        return out.getvalue()


def press_seal(document: pikepdf.Pdf, placement: SealPlacement) -> None:
    """Press the seal on the last 署名 and 成文日期 an open PDF prints.

    The seal is upright, centred on the 成文日期, its centre just above the 署名 so that
    both lines sit below it, and its top within one line of the body above. Raises
    SealUnplaceable when the date with the issuer on the line above is not printed, or
    when the space between body and 署名 is too wide for the seal to reach both.
    """
    seal = placement.image
    block = find_signature_block(document, placement.issuer, placement.date)
    image = png_image(document, seal.png)
    width = seal.diameter_mm * MM
    height = width * int(image.Height) / int(image.Width)
    centre_x = (block.date_left + block.date_right) / 2
    centre_y = _seal_centre(block, height)
    add_image(
        document.pages[block.page],
        image,
        pikepdf.Matrix(width, 0, 0, height, centre_x - width / 2, centre_y - height / 2),
        "Seal",
    )


def find_signature_block(document: pikepdf.Pdf, issuer: str, date: str) -> SignatureBlock:
    """Return the last place where date is printed with issuer on the line above it."""
    for number in range(len(document.pages) - 1, -1, -1):
        lines = page_lines(document.pages[number])
        for index in range(len(lines) - 1, 0, -1):
            span = lines[index].span(date)
            if span and lines[index - 1].span(issuer):
                return SignatureBlock(
                    number,
                    lines[index - 1],
                    lines[index],
                    span[0].x0,
                    span[-1].x1,
                    lines[index - 2] if index >= 2 else None,
                )
    raise SealUnplaceable(
        f"文书中找不到成文日期“{date}”（其上一行为发文机关署名“{issuer}”），无法确定印章位置，"
        "未加盖印章：请检查模板的落款是否署名在上、成文日期在下"
    )


def _seal_centre(block: SignatureBlock, height: float) -> float:
    """Return the height of the seal's centre: just above the 署名, within a line of the body."""
    radius = height / 2
    centre = block.issuer.top + ABOVE_ISSUER
    if block.body is not None and centre + radius > block.body.bottom:
        # Too little room under the body: the seal comes down to the body's last line, but
        # never so far that the 署名 would reach its centre.
        centre = max(block.body.bottom - radius, block.issuer.top + ABOVE_ISSUER_AT_LEAST)
    elif block.body is not None and centre + radius < block.body.bottom - LINE_PITCH + INSIDE:
        # Blank lines between body and 署名: the seal rises just enough for its top to be
        # within one line of the body, pressing on the 署名 from higher up.
        centre = block.body.bottom - LINE_PITCH + INSIDE - radius
    if centre - radius > block.date.baseline:
        raise SealUnplaceable(
            f"第{block.page + 1}页发文机关署名与正文之间空行过多，印章顶端距正文一行之内时"
            "压不到成文日期：请减少模板中署名前的空行"
        )
    return centre

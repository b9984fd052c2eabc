"""The 作废 mark: a red diagonal word and the void date drawn over every page of a served copy."""

from __future__ import annotations

import functools
import io
import subprocess
from collections.abc import Collection

import pikepdf
from PIL import Image, ImageDraw, ImageFont

from service.render.overlay import add_image, png_image

VOID_RED = (200, 0, 0)
OPACITY = 150  # of 255: the page's text stays legible under the mark
ANGLE = 35  # degrees, rising left to right
WORD_PIXELS = 360  # height of 作废 in the drawn image; the date is a quarter of it
# The mark spans this share of the page's shorter side.
SPAN = 0.8
# fontconfig's pattern for a heavy Chinese face holding 作 and 废 (the charset weighs most).
FONT_PATTERN = "Noto Sans CJK SC:bold:lang=zh-cn:charset=4f5c 5e9f"


class MarkFontMissing(RuntimeError):
    """Raised when no installed font has the characters of the 作废 mark."""


def mark_void(pdf: bytes, void_date: str, pages: Collection[int] | None = None) -> bytes:
    """Return the PDF with the 作废 mark and "void_date 作废" over each page (or those in pages, from 0).

    The result is a copy to show or print; the archived original is never rewritten.
    """
    png = void_mark_png(void_date)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        image = png_image(document, png)
        ratio = int(image.Height) / int(image.Width)
        for number, page in enumerate(document.pages):
            if pages is not None and number not in pages:
                continue
            left, bottom, right, top = (float(v) for v in page.mediabox)
            width = SPAN * min(right - left, top - bottom)
            height = width * ratio
            x = (left + right - width) / 2
            y = (bottom + top - height) / 2
            add_image(page, image, pikepdf.Matrix(width, 0, 0, height, x, y), "Void")
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


@functools.lru_cache(maxsize=32)
def void_mark_png(void_date: str) -> bytes:
    """Return the mark as a PNG: 作废 over "void_date 作废", red, translucent, turned ANGLE degrees."""
    path = mark_font_path()
    word_font = ImageFont.truetype(path, WORD_PIXELS)
    date_font = ImageFont.truetype(path, WORD_PIXELS // 4)
    caption = f"{void_date}作废"
    word_box = [round(v) for v in word_font.getbbox("作废")]
    date_box = [round(v) for v in date_font.getbbox(caption)]
    width = max(word_box[2] - word_box[0], date_box[2] - date_box[0]) + WORD_PIXELS // 4
    height = (word_box[3] - word_box[1]) + (date_box[3] - date_box[1]) + WORD_PIXELS // 2
    mark = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(mark)
    colour = (*VOID_RED, OPACITY)
    word_middle = WORD_PIXELS // 8 + (word_box[3] - word_box[1]) // 2
    draw.text((width // 2, word_middle), "作废", font=word_font, fill=colour, anchor="mm")
    frame = WORD_PIXELS // 30
    draw.rectangle((0, 0, width - 1, height - 1), outline=colour, width=frame)
    date_middle = height - WORD_PIXELS // 8 - (date_box[3] - date_box[1]) // 2
    draw.text((width // 2, date_middle), caption, font=date_font, fill=colour, anchor="mm")
    turned = mark.rotate(ANGLE, resample=Image.Resampling.BICUBIC, expand=True)
    out = io.BytesIO()
    turned.save(out, format="PNG", optimize=True)
    return out.getvalue()


@functools.cache
def mark_font_path() -> str:
    """Return the file of the heavy Chinese font the mark is drawn in, found by fontconfig."""
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", FONT_PATTERN], capture_output=True, text=True, check=False
    ).stdout
    try:
        ImageFont.truetype(found, WORD_PIXELS)
    except OSError as error:
        raise MarkFontMissing(
            f"找不到绘制“作废”标记的中文字体（fontconfig 返回“{found}”）：请安装 Noto Sans CJK 字体"
        ) from error
    return found

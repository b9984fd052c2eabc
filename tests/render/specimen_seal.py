"""A specimen seal for the tests: a red ring, a star and the words 样章, on a transparent ground."""

from __future__ import annotations

import functools
import io
import math
import subprocess

from PIL import Image, ImageDraw, ImageFont

SEAL_RED = (214, 0, 24)
SIZE = 600  # pixels across: 42 mm at about 360 dpi


def cjk_font_path() -> str:
    """Return the file of a bold Chinese font fontconfig knows (Noto Sans CJK on a set-up machine)."""
    return subprocess.run(
        ["fc-match", "-f", "%{file}", "Noto Sans CJK SC:bold:lang=zh-cn"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@functools.cache
def specimen_seal_png(size: int = SIZE) -> bytes:
    """Return the specimen seal as PNG bytes: red on transparent, marked 样章, size pixels across."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ring = size // 25
    draw.ellipse((ring, ring, size - ring, size - ring), outline=SEAL_RED, width=ring)
    centre, outer, inner = size / 2, size * 0.16, size * 0.064
    star = [
        (
            centre + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
            centre * 0.92 - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=SEAL_RED)
    font = ImageFont.truetype(cjk_font_path(), size // 7)
    draw.text((centre, size * 0.74), "样章", font=font, fill=SEAL_RED, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()

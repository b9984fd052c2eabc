"""Two renderings of one page compared as a reader sees them: ink where the other has none."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter

# A pixel darker than this is ink (of 255); a light anti-aliased edge is not.
INK = 160
# How far (pixels) a mark may sit from its counterpart and still count as the same mark: one
# pixel, the rounding of two rasterisers that place the same outline.
REACH = 1


@dataclass(frozen=True)
class PageDifference:
    """How far two renderings of a page differ.

    unmatched is the share of ink pixels (of both) with no ink of the other rendering within
    REACH pixels; mean is the mean absolute difference of all pixels, in 0–255 grey levels.
    """

    unmatched: float
    mean: float
    ink: int

    def __str__(self) -> str:
        return f"{self.unmatched:.2%} of {self.ink} ink pixels unmatched, mean difference {self.mean:.2f}"


def _grey(png: bytes, size: tuple[int, int]) -> Image.Image:
    """Return a PNG as grey levels on white, cut or padded to size."""
    image = Image.open(io.BytesIO(png))
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image)
    grey = image.convert("L")
    canvas = Image.new("L", size, 255)
    canvas.paste(grey, (0, 0))
    return canvas


def _ink(grey: Image.Image) -> Image.Image:
    """Return the ink of a grey image as a 0/255 mask (255 = ink)."""
    return grey.point(lambda v: 255 if v < INK else 0)


def page_difference(first: bytes, second: bytes) -> PageDifference:
    """Return how the ink of two PNG renderings of one page differs."""
    one, other = Image.open(io.BytesIO(first)), Image.open(io.BytesIO(second))
    size = (min(one.width, other.width), min(one.height, other.height))
    return _difference(_grey(first, size), _grey(second, size))


def _difference(a: Image.Image, b: Image.Image) -> PageDifference:
    """Return how the ink of two grey images of one size differs."""
    size = a.size
    ink_a, ink_b = _ink(a), _ink(b)
    near_a = ink_a.filter(ImageFilter.MaxFilter(2 * REACH + 1))
    near_b = ink_b.filter(ImageFilter.MaxFilter(2 * REACH + 1))
    lone_a = ImageChops.subtract(ink_a, near_b)
    lone_b = ImageChops.subtract(ink_b, near_a)
    count = _count(ink_a) + _count(ink_b)
    lone = _count(lone_a) + _count(lone_b)
    histogram = ImageChops.difference(a, b).histogram()
    mean = sum(level * n for level, n in enumerate(histogram)) / (size[0] * size[1])
    return PageDifference(lone / count if count else 0.0, mean, count)


def _count(mask: Image.Image) -> int:
    """Return how many pixels of a 0/255 mask are set."""
    return mask.histogram()[255]


# The page is compared tile by tile, so that one line drawn wrong is not lost in a page of
# right ones: a tile is this many pixels square, and one with less ink than MIN_INK is skipped.
TILE = 100
MIN_INK = 300


def worst_tile(first: bytes, second: bytes) -> tuple[PageDifference, tuple[int, int]]:
    """Return the difference of the tile where the two renderings differ most, and its corner."""
    one, other = Image.open(io.BytesIO(first)), Image.open(io.BytesIO(second))
    size = (min(one.width, other.width), min(one.height, other.height))
    a, b = _grey(first, size), _grey(second, size)
    worst = (PageDifference(0.0, 0.0, 0), (0, 0))
    for top in range(0, size[1], TILE):
        for left in range(0, size[0], TILE):
            box = (left, top, min(left + TILE, size[0]), min(top + TILE, size[1]))
            difference = _difference(a.crop(box), b.crop(box))
            if difference.ink >= MIN_INK and difference.unmatched > worst[0].unmatched:
                worst = (difference, (left, top))
    return worst

"""Images drawn over a PDF page: a PNG as an image XObject with its alpha as soft mask."""

from __future__ import annotations

import functools
import io
import zlib

import pikepdf
from PIL import Image


def png_image(document: pikepdf.Pdf, png: bytes) -> pikepdf.Stream:
    """Return the PNG as an RGB image XObject of document, its transparency as an SMask.

    DeviceRGB is what the PDF/A output intent LibreOffice writes (sRGB) covers; PDF/A-2
    allows a soft mask, so a seal's transparent ground lets the text show through.
    """
    width, height, rgb, alpha = _encoded(png)
    image = pikepdf.Stream(document, rgb)
    image.stream_dict.update(_image_dict(width, height, pikepdf.Name.DeviceRGB))
    if alpha is not None:
        mask = pikepdf.Stream(document, alpha)
        mask.stream_dict.update(_image_dict(width, height, pikepdf.Name.DeviceGray))
        image.stream_dict["/SMask"] = mask
    return image


# The seal is the same PNG on every copy of a batch: decoding and compressing it took most of
# a stamp's time (70 ms of 120 on a busy machine), so each PNG is encoded once per process.
@functools.lru_cache(maxsize=4)
def _encoded(png: bytes) -> tuple[int, int, bytes, bytes | None]:
    """Return a PNG's width, height, Flate-compressed RGB samples and alpha (None if opaque)."""
    with Image.open(io.BytesIO(png)) as opened:
        picture = opened.convert("RGBA")
    alpha = picture.getchannel("A")
    mask = None if alpha.getextrema() == (255, 255) else zlib.compress(alpha.tobytes())
    rgb = zlib.compress(picture.convert("RGB").tobytes())
    return picture.width, picture.height, rgb, mask


def _image_dict(width: int, height: int, colour_space: pikepdf.Name) -> dict[str, object]:
    """Return the dictionary of an 8-bit Flate-compressed image XObject."""
    return {
        "/Type": pikepdf.Name.XObject,
        "/Subtype": pikepdf.Name.Image,
        "/Width": width,
        "/Height": height,
        "/ColorSpace": colour_space,
        "/BitsPerComponent": 8,
        "/Filter": pikepdf.Name.FlateDecode,
    }


def add_image(
    page: pikepdf.Page, image: pikepdf.Stream, placement: pikepdf.Matrix, prefix: str
) -> None:
    """Draw image over everything on page, the unit square mapped by placement.

    The page's own content is wrapped in q … Q first, so no state it leaves set (a clip, a
    transform) moves the image; the image is an artifact, outside the page's tagged text.
    """
    name = page.add_resource(image, pikepdf.Name.XObject, prefix=prefix)
    a, b, c, d, e, f = (round(v, 4) for v in placement.shorthand)
    page.contents_add(b"q\n", prepend=True)
    drawing = f"Q\n/Artifact BMC\nq {a} {b} {c} {d} {e} {f} cm {name} Do Q\nEMC\n"
    page.contents_add(drawing.encode("ascii"))

"""Images drawn over a PDF page: a PNG as an image XObject with its alpha as soft mask."""

from __future__ import annotations

import io
import zlib

import pikepdf
from PIL import Image


def png_image(document: pikepdf.Pdf, png: bytes) -> pikepdf.Stream:
    """Return the PNG as an RGB image XObject of document, its transparency as an SMask.

    DeviceRGB is what the PDF/A output intent LibreOffice writes (sRGB) covers; PDF/A-2
    allows a soft mask, so a seal's transparent ground lets the text show through.
    """
    with Image.open(io.BytesIO(png)) as opened:
        picture = opened.convert("RGBA")
    width, height = picture.size
    image = pikepdf.Stream(document, zlib.compress(picture.convert("RGB").tobytes()))
    image.stream_dict.update(
        {
            "/Type": pikepdf.Name.XObject,
            "/Subtype": pikepdf.Name.Image,
            "/Width": width,
            "/Height": height,
            "/ColorSpace": pikepdf.Name.DeviceRGB,
            "/BitsPerComponent": 8,
            "/Filter": pikepdf.Name.FlateDecode,
        }
    )
    alpha = picture.getchannel("A")
    if alpha.getextrema() != (255, 255):
        mask = pikepdf.Stream(document, zlib.compress(alpha.tobytes()))
        mask.stream_dict.update(
            {
                "/Type": pikepdf.Name.XObject,
                "/Subtype": pikepdf.Name.Image,
                "/Width": width,
                "/Height": height,
                "/ColorSpace": pikepdf.Name.DeviceGray,
                "/BitsPerComponent": 8,
                "/Filter": pikepdf.Name.FlateDecode,
            }
        )
        image.stream_dict["/SMask"] = mask
    return image


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

"""A PDF image as a file the OFD holds: its JPEG as it is, or a PNG with its soft mask as alpha."""

from __future__ import annotations

import hashlib
import io

import pikepdf

from service.foundations.bounded import BoundedCache
from service.render.ofd.fonts import PdfObject

Crop = tuple[int, int, int, int] | None  # the pixels of an image a page shows, None for all
# How deep an image's dictionary is described for its key: a deeper one is not kept.
_DEPTH = 6

# Image files already made, by what they are made from: the seal is the same image on every
# sealed document, and encoding it as PNG took most of a sealed document's OFD.
_MADE: BoundedCache[bytes, tuple[str, bytes]] = BoundedCache(32)


def image_file(image: PdfObject, crop: Crop = None) -> tuple[str, bytes]:
    """Return an image XObject as a file: ("JPEG" or "PNG", its bytes); the last 32 made are kept.

    crop, when given, is the box of pixels the page shows: only those are kept (as PNG).
    """
    key = _identity(image, crop)
    made = _MADE.get(key) if key else None
    if made is None:
        made = _image_file(image, crop)
        if key:
            _MADE.put(key, made)
    return made


def _image_file(image: PdfObject, crop: Crop) -> tuple[str, bytes]:
    """Return the image made anew as a file."""
    pdf_image = pikepdf.PdfImage(image)
    mask = image.get("/SMask")
    if (
        mask is None
        and crop is None
        and pdf_image.filters == ["/DCTDecode"]
        and pdf_image.colorspace in ("/DeviceRGB", "/DeviceGray")
    ):
        return "JPEG", image.read_raw_bytes()
    picture = pdf_image.as_pil_image()
    if mask is not None:
        alpha = pikepdf.PdfImage(mask).as_pil_image().convert("L")
        if alpha.size != picture.size:
            alpha = alpha.resize(picture.size)
        picture = picture.convert("RGBA")
        picture.putalpha(alpha)
    elif picture.mode not in ("RGB", "L", "RGBA", "1"):
        picture = picture.convert("RGB")
    if crop is not None:
        picture = picture.crop(crop)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return "PNG", out.getvalue()


def _identity(image: PdfObject, crop: Crop) -> bytes:
    """Return a digest of everything the image's file is made from, or b"" when too deep to tell."""
    digest = hashlib.sha256(repr(crop).encode())
    try:
        digest.update(_described(image, 0).encode())
    except RecursionError:
        return b""
    return digest.digest()


def _described(value: PdfObject, depth: int) -> str:
    """Return a PDF value as text independent of its object numbers, a stream with its data's digest."""
    if depth > _DEPTH:
        raise RecursionError("nested too deeply")
    if isinstance(value, pikepdf.Stream):
        data = hashlib.sha256(value.read_raw_bytes()).hexdigest()
        return f"stream {data} " + _described(value.stream_dict, depth + 1)
    if isinstance(value, pikepdf.Array):
        return "[" + " ".join(_described(item, depth + 1) for item in value) + "]"
    if isinstance(value, pikepdf.Dictionary):
        entries = (
            f"{key} {_described(value[key], depth + 1)}"
            for key in sorted(value.keys())
            if key != "/Length"
        )
        return "<<" + " ".join(entries) + ">>"
    return repr(value)

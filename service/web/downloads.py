"""Files sent to a browser under their Chinese names (RFC 6266), with a readable ASCII fallback."""

from __future__ import annotations

from pathlib import Path
from typing import IO
from urllib.parse import quote

from flask import send_file
from werkzeug.wrappers import Response


def content_disposition(name: str, fallback: str, attachment: bool = True) -> str:
    """Return the Content-Disposition naming the file: filename*=UTF-8''… and filename=fallback.

    A header travels as Latin-1, so the Chinese name is percent-encoded as RFC 5987 asks; every
    current browser reads filename*. Older clients take the ASCII fallback, which names the file
    by its record (document-12.pdf) rather than the Chinese name with its characters stripped.
    """
    assert fallback.isascii() and '"' not in fallback and "\\" not in fallback
    disposition = "attachment" if attachment else "inline"
    if name.isascii() and '"' not in name and "\\" not in name:
        return f'{disposition}; filename="{name}"'
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def send_named(
    data: IO[bytes] | Path, mimetype: str, name: str, fallback: str, attachment: bool = True
) -> Response:
    """Return a response sending data under name, as an attachment or inline."""
    response = send_file(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(name, fallback, attachment)
    return response

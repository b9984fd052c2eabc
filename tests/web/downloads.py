"""Reading a download's file name as a browser does, from its Content-Disposition (RFC 6266)."""

from __future__ import annotations

from urllib.parse import unquote

from werkzeug.http import parse_options_header


def attachment_name(content_disposition: str) -> str:
    """Return the file name a browser saves the response under; fail where a browser would.

    The header must be ASCII, since a server sends headers as Latin-1 and a browser reads a
    non-ASCII byte as garbage; a Chinese name travels as filename*=UTF-8''…, beside an ASCII
    filename= for old clients.
    """
    assert content_disposition.isascii(), content_disposition
    disposition, options = parse_options_header(content_disposition)
    assert disposition in {"attachment", "inline"}, content_disposition
    raw = dict(part.strip().partition("=")[::2] for part in content_disposition.split(";")[1:])
    fallback = raw.get("filename", "").strip('"')
    # The plain name is for clients without RFC 5987: readable, not the Chinese name mangled.
    assert fallback and fallback.strip("._-()") and "/" not in fallback, content_disposition
    if "filename*" not in raw:
        return fallback
    charset, _, encoded = raw["filename*"].partition("''")
    assert charset.upper() == "UTF-8", content_disposition
    name = unquote(encoded, encoding="utf-8", errors="strict")
    assert options["filename"] == name  # what werkzeug (and a browser) reads
    return name

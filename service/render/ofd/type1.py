"""A Type 1 font program as the PDF embeds it, read quickly: names, matrix, encoding, charstrings.

fontTools reads Type 1 with a PostScript interpreter and decrypts byte by byte through a
function call each; a PDF's subset of a Chinese font is some 140 KB of eexec data, which
that takes about half a second over. The layout a font program follows (Adobe Type 1 Font
Format, chapters 7 and 8: the eexec section, the Private dictionary's Subrs and the
CharStrings dictionary, each entry ``n RD <n bytes>``) is read here directly; the
charstrings are then interpreted by fontTools (T1CharString) as before.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from fontTools.misc.psCharStrings import T1CharString

EEXEC_KEY = 55665
CHARSTRING_KEY = 4330
_ENTRY = rb"\s+(\d+)\s+(?:RD|-\|)\s"
_SUBR = re.compile(rb"dup\s+(\d+)" + _ENTRY)
_GLYPH = re.compile(rb"/([^\s/\[\]{}()<>]+)" + _ENTRY)


class Type1Unreadable(ValueError):
    """A Type 1 program that does not follow the layout, with what was missing."""


@dataclass(frozen=True)
class Type1Program:
    """The parts of a Type 1 font an OFD font is made from; a glyph's program decrypted when asked."""

    name: str
    matrix: tuple[float, ...]
    encoding: dict[int, str]
    # Each glyph's charstring as encrypted. The same glyph of a font is encrypted alike in
    # every subset of it, so these bytes know a glyph made before, with no decrypting.
    sources: dict[str, bytes]
    subrs: list[T1CharString]
    subrs_digest: bytes  # of the Subrs as encrypted: the glyphs' programs call them
    length_iv: int = 4

    def charstring(self, glyph: str) -> T1CharString:
        """Return a glyph's charstring, decrypted, for fontTools to draw."""
        program = decrypt(self.sources[glyph], CHARSTRING_KEY)[self.length_iv :]
        return T1CharString(program, subrs=self.subrs)


def decrypt(data: bytes, key: int) -> bytes:
    """Return data decrypted with the Type 1 cipher (eexec or charstring key)."""
    plain = bytearray(len(data))
    for index, cipher in enumerate(data):
        plain[index] = cipher ^ (key >> 8)
        key = ((cipher + key) * 52845 + 22719) & 0xFFFF
    return bytes(plain)


def read_type1(data: bytes) -> Type1Program:
    """Return the program's name, matrix, built-in encoding, Subrs and glyphs' charstrings."""
    start = data.find(b"eexec")
    if start < 0:
        raise Type1Unreadable("没有 eexec 加密段")
    clear, encrypted = data[:start], data[start + len(b"eexec") :].lstrip(b"\r\n\t ")
    if re.fullmatch(rb"[0-9A-Fa-f\s]{4,}", encrypted[:64]):
        encrypted = bytes.fromhex(
            re.sub(rb"[^0-9A-Fa-f]", b"", encrypted.split(b"0000000000")[0]).decode()
        )
    private = decrypt(encrypted, EEXEC_KEY)[4:]
    name = re.search(rb"/FontName\s*/(\S+)\s+def", clear)
    matrix = re.search(rb"/FontMatrix\s*\[([^\]]*)\]", clear)
    if name is None:
        raise Type1Unreadable("没有 FontName")
    skip = re.search(rb"/lenIV\s+(\d+)", private)
    length_iv = int(skip.group(1)) if skip else 4
    subr_sources = _entries(private, _SUBR, private.find(b"/Subrs"), private.find(b"/CharStrings"))
    subrs = [T1CharString(decrypt(program, CHARSTRING_KEY)[length_iv:]) for program in subr_sources]
    for subr in subrs:
        subr.subrs = subrs
    begin = private.find(b"/CharStrings")
    if begin < 0:
        raise Type1Unreadable("没有 CharStrings")
    return Type1Program(
        name=name.group(1).decode("latin-1"),
        matrix=tuple(float(v) for v in matrix.group(1).split())
        if matrix
        else (0.001, 0, 0, 0.001, 0, 0),
        encoding=_encoding(clear),
        sources={
            glyph.decode("latin-1"): program for glyph, program in _named_entries(private, begin)
        },
        subrs=subrs,
        subrs_digest=hashlib.sha256(b"|".join(subr_sources)).digest(),
        length_iv=length_iv,
    )


def _entries(private: bytes, pattern: re.Pattern[bytes], start: int, end: int) -> list[bytes]:
    """Return the binary entries ``dup i n RD <n bytes>`` between start and end, by index."""
    if start < 0:
        return []
    found: dict[int, bytes] = {}
    position = start
    limit = end if end > start else len(private)
    while (match := pattern.search(private, position, limit)) is not None:
        length = int(match.group(2))
        found[int(match.group(1))] = private[match.end() : match.end() + length]
        position = match.end() + length
    return [found[index] for index in sorted(found)]


def _named_entries(private: bytes, start: int) -> list[tuple[bytes, bytes]]:
    """Return the CharStrings entries ``/name n RD <n bytes>`` after start."""
    entries = []
    position = private.find(b"begin", start)
    while (match := _GLYPH.search(private, position)) is not None:
        length = int(match.group(2))
        entries.append((match.group(1), private[match.end() : match.end() + length]))
        position = match.end() + length
    return entries


def _encoding(clear: bytes) -> dict[int, str]:
    """Return the built-in encoding's names by code (``dup code /name put``)."""
    if re.search(rb"/Encoding\s+StandardEncoding\s+def", clear):
        from fontTools.encodings.StandardEncoding import StandardEncoding

        return {code: glyph for code, glyph in enumerate(StandardEncoding) if glyph != ".notdef"}
    return {
        int(code): glyph.decode("latin-1")
        for code, glyph in re.findall(rb"dup\s+(\d+)\s*/(\S+)\s+put", clear)
    }

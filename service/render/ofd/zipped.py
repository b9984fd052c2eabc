"""The OFD container (GB/T 33190 §6, a ZIP file) written with each font deflated once.

zipfile deflates every member it writes; the copies of a batch embed the same font
subsets, and deflating a 150 KB font took half of each copy's OFD. The members here are
deflated by zlib as zipfile would (raw deflate, level 6), each distinct one once and kept
(a few dozen), and laid out as the ZIP format says (APPNOTE 4.3: local headers, central
directory, end record; no ZIP64, the OFD of one document being far below 4 GB).
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterable

from service.foundations.bounded import BoundedCache

LEVEL = 6
# Large members deflated before, by their SHA-256: a batch's copies share their fonts.
_KEPT: BoundedCache[bytes, tuple[int, bytes]] = BoundedCache(64)
# Members smaller than this are deflated every time (XML); larger ones (fonts) are kept.
KEEP_FROM = 16 * 1024


def _deflated(data: bytes) -> tuple[int, bytes]:
    """Return the CRC-32 and raw deflate of data."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


def _kept(data: bytes) -> tuple[int, bytes]:
    """Return the CRC-32 and deflate of a large member, made once for the same bytes."""
    key = hashlib.sha256(data).digest()
    known = _KEPT.get(key)
    if known is None:
        known = _deflated(data)
        _KEPT.put(key, known)
    return known


def zip_members(members: Iterable[tuple[str, bytes]], date_time: tuple[int, int, int]) -> bytes:
    """Return a ZIP file of the members (name, bytes), all deflated, dated date_time (y, m, d)."""
    year, month, day = date_time
    dos_date = ((max(year, 1980) - 1980) << 9) | (month << 5) | day
    body: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    count = 0
    for name, data in members:
        crc, packed = _kept(data) if len(data) >= KEEP_FROM else _deflated(data)
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else 0x0800
        common = struct.pack(
            "<HHHHHIIIH", 20, flags, 8, 0, dos_date, crc, len(packed), len(data), len(encoded)
        )
        local = b"PK\x03\x04" + common + struct.pack("<H", 0) + encoded
        directory.append(
            b"PK\x01\x02" + struct.pack("<H", 20) + common
            + struct.pack("<HHHHII", 0, 0, 0, 0, 0, offset) + encoded
        )  # fmt: skip
        body += [local, packed]
        offset += len(local) + len(packed)
        count += 1
    central = b"".join(directory)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, count, count, len(central), offset, 0)
    return b"".join(body) + central + end

"""Altering what a PDF prints or records, as a forger would: shown text, and the XMP's dc:source."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
from lxml import etree

DC_SOURCE = "{http://purl.org/dc/elements/1.1/}source"
_CMAP_SECTIONS = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _codes(font: pikepdf.Object) -> dict[str, bytes]:
    """Return the character each code of a simple font shows, as character → code (from ToUnicode)."""
    mapping: dict[str, bytes] = {}
    cmap = font.get("/ToUnicode")
    if not isinstance(cmap, pikepdf.Stream):
        return mapping
    for kind, body in _CMAP_SECTIONS.findall(cmap.read_bytes()):
        tokens = [bytes.fromhex(t.decode()) for t in _HEX.findall(body)]
        step = 2 if kind == b"bfchar" else 3
        for start in range(0, len(tokens) - step + 1, step):
            group = tokens[start : start + step]
            if kind == b"bfchar":
                mapping[group[1].decode("utf-16-be")] = group[0]
                continue
            low, high, first = (int.from_bytes(t, "big") for t in group)
            width = len(group[0])
            for offset in range(high - low + 1):
                char = chr(first + offset)
                mapping[char] = (low + offset).to_bytes(width, "big")
    return mapping


def replace_printed(path: Path, old: str, new: str) -> None:
    """Make the first shown run printing old print new instead (same length, glyphs of its font)."""
    assert len(old) == len(new)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            fonts = {str(name): _codes(font) for name, font in page.Resources.Font.items()}
            instructions = pikepdf.parse_content_stream(page)
            font: dict[str, bytes] = {}
            for number, (operands, operator) in enumerate(instructions):
                if str(operator) == "Tf":
                    font = fonts.get(str(operands[0]), {})
                elif str(operator) in ("Tj", "TJ"):
                    changed = _replaced(operands, font, old, new)
                    if changed is not None:
                        instructions[number] = pikepdf.ContentStreamInstruction(changed, operator)
                        page.Contents = pdf.make_stream(
                            pikepdf.unparse_content_stream(instructions)
                        )
                        pdf.save(path)
                        return
    raise AssertionError(f"{old} is not printed as one run")


def _replaced(
    operands: list[pikepdf.Object], font: dict[str, bytes], old: str, new: str
) -> list[pikepdf.Object] | None:
    """Return the operands of a Tj or TJ with old shown as new, or None when old is not there."""
    decode = {code: char for char, code in font.items()}
    items = list(operands[0]) if isinstance(operands[0], pikepdf.Array) else [operands[0]]
    strings = [(n, bytes(item)) for n, item in enumerate(items) if isinstance(item, pikepdf.String)]
    shown = [
        (n, i, decode.get(bytes([b]), "\0")) for n, data in strings for i, b in enumerate(data)
    ]
    text = "".join(char for _, _, char in shown)
    start = text.find(old)
    if start < 0 or any(char not in font for char in new):
        return None
    edited = {n: bytearray(data) for n, data in strings}
    for (n, i, _), char in zip(shown[start : start + len(old)], new, strict=True):
        edited[n][i] = font[char][0]
    result = [
        pikepdf.String(bytes(edited[n])) if n in edited else item for n, item in enumerate(items)
    ]
    return [pikepdf.Array(result)] if isinstance(operands[0], pikepdf.Array) else result


def replace_source(path: Path, old: str, new: str) -> None:
    """Replace text in the XMP's dc:source (the record of a draw), leaving the rest as it was."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        stream = pdf.Root.Metadata
        root = etree.fromstring(stream.read_bytes())
        source = next(root.iter(DC_SOURCE))
        assert old in (source.text or "")
        source.text = (source.text or "").replace(old, new)
        stream.write(etree.tostring(root, encoding="utf-8"))
        pdf.save(path)

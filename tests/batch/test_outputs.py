"""Tests of a batch's outputs: manifest.csv read back as Excel would, every formula shown as text."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pikepdf
import pytest
from flask import Flask

from service.batch.outputs import MANIFEST, MANIFEST_COLUMNS, IssuedCopy, write_outputs

# What a recipient may be named by someone who wants Excel to run it, and what it must show.
DANGEROUS = [
    '=HYPERLINK("http://127.0.0.1/","点此查看")',
    "+86-730-1234567",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "  @SUM(1)",
    "\u3000＝1+1",
    "＝HYPERLINK(1)",
    "＋1",
    "－1",
    "＠SUM(1)",
    " \t岳阳",
]
HARMLESS = ["岳阳市君山区财政局", "a=b", "'已带引号", "岳阳市君山区-许市镇", ""]


@pytest.fixture
def archived_pdf(app: Flask) -> tuple[str, str]:
    """A one-page PDF stored in the app's archive: its relative path and SHA-256."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        buffer = io.BytesIO()
        pdf.save(buffer)
    data = buffer.getvalue()
    sha256 = hashlib.sha256(data).hexdigest()
    return app.extensions["wenshu"].archive.put(data, sha256), sha256


def read_manifest(path: Path) -> list[list[str]]:
    """Return manifest.csv's rows as a CSV reader reads them, after checking its BOM."""
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so that Excel reads the Chinese
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_every_formula_in_every_column_is_written_as_text(
    app: Flask, archived_pdf: tuple[str, str], tmp_path: Path
) -> None:
    """This test ensures that a manifest cell starting with = + - @ (ASCII or full-width, after
    leading spaces too) or a tab or carriage return gets a leading ', in every text column,
    and that every other cell and the header are written as before."""
    path, sha256 = archived_pdf
    recipients = DANGEROUS + HARMLESS
    copies = [  # the copies of one circular: one 文号, each its 份号
        IssuedCopy(row, name, "君档通报〔2026〕1号", path, sha256, "0" * 64, row)
        for row, name in enumerate(recipients, start=1)
    ]
    copies.append(IssuedCopy(99, "岳阳", "=1+1", path, sha256, "-" + "0" * 63))
    write_outputs(app.extensions["wenshu"], copies, tmp_path)
    header, *rows = read_manifest(tmp_path / MANIFEST)
    assert tuple(header) == MANIFEST_COLUMNS
    assert (tmp_path / MANIFEST).read_bytes().count(b"\r\n") == len(copies) + 1  # Excel's lines
    for copy, row in zip(copies, rows, strict=True):
        written = dict(zip(MANIFEST_COLUMNS, row, strict=True))
        expected = ("'" + copy.recipient) if copy.recipient in DANGEROUS else copy.recipient
        assert written["recipient"] == expected, copy.recipient
        assert written["sha256"] == copy.sha256
    last = dict(zip(MANIFEST_COLUMNS, rows[-1], strict=True))
    assert last["number"] == "'=1+1" and last["file"].startswith("'=1+1_")
    assert last["sm3"] == "'-" + "0" * 63
    first = dict(zip(MANIFEST_COLUMNS, rows[len(DANGEROUS)], strict=True))
    assert first == {
        "recipient": "岳阳市君山区财政局",
        "number": copies[len(DANGEROUS)].number,
        "file": copies[len(DANGEROUS)].file_name,
        "sha256": sha256,
        "sm3": "0" * 64,
        "copy_number": f"{len(DANGEROUS) + 1:06d}",
    }

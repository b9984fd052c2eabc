"""Whether an archived PDF bears an electronic seal: a signature field in its form."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from service.archive.pdfinspect import is_sealed


def pdf_with_fields(path: Path, fields: list[pikepdf.Dictionary] | None) -> Path:
    """Write a one-page PDF whose AcroForm holds fields (no AcroForm when None); return its path."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        if fields is not None:
            made = [pdf.make_indirect(field) for field in fields]
            pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(made)))
        pdf.save(path)
    return path


def test_unsigned_pdf_is_not_sealed(tmp_path: Path) -> None:
    """This test ensures that a PDF with no form, or a form of text fields only, reads as not sealed."""
    assert not is_sealed(pdf_with_fields(tmp_path / "plain.pdf", None))
    text_field = pikepdf.Dictionary(FT=pikepdf.Name.Tx, T=pikepdf.String("备注"))
    assert not is_sealed(pdf_with_fields(tmp_path / "form.pdf", [text_field]))


def test_signature_field_is_a_seal(tmp_path: Path) -> None:
    """This test ensures that a /Sig field, at the top of the form or under a parent's Kids, reads as sealed."""
    signature = pikepdf.Dictionary(FT=pikepdf.Name.Sig, T=pikepdf.String("Signature1"))
    assert is_sealed(pdf_with_fields(tmp_path / "top.pdf", [signature]))
    kid = pikepdf.Dictionary(FT=pikepdf.Name.Sig, T=pikepdf.String("Signature1"))
    parent = pikepdf.Dictionary(T=pikepdf.String("印章"), Kids=pikepdf.Array([kid]))
    assert is_sealed(pdf_with_fields(tmp_path / "nested.pdf", [parent]))


def test_unreadable_file_is_not_sealed(tmp_path: Path) -> None:
    """This test ensures that a file that is not a PDF, or is missing, reads as not sealed instead of failing."""
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf")
    assert not is_sealed(broken)
    assert not is_sealed(tmp_path / "missing.pdf")

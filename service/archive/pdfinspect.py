"""What an archived PDF holds, for 四性检测: opens, encryption, PDF/A, fonts, scripts, attachments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pikepdf.pdfa

# Fonts whose glyphs are PDF content themselves: they have no font file to embed.
SELF_CONTAINED_FONTS = {"/Type0", "/Type3"}  # a Type0 font's descendant is checked in its place
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass
class PdfFindings:
    """What reading one PDF found; opened is False (with error) when it could not be read."""

    opened: bool = False
    error: str = ""
    encrypted: bool = False
    pages: int = 0
    pdfa: str = ""  # the declared part and conformance, e.g. "2B"
    pdfa_violations: list[str] = field(default_factory=list)
    fonts_not_embedded: list[str] = field(default_factory=list)
    javascript: list[str] = field(default_factory=list)  # where found
    embedded_files: list[str] = field(default_factory=list)
    launch_actions: list[str] = field(default_factory=list)


def inspect_pdf(path: Path) -> PdfFindings:
    """Return what the PDF at path holds; a file that cannot be read gives opened=False."""
    findings = PdfFindings()
    try:
        with pikepdf.open(path) as pdf:
            findings.opened = True
            findings.encrypted = pdf.is_encrypted
            findings.pages = len(pdf.pages)
            findings.pdfa = pdf.open_metadata().pdfa_status
            _walk(pdf, findings)
    except (pikepdf.PdfError, OSError, ValueError) as error:
        findings.opened = False
        findings.error = str(error) or type(error).__name__
        return findings
    report = pikepdf.pdfa.validate_written(path, "2b")
    findings.pdfa_violations = [
        f"{finding.rule} {finding.where}: {finding.message}"
        for finding in report.findings
        if finding.kind == "violation"
    ]
    return findings


def _walk(pdf: pikepdf.Pdf, findings: PdfFindings) -> None:
    """Visit every object of the file, indirect or nested, noting fonts, scripts and attachments."""
    for top in pdf.objects:
        where = f"obj {top.objgen[0]}" if top.is_indirect else "obj"
        stack: list[pikepdf.Object] = [top]
        while stack:
            obj = stack.pop()
            if isinstance(obj, pikepdf.Array):
                stack.extend(_nested(obj))
                continue
            if isinstance(obj, pikepdf.Stream):
                dictionary: pikepdf.Dictionary = obj.stream_dict
            elif isinstance(obj, pikepdf.Dictionary):
                dictionary = obj
            else:
                continue
            _note(dictionary, where, findings)
            stack.extend(_nested(dictionary.values()))


def _nested(values: Iterable[object]) -> list[pikepdf.Object]:
    """Return the direct dictionaries, arrays and streams among values (indirect ones are visited apart)."""
    return [
        value
        for value in values
        if isinstance(value, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream)
        and not value.is_indirect
    ]


def _note(dictionary: pikepdf.Dictionary, where: str, findings: PdfFindings) -> None:
    """Note what one dictionary holds: a font without its file, a script, an attachment, a launch."""
    subtype = str(dictionary.get("/Subtype", ""))
    if dictionary.get("/Type") == pikepdf.Name.Font and subtype not in SELF_CONTAINED_FONTS:
        descriptor = dictionary.get("/FontDescriptor")
        embedded = isinstance(descriptor, pikepdf.Dictionary) and any(
            key in descriptor for key in FONT_FILES
        )
        if not embedded:
            findings.fonts_not_embedded.append(str(dictionary.get("/BaseFont", where)).lstrip("/"))
    action = dictionary.get("/S")
    if action == pikepdf.Name.JavaScript or "/JS" in dictionary:
        findings.javascript.append(f"{where}：JavaScript 动作")
    if "/JavaScript" in dictionary:
        findings.javascript.append(f"{where}：文档级 JavaScript")
    if action == pikepdf.Name.Launch:
        findings.launch_actions.append(f"{where}：启动外部程序的动作")
    if "/EmbeddedFiles" in dictionary:
        findings.embedded_files.append(f"{where}：嵌入文件目录")
    if "/EF" in dictionary or subtype == "/FileAttachment":
        findings.embedded_files.append(f"{where}：{dictionary.get('/F', '附件')}")


def is_sealed(pdf_path: Path) -> bool:
    """Return whether the PDF bears an electronic seal: its form holds a signature field.

    A document issued before a seal was installed, or without one, has no /AcroForm field
    of type /Sig and so reads False; a file that cannot be read reads False too.
    """
    try:
        with pikepdf.open(pdf_path) as pdf:
            form = pdf.Root.get("/AcroForm")
            if not isinstance(form, pikepdf.Dictionary):
                return False
            stack = list(form.get("/Fields", pikepdf.Array()))
            while stack:
                field = stack.pop()
                if not isinstance(field, pikepdf.Dictionary):
                    continue
                if field.get("/FT") == pikepdf.Name.Sig:
                    return True
                stack.extend(field.get("/Kids", pikepdf.Array()))
            return False
    except (pikepdf.PdfError, OSError):
        return False

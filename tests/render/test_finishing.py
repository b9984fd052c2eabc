"""Tests of finishing a converted PDF in one pass: destinations dropped, XMP and Info written, saved once."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pikepdf
import pytest
from pikepdf.models.metadata import DOCINFO_MAPPING

from service.render.crowding import Crowding
from service.render.fit import Attempt, finished_pdf
from service.render.pdfa import DocumentMetadata, read_archival_metadata, write_metadata

METADATA = DocumentMetadata(
    title="执法监督通知（决定）书",
    document_number="君档监通〔2026〕3号",
    responsible_body="岳阳市君山区档案局",
    date=dt.date(2026, 3, 5),
    retention_period="30年",
    classification="内部",
    kind="supervision_notice",
    agent="张三",
    action_time=dt.datetime(2026, 3, 5, 8, 30, tzinfo=dt.UTC),
    source='{"seed": 7}',
)


def converted(path: Path) -> Path:
    """Write a PDF as LibreOffice leaves it: PDF/A-2b XMP and Info, a named destination."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["pdfaid:part"] = "2"
            xmp["pdfaid:conformance"] = "B"
            xmp["dc:title"] = "模板标题"
            xmp["pdf:Producer"] = "LibreOffice 7.4"
            xmp["xmp:CreatorTool"] = "Writer"
            xmp["xmp:CreateDate"] = "2026-03-05T08:30:01Z"
        first = pdf.pages[0].obj
        pdf.Root.Dests = pikepdf.Dictionary(
            {"/wenshusignature": pikepdf.Array([first, pikepdf.Name.XYZ, 0, 300, 0])}
        )
        pdf.save(path)
    return path


def test_finishing_drops_the_marks_and_writes_the_metadata_in_one_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a converted PDF is finished with one save: its destinations gone,
    every DA/T 46 element in its XMP, the Info agreeing with the XMP, still PDF/A-2b."""
    saves = []
    save = pikepdf.Pdf.save

    def counted(self: pikepdf.Pdf, *args: object, **kwargs: object) -> None:
        saves.append(args)
        save(self, *args, **kwargs)  # type: ignore[arg-type]

    source = converted(tmp_path / "converted.pdf")
    monkeypatch.setattr(pikepdf.Pdf, "save", counted)
    problem = Crowding("第2页只有版记")
    pdf = finished_pdf(Attempt(source, (problem,)), METADATA)
    assert len(saves) == 1
    assert pdf.pages == 1 and pdf.warnings == Attempt(source, (problem,)).warnings
    finished = tmp_path / "finished.pdf"
    finished.write_bytes(pdf.data)
    assert read_archival_metadata(finished) == {
        "题名": "执法监督通知（决定）书",
        "文号": "君档监通〔2026〕3号",
        "责任者": "岳阳市君山区档案局",
        "日期": "2026-03-05",
        "格式": "application/pdf",
        "文种": "执法监督通知（决定）书、supervision_notice",
        "密级和保管期限": "密级：内部；保管期限：30年",
        "业务行为": "发文；经办人：张三",
        "行为时间": "2026-03-05T08:30:00+00:00",
    }
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        assert "/Dests" not in document.Root
        xmp = document.open_metadata()
        assert xmp.pdfa_status == "2B"
        assert xmp["dc:title"] == METADATA.title
        assert xmp["pdf:Producer"] == "LibreOffice; wenshu"
        assert xmp["xmp:CreatorTool"] == "wenshu"
        assert xmp["dc:description"] == "君档监通〔2026〕3号 执法监督通知（决定）书"
        assert xmp["pdf:Keywords"] == METADATA.document_number
        assert str(document.docinfo["/CreationDate"]).startswith("D:20260305083001")
        info = {
            "/Author": METADATA.responsible_body,
            "/Subject": "君档监通〔2026〕3号 执法监督通知（决定）书",
            "/Title": METADATA.title,
            "/Keywords": METADATA.document_number,
            "/Producer": "LibreOffice; wenshu",
            "/Creator": "wenshu",
        }
        for mapping in DOCINFO_MAPPING:
            if mapping.name in info:
                assert str(document.docinfo[mapping.name]) == info[mapping.name]
        assert "/ModDate" not in document.docinfo  # the XMP has no xmp:ModifyDate


def test_metadata_written_twice_leaves_one_of_each_property(tmp_path: Path) -> None:
    """This test ensures that writing the metadata into a file that already holds it replaces it."""
    once = tmp_path / "once.pdf"
    once.write_bytes(write_metadata(converted(tmp_path / "converted.pdf"), METADATA).data)
    again = write_metadata(once, METADATA).data
    with pikepdf.open(io.BytesIO(again)) as document:
        packet = document.Root.Metadata.read_bytes().decode()
    for tag in ("dc:title", "dc:identifier", "xmpMM:History", "xmpRights:UsageTerms", "dc:source"):
        assert packet.count(f"<{tag}>") == 1, tag

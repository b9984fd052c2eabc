"""The 四性检测 of a document's OFD: fixity and place, its metadata, whether it opens, nothing active."""

from __future__ import annotations

from pathlib import Path

from service.archive.fixity import changed_problem
from service.archive.store import ArchiveStore, fixity_of
from service.database.models import Document
from service.render.ofd.inspect import inspect_ofd

# Name of a check → its property; the names are the page's and the JSON's.
FIXITY, PLACE, METADATA = "OFD 固化信息", "OFD 存储位置", "OFD 著录项目"
OPENS, STRUCTURE, FONTS = "OFD 能够打开", "OFD 结构（GB/T 33190）", "OFD 字体嵌入"
PAGES = "OFD 页数"
INACTIVE = "OFD 无动作与附件"


class _Record:
    """A document's OFD seen as the fixity check sees a file: its path and recorded values."""

    def __init__(self, document: Document) -> None:
        self.number = document.number
        self.pdf_path = document.ofd_path
        self.sha256 = document.ofd_sha256
        self.sm3 = document.ofd_sm3
        self.size = document.ofd_size


def ofd_checks(document: Document, store: ArchiveStore) -> dict[str, list[tuple[str, bool, str]]]:
    """Return the OFD's checks by property (真实性, 完整性, 可用性, 安全性); none for a document without one."""
    if not document.ofd_path:
        return {}
    path: Path = store.root / document.ofd_path
    if not path.is_file():
        missing = (FIXITY, False, "登记的 OFD 文件不存在")
        return {"真实性": [missing], "可用性": [(OPENS, False, "文件不存在")]}
    data = path.read_bytes()  # read once: for its fixity values and to be opened
    problem = changed_problem(_Record(document), fixity_of(data))
    place = document.ofd_path == store.path_for(document.ofd_sha256, "ofd")
    authenticity = [
        (
            FIXITY,
            problem is None,
            problem.message if problem else "SHA-256 与 SM3 重新计算，与登记一致",
        ),
        (PLACE, place, f"{document.ofd_path}（文件以其 SHA-256 命名）"),
    ]
    findings = inspect_ofd(data)
    if not findings.opened:
        return {"真实性": authenticity, "可用性": [(OPENS, False, findings.error)]}
    expected = {
        "文号": document.number,
        "密级": document.classification,
        "保管期限": document.retention,
    }
    differing = [
        f"{name}：登记为“{value}”，文件中为“{findings.custom.get(name, '')}”"
        for name, value in expected.items()
        if findings.custom.get(name, "") != value
    ]
    pages = findings.pages == document.pages
    structure = not findings.schema
    fonts = (
        "未嵌入：" + "、".join(findings.fonts_missing)
        if findings.fonts_missing
        else f"{findings.fonts} 种字体全部嵌入"
    )
    active = "含有：" + "、".join(findings.active) if findings.active else "无动作、附件与扩展"
    count = f"登记为 {document.pages} 页，文件中为 {findings.pages} 页"
    layout = "各部分符合标准的 XML 模式" if structure else _first(findings.schema)
    same = "DocInfo 中的文号、密级、保管期限与登记一致"
    return {
        "真实性": [*authenticity, (PAGES, pages, count)],
        "完整性": [(METADATA, not differing, "；".join(differing) or same)],
        "可用性": [
            (OPENS, True, f"共 {findings.pages} 页"),
            (STRUCTURE, structure, layout),
            (FONTS, not findings.fonts_missing, fonts),
        ],
        "安全性": [(INACTIVE, not findings.active, active)],
    }


def _first(errors: dict[str, list[str]]) -> str:
    """Return the first schema error, with how many parts failed."""
    part, messages = next(iter(errors.items()))
    more = f"（共 {len(errors)} 个部分不符合）" if len(errors) > 1 else ""
    return f"{part} {messages[0] if messages else ''}{more}"

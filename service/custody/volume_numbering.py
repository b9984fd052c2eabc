"""The 案卷's 页号 as archival practice numbers them: the documents' pages alone, from 1.

A bound volume's 卷内文件 are numbered page by page; the 案卷封面, the 卷内文件目录 and the
卷内备考表 carry no 页号, and the cover's 页数 counts the numbered pages (文书档案案卷格式,
GB/T 9705: "装订的案卷要填写总页数", and as the rule is taught, "空页面、案卷封面、卷内目录、
卷内备考表不编页号": https://www.baiketk.com/q_mQ8GME7nEnb6m4nUAL659A.html). A page written
on one side takes its number at the top right, a sheet's back at the top left (DA/T 22-2015
归档文件整理规则 gives 编页 its clause 6.3; for a 卷宗, "页码应写在公文正面的右上角或背面的
左上角": https://pfbk.net/changshi/vJ9wroo6Am.html). A PDF page has no back, and the first
document's page follows a cover and a 目录 of any length, so the parity of a 页号 says nothing
of a printed sheet's side: every numbered page takes its 页号 at the top right, as a page
written on one side (单面) does.

The 目录's 页号 column gives each document's first and last 页号 (5-8), a one-page document
its page (5). Practice may write only each document's first page and the last one's range;
every row's range is written here, so that each document's length reads from its row and a
missing page shows in the row of the document it belongs to, and the last row still ends on
the volume's last 页号 as practice wants.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.custody.case_volume import CaseVolume


def numbered_starts(volume: CaseVolume) -> tuple[int, ...]:
    """Return the 页号 of each document's first page: 1 for the first, each after the one before."""
    starts, number = [], 1
    for document in volume.documents:
        starts.append(number)
        number += document.pages
    return tuple(starts)


def numbered_pages(volume: CaseVolume) -> int:
    """Return how many pages bear a 页号: the documents' pages, the cover's 页数."""
    return sum(document.pages for document in volume.documents)


def page_range(start: int, pages: int) -> str:
    """Return a document's 页号 as the 目录 prints it: 5, or 5-8."""
    return str(start) if pages == 1 else f"{start}-{start + pages - 1}"


@dataclass(frozen=True)
class Layout:
    """Where everything of the volume stands: its own parts' pages and its documents' 页号."""

    cover_pages: int
    contents_pages: int
    notes_pages: int
    starts: tuple[int, ...]  # each document's first 页号, from 1
    document_pages: int  # the pages numbered 1 to document_pages

    @classmethod
    def of(cls, volume: CaseVolume, cover: int, contents: int, notes: int) -> Layout:
        """Return the layout of the volume with parts of these lengths."""
        return cls(cover, contents, notes, numbered_starts(volume), numbered_pages(volume))

    @property
    def numbered_from(self) -> int:
        """Return the volume's page (from 1) bearing 页号 1: the first after the cover and the 目录."""
        return self.cover_pages + self.contents_pages + 1

    def volume_page(self, number: int) -> int:
        """Return the volume's page (from 1) bearing a 页号."""
        return self.numbered_from + number - 1

    @property
    def notes_start(self) -> int:
        """Return the volume's page (from 1) the 备考表 starts on, after the last numbered page."""
        return self.numbered_from + self.document_pages

    @property
    def total(self) -> int:
        """Return the volume's pages, numbered or not."""
        return self.notes_start + self.notes_pages - 1

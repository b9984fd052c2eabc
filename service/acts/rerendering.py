"""Re-rendering an archived document with the template version and context it was issued with."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from service.accounts.people import person_name
from service.acts.errors import DocumentUnknown, PageUndrawable, nothing_used
from service.archive.lookup import DatabaseArchiveView
from service.archive.templates import template_of
from service.database.models import Document
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import build_render_request, computed_values
from service.render.pages import page_texts
from service.render.pdfa import DocumentMetadata, RenderedPdf
from service.render.pipeline import render_pdf
from service.render.request import RenderRequest
from service.services import Wenshu


def rerender_document(wenshu: Wenshu, document_id: int) -> RenderedPdf:
    """Return the document rendered again from its record: same context, number and template version.

    The result is not archived; it shows what the archived file says, e.g. to compare a
    copy, and proves that neither a later template version nor later documents change old
    ones: the context kept with the document is filled in again, and only for a document
    issued before contexts were kept is it computed anew from its facts and today's
    archive. Raises NotIssued for every expected failure: DocumentUnknown for an id not in
    the archive.
    """
    with nothing_used():
        with wenshu.database.session() as session:
            document = session.get(Document, document_id)
            if document is None:
                raise DocumentUnknown(f"没有编号为 {document_id} 的文书")
            kept = document.context  # loaded now: the column is read only on demand
            agent = person_name(session, document.issued_by)
            template = template_of(session, wenshu.templates, document.template_id)
        metadata = DocumentMetadata(
            title=document.title,
            document_number=document.number,
            responsible_body=wenshu.settings.bureau.name,
            date=document.document_date,
            retention_period=document.retention,
            classification=document.classification,
            kind=document.kind,
            agent=agent,
            action_time=document.issued_at,
            business_action="重新生成（核对）",
        )
        if kept is not None:
            request = RenderRequest(context=kept, template=template.data, metadata=metadata)
        else:
            request = _recomputed_request(wenshu, document, template.data, metadata)
        return render_pdf(request, wenshu.converter)


def _recomputed_request(
    wenshu: Wenshu, document: Document, template: bytes, metadata: DocumentMetadata
) -> RenderRequest:
    """Return the request of a document kept without its context: built again from its facts."""
    instrument = get_instrument(document.kind)
    archive = DatabaseArchiveView(wenshu.database)
    facts = validate_facts(instrument, document.facts, None, wenshu.settings.policy)
    extra = computed_values(instrument, facts, archive)
    bureau = wenshu.settings.bureau
    return build_render_request(
        instrument, facts, extra, document.number, template, bureau, metadata
    )


@dataclass(frozen=True)
class Comparison:
    """A document rendered again, and the pages whose text differs from the archived file's."""

    number: str
    pdf: RenderedPdf
    differing_pages: list[int]  # counted from 1; a page only one of the two has differs too

    @property
    def same_text(self) -> bool:
        """Return whether every page reads exactly as the archived file's."""
        return not self.differing_pages


def rerender_and_compare(wenshu: Wenshu, document_id: int) -> Comparison:
    """Return the document rendered again with the pages that read differently from its archived file.

    The archived file of a sealed kind is the rendered PDF with the seal pressed on it and
    the bureau's signature appended; the re-render is neither: it is a check, not an act,
    and the seal on it would be the bureau's seal on a document it did not issue. The two
    still compare page for page, as what was rendered before sealing: the seal is an image
    and the signature an invisible field, neither adds text to a page, so a page reads
    differently only where the content rendered from the context and template differs. Whether
    the seal and signature are the bureau's and intact is `wenshu archive verify`'s to say.

    Raises NotIssued as rerender_document does, and PageUndrawable when a PDF cannot be read.
    """
    pdf = rerender_document(wenshu, document_id)
    with wenshu.database.session() as session:
        document = session.get(Document, document_id)
        if document is None:  # removed meanwhile
            raise DocumentUnknown(f"没有编号为 {document_id} 的文书")
        number, archived = document.number, wenshu.archive.absolute(document.pdf_path)
    with tempfile.TemporaryDirectory(prefix="wenshu-rerender-") as work:
        again = Path(work) / "again.pdf"
        again.write_bytes(pdf.data)
        try:
            old, new = page_texts(archived), page_texts(again)
        except (OSError, ValueError) as error:
            raise PageUndrawable(f"无法读取文书的文字以作比对：{error}") from error
    pages = max(len(old), len(new))
    differing = [
        page + 1
        for page in range(pages)
        if page >= len(old) or page >= len(new) or old[page] != new[page]
    ]
    return Comparison(number, pdf, differing)

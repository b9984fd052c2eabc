"""The instrument registry: each kind declared once with its form, template, series and metadata."""

from __future__ import annotations

from dataclasses import dataclass

from forms.fields import InstrumentForm
from forms.supervision_notice import SupervisionNoticeForm


@dataclass(frozen=True)
class Instrument:
    """One kind of numbered instrument and everything the pipeline needs to issue it."""

    kind: str
    title: str
    form: type[InstrumentForm]
    agency_code: str  # default 机关代字 of its numbering series; a bureau may override it
    recipient_field: str  # the field naming the addressee, one copy each in a batch
    date_field: str  # the field holding the 成文日期, which also fixes the year of the number
    retention: str  # 保管期限 (DA/T 46)
    classification: str = "公开"  # 密级 (DA/T 46)

    @property
    def template_name(self) -> str:
        """Return the file name of version 1 of its template in templates_docx/."""
        return f"{self.kind}.docx"

    @property
    def series(self) -> str:
        """Return the numbering series key; one gapless sequence per series and year."""
        return self.kind


INSTRUMENTS: dict[str, Instrument] = {
    spec.kind: spec
    for spec in (
        Instrument(
            kind="supervision_notice",
            title="执法监督通知（决定）书",
            form=SupervisionNoticeForm,
            agency_code="君档监通",
            recipient_field="inspected_body",
            date_field="issue_date",
            retention="30年",
        ),
    )
}


class UnknownKind(KeyError):
    """Raised for a kind that is not in the registry."""

    def __str__(self) -> str:
        known = "、".join(INSTRUMENTS)
        return f"没有这种文书：{self.args[0]}（可用：{known}）"


def get_instrument(kind: str) -> Instrument:
    """Return the registered instrument of this kind, or raise UnknownKind."""
    try:
        return INSTRUMENTS[kind]
    except KeyError:
        raise UnknownKind(kind) from None

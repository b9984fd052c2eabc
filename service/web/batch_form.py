"""The batch form: the common facts through the instrument's own fields, the recipients from a table or the directory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from forms.fields import InstrumentForm
from service.batch.directory_rows import directory_units, named_units, unit_rows, unreported_units
from service.batch.recipient_table import recipient_fields
from service.batch.submission import SubmissionError
from service.instruments.facts import Facts
from service.instruments.registry import Instrument, Numbering
from service.web import wenshu
from service.web.deadlines import today
from service.web.documents import defaults_for, reader_classifications
from service.web.formdata import filled_form, with_uploaded_rows, without_blank_rows

TABLE, DIRECTORY = "table", "directory"  # where the rows come from
ALL, TOWN, CATEGORY, UNREPORTED = "all", "town", "category", "unreported"  # which units


def batch_form(
    instrument: Instrument, typed: Mapping[str, str] | None, prefill: Mapping[str, Any]
) -> InstrumentForm:
    """Return the instrument's form for the common facts: as typed, or as a blank form starts.

    A blank one holds what a single form starts with (the bureau as issuer, its today as the
    date) and the facts the link gives.
    """
    if typed:
        formdata = without_blank_rows(MultiDict(typed))
        if request.method == "POST":
            formdata = with_uploaded_rows(instrument, formdata)
        return filled_form(instrument, formdata)
    return filled_form(instrument, None, data=defaults_for(instrument) | dict(prefill))


def common_facts(instrument: Instrument, form: InstrumentForm) -> dict[str, Any] | None:
    """Return the facts every copy shares, checked at their fields; None when one is wrong.

    The recipient's own fields come from each row, which is checked in full later; here
    their messages are dropped, and a rule needing the archive waits for the rows too.
    """
    form.validate()
    own = _from_rows(instrument, form)
    for name in own:
        form[name].errors = []
    if any(field.errors for field in form if field.name not in own):
        return None
    values = {field.name: field.data for field in form if field.name not in own}
    return Facts(instrument.kind, values).to_json()


def common_problems(instrument: Instrument, form: InstrumentForm) -> int:
    """Return how many common fields need correcting."""
    own = _from_rows(instrument, form)
    return sum(1 for field in form if field.errors and field.name not in own)


def collective_field(instrument: Instrument) -> str | None:
    """Return the field a document sent to many units takes its 主送 统称 from, or None.

    Each row still names its unit; the 统称, when typed, is the 主送 the document prints
    (service.batch.main_recipients).
    """
    return instrument.recipient_field if instrument.numbering is Numbering.SHARED else None


def _from_rows(instrument: Instrument, form: InstrumentForm) -> set[str]:
    """Return the fields each row gives, a typed 统称 excepted: it is common and checked as typed."""
    own = set(recipient_fields(instrument))
    collective = collective_field(instrument)
    if collective is not None and str(form[collective].data or "").strip():
        own.discard(collective)
    return own


def directory_choice(
    instrument: Instrument, posted: Mapping[str, str]
) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    """Return the name and rows of the units chosen from the directory, or raise SubmissionError.

    The name is kept with the job as its source, in the bureau's Chinese whatever the page's language.
    """
    scope = posted.get("scope", ALL)
    with wenshu().database.session() as session:
        if scope == UNREPORTED:
            year = _year(posted.get("year", ""))
            names = unreported_units(session, year, reader_classifications())
            if names is None:
                raise SubmissionError(
                    _("还没有生成档案安全年度工作自查审核汇总表，不知道登记备份名册内有哪些单位；"
                      "请先制作汇总表，或上传收文单位表格")
                )  # fmt: skip
            return f"未报送{year}年度报告的单位", unit_rows(instrument, named_units(session, names))
        if scope == TOWN:
            town = posted.get("town", "").strip()
            if not town:
                raise SubmissionError(_("请选择所在乡镇（街道）"))
            return f"单位名录：{town}", unit_rows(instrument, directory_units(session, town=town))
        if scope == CATEGORY:
            category = posted.get("category", "").strip()
            if not category:
                raise SubmissionError(_("请选择单位类别"))
            units = directory_units(session, category=category)
            return f"单位名录：{category}", unit_rows(instrument, units)
        return "单位名录：全部在册单位", unit_rows(instrument, directory_units(session))


def _year(text: str) -> int:
    """Return the report year typed, or raise SubmissionError saying what a year looks like."""
    try:
        year = int(text.strip())
    except ValueError:
        year = 0
    if not 2000 <= year <= today().year:
        raise SubmissionError(_("请填写报告年度，如%(year)s", year=today().year - 1))
    return year

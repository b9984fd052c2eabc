"""The review before numbering: every page and warning shown, and a token for exactly those facts.

生成并编号 leads here first. The page shows the instrument as it will be issued (no number
taken yet), the warnings and the facts, and carries the typed fields back as hidden inputs
with a signed token: the user, the kind and a digest of the checked facts. Only a
confirmation whose token still matches the facts checked again takes the number.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, Field, FieldList, FormField, SelectField

from forms.fields import InstrumentForm
from service.acts.previewing import preview_every_page
from service.archive.access import Visibility
from service.cases.records import CaseFile
from service.foundations.formatting import format_date
from service.instruments.registry import Instrument
from service.web import wenshu
from service.web.auth import current_account
from service.web.kept_forms import OWNER_FIELD

TOKEN_FIELD = "review_token"
REVIEW_SALT = "wenshu-review"
REVIEW_MAX_AGE = 2 * 60 * 60  # seconds: a review left open longer is checked again
# Names the page sets itself on each render, never carried from the form into the review.
NOT_CARRIED = frozenset({"csrf_token", "action", TOKEN_FIELD, OWNER_FIELD})


def facts_digest(facts: Mapping[str, Any]) -> str:
    """Return the SHA-256 of the facts as canonical JSON (keys sorted, no spaces)."""
    canonical = json.dumps(
        facts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _serializer() -> URLSafeTimedSerializer:
    """Return the signer of review tokens, keyed with the app's secret."""
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=REVIEW_SALT)


def review_token(kind: str, facts: Mapping[str, Any]) -> str:
    """Return the signed token of a review: the signed-in user, the kind and the facts' digest."""
    return _serializer().dumps(
        {"user": current_account().id, "kind": kind, "facts": facts_digest(facts)}
    )


def posted_token() -> str:
    """Return the review token the confirmation carries ("" when none)."""
    return request.form.get(TOKEN_FIELD, "")


def confirms_review(kind: str, facts: Mapping[str, Any]) -> bool:
    """Return whether the posted token was given to this user for these very facts, within 2 hours.

    A forged, expired or missing token, another user's, another kind's, or facts changed
    since the review (the hidden fields edited) all answer False.
    """
    try:
        signed = _serializer().loads(posted_token(), max_age=REVIEW_MAX_AGE)
    except BadData:
        return False
    expected = {"user": current_account().id, "kind": kind, "facts": facts_digest(facts)}
    return isinstance(signed, dict) and signed == expected


def changed_since_review() -> str:
    """Return the message for a confirmation whose facts are not the ones reviewed."""
    return _("内容与核对时不一致，请重新核对")


def carried_fields(formdata: MultiDict[str, str]) -> list[tuple[str, str]]:
    """Return the typed fields to carry through the review as hidden inputs, in posted order."""
    return [
        (name, value)
        for name, value in formdata.items(multi=True)
        if name not in NOT_CARRIED and isinstance(value, str)
    ]


def shown_value(field: Field) -> str:
    """Return a field's checked value as the clerk reads it: dates in 年月日, choices by label."""
    if isinstance(field, BooleanField):
        return _("是") if field.data else _("否")
    if field.data is None or field.data == "":
        return ""
    if isinstance(field, DateField) and isinstance(field.data, dt.date):
        return format_date(field.data)
    if isinstance(field, SelectField):
        labels = {str(value): str(label) for value, label, *_rest in field.iter_choices()}
        return labels.get(str(field.data), str(field.data))
    return str(field.data)


def fact_lines(form: InstrumentForm) -> list[tuple[str, list[str]]]:
    """Return each field's label with its lines: one for a value, one per row for repeated rows."""
    lines: list[tuple[str, list[str]]] = []
    for field in form:
        if isinstance(field, FieldList):
            rows = []
            for entry in field.entries:
                parts = entry.form if isinstance(entry, FormField) else [entry]
                shown = [
                    f"{sub.label.text}：{shown_value(sub)}" for sub in parts if shown_value(sub)
                ]
                if shown:
                    rows.append("；".join(shown))
            lines.append((field.label.text, rows))
        else:
            value = shown_value(field)
            lines.append((field.label.text, [value] if value else []))
    return lines


def review_page(
    instrument: Instrument,
    form: InstrumentForm,
    facts: dict[str, Any],
    formdata: MultiDict[str, str],
    case_file: CaseFile | None,
    visible: Visibility,
) -> str:
    """Return the review page of checked facts: every page, every warning, the facts, the token.

    Raises NotIssued as a preview does when the pages cannot be made.
    """
    pages = preview_every_page(
        wenshu(), instrument.kind, facts, current_account().username, classifications=visible
    )
    images = [
        {"src": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
         "width": width, "height": height}
        for png, (width, height) in zip(pages.pngs, pages.sizes(), strict=True)
    ]  # fmt: skip
    warnings = list(dict.fromkeys([*form.warnings, *pages.warnings]))
    return render_template(
        "review.html", instrument=instrument, images=images, warnings=warnings,
        facts=fact_lines(form), carried=carried_fields(formdata), case=case_file,
        token=review_token(instrument.kind, facts),
    )  # fmt: skip

"""Issuing through the form as a clerk does: 生成并编号, then 确认生成并编号 on the review page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import lxml.html
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse


def form_url(kind: str, **query: Any) -> str:
    """Return the address of an instrument's form, with its query (case=…, draft=…) if any."""
    return f"/documents/new/{kind}" + (f"?{urlencode(query)}" if query else "")


def as_multidict(data: Mapping[str, Any] | MultiDict[str, Any]) -> MultiDict[str, Any]:
    """Return the data as fields to post: a list gives a value each, a (file, name) tuple one upload."""
    if isinstance(data, MultiDict):
        return data.copy()
    fields: MultiDict[str, Any] = MultiDict()
    for name, value in data.items():
        for each in value if isinstance(value, list) else [value]:
            fields.add(name, each)
    return fields


def review_at(
    client: FlaskClient, url: str, data: Mapping[str, Any] | MultiDict[str, Any]
) -> TestResponse:
    """Post a form page with 生成并编号 (action=review); return the review page or the form."""
    fields = as_multidict(data)
    fields.setlist("action", ["review"])
    return client.post(url, data=fields)


def reviewed_fields(review: TestResponse) -> MultiDict[str, str]:
    """Return the hidden fields of a review page's form, as the browser would post them back."""
    root = lxml.html.fromstring(review.get_data(as_text=True))
    (form,) = root.xpath('//form[@id="review-form"]')
    return MultiDict(
        [(field.get("name"), field.get("value", "")) for field in form.xpath(".//input[@name]")]
    )


def confirm_at(client: FlaskClient, url: str, review: TestResponse) -> TestResponse:
    """Post a review page's fields back to url with 确认生成并编号 (action=confirm)."""
    fields = reviewed_fields(review)
    fields.setlist("action", ["confirm"])
    return client.post(url, data=fields)


def issue_at(
    client: FlaskClient, url: str, data: Mapping[str, Any] | MultiDict[str, Any]
) -> TestResponse:
    """Review a form page's facts, then confirm them; return the confirmation's answer.

    Facts that fail their form (or a review that cannot be made) never reach a review page:
    the form's answer (422, 503) is returned as it came, for the test to read its messages.
    """
    review = review_at(client, url, data)
    if review.status_code != 200 or 'id="review-form"' not in review.get_data(as_text=True):
        return review
    return confirm_at(client, url, review)


def review_via_form(
    client: FlaskClient, kind: str, data: Mapping[str, Any] | MultiDict[str, Any], **query: Any
) -> TestResponse:
    """Post an instrument's form with 生成并编号; return the review page or the form."""
    return review_at(client, form_url(kind, **query), data)


def confirm_review(
    client: FlaskClient, kind: str, review: TestResponse, **query: Any
) -> TestResponse:
    """Post a review page's fields back with 确认生成并编号 (action=confirm); return the answer."""
    return confirm_at(client, form_url(kind, **query), review)


def issue_via_form(
    client: FlaskClient, kind: str, data: Mapping[str, Any] | MultiDict[str, Any], **query: Any
) -> TestResponse:
    """Review an instrument form's facts, then confirm them; return the confirmation's answer.

    /cases/new is the 立案审批表's form too: issue_at(client, "/cases/new", data) goes there.
    """
    return issue_at(client, form_url(kind, **query), data)

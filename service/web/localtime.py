"""The bureau's local time on pages: today's date and the filters that show stored moments."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app

from service.foundations.formatting import format_moment, local_date, local_moment
from service.web import wenshu
from service.web.auth import now
from service.web.language import DEFAULT_LOCALE, page_day, page_language_code, page_moment


def zone() -> str:
    """Return the bureau's time zone, as the settings name it."""
    return wenshu().settings.timezone


def today() -> dt.date:
    """Return the bureau's date now, or the day set as TODAY in the app's config (tests fix it so).

    The date is the bureau's calendar day by the app's clock, not the server's: a server kept
    in UTC is still on yesterday until 08:00 in Beijing.
    """
    fixed: dt.date | None = current_app.config.get("TODAY")
    return fixed or local_date(now(), zone())


def bureau_time(moment: dt.datetime | None, seconds: bool = False) -> str:
    """Return a stored moment as the bureau reads it: 2026-03-05 10:13 in its time zone.

    A page in another language writes it as that language does (Babel): Mar 5, 2026, 10:13:00 AM.
    """
    if moment is not None and page_language_code() != DEFAULT_LOCALE:
        return page_moment(local_moment(moment, zone()))
    return format_moment(moment, zone(), seconds=seconds)


def bureau_date(moment: dt.datetime | None) -> str:
    """Return the bureau's calendar day of a stored moment: 2026-03-05; "" for none.

    A page in another language writes the day as that language does (Babel): Mar 5, 2026.
    """
    return page_day(local_date(moment, zone())) if moment is not None else ""


def init_app(app: Flask) -> None:
    """Give templates the filters bureau_time and bureau_date."""
    app.jinja_env.filters["bureau_time"] = bureau_time
    app.jinja_env.filters["bureau_date"] = bureau_date

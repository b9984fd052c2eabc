"""The interface's language and time zone: Flask-Babel with zh_CN by default and an en catalog.

Interface strings (menus, headings, buttons, flash messages) go through the catalogs in
service/web/translations; the instruments, their forms' legal wording and their rules stay in
Chinese. A reader picks English with ?lang=en or the switch in every page's header, kept in
the session; dates, times and counts on a page are written by Babel in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, request, session
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    gettext,
    pgettext,
)

DEFAULT_LOCALE = "zh_CN"
LOCALES = ("zh_CN", "en")
LANGUAGE_KEY = "lang"
# The catalogs, found beside this module in a checkout and in the installed wheel alike.
TRANSLATIONS = Path(__file__).parent / "translations"


def N_(text: str) -> str:
    """Return the text unchanged: marks a string the catalogs hold, translated where it is shown."""
    return text


def NP_(context: str, text: str) -> str:
    """Return the text unchanged: marks a string whose translation depends on its context."""
    return text


# How pages write a day and a moment: the bureau's own numeric form (GB/T 7408) in Chinese,
# Babel's locale data in the other languages (Mar 5, 2026).
DAY_FORMATS = {DEFAULT_LOCALE: "yyyy-MM-dd"}
MOMENT_FORMATS = {DEFAULT_LOCALE: "yyyy-MM-dd HH:mm"}


# The switch in every page's header: each language named in itself.
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}
# The roles' names (service.accounts.users.ROLES), shown translated in the header and users page.
ROLE_NAMES = (N_("办事员"), N_("负责人"), N_("模板维护人员"), N_("管理员"))


def select_locale() -> str:
    """Return the reader's language: ?lang= (kept for the session), else the session's, else zh_CN.

    The browser's Accept-Language is not followed: a bureau's computers are often set up in
    English, and its staff expect the Chinese interface until they choose otherwise.
    """
    asked = request.args.get(LANGUAGE_KEY)
    if asked in LOCALES:
        session[LANGUAGE_KEY] = asked
        return asked
    kept = session.get(LANGUAGE_KEY)
    return str(kept) if kept in LOCALES else DEFAULT_LOCALE


def chosen_language() -> str | None:
    """Return the language the reader chose in this session, if any."""
    kept = session.get(LANGUAGE_KEY)
    return str(kept) if kept in LOCALES else None


def keep_language(locale: str | None) -> None:
    """Keep a chosen language in a session just started, so that signing in or out keeps it."""
    if locale in LOCALES:
        session[LANGUAGE_KEY] = locale


def language_url(locale: str) -> str:
    """Return this page's address in the given language: its query kept, ?lang= set."""
    query = [
        (name, value) for name, value in request.args.items(multi=True) if name != LANGUAGE_KEY
    ]
    return request.path + "?" + urlencode([*query, (LANGUAGE_KEY, locale)])


def page_language() -> dict[str, object]:
    """Return what a page needs to name its language and offer the others."""
    locale = page_language_code()
    return {
        "page_locale": locale,
        "html_lang": html_lang(locale),
        "languages": [
            (code, LANGUAGE_NAMES[code], language_url(code), html_lang(code)) for code in LOCALES
        ],
    }


def html_lang(locale: str) -> str:
    """Return a locale as HTML's lang attribute writes it (BCP 47): zh-CN, en."""
    return locale.replace("_", "-")


def page_day(day: dt.date | None) -> str:
    """Return a date as the reader's language writes it on a page; "" for none."""
    if day is None:
        return ""
    return format_date(day, DAY_FORMATS.get(page_language_code(), "medium"))


def page_moment(moment: dt.datetime | None) -> str:
    """Return a moment as the reader's language writes it, in its own zone if it carries one.

    A stored moment (naive, UTC) is shown in the bureau's time zone, as Flask-Babel is set up.
    """
    if moment is None:
        return ""
    pattern = MOMENT_FORMATS.get(page_language_code(), "medium")
    if moment.tzinfo is not None:
        return babel_format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=get_locale())
    return format_datetime(moment, pattern)


def translated(name: str, context: str = "") -> str:
    """Return a name held in a variable (a status, a menu entry) in the reader's language.

    Unlike _() in a template, the result is plain text that Jinja escapes, and a name holding
    a % sign is never formatted: safe for a name a request or the database brought. A context
    (marked with NP_) tells apart a word translated two ways: 立案 the status, 立案 the button.
    """
    return pgettext(context, str(name)) if context else gettext(str(name))


def page_number(number: int | float | Decimal) -> str:
    """Return a count or an amount as the reader's language writes it: 1,234."""
    return format_decimal(number)


def page_language_code() -> str:
    """Return the page's language as LOCALES names it (Babel says zh_Hans_CN for zh_CN)."""
    babel_locale = get_locale()
    return "en" if babel_locale is not None and babel_locale.language == "en" else DEFAULT_LOCALE


def init_app(app: Flask, timezone: str) -> None:
    """Install Flask-Babel: the catalogs beside this module, the bureau's time zone."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", timezone)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    app.context_processor(page_language)
    app.jinja_env.filters["day"] = page_day
    app.jinja_env.filters["moment"] = page_moment
    app.jinja_env.filters["number"] = page_number
    app.jinja_env.filters["translated"] = translated

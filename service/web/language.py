"""The interface's language and time zone: Flask-Babel with zh_CN by default and an en catalog.

Interface strings (menus, headings, buttons, flash messages) go through the catalogs in
service/web/translations; the instruments, their forms' legal wording and their rules stay in
Chinese. A reader picks English with ?lang=en (kept in the session), or a browser that prefers it.
"""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel

DEFAULT_LOCALE = "zh_CN"
LOCALES = ("zh_CN", "en")
LANGUAGE_KEY = "lang"


def select_locale() -> str:
    """Return the reader's language: ?lang= (kept for the session), else the session's, else zh_CN.

    The browser's Accept-Language is followed only when it asks for English before Chinese, so
    that a bureau's browsers in any configuration see the Chinese interface.
    """
    asked = request.args.get(LANGUAGE_KEY)
    if asked in LOCALES:
        session[LANGUAGE_KEY] = asked
        return asked
    kept = session.get(LANGUAGE_KEY)
    if kept in LOCALES:
        return str(kept)
    best = request.accept_languages.best_match(["zh", "zh-CN", "en"], default="zh")
    return "en" if best == "en" else DEFAULT_LOCALE


def init_app(app: Flask, timezone: str) -> None:
    """Install Flask-Babel: the catalogs beside this module, the bureau's time zone."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", timezone)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=select_locale)

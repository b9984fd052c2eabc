"""The interface's language and time zone: Flask-Babel with zh_CN by default and an en catalog.

Interface strings (menus, headings, buttons, flash messages) go through the catalogs in
service/web/translations; the instruments, their forms' legal wording and their rules stay in
Chinese. A reader picks English with ?lang=en or the switch in every page's header (kept in the session).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, request, session
from flask_babel import Babel, get_locale

DEFAULT_LOCALE = "zh_CN"
LOCALES = ("zh_CN", "en")
LANGUAGE_KEY = "lang"
# The catalogs, found beside this module in a checkout and in the installed wheel alike.
TRANSLATIONS = Path(__file__).parent / "translations"


def N_(text: str) -> str:
    """Return the text unchanged: marks a string the catalogs hold, translated where it is shown."""
    return text


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


def language_url(locale: str) -> str:
    """Return this page's address in the given language: its query kept, ?lang= set."""
    query = [
        (name, value) for name, value in request.args.items(multi=True) if name != LANGUAGE_KEY
    ]
    return request.path + "?" + urlencode([*query, (LANGUAGE_KEY, locale)])


def page_language() -> dict[str, object]:
    """Return what a page needs to name its language and offer the others."""
    babel_locale = get_locale()
    # Babel names the default zh_Hans_CN; the page and its switch name it as LOCALES do.
    locale = "en" if babel_locale is not None and babel_locale.language == "en" else DEFAULT_LOCALE
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


def init_app(app: Flask, timezone: str) -> None:
    """Install Flask-Babel: the catalogs beside this module, the bureau's time zone."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", timezone)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    app.context_processor(page_language)

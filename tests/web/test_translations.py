"""Tests of the interface's catalogs: every marked string has English, the compiled ones are current."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from service.archive.audit import ACTIONS, CATEGORIES
from service.cases.status import STATUSES
from service.web.domain_names import AUDIT_NAMES, CASE_STATUS_NAMES
from service.web.language import LOCALES, TRANSLATIONS
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def key(context: str | None, msgid: str) -> str:
    """Return an entry's key as gettext writes it: its context, EOT, its msgid (the msgid alone)."""
    return f"{context}\x04{msgid}" if context else msgid


def marked_strings() -> set[str]:
    """Return the msgids marked in service/web as babel.cfg tells the extraction to find them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    found: set[str] = set()
    for *_, message, _comments, context in extract_from_dir(
        str(ROOT / "service" / "web"), method_map, options_map
    ):
        messages = [message] if isinstance(message, str) else [m for m in message if m]
        found.update(key(context, m) for m in messages)
    return found


def catalog(locale: str) -> Catalog:
    """Return a language's messages.po as read."""
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def translated(messages: Catalog) -> Iterator[tuple[str, str]]:
    """Yield each translated, non-fuzzy entry of a catalog as (msgid, msgstr), plurals apart."""
    for message in messages:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, msgstr in zip(ids, strings, strict=False):
            if msgstr:
                yield key(message.context, str(msgid)), str(msgstr)


def test_every_marked_string_has_its_english() -> None:
    """This test ensures that every interface string marked for translation has an English entry.

    A string wrapped in _() but missing here shows in Chinese on an English page: run
    `make translations` and translate the new entries of en/LC_MESSAGES/messages.po.
    """
    marked = marked_strings()
    assert len(marked) > 20  # the extraction found the templates and views
    english = dict(translated(catalog("en")))
    missing = sorted(marked - set(english))
    assert not missing, f"no English for {len(missing)} strings: {missing}"
    untouched = sorted(msgid for msgid, msgstr in english.items() if msgstr == msgid)
    assert not untouched, f"English left as the Chinese: {untouched}"


def test_every_catalog_holds_the_marked_strings() -> None:
    """This test ensures that each language's catalog was updated from the strings marked."""
    marked = marked_strings()
    for locale in LOCALES:
        held = {
            key(message.context, str(msgid))
            for message in catalog(locale)
            if message.id
            for msgid in (message.id if isinstance(message.id, tuple) else (message.id,))
        }
        assert not sorted(marked - held), locale


def test_translations_keep_their_placeholders() -> None:
    """This test ensures that an English string names the same %(name)s values as its Chinese."""
    for msgid, msgstr in translated(catalog("en")):
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogs_match_their_sources(locale: str) -> None:
    """This test ensures that each committed .mo holds exactly what its .po says (not stale).

    The service reads the .mo: after editing a .po, `make translations` compiles it.
    """
    folder = TRANSLATIONS / locale / "LC_MESSAGES"
    with (folder / "messages.mo").open("rb") as mo:
        compiled = dict(translated(read_mo(mo)))
    assert compiled == dict(translated(catalog(locale)))


def test_pages_speak_the_language_asked(client: FlaskClient) -> None:
    """This test ensures that ?lang=en gives the English interface, kept, and ?lang=zh_CN Chinese."""
    chinese = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese and "退出" in chinese
    assert 'href="/?lang=en"' in chinese
    english = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign out" in english and "退出" not in english
    assert 'href="/?lang=zh_CN"' in english
    assert "Sign out" in client.get("/").get_data(as_text=True)  # kept for the session
    assert "退出" in client.get("/?lang=zh_CN").get_data(as_text=True)


def test_language_switch_keeps_the_page_and_its_query(client: FlaskClient) -> None:
    """This test ensures that the switch links to the same page with its search kept."""
    page = client.get("/register?q=%E9%80%9A%E7%9F%A5&lang=zh_CN").get_data(as_text=True)
    assert 'href="/register?q=%E9%80%9A%E7%9F%A5&amp;lang=en"' in page


def test_catalog_folder_is_the_packaged_one() -> None:
    """This test ensures that the catalogs live where pyproject.toml packages them."""
    assert Path(TRANSLATIONS) == ROOT / "service" / "web" / "translations"
    for locale in LOCALES:
        assert (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo").is_file()


def test_audit_names_are_in_the_catalogs() -> None:
    """This test ensures that every audit action and category the archive page shows is marked."""
    names = {*ACTIONS.values(), *(category.title for category in CATEGORIES.values())}
    assert names <= set(AUDIT_NAMES)


def test_case_statuses_are_in_the_catalogs() -> None:
    """This test ensures that every status the cases pages show is marked for translation."""
    assert set(STATUSES) == set(CASE_STATUS_NAMES)


def test_a_translated_name_from_the_request_stays_escaped(client: FlaskClient) -> None:
    """This test ensures that a name a request brings is translated as text, never as markup."""
    response = client.get("/cases?status=%3Cb%3E100%25&lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<b>100%" not in page

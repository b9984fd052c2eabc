"""Overlapping two-character pieces of the search text, which index fragments of two characters."""

from __future__ import annotations

from typing import Any

# The name under which SQLite's connections know bigram_tokens, for the index's triggers.
SQLITE_FUNCTION = "wenshu_bigrams"
# A piece holding a space or a line break is never searched for: a fragment is one line,
# stripped, so a two-character one holds no space.
_SPACES = frozenset(" \t\r\n\f\v\u3000\u00a0")


def bigrams(value: str | None) -> set[str]:
    """Return the distinct two-character pieces of value, in lower case, spaceless ones only."""
    folded = (value or "").lower()
    return {
        folded[i : i + 2]
        for i in range(len(folded) - 1)
        if folded[i] not in _SPACES and folded[i + 1] not in _SPACES
    }


def token(pair: str) -> str:
    """Return the index's word for a piece: its UTF-8 bytes in hexadecimal, prefixed by kind.

    Hexadecimal words are letters and digits only, which every FTS5 tokenizer keeps whole
    (unicode61 would cut a piece such as "2〕" in two), and no typed quote or operator can
    reach the index's query language.
    """
    return pair.encode("utf-8").hex()


def bigram_tokens(search_text: str | None, number: str | None, classification: str | None) -> str:
    """Return the words SQLite's bigram table indexes for a document: t… for its facts' pairs,
    n… for its 文号's, and k… for its 密级, so that the matches a reader may see are counted
    in the index alone."""
    words = [f"t{token(pair)}" for pair in sorted(bigrams(search_text))]
    words += [f"n{token(pair)}" for pair in sorted(bigrams(number))]
    words.append(classification_word(classification or ""))
    return " ".join(words)


def classification_word(classification: str) -> str:
    """Return the bigram table's word for a 密级."""
    return f"k{token(classification)}"


def sqlite_visible_query(column: str, fragment: str, classifications: frozenset[str]) -> str:
    """Return the FTS5 query finding, among the documents of these 密级 (at least one), those
    whose column holds fragment."""
    seen = " OR ".join(f'"{classification_word(c)}"' for c in sorted(classifications))
    return f'"{sqlite_query(column, fragment)}" AND ({seen})'


def sqlite_query(column: str, fragment: str) -> str:
    """Return the FTS5 query finding documents whose column (search_text or number) holds fragment."""
    prefix = "n" if column == "number" else "t"
    return f"{prefix}{token(fragment.lower())}"


def register_sqlite_function(dbapi_connection: Any) -> None:
    """Teach an SQLite connection bigram_tokens, which the bigram table's triggers call."""
    dbapi_connection.create_function(SQLITE_FUNCTION, 3, bigram_tokens, deterministic=True)

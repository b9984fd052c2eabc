"""Word field codes in a part: each field's instruction, joined across runs, and whether it reaches outside."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

WORDPROCESSING = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # ISO strict
)
# Fields that read a file, a URL, a database or another program when they are updated:
# INCLUDE and IMPORT are the old names of INCLUDETEXT and INCLUDEPICTURE; RD includes a
# document for an index, EMBED an OLE object, DATABASE the result of a query.
FETCHING_FIELDS = frozenset(
    {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO",
     "DATABASE", "RD", "EMBED"}
)  # fmt: skip
WEB_ADDRESS = re.compile(r"https?://\S", re.IGNORECASE)
JINJA_TAG = re.compile(r"\{[{%]")
KEYWORD = re.compile(r"[A-Za-z]+")
ARGUMENT = re.compile(r'"([^"]*)"|(\S+)')
SWITCH = re.compile(r"\\[A-Za-z*#@!]")  # \l, \o, \* MERGEFORMAT…; a longer word is a path
SWITCHES_WITH_ARGUMENT = frozenset({"\\l", "\\o", "\\t", "\\*", "\\#", "\\@"})


@dataclass
class Field:
    """One field's instruction as Word reads it, and the element it starts at."""

    start: etree._Element
    parts: list[str] = field(default_factory=list)
    collecting: bool = True  # until the field's separate (or end) mark
    nested_first: bool = False  # a nested field came before any text of the instruction

    @property
    def instruction(self) -> str:
        """Return the instruction text, runs joined."""
        return "".join(self.parts)


def _word_tags(name: str) -> tuple[str, ...]:
    """Return the tag of a WordprocessingML element in each of its namespaces."""
    return tuple(f"{{{namespace}}}{name}" for namespace in WORDPROCESSING)


SIMPLE, MARK = _word_tags("fldSimple"), _word_tags("fldChar")
INSTRUCTION = (*_word_tags("instrText"), *_word_tags("delInstrText"))


def _word_attribute(element: etree._Element, name: str) -> str | None:
    """Return a WordprocessingML attribute of an element, in either namespace."""
    for namespace in WORDPROCESSING:
        value = element.get(f"{{{namespace}}}{name}")
        if value is not None:
            return value
    return None


def fields_of(root: etree._Element) -> Iterator[Field]:
    """Yield every field of a part: simple fields, and complex ones joined across their runs.

    A complex field is a begin mark, instruction text in any number of runs (Word splits it
    freely), a separate mark, the last result, and an end mark; fields nest. Instruction text
    outside any field is yielded too, since a reader may still take it for one.
    """
    open_fields: list[Field] = []
    for element in root.iter(*SIMPLE, *MARK, *INSTRUCTION):  # in document order
        if element.tag in SIMPLE:
            yield Field(element, [_word_attribute(element, "instr") or ""])
        elif element.tag in MARK:
            kind = (_word_attribute(element, "fldCharType") or "").strip().lower()
            if kind == "begin":
                outer = open_fields[-1] if open_fields else None
                if outer is not None and outer.collecting and not outer.instruction.strip():
                    outer.nested_first = True
                open_fields.append(Field(element))
            elif kind == "separate" and open_fields:
                open_fields[-1].collecting = False
            elif kind == "end" and open_fields:
                yield open_fields.pop()
        elif open_fields and open_fields[-1].collecting:
            open_fields[-1].parts.append(element.text or "")
        elif not open_fields:
            yield Field(element, [element.text or ""])
    yield from reversed(open_fields)  # never closed: judged on what they hold


def keyword_of(instruction: str) -> str:
    """Return the field's type, its first word, upper case ("" when there is none).

    Whatever comes before the first letters (spaces of any kind, invisible characters,
    backslashes, quotes) is passed over, so nothing put in front can hide the type.
    """
    match = KEYWORD.search(instruction)
    return match.group(0).upper() if match else ""


def hyperlink_target(instruction: str) -> str:
    """Return the address a HYPERLINK field points to ("" for a link within the document)."""
    arguments = ARGUMENT.findall(instruction)[1:]  # the first is HYPERLINK itself
    skip_next = False
    for quoted, bare in arguments:
        if skip_next:
            skip_next = False
        elif SWITCH.fullmatch(bare):  # a quoted argument is never a switch
            skip_next = bare.lower() in SWITCHES_WITH_ARGUMENT
        else:
            return (quoted or bare).strip()
    return ""


def field_problem(found: Field) -> str:
    """Return why a field would reach outside the document, or "" when it would not."""
    instruction = found.instruction
    if JINJA_TAG.search(instruction):
        return "域代码中含有模板占位符，生成后可能变成读取外部内容的域"
    if found.nested_first:
        return "域代码以嵌套的域开头，无法确定它是哪一种域"
    keyword = keyword_of(instruction)
    if keyword in FETCHING_FIELDS:
        return f"{keyword} 域会在转换时读取外部文件、网址或其他程序的内容"
    if keyword == "HYPERLINK":
        target = hyperlink_target(instruction)
        if target and not WEB_ADDRESS.match(target):
            return f"HYPERLINK 域指向 {target[:80]}，不是 http:// 或 https:// 网址"
    return ""

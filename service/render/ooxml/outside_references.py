"""Finds what in a DOCX template would make LibreOffice fetch or include something from outside it.

A linked picture, an INCLUDETEXT field, an OLE link, a subdocument or an attached template
lets a template read a file of the server into an archived PDF, or call a URL from the
server, on every preview and every issue. Every part of the package is examined (every
relationship list, the body, headers, footers, notes, settings, web settings, the glossary:
all XML members), whatever encoding its XML declares. The only relationship allowed to
leave the package is a hyperlink to an http:// or https:// address: LibreOffice shows it as
text and never fetches it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from service.render.ooxml.field_codes import WEB_ADDRESS, WORDPROCESSING, field_problem, fields_of
from service.render.ooxml.package_parts import Package, Relationship, read_package

RELATIONSHIP_ATTRIBUTES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",  # ISO strict
)
VML = "urn:schemas-microsoft-com:vml"
OFFICE = "urn:schemas-microsoft-com:office:office"
XLINK = "http://www.w3.org/1999/xlink"
SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*:|\\\\|//)")
# A tag ends before the next one opens: an unclosed {{ then costs a scan to the next {{, not to
# the end of the part, so thousands of unclosed tags stay linear instead of quadratic.
JINJA_TAG = re.compile(r"\{\{(?:(?!\{\{|\}\}).)*\}\}|\{%(?:(?!\{%|%\}).)*%\}", re.DOTALL)
UNESCAPING = re.compile(r"\b(safe|autoescape)\b")
CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)

ADVICE_LINKED_PICTURE = (
    "删除该图片，用“插入—图片—此设备”重新插入（不要选“链接到文件”）；"
    "或在 Word“文件—信息—编辑指向文件的链接”中选中它并“断开链接”"
)
ADVICE_FIELD = "选中该域按 Ctrl+Shift+F9 转为普通文字，或删除该域后把需要的内容直接写进模板"
ADVICE_REMOVE = "删除该内容，把需要的文字或图片直接放进模板后重新上传"
ADVICE_HYPERLINK = "把超链接改为 http:// 或 https:// 网址，或删除超链接只保留文字"
ADVICE_TEMPLATE = "在 Word“开发工具—文档模板”中清除附加的模板（或把内容复制到新建文档后另存）"
ADVICE_MAIL_MERGE = "在 Word“邮件—开始邮件合并”中选“普通 Word 文档”，取消数据源后另存"
ADVICE_OLE = "删除该对象，改为插入图片或直接输入文字"

# WordprocessingML elements that bring in something from outside the document.
WORD_ELEMENTS = {
    "object": ("含有 OLE 对象（嵌入或链接的其他程序的文档）", ADVICE_OLE),
    "control": ("含有 ActiveX 控件", ADVICE_OLE),
    "subDoc": ("含有子文档（内容取自另一个文件）", "在大纲视图中取消链接子文档，把内容复制进模板"),
    "altChunk": ("含有外部内容块（altChunk），转换时会导入另一份文档", ADVICE_REMOVE),
    "attachedTemplate": ("附加了文档模板，打开时会去读取该模板文件", ADVICE_TEMPLATE),
    "frameset": ("含有网页框架（frameset），框架内容取自其他文件", ADVICE_REMOVE),
    "frame": ("含有网页框架（frame），框架内容取自其他文件", ADVICE_REMOVE),
    "mailMerge": ("含有邮件合并设置（会连接外部数据源）", ADVICE_MAIL_MERGE),
    "dataSource": ("含有邮件合并数据源", ADVICE_MAIL_MERGE),
    "odso": ("含有邮件合并数据源", ADVICE_MAIL_MERGE),
    "headerSource": ("含有邮件合并数据源", ADVICE_MAIL_MERGE),
}
WORD_ELEMENT_TAGS = {
    f"{{{namespace}}}{name}": rule
    for namespace in WORDPROCESSING
    for name, rule in WORD_ELEMENTS.items()
}
# Elements of any namespace: VML's OLE object, a chart's link to outside data.
ANY_ELEMENTS = {
    "OLEObject": ("含有 OLE 对象（嵌入或链接的其他程序的文档）", ADVICE_OLE),
    "externalData": (
        "图表引用了外部数据",
        "把图表改为图片，或删除图表后重新插入不含外部数据的图表",
    ),
}

LINKING_ATTRIBUTES = tuple(f"{{{namespace}}}" for namespace in (*RELATIONSHIP_ATTRIBUTES, OFFICE))
VML_TAGS = (f"{{{VML}}}", f"{{{OFFICE}}}")
# Relationship types that bring something in, whether or not their target is in the package.
RELATIONSHIP_KINDS = {
    "image": "图片",
    "hyperlink": "超链接",
    "oleObject": "OLE 对象",
    "package": "嵌入的文档",
    "subDocument": "子文档",
    "attachedTemplate": "附加的文档模板",
    "aFChunk": "外部内容块（altChunk）",
    "frame": "网页框架",
    "mailMergeSource": "邮件合并数据源",
    "mailMergeHeaderSource": "邮件合并数据源",
    "recipientData": "邮件合并收件人数据",
    "mailMergeRecipientData": "邮件合并收件人数据",
    "control": "ActiveX 控件",
    "activeXControlBinary": "ActiveX 控件",
    "vbaProject": "宏",
    "externalLinkPath": "外部数据",
}
ALWAYS_REFUSED = frozenset(RELATIONSHIP_KINDS) - {"image", "hyperlink"}
PART_LABELS = (
    (re.compile(r"word/glossary/"), "文档部件库"),
    (re.compile(r"\.rels$"), "关系表"),
    (re.compile(r"word/document\d*\.xml$"), "正文"),
    (re.compile(r"word/header\d*\.xml$"), "页眉"),
    (re.compile(r"word/footer\d*\.xml$"), "页脚"),
    (re.compile(r"word/footnotes\.xml$"), "脚注"),
    (re.compile(r"word/endnotes\.xml$"), "尾注"),
    (re.compile(r"word/comments\.xml$"), "批注"),
    (re.compile(r"word/settings\.xml$"), "文档设置"),
    (re.compile(r"word/webSettings\.xml$"), "网页设置"),
)


@dataclass(frozen=True)
class OutsideReference:
    """One construct that reaches outside the package: where it is, what it does, how to fix it.

    stops is set when the package could not be examined at all (a part that does not parse,
    a DTD): nothing else may read it either.
    """

    where: str
    message: str
    advice: str
    stops: bool = False


def find_outside_references(data: bytes) -> list[OutsideReference]:
    """Return everything in a DOCX package that would make LibreOffice fetch or include outside content."""
    package = read_package(data)
    found = [
        OutsideReference(part_label(problem.part), problem.message, problem.advice, stops=True)
        for problem in package.unreadable
    ]
    named: set[tuple[str, str]] = set()  # (part, relationship id) already reported at its use
    for name, root in sorted(package.xml.items()):
        found.extend(_elements(name, root, package, named))
        found.extend(_fields(name, root))
        found.extend(_unescaped_output(name, root))
        found.extend(_svg_references(name, root))
    found.extend(_relationships(package, named))
    found.extend(_members(package))
    return found


def summary(found: list[OutsideReference], limit: int = 3) -> str:
    """Return the first few references as one line of Chinese ("" when there are none)."""
    text = "；".join(f"{reference.where}：{reference.message}" for reference in found[:limit])
    return text + (f"；等共 {len(found)} 处" if len(found) > limit else "")


def part_label(part: str) -> str:
    """Return a part's name as a maintainer reads it, e.g. "页眉（word/header1.xml）"."""
    for pattern, label in PART_LABELS:
        if pattern.search(part):
            return f"{label}（{part}）"
    return part


def _place(part: str, element: etree._Element) -> str:
    """Return where an element is: the part, and the paragraph with its text when it is in one."""
    paragraph = next(
        (e for e in element.iterancestors() if _local(e) == "p" and _in(e, WORDPROCESSING)),
        element if _local(element) == "p" and _in(element, WORDPROCESSING) else None,
    )
    if paragraph is None:
        return part_label(part)
    root = paragraph.getroottree().getroot()
    index = next(i for i, p in enumerate(root.iter(paragraph.tag), start=1) if p is paragraph)
    text = "".join(t.text or "" for t in paragraph.iter(f"{{{etree.QName(paragraph).namespace}}}t"))
    nearby = f"（“{text.strip()[:30]}”）" if text.strip() else ""
    return f"{part_label(part)}第{index}段{nearby}"


def _local(element: etree._Element) -> str:
    """Return an element's local name ("" for comments and processing instructions)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _in(element: etree._Element, namespaces: tuple[str, ...]) -> bool:
    """Return whether an element is in one of the namespaces."""
    return isinstance(element.tag, str) and etree.QName(element).namespace in namespaces


def _elements(
    part: str, root: etree._Element, package: Package, named: set[tuple[str, str]]
) -> Iterator[OutsideReference]:
    """Yield the forbidden elements and the links to outside in a part's attributes."""
    reported: set[etree._Element] = set()  # found whole: what is inside is not reported again
    for element in _candidates(root):
        if reported and _inside(element, reported):
            continue
        rule = WORD_ELEMENT_TAGS.get(element.tag) or ANY_ELEMENTS.get(_local(element))
        if rule is not None:
            reported.add(element)
            _name_relationships(part, element, named)
            yield OutsideReference(_place(part, element), rule[0], rule[1])
            continue
        for message, advice in _attribute_problems(part, element, package, named):
            yield OutsideReference(_place(part, element), message, advice)


def _candidates(root: etree._Element) -> Iterator[etree._Element]:
    """Yield the elements worth a closer look: forbidden ones, VML, and those with linking attributes.

    Cheap tests first: a part of a few hundred KB has tens of thousands of elements.
    """
    for element in root.iter(etree.Element):
        tag = element.tag
        if (
            tag in WORD_ELEMENT_TAGS
            or tag.startswith(VML_TAGS)
            or tag.rpartition("}")[2] in ANY_ELEMENTS
            or any(key.startswith(LINKING_ATTRIBUTES) for key in element.attrib)
        ):
            yield element


def _inside(element: etree._Element, found: set[etree._Element]) -> bool:
    """Return whether an element lies within one already found."""
    return any(ancestor in found for ancestor in element.iterancestors())


def _name_relationships(part: str, element: etree._Element, named: set[tuple[str, str]]) -> None:
    """Mark the relationships an element and its descendants use as reported with it."""
    for descendant in element.iter():
        for attribute, value in descendant.attrib.items():
            if etree.QName(attribute).namespace in (*RELATIONSHIP_ATTRIBUTES, OFFICE):
                named.add((part, value))


def _attribute_problems(
    part: str, element: etree._Element, package: Package, named: set[tuple[str, str]]
) -> Iterator[tuple[str, str]]:
    """Yield (message, advice) for each attribute of an element that links outside the package."""
    vml = _in(element, (VML, OFFICE))
    for attribute, value in element.attrib.items():
        name = etree.QName(attribute)
        if name.namespace in RELATIONSHIP_ATTRIBUTES and name.localname in ("link", "href"):
            named.add((part, value))
            target = package.relationship(part, value)
            shown = f"（{target.target[:80]}）" if target else ""
            yield (
                f"图片或媒体链接到包外的文件{shown}，转换时会读取该文件或访问该网址",
                ADVICE_LINKED_PICTURE,
            )
        elif name.namespace == OFFICE and name.localname == "href" and value.strip():
            yield f"图片链接到包外的文件（{value[:80]}）", ADVICE_LINKED_PICTURE
        elif vml and name.namespace is None and name.localname == "src" and _outside(value):
            yield f"图形的填充或线条取自包外的文件（{value[:80]}）", ADVICE_LINKED_PICTURE
        elif vml and name.namespace is None and name.localname == "href" and _outside(value):
            if not WEB_ADDRESS.match(value.strip()):
                yield (
                    f"图形的超链接指向 {value[:80]}，不是 http:// 或 https:// 网址",
                    ADVICE_HYPERLINK,
                )
        elif name.namespace in (*RELATIONSHIP_ATTRIBUTES, OFFICE):
            relationship = package.relationship(part, value)
            if (
                relationship is not None
                and relationship.external
                and not _shown_as_text(relationship)
            ):
                named.add((part, value))
                yield _relationship_problem(relationship)


def _outside(value: str) -> bool:
    """Return whether an address leaves the document (not empty, not "#anchor", not inline data)."""
    stripped = value.strip()
    return (
        bool(stripped) and not stripped.startswith("#") and not stripped.lower().startswith("data:")
    )


def _shown_as_text(relationship: Relationship) -> bool:
    """Return whether an external relationship is a web hyperlink, which LibreOffice never fetches."""
    return relationship.kind == "hyperlink" and bool(WEB_ADDRESS.match(relationship.target.strip()))


def _relationship_problem(relationship: Relationship) -> tuple[str, str]:
    """Return (message, advice) for a relationship that leaves the package or brings content in."""
    kind = RELATIONSHIP_KINDS.get(relationship.kind, relationship.kind or "引用")
    target = relationship.target.strip()[:80]
    if relationship.kind == "hyperlink":
        return f"超链接指向 {target}，不是 http:// 或 https:// 网址", ADVICE_HYPERLINK
    if relationship.kind == "image":
        return (
            f"图片链接到包外的文件（{target}），转换时会读取该文件或访问该网址",
            ADVICE_LINKED_PICTURE,
        )
    if relationship.kind == "attachedTemplate":
        return f"附加了文档模板（{target}），打开时会去读取该模板文件", ADVICE_TEMPLATE
    if relationship.kind in ("mailMergeSource", "mailMergeHeaderSource", "recipientData",
                             "mailMergeRecipientData"):  # fmt: skip
        return f"引用了{kind}（{target}）", ADVICE_MAIL_MERGE
    where = "包外的" if relationship.external or SCHEME.match(target) else ""
    return f"引用了{where}{kind}（{target}）", ADVICE_REMOVE


def _relationships(package: Package, named: set[tuple[str, str]]) -> Iterator[OutsideReference]:
    """Yield relationships that leave the package or bring content in, unless reported at their use."""
    for relationship in package.relationships:
        if (relationship.source, relationship.id) in named:
            continue
        leaves = relationship.external or bool(SCHEME.match(relationship.target))
        if (leaves and not _shown_as_text(relationship)) or relationship.kind in ALWAYS_REFUSED:
            message, advice = _relationship_problem(relationship)
            where = f"{part_label(relationship.listed_in)}的关系 {relationship.id}"
            yield OutsideReference(where, message, advice)


def _members(package: Package) -> Iterator[OutsideReference]:
    """Yield members that are embedded objects, controls or macros."""
    for name in package.names:
        lower = name.lower()
        if "/embeddings/" in f"/{lower}":
            yield OutsideReference(
                name, "包中含有嵌入的对象文件（OLE 或其他程序的文档）", ADVICE_OLE
            )
        elif "activex" in lower or "vbaproject" in lower or "vbadata" in lower:
            yield OutsideReference(
                name, "包中含有宏或 ActiveX 控件", "模板不允许含宏，请另存为不含宏的 .docx"
            )


def _fields(part: str, root: etree._Element) -> Iterator[OutsideReference]:
    """Yield the fields that read files, addresses or other programs when updated."""
    for found in fields_of(root):
        problem = field_problem(found)
        if problem:
            instruction = " ".join(found.instruction.split())[:80]
            yield OutsideReference(
                _place(part, found.start), f"{problem}（域代码：{instruction}）", ADVICE_FIELD
            )


def _unescaped_output(part: str, root: etree._Element) -> Iterator[OutsideReference]:
    """Yield template tags that turn escaping off: their output would be raw document XML.

    Placeholders are escaped, so that facts stay text. With the safe filter or an autoescape
    block a template writes XML of its own making after this check has run: an INCLUDETEXT
    field, a linked picture, anything.
    """
    source = etree.tostring(root, encoding="unicode")
    text = re.sub(r"<[^>]*>", "", source)
    for tag in [*JINJA_TAG.findall(text), *JINJA_TAG.findall(source)]:
        if UNESCAPING.search(tag):
            shown = " ".join(re.sub(r"<[^>]*>", "", tag).split())[:80]
            yield OutsideReference(
                part_label(part),
                f"模板标签 {shown} 关闭了转义（safe 或 autoescape），生成时可写入任意文档结构，包括外部引用",
                "删去 safe 过滤器和 autoescape 标签；占位符的内容总是按文字填入",
            )
            return


def _svg_references(part: str, root: etree._Element) -> Iterator[OutsideReference]:
    """Yield what an SVG picture would load from outside: images, styles, fonts."""
    if _local(root) != "svg":
        return
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute, value in element.attrib.items():
            name = etree.QName(attribute)
            linked = (
                name.localname == "href"
                and name.namespace in (None, XLINK)
                and _local(element) != "a"
            )
            styled = [url for url in CSS_URL.findall(value) if _outside(url)]
            if (linked and _outside(value)) or styled:
                yield OutsideReference(
                    part,
                    f"SVG 图片引用了外部文件（{(styled or [value])[0][:80]}）",
                    ADVICE_LINKED_PICTURE,
                )
        for url in CSS_URL.findall(element.text or ""):
            if _outside(url):
                yield OutsideReference(
                    part, f"SVG 图片的样式引用了外部文件（{url[:80]}）", ADVICE_LINKED_PICTURE
                )

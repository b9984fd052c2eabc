"""A DOCX package opened for checking: every XML part parsed safely from its bytes, and every relationship.

XML is parsed by lxml from the raw bytes, so that the encoding a part declares (UTF-8,
UTF-16 little or big endian, with or without a byte order mark) is honoured as
LibreOffice honours it, with a parser that never resolves entities, never loads a DTD
and never touches the network. A part counts as XML when its name or its content type
says so, when a relationship makes a reader parse it as XML (LibreOffice reads a part by
the relationship that names it, whatever the part is called), or when it is a picture
whose bytes are XML (an SVG, read as one whatever its name).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
MAX_UNPACKED = 50 * 1024 * 1024  # a template is a few hundred KB; more is a bomb
XML_NAMES = (".xml", ".rels", ".vml", ".svg")
PICTURES = frozenset({"image", "hdphoto", "thumbnail"})
# Relationship types whose targets are pictures, fonts, printer settings, binary objects or
# foreign documents (an altChunk's HTML or RTF); LibreOffice parses any other target as XML.
NOT_XML_TARGETS = (
    "/image", "/font", "/printerSettings", "/thumbnail", "/media", "/audio", "/video",
    "/hdphoto", "/package", "/oleObject", "/activeXControlBinary", "/vbaProject", "/aFChunk",
)  # fmt: skip
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
GZIP = b"\x1f\x8b"


@dataclass(frozen=True)
class Relationship:
    """One relationship of a part (or of the package, whose source is "")."""

    source: str
    listed_in: str
    id: str
    type: str
    target: str
    external: bool

    @property
    def kind(self) -> str:
        """Return the last word of the relationship type, e.g. "image" or "hyperlink"."""
        return self.type.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Unreadable:
    """A part, or the whole package, that cannot be examined: the package is refused."""

    part: str
    message: str
    advice: str


@dataclass
class Package:
    """What a check needs of a package: its member names, its XML parts and relationships."""

    names: list[str] = field(default_factory=list)
    xml: dict[str, etree._Element] = field(default_factory=dict)
    relationships: list[Relationship] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)

    def relationship(self, source: str, rid: str) -> Relationship | None:
        """Return a part's relationship of that id, if it has one."""
        return next((r for r in self.relationships if r.source == source and r.id == rid), None)


def safe_parser() -> etree.XMLParser:
    """Return a parser that resolves no entity, loads no DTD and reaches no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def read_package(data: bytes) -> Package:
    """Return the package's parts and relationships, with what could not be read."""
    package = Package()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        package.unreadable.append(Unreadable("文件", "不是有效的 DOCX 文件（不是 ZIP 包）",
                                             "请在 Word 或 LibreOffice 中另存为“Word 文档（*.docx）”"))  # fmt: skip
        return package
    members = [info for info in archive.infolist() if not info.is_dir()]
    package.names = [info.filename for info in members]
    if sum(info.file_size for info in members) > MAX_UNPACKED:
        package.unreadable.append(Unreadable("文件", "解压后体积异常巨大（疑似 ZIP 炸弹）",
                                             "请上传正常的模板文件"))  # fmt: skip
        return package
    _refuse_duplicates(package)
    contents = _read_members(archive, members, package)
    types = _content_types(contents.get("[Content_Types].xml"))
    for name, raw in contents.items():
        if _is_xml(name, types):
            _parse(name, raw, package)
    for name in [name for name in package.xml if name.lower().endswith(".rels")]:
        package.relationships.extend(_relationships(name, package.xml[name]))
    by_lower = {name.lower(): name for name in contents}
    tried = set(package.xml) | {problem.part for problem in package.unreadable}
    for relationship in package.relationships:
        target = by_lower.get(resolve(relationship.source, relationship.target).lower())
        if relationship.external or target is None or target in tried:
            continue
        tried.add(target)
        if relationship.kind in PICTURES:
            # A picture reader goes by the bytes: an SVG is read as such, whatever its name.
            if _looks_like_xml(_unpacked(contents[target])[:256]):
                _parse(target, contents[target], package)
        elif not relationship.type.endswith(NOT_XML_TARGETS):
            _parse(target, contents[target], package)  # read as XML by whoever follows it
    return package


def _refuse_duplicates(package: Package) -> None:
    """Refuse two members with one name: which one a reader takes is anybody's guess."""
    seen: set[str] = set()
    for name in package.names:
        key = name.replace("\\", "/").lower()
        if key in seen:
            package.unreadable.append(Unreadable(name, "包中有两个同名的部件",
                                                 "请用 Word 重新保存为 .docx 后上传"))  # fmt: skip
        seen.add(key)


def _read_members(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], package: Package
) -> dict[str, bytes]:
    """Return every member's bytes; a member that cannot be read is recorded as unreadable."""
    contents: dict[str, bytes] = {}
    for info in members:
        try:
            contents[info.filename] = archive.read(info)
        except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError):
            package.unreadable.append(Unreadable(info.filename, "部件已损坏或被加密，无法读取",
                                                 "请用 Word 重新保存为 .docx 后上传"))  # fmt: skip
    return contents


def _content_types(raw: bytes | None) -> dict[str, str]:
    """Return content types by "/part/name" (overrides) and by ".ext" (defaults), lower case."""
    types: dict[str, str] = {}
    if raw is None:
        return types
    try:
        root = etree.fromstring(raw, safe_parser())
    except etree.XMLSyntaxError:
        return types  # reported when the part itself is parsed
    for element in root:
        if element.tag == f"{{{CONTENT_TYPES}}}Default":
            types["." + element.get("Extension", "").lower()] = element.get("ContentType", "")
        elif element.tag == f"{{{CONTENT_TYPES}}}Override":
            types[element.get("PartName", "").lower()] = element.get("ContentType", "")
    return types


def _is_xml(name: str, types: dict[str, str]) -> bool:
    """Return whether a member is XML by its name or its content type."""
    lower = name.lower()
    declared = types.get("/" + lower) or types.get(posixpath.splitext(lower)[1], "")
    return lower.endswith(XML_NAMES) or "xml" in declared.lower()


def _looks_like_xml(head: bytes) -> bool:
    """Return whether bytes begin, in any Unicode encoding, with optional blanks and then "<"."""
    for encoding in ENCODINGS:
        text = head.decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
        if text.startswith("<"):
            return True
    return False


def _unpacked(raw: bytes) -> bytes:
    """Return a member's bytes, gunzipped (up to the size limit) when it is gzip (a .svgz)."""
    if not raw.startswith(GZIP):
        return raw
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw, MAX_UNPACKED)
    except zlib.error:
        return raw


def _parse(name: str, raw: bytes, package: Package) -> None:
    """Parse one part into the package, or record why it cannot be examined."""
    try:
        root = etree.fromstring(_unpacked(raw), safe_parser())
    except etree.XMLSyntaxError as error:
        package.unreadable.append(Unreadable(name, f"XML 无法解析：{error}",
                                             "文件已损坏，请用 Word 重新保存为 .docx 后上传"))  # fmt: skip
        return
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        package.unreadable.append(Unreadable(name, "XML 中含有 DOCTYPE 或实体声明（可能读取服务器文件）",
                                             "模板不允许含外部实体，请用 Word 重新保存"))  # fmt: skip
    package.xml[name] = root


def _relationships(name: str, root: etree._Element) -> list[Relationship]:
    """Return the relationships listed in a .rels part."""
    folder, _, file_name = name.rpartition("/")
    owner = folder[: -len("_rels")] if folder.endswith("_rels") else folder + "/"
    source = (owner + file_name.removesuffix(".rels")).lstrip("/")
    found = []
    for element in root.iter():
        # Any namespace: a reader that is lenient about it must not see more than this check.
        if isinstance(element.tag, str) and etree.QName(element).localname == "Relationship":
            found.append(
                Relationship(
                    source=source, listed_in=name, id=element.get("Id", ""),
                    type=element.get("Type", ""), target=element.get("Target", ""),
                    external=element.get("TargetMode", "").strip().lower() == "external",
                )
            )  # fmt: skip
    return found


def resolve(source: str, target: str) -> str:
    """Return the member name an internal target points to, from the part that names it."""
    target = unquote(target.replace("\\", "/")).strip()
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    folder = posixpath.dirname(source)
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")

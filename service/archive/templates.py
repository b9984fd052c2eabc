"""Stored template versions: their files by SHA-256, the active one of a kind, and refused ones."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.database.models import TemplateVersion
from service.instruments.registry import INSTRUMENTS
from service.render.fill.docx import TemplateProblem
from service.render.ooxml.outside_references import find_outside_references, summary


@dataclass(frozen=True)
class LoadedTemplate:
    """A template version's identity and bytes, ready to render."""

    id: int
    kind: str
    version: int
    sha256: str
    data: bytes


# Why each content checked so far is refused ("" when it is not), by SHA-256: a pure function of
# the bytes, so one answer serves every store in the process (each test opens a new one).
_REFUSALS: dict[str, str] = {}


class TemplateStore:
    """Template files kept in the instance by SHA-256, so that old versions stay renderable."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, bytes] = {}

    def put(self, data: bytes) -> tuple[str, str]:
        """Store template bytes; return their SHA-256 and relative path."""
        sha256 = hashlib.sha256(data).hexdigest()
        relative = f"{sha256}.docx"
        target = self.root / relative
        if not target.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(target)
        return sha256, relative

    def read(self, relative: str, sha256: str) -> bytes:
        """Return a stored template's bytes, checked against its SHA-256."""
        if sha256 not in self._cache:
            data = (self.root / relative).read_bytes()
            if hashlib.sha256(data).hexdigest() != sha256:
                raise TemplateProblem(f"模板文件 {relative} 与登记的 SHA-256 不符，可能已被改动")
            self._cache[sha256] = data
        return self._cache[sha256]

    def read_version(self, version: TemplateVersion) -> bytes:
        """Return a version's bytes: this machine's copy, else the database's (kept here after)."""
        if version.sha256 not in self._cache and not (self.root / version.path).exists():
            if version.content is None:
                raise TemplateProblem(f"模板文件 {version.path} 在本机和数据库中都找不到")
            if hashlib.sha256(version.content).hexdigest() != version.sha256:
                raise TemplateProblem(
                    f"数据库中的第{version.version}版模板与登记的 SHA-256 不符，可能已被改动"
                )
            self.put(version.content)
        return self.read(version.path, version.sha256)

    def refusal(self, version: TemplateVersion) -> str:
        """Return why a version must never be rendered: what in it reaches outside ("" for nothing).

        Worked out once per content in a process, since the same bytes give the same answer.
        """
        if version.sha256 not in _REFUSALS:
            _REFUSALS[version.sha256] = summary(find_outside_references(self.read_version(version)))
        return _REFUSALS[version.sha256]


class VersionRefused(TemplateProblem):
    """Raised when a stored version reaches outside the document: it is never rendered or activated."""


def refused_version(version: TemplateVersion, reason: str) -> VersionRefused:
    """Return the error that says which version is refused, why, and what to do."""
    instrument = INSTRUMENTS.get(version.kind)
    title = instrument.title if instrument else version.kind
    return VersionRefused(
        f"{title}的第{version.version}版模板含有外部引用，已停用，不能用于生成文书（{reason}）。"
        "请模板维护人员修改后发布新版本，或在“文书模板”页启用没有停用的版本"
    )


def keep_contents_in_database(session: Session, store: TemplateStore) -> int:
    """Copy into the database the template files of versions recorded before it kept them."""
    missing = session.scalars(select(TemplateVersion).where(TemplateVersion.content.is_(None)))
    filled = 0
    for version in missing:
        if (store.root / version.path).exists():
            version.content = store.read(version.path, version.sha256)
            filled += 1
    return filled


def active_template(session: Session, store: TemplateStore, kind: str) -> LoadedTemplate:
    """Return the active template version of a kind."""
    row = session.scalars(
        select(TemplateVersion).where(TemplateVersion.kind == kind, TemplateVersion.active)
    ).one_or_none()
    if row is None:
        instrument = INSTRUMENTS.get(kind)
        title = instrument.title if instrument else kind
        raise TemplateProblem(
            f"{title}还没有启用的模板版本，请模板维护人员在“文书模板”页发布或启用一个"
        )
    return _renderable(store, row)


def _renderable(store: TemplateStore, row: TemplateVersion) -> LoadedTemplate:
    """Return a version ready to render; raise VersionRefused when it reaches outside the document."""
    reason = store.refusal(row)
    if reason:
        raise refused_version(row, reason)
    return LoadedTemplate(row.id, row.kind, row.version, row.sha256, store.read_version(row))


def list_versions(session: Session, kind: str | None = None) -> list[TemplateVersion]:
    """Return template versions, by kind and number."""
    query = select(TemplateVersion).order_by(TemplateVersion.kind, TemplateVersion.version)
    if kind:
        query = query.where(TemplateVersion.kind == kind)
    return list(session.scalars(query))


def template_of(session: Session, store: TemplateStore, template_id: int) -> LoadedTemplate:
    """Return a given template version (the one an archived document was rendered with)."""
    row = session.get(TemplateVersion, template_id)
    if row is None:
        raise TemplateProblem(f"没有编号为 {template_id} 的模板版本")
    return _renderable(store, row)

"""The composition root: settings, database, stores and LibreOffice, built once and shared."""

from __future__ import annotations

from dataclasses import dataclass

from service.archive.db import Database
from service.archive.store import ArchiveStore
from service.config import Settings
from service.layouts.refusals import recheck_stored_versions
from service.layouts.versions import (
    TemplateStore,
    install_shipped_templates,
    keep_contents_in_database,
)
from service.render.convert import ColdOffice, Converter, OfficePool


@dataclass
class Wenshu:
    """Everything a request or a command needs, with one owner for each external resource."""

    settings: Settings
    database: Database
    archive: ArchiveStore
    templates: TemplateStore
    converter: Converter

    @classmethod
    def open(cls, settings: Settings, converter: Converter | None = None) -> Wenshu:
        """Return the services for these settings; a cold converter unless one is given."""
        settings.instance_path.mkdir(parents=True, exist_ok=True)
        return cls(
            settings=settings,
            database=Database(settings.resolved_database_url),
            archive=ArchiveStore(settings.archive_path),
            templates=TemplateStore(settings.instance_path / "templates"),
            converter=converter if converter is not None else default_converter(settings),
        )

    def prepare(self) -> list[str]:
        """Create missing tables, install the shipped templates and check every stored one again.

        Returns the kinds installed. A stored version that reaches outside the document is
        refused from now on (service.layouts.refusals).
        """
        self.database.create_tables()
        with self.database.session() as session:
            keep_contents_in_database(session, self.templates)
            installed = install_shipped_templates(
                session, self.templates, self.settings.templates_path
            )
            recheck_stored_versions(session, self.templates)
            return installed

    def close(self) -> None:
        """Stop owned LibreOffice workers and close database connections."""
        if isinstance(self.converter, OfficePool):
            self.converter.close()
        self.database.dispose()


def default_converter(settings: Settings) -> Converter:
    """Return workers at the configured addresses if any, else a cold one-shot converter."""
    if settings.office_addresses:
        return OfficePool(settings)
    return ColdOffice(settings)

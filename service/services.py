"""The composition root: settings, database, stores and LibreOffice, built once and shared."""

from __future__ import annotations

from dataclasses import dataclass

from service.archive.store import ArchiveStore
from service.archive.templates import TemplateStore
from service.database.engine import Database
from service.foundations.config import Settings
from service.render.office.cold import ColdOffice
from service.render.office.converter import Converter
from service.render.office.pool import OfficePool
from service.render.office.shared_workers import withdraw_workers


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

    def close(self) -> None:
        """Stop owned LibreOffice workers and close database connections."""
        if isinstance(self.converter, OfficePool):
            self.converter.close()
        withdraw_workers(self.settings)  # only when this process named them: the service
        self.database.dispose()


def default_converter(settings: Settings) -> Converter:
    """Return workers at the configured addresses if any, else a cold one-shot converter."""
    if settings.office_addresses:
        return OfficePool(settings)
    return ColdOffice(settings)

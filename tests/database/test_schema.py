"""Tests of the schema migrations: they build exactly the tables the models declare."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, Table, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from service.background.startup import prepare_service
from service.database.engine import Database
from service.database.models import Base, Document, TemplateVersion
from service.database.schema import alembic_config, declared_by_models
from service.foundations.config import Settings
from service.services import Wenshu

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def test_migrations_match_the_models(wenshu: Wenshu) -> None:
    """This test ensures that the migrated database has no difference from the models."""
    with wenshu.database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": declared_by_models}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_migrating_twice_changes_nothing(wenshu: Wenshu) -> None:
    """This test ensures that starting again on a migrated database is harmless."""
    prepare_service(wenshu)
    prepare_service(wenshu)
    head = ScriptDirectory.from_config(alembic_config(wenshu.database.engine)).get_current_head()
    with wenshu.database.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def old_table(connection: Connection, name: str) -> Table:
    """Return a table as the database holds it now (before the newest migrations)."""
    return Table(name, MetaData(), autoload_with=connection)


def add_version(connection: Connection, kind: str, number: int) -> None:
    """Insert an active template version as a release before 0008 could leave it."""
    connection.execute(
        insert(old_table(connection, "template_versions")).values(
            kind=kind, version=number, sha256="0" * 64, path=f"{kind}-{number}.docx",
            active=True, published_by="维护员", published_at=NOW, note="",
        )
    )  # fmt: skip


def add_activation(connection: Connection, number: int, subject: str) -> None:
    """Append an activation entry to the audit table (its hashes do not matter here)."""
    connection.execute(
        insert(old_table(connection, "audit_events")).values(
            id=number, at=NOW, actor="维护员", action="template_activate", subject=subject,
            details={}, previous_hash="0" * 64, hash="0" * 64,
        )
    )  # fmt: skip


def test_an_archive_from_before_0008_keeps_one_active_version_a_kind(settings: Settings) -> None:
    """This test ensures that upgrading a database with several active versions of a kind keeps the one activated last, else the newest, and keeps its documents without a context."""
    database = Database(settings.resolved_database_url)
    config = alembic_config(database.engine)
    try:
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0007")
            for number in (1, 2, 3):
                add_version(connection, "supervision_notice", number)
            for number in (1, 2):
                add_version(connection, "review_decision", number)
            add_version(connection, "annual_report", 1)
            # Version 2 was activated after version 3 was published and activated.
            add_activation(connection, 1, "supervision_notice v3")
            add_activation(connection, 2, "supervision_notice v2")
            add_activation(connection, 3, "review_decision v7")
            template_id = connection.scalar(text("SELECT min(id) FROM template_versions"))
            connection.execute(
                insert(old_table(connection, "documents")).values(
                    kind="supervision_notice", title="执法监督通知（决定）书",
                    series="supervision_notice", year=2026, sequence=1,
                    number="君档监通〔2026〕1号", recipient="某单位",
                    document_date=dt.date(2026, 3, 5), facts={}, template_id=template_id,
                    template_version=1, template_sha256="0" * 64, pdf_path="a.pdf", size=1,
                    pages=1, sha256="0" * 64, sm3="0" * 64, retention="30年",
                    classification="公开", issued_by="王文书", issued_at=NOW, status="issued",
                    warnings=[], void_reason="", voided_by="", voided_at=None,
                )
            )  # fmt: skip
        database.create_tables()
        with database.session() as session:
            active = session.execute(
                select(TemplateVersion.kind, TemplateVersion.version).where(TemplateVersion.active)
            )
            assert sorted(active) == [
                ("annual_report", 1), ("review_decision", 2), ("supervision_notice", 2),
            ]  # fmt: skip
            assert session.scalars(select(Document.context)).all() == [None]
        with pytest.raises(IntegrityError), database.session() as session:
            session.execute(update(TemplateVersion).values(active=True))
    finally:
        database.dispose()


def document_row(number: str, series: str, sequence: int, template_id: int) -> dict[str, object]:
    """Return the columns of a documents row as every release since 0009 writes them."""
    return dict(
        kind=series, title="文书", series=series, year=2026, sequence=sequence, number=number,
        recipient="某单位", document_date=dt.date(2026, 3, 5), facts={}, template_id=template_id,
        template_version=1, template_sha256="0" * 64, pdf_path=f"{number}.pdf", size=1, pages=1,
        sha256="0" * 64, sm3="0" * 64, retention="30年", classification="公开",
        issued_by="王文书", issued_at=NOW, status="issued", warnings=[], void_reason="",
        voided_by="", voided_at=None,
    )  # fmt: skip


def test_an_archive_from_before_0010_keeps_its_numbers_and_copies_may_share_one(
    settings: Settings,
) -> None:
    """This test ensures that upgrading a database from before 0010 keeps each document numbered
    on its own (no 份号), and that a 文号 is then unique with its 份号: copies share it, the same
    copy twice or the same 文号 in another series is refused."""
    database = Database(settings.resolved_database_url)
    config = alembic_config(database.engine)
    try:
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0009")
            add_version(connection, "annual_report", 1)
            template_id = connection.scalar(text("SELECT min(id) FROM template_versions"))
            connection.execute(
                insert(old_table(connection, "documents")).values(
                    **document_row("君档年报〔2026〕1号", "annual_report", 1, template_id)
                )
            )
        database.create_tables()
        with database.session() as session:
            kept = session.execute(
                select(Document.number, Document.copy_number, Document.numbering)
            )
            assert [tuple(row) for row in kept] == [("君档年报〔2026〕1号", 0, "own")]

        def circular(copy_number: int, series: str = "safety_circular") -> Document:
            row = document_row("君档通报〔2026〕1号", series, 1, template_id)
            path = f"{copy_number}-{series}.pdf"
            return Document(**row | {"pdf_path": path}, copy_number=copy_number, numbering="shared")

        with database.session() as session:
            session.add_all([circular(1), circular(2)])
        for refused in (circular(2), circular(1, "sampling_list")):
            with pytest.raises(IntegrityError), database.session() as session:
                session.add(refused)
        with database.session() as session:
            assert session.scalar(select(func.count(Document.id))) == 3
    finally:
        database.dispose()


def test_an_archive_from_before_0013_gets_its_search_text(settings: Settings) -> None:
    """This test ensures that upgrading a database from before 0013 writes every document's
    search text from its facts (stored with \\u escapes then) and indexes it for the register."""
    from service.archive.search import Criteria, browse_documents

    database = Database(settings.resolved_database_url)
    config = alembic_config(database.engine)
    try:
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0012")
            add_version(connection, "supervision_notice", 1)
            template_id = connection.scalar(text("SELECT min(id) FROM template_versions"))
            for sequence, facts in enumerate(
                [{"facts": "库房漏雨", "rows": [{"item": "案卷受潮"}]}, {"facts": "防火"}], 1
            ):
                row = document_row(f"君档监通〔2026〕{sequence}号", "supervision_notice",
                                   sequence, template_id)  # fmt: skip
                connection.execute(
                    insert(old_table(connection, "documents")).values(
                        row | {"facts": facts, "copy_number": 0, "numbering": "own"}
                    )
                )
        database.create_tables()
        with database.session() as session:
            texts = session.scalars(select(Document.search_text).order_by(Document.id)).all()
            assert texts == ["库房漏雨\n案卷受潮", "防火"]
            for fragment, number in (("案卷受潮", "1"), ("受潮", "1"), ("防火", "2")):
                found = browse_documents(session, Criteria(text=fragment)).documents
                assert [d.number for d in found] == [f"君档监通〔2026〕{number}号"]
            found = browse_documents(session, Criteria(number="〔2026〕2号")).documents
            assert [d.number for d in found] == ["君档监通〔2026〕2号"]
    finally:
        database.dispose()


def test_the_search_triggers_exist_at_head(wenshu: Wenshu) -> None:
    """This test ensures that SQLite's trigram and bigram tables and their triggers survive
    every migration (a later one rebuilding the documents table would drop its triggers)."""
    if not wenshu.database.url.startswith("sqlite"):
        pytest.skip("the triggers are SQLite's")
    with wenshu.database.engine.connect() as connection:
        names = set(
            connection.scalars(
                text("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'table')")
            )
        )
    assert {"documents_fts", "documents_bigrams", "documents_fts_insert",
            "documents_fts_update", "documents_fts_delete"} <= names  # fmt: skip

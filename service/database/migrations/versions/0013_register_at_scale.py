"""The register at scale: indexes its queries use and a plain-text search column

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-19 09:00:00.000000

documents.search_text holds the facts' values as plain text (filled on insert by the
model's default, backfilled here). SQLite keeps a trigram FTS5 table, documents_fts, in step
with it by triggers; PostgreSQL indexes it and the 文号 with pg_trgm. A later migration that
rebuilds the documents table on SQLite (batch "move and copy") drops its triggers and must
create them again (search_triggers below); tests/database checks they exist at head.

Fragments of two characters, which a trigram cannot hold, are found through the texts'
overlapping pairs of characters: on SQLite a contentless FTS5 table, documents_bigrams, of
words the connection's wenshu_bigrams function makes (service/database/bigrams.py); on
PostgreSQL GIN indexes on the array an SQL function of the same name returns.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from service.database.bigrams import register_sqlite_function
from service.database.search_text import plain_text

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# The register's orders, walked from either end by keyset pages; the 密级 last, so that the
# reader's visibility is checked in the index without reading the rows.
INDEXES = {
    "ix_documents_date_id": ["document_date", "id", "classification"],
    "ix_documents_kind_date_id": ["kind", "document_date", "id", "classification"],
    "ix_documents_status_date_id": ["status", "document_date", "id", "classification"],
    "ix_documents_receipts": ["numbering", "year", "sequence", "id", "classification"],
}
# Rows read and rewritten at a time by the backfill, so that memory stays flat at any size.
BACKFILL_BATCH = 2000

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE documents_fts USING fts5(search_text, number, tokenize='trigram')",
    # Contentless, without positions: a pair's word is looked up alone, never as a phrase.
    "CREATE VIRTUAL TABLE documents_bigrams USING fts5("
    "bigrams, content='', detail='none', tokenize='ascii')",
)
# A contentless table forgets a row by being told its words again, which the deterministic
# wenshu_bigrams gives from the old values.
_FORGET = (
    "INSERT INTO documents_bigrams(documents_bigrams, rowid, bigrams)"
    " VALUES ('delete', old.id, wenshu_bigrams(old.search_text, old.number, old.classification));"
)
_LEARN = (
    "INSERT INTO documents_bigrams(rowid, bigrams)"
    " VALUES (new.id, wenshu_bigrams(new.search_text, new.number, new.classification));"
)
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
         INSERT INTO documents_fts(rowid, search_text, number)
         VALUES (new.id, new.search_text, new.number);
         {_LEARN}
       END""",
    f"""CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
         DELETE FROM documents_fts WHERE rowid = old.id;
         {_FORGET}
       END""",
    f"""CREATE TRIGGER documents_fts_update
       AFTER UPDATE OF search_text, number, classification ON documents BEGIN
         UPDATE documents_fts SET search_text = new.search_text, number = new.number
         WHERE rowid = old.id;
         {_FORGET}
         {_LEARN}
       END""",
)
# The distinct pairs of characters of a text, lower case, without spaces: what the GIN
# indexes below hold and what the register asks with @> (service/database/bigrams.py makes
# the same pairs in Python). One pass over the characters: substr(value, i, 2) counts from
# the start each time, which made each issue 30 ms slower for 400 characters of facts.
POSTGRESQL_BIGRAMS = r"""
CREATE FUNCTION wenshu_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT pair), '{}')
  FROM (SELECT ch || lead(ch) OVER (ORDER BY n) AS pair
        FROM regexp_split_to_table(lower(value), '') WITH ORDINALITY AS chars(ch, n)) AS pairs
  WHERE pair !~ '[\s\u3000\u00a0]'
$$"""
POSTGRESQL_SEARCH = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_documents_search_trgm ON documents USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX ix_documents_number_trgm ON documents USING gin (number gin_trgm_ops)",
    POSTGRESQL_BIGRAMS,
    "CREATE INDEX ix_documents_search_bigrams ON documents USING gin (wenshu_bigrams(search_text))",
    "CREATE INDEX ix_documents_number_bigrams ON documents USING gin (wenshu_bigrams(number))",
    # The planner's estimate of a pair's matches comes from the indexed arrays' statistics.
    "ANALYZE documents",
)


def upgrade() -> None:
    """Add the register's indexes, fill the search text and index it."""
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    for name, columns in INDEXES.items():
        op.create_index(name, "documents", columns)
    _backfill(op.get_bind())
    if op.get_bind().dialect.name == "sqlite":
        search_triggers()
        op.execute(
            "INSERT INTO documents_fts(rowid, search_text, number)"
            " SELECT id, search_text, number FROM documents"
        )
        op.execute(
            "INSERT INTO documents_bigrams(rowid, bigrams)"
            " SELECT id, wenshu_bigrams(search_text, number, classification) FROM documents"
        )
        # One segment each: an index left in the many segments a bulk insert writes is read
        # segment by segment on every lookup, ten times slower for a common pair.
        for table in ("documents_fts", "documents_bigrams"):
            op.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
    elif op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_SEARCH:
            op.execute(statement)


def search_triggers() -> None:
    """Create SQLite's trigram and bigram tables and the triggers that keep them in step."""
    # The connection the service opens knows wenshu_bigrams already; one Alembic opened may not.
    register_sqlite_function(op.get_bind().connection.dbapi_connection)
    for statement in SQLITE_SEARCH:
        op.execute(statement)
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def _backfill(connection: Any) -> None:
    """Write every document's search text from its facts, a batch of rows at a time."""
    documents = sa.table(
        "documents",
        sa.column("id", sa.Integer()),
        sa.column("facts", sa.JSON()),
        sa.column("search_text", sa.Text()),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(documents.c.id, documents.c.facts)
            .where(documents.c.id > last)
            .order_by(documents.c.id)
            .limit(BACKFILL_BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            sa.update(documents)
            .where(documents.c.id == sa.bindparam("row_id"))
            .values(search_text=sa.bindparam("text")),
            [{"row_id": row.id, "text": plain_text(row.facts)} for row in rows],
        )
        last = rows[-1].id


def downgrade() -> None:
    """Remove the search text, its index and the register's indexes."""
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("documents_fts_insert", "documents_fts_delete", "documents_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS documents_fts")
        op.execute("DROP TABLE IF EXISTS documents_bigrams")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_documents_number_bigrams")
        op.execute("DROP INDEX IF EXISTS ix_documents_search_bigrams")
        op.execute("DROP FUNCTION IF EXISTS wenshu_bigrams(text)")
        op.execute("DROP INDEX IF EXISTS ix_documents_number_trgm")
        op.execute("DROP INDEX IF EXISTS ix_documents_search_trgm")
    for name in INDEXES:
        op.drop_index(name, "documents")
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_column("search_text")

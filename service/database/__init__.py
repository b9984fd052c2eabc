"""The database: engine, schema migrations and every table."""

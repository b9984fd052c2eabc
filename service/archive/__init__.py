"""The archive: database records, gapless numbering and the atomic, content-addressed file store."""

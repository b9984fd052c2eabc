"""The archive: records, gapless numbering, the content-addressed file store, stored template versions, the audit chain and access by 密级."""

"""Use cases on one document: issue, preview, re-render, drafts and deadlines."""

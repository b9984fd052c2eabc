"""Rendering: a RenderRequest (context, template, metadata) → DOCX → PDF/A; nothing here knows forms, facts or the registry."""

"""Rendering: validated facts → template context → DOCX → PDF/A, one stage per module."""

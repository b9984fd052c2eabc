"""DOCX template versions (named apart from Flask's HTML templates)."""

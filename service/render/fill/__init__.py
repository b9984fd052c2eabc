"""Filling a DOCX template: docxtpl in a sandboxed, strict Jinja held to one render's limits, and lint's trial fill in a child process."""

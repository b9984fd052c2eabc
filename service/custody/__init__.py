"""Keeping the archive: checks of every file and record, the four properties, export for transfer."""

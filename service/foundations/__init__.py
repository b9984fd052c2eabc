"""Foundations every layer may use: settings, formatting of dates, amounts and 文号, the holiday calendar, tables, plain text."""

"""How a procedure rule refuses: messages gathered by the field they concern, or "case"."""

from __future__ import annotations

import datetime as dt

Errors = dict[str, list[str]]
LAW = "《中华人民共和国行政处罚法》"
# What to do when a limit falls in a year whose holiday arrangement the service does not know.
CALENDAR_FIX = "请系统管理员更新节假日日历（chinesecalendar）"


def refuse(errors: Errors, key: str, message: str) -> None:
    """Add one message at a field name or at "case"."""
    errors.setdefault(key, []).append(message)


def typed_day(value: object) -> dt.date | None:
    """Return a checked fact that is a date, or None."""
    return value if isinstance(value, dt.date) else None

"""Dates as French typography writes them: « mardi 1er décembre 2026 »."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format


def long_date(value: dt.date | dt.datetime) -> str:
    """Weekday, day (1er for the first), month and year; a datetime is taken as given (make it
    local first)."""
    text = date_format(value, "l j F Y")
    if value.day == 1:
        weekday, _, rest = text.partition(" 1 ")
        return f"{weekday} 1er {rest}"
    return text

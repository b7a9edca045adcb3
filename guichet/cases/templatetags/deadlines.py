"""Deadlines as residents read them: a calendar day with its weekday, and targets in business
days (see guichet.lib.business_time for what a business day is)."""

from django import template

from guichet.lib.business_time import BUSINESS_DAYS_NOTE, deadline_day, delay_label
from guichet.lib.dates import long_date

register = template.Library()


@register.filter
def deadline(moment) -> str:
    """« lundi 7 décembre 2026 »: the day by the end of which the deadline falls."""
    if not moment:
        return ""
    return long_date(deadline_day(moment))


@register.filter
def delay(hours) -> str:
    """« 2 jours ouvrés » for 48 business hours."""
    try:
        return delay_label(int(hours))
    except (TypeError, ValueError):
        return ""


@register.simple_tag
def business_days_note() -> str:
    return BUSINESS_DAYS_NOTE

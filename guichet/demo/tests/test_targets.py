"""The demo's promises read as a resident expects: whole business days, a first answer within
1 to 4 of them, and no street repair announced five weeks ahead."""

import datetime as dt

from guichet.demo.reports import CATEGORIES
from guichet.demo.territory import UNITS
from guichet.lib.business_time import PARIS, BusinessCalendar, deadline_day, delay_label


def test_every_target_is_a_whole_number_of_business_days_within_reason():
    targets = [(unit[1], unit[5], unit[6]) for unit in UNITS] + [
        (category[2], *category[6]) for category in CATEGORIES]
    for name, first, resolution in targets:
        assert first % 24 == 0 and resolution % 24 == 0, name
        assert 24 <= first <= 96, name
        assert first <= resolution <= 240, name


def test_a_pothole_reported_on_thursday_3_december_is_repaired_within_a_week():
    first, resolution = next(c[6] for c in CATEGORIES if c[2] == "nid-de-poule")
    filed = dt.datetime(2026, 12, 3, 10, tzinfo=PARIS)
    calendar = BusinessCalendar(subdivision="57")
    assert delay_label(first) == "2 jours ouvrés"
    assert deadline_day(calendar.add(filed, dt.timedelta(hours=first))) == dt.date(2026, 12, 7)
    assert deadline_day(calendar.add(filed, dt.timedelta(hours=resolution))) == \
        dt.date(2026, 12, 10)

import datetime as dt

from guichet.lib.dates import long_date


def test_the_first_of_the_month_is_1er():
    assert long_date(dt.date(2026, 12, 1)) == "mardi 1er décembre 2026"
    assert long_date(dt.date(2026, 12, 7)) == "lundi 7 décembre 2026"
    assert long_date(dt.date(2026, 12, 11)) == "vendredi 11 décembre 2026"

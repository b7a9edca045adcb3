import pytest

from guichet.lib.colours import contrast, darken_until_readable


def test_contrast_matches_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("picked", ["#ffdd00", "#7fc241", "#1d4e89", "#ffffff", "#e30613"])
def test_white_text_is_always_readable_on_the_adjusted_colour(picked):
    adjusted = darken_until_readable(picked)
    assert contrast(adjusted, "#ffffff") >= 4.5


def test_a_colour_that_is_already_readable_is_kept():
    assert darken_until_readable("#1d4e89") == "#1d4e89"

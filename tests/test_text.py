import pytest

from shockbook.text import display_width, is_wide


@pytest.mark.parametrize(("text", "width"), [
    ("", 0), ("NVDA", 4), ("엔비디아", 8), ("A엔", 3), ("Ｘ", 2),  # a full-width letter is wide too
    ("−17%", 4),  # the minus sign is narrow
])
def test_display_width(text, width):
    assert display_width(text) == width


def test_only_east_asian_wide_characters_are_wide():
    assert is_wide("한") and is_wide("中") and not is_wide("a") and not is_wide("é")

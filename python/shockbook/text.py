"""How wide a text is on screen: Korean and other East Asian wide characters take two columns.

One rule for the terminal (the CLI's grid), Excel column widths and button captions.
"""

from __future__ import annotations

import unicodedata


def is_wide(ch: str) -> bool:
    """Whether ``ch`` is an East Asian wide or full-width character (two columns, one em)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def display_width(text: str) -> int:
    """Columns ``text`` takes (wide characters two, others one); ASCII text is its length."""
    if text.isascii():
        return len(text)
    return sum(2 if is_wide(ch) else 1 for ch in text)

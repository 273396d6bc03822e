"""Ticker symbols in Yahoo's form (used by every source, so no source-specific import)."""

from __future__ import annotations

import re

from ..errors import InputError

_CLASS_SUFFIX = re.compile(r"^([A-Z0-9]+)[./]([A-E])$")
_ALLOWED = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-=&]*$")


def yahoo_symbol(s: str) -> str:
    """Return ``s`` in Yahoo's form: stripped, upper case, US share classes with a dash.

    ``"brk.b"``, ``"BRK.B"`` and ``"BRK/B"`` all become ``"BRK-B"``; exchange suffixes keep
    their dot (``"005930.ks"`` -> ``"005930.KS"``, ``"vod.l"`` -> ``"VOD.L"``) because only a
    single class letter A-E after the dot is read as a share class. Indices keep their caret
    (``"^gspc"`` -> ``"^GSPC"``).

    Raises
    ------
    InputError
        For a non-string, an empty string, or text that cannot be a Yahoo symbol (spaces,
        commas: ``"NVDA,AMD"`` is two tickers, not one).
    """
    if not isinstance(s, str):
        raise InputError(f"a ticker must be text, not {type(s).__name__} {s!r}", ticker=s)
    t = s.strip().upper()
    if not t:
        raise InputError("a ticker is empty", ticker=s)
    m = _CLASS_SUFFIX.match(t)
    if m:
        t = f"{m.group(1)}-{m.group(2)}"
    if not _ALLOWED.match(t):
        raise InputError(
            f"{s!r} is not a Yahoo ticker (letters, digits, '.', '-', '=' and a leading '^' only)",
            ticker=s,
        )
    return t

"""Ticker symbols in Yahoo's form (used by every source, so no source-specific import)."""

from __future__ import annotations

import re

from ..errors import InputError

_CLASS_SUFFIX = re.compile(r"^([A-Z0-9]+)[./]([A-E])$")
_ALLOWED = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-=&]*$")


def yahoo_symbol(s: str, *, strict: bool = True) -> str:
    """Return ``s`` in Yahoo's form: stripped, upper case, US share classes with a dash.

    The one ticker normaliser: every layer that keys rows by ticker (data seam, universe
    lists, curated content, the watchlist, the Excel adapter) calls this.

    ``"brk.b"``, ``"BRK.B"`` and ``"BRK/B"`` all become ``"BRK-B"``; exchange suffixes keep
    their dot (``"005930.ks"`` -> ``"005930.KS"``, ``"vod.l"`` -> ``"VOD.L"``) because only a
    single class letter A-E after the dot is read as a share class. Indices keep their caret
    (``"^gspc"`` -> ``"^GSPC"``).

    ``strict=False`` is the lenient form for text that is checked elsewhere or passed on as
    given (member lists, curated content, a watchlist read back from a sheet): it never
    raises, and text that is not a Yahoo symbol comes back stripped and upper-cased
    (``str()`` of a non-string, ``""`` for blank).

    Raises
    ------
    InputError
        With ``strict=True`` (the default), for a non-string, an empty string, or text that
        cannot be a Yahoo symbol (spaces, commas: ``"NVDA,AMD"`` is two tickers, not one).
    """
    if not isinstance(s, str):
        if not strict:
            return yahoo_symbol(str(s), strict=False)
        raise InputError(f"a ticker must be text, not {type(s).__name__} {s!r}", ticker=s)
    t = s.strip().upper()
    if not t:
        if not strict:
            return t
        raise InputError("a ticker is empty", ticker=s)
    m = _CLASS_SUFFIX.match(t)
    if m:
        t = f"{m.group(1)}-{m.group(2)}"
    if not _ALLOWED.match(t):
        if not strict:
            return t
        raise InputError(
            f"{s!r} is not a Yahoo ticker (letters, digits, '.', '-', '=' and a leading '^' only)",
            ticker=s,
        )
    return t

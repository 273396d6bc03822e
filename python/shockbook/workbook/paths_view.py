"""The Price paths sheet: which pairs, over which window, with the event marked on each series.

* **Pairs** come from Settings ``path_pairs`` (``build --pairs``), e.g. ``"VST/CEG, AAPL/MSFT"``:
  up to six pairs of any tickers; the default is the report's six (figures 6-11). Each pair
  fills two slot columns of the layout (``path_<i>a``, ``path_<i>b``), headed by its tickers.
* **The window** is ``chart_start``..``chart_end`` (dates), or ``chart_sessions`` sessions on
  each side of the event, or by default from the base (the previous year-end) to the as-of
  date. The paths stay rebased to the previous year-end close (the report's "연초 주가") when it
  is in the data.
* **The marker** is each series' own value on the event session (``event_<i>a``/``b``), so it
  sits on the line, not at a fixed level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import sessions as cal
from ..errors import InputError
from ..notes import note
from ..tables import events as ev
from ..tables.result import EventTable
from .layout import PATH_SLOTS

#: Most pairs the sheet shows (one chart each).
MAX_PAIRS = len(PATH_SLOTS) // 2


def parse_pairs(text) -> tuple[tuple[str, str], ...] | None:
    """``"VST/CEG, AAPL/MSFT"`` -> ``(("VST", "CEG"), ("AAPL", "MSFT"))``; ``None`` for empty.

    Raises
    ------
    InputError
        A pair is not two tickers joined by ``/``, or more than :data:`MAX_PAIRS` pairs.
    """
    from ..data.symbols import yahoo_symbol

    if text is None or not str(text).strip():
        return None
    pairs = []
    for part in str(text).replace(";", ",").split(","):
        if not part.strip():
            continue
        sides = [s.strip() for s in part.split("/")]
        if len(sides) != 2 or not all(sides):
            raise InputError(f"path_pairs: {part.strip()!r} is not a pair; write two tickers joined by /, "
                             "e.g. VST/CEG, AAPL/MSFT", argument="path_pairs")
        pairs.append(tuple(yahoo_symbol(s, strict=False) for s in sides))
    if len(pairs) > MAX_PAIRS:
        raise InputError(f"path_pairs: {len(pairs)} pairs; the sheet shows at most {MAX_PAIRS}",
                         argument="path_pairs")
    return tuple(pairs) or None


def pairs_text(pairs) -> str:
    """The Settings text of ``pairs`` (the inverse of :func:`parse_pairs`)."""
    return ", ".join(f"{a}/{b}" for a, b in pairs)


def chart_window(ctx) -> tuple:
    """``(start, end)`` of the rows shown (``None``: from the base / to the as-of date)."""
    if ctx.chart_sessions:
        n = int(ctx.chart_sessions)
        session = ctx.event.session
        around = cal.sessions(session - pd.Timedelta(days=3 * n + 10), session + pd.Timedelta(days=3 * n + 10))
        at = around.get_loc(pd.Timestamp(session))
        start = around[max(at - n, 0)].date()
        end = around[min(at + n, len(around) - 1)].date()
        return start, end
    return ctx.chart_start, ctx.chart_end


def slot_headers(ctx) -> dict[str, str]:
    """Column key -> header (the ticker) of the price-path slots in use."""
    out = {}
    for i, pair in enumerate(ctx.path_pairs, start=1):
        for side, ticker in zip("ab", pair):
            out[f"path_{i}{side}"] = ticker
            out[f"event_{i}{side}"] = f"{ticker} @ {ctx.event.session:%m-%d}" if _event_ok(ctx) else ticker
    return out


def _event_ok(ctx) -> bool:
    try:
        ctx.event
        return True
    except Exception:  # noqa: BLE001 - a bad event is reported by the blocks
        return False


def price_paths(ctx) -> EventTable:
    """The pairs' rebased closes in the slot columns, with each series' event-session value."""
    pairs = ctx.path_pairs
    tickers = list(dict.fromkeys(t for pair in pairs for t in pair))
    start, end = chart_window(ctx)
    table = ev.rebased_paths_table(tickers, ctx.event, ctx.settings, start=start, end=end)
    frame = table.frame
    at_event = (frame["date"] == pd.Timestamp(ctx.event.session)).to_numpy()
    out = pd.DataFrame({"date": frame["date"]})
    for i, pair in enumerate(pairs, start=1):
        for side, ticker in zip("ab", pair):
            values = frame[ticker].to_numpy(dtype="float64") if ticker in frame else np.full(len(frame), np.nan)
            out[f"path_{i}{side}"] = values
            out[f"event_{i}{side}"] = np.where(at_event, values, np.nan)
    missing = [t for t in tickers if t not in frame]
    notes = table.notes + ((note("no_prices_for", tickers=", ".join(missing)),) if missing else ())
    return EventTable(out, errors=table.errors, provenance=table.provenance, notes=notes, event=table.event,
                      event_requested=table.event_requested, session_note=table.session_note,
                      benchmark=table.benchmark, price_field=table.price_field, extra=table.extra)


def chart_titles(ctx, lang: str) -> dict[str, str]:
    """Chart name -> title: the report's figure titles for its pairs, else the pair's tickers."""
    from .i18n import label
    from .producers import PATH_PAIRS

    out = {}
    for i in range(MAX_PAIRS):
        name = f"fig{6 + i}"
        if i < len(ctx.path_pairs):
            pair = tuple(ctx.path_pairs[i])
            out[name] = label(f"chart.{name}", lang) if i < len(PATH_PAIRS) and pair == tuple(PATH_PAIRS[i]) \
                else f"{pair[0]} · {pair[1]}"
    return out

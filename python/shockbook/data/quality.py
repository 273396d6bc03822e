"""Which daily bars may become returns: one rule, applied to live (Yahoo) and snapshot data.

A bar is **no bar** (dropped, with a note naming ticker, date and reason) when

* its close is missing or not a number (``NaN``, text in a file);
* its close is ``<= 0`` (no listed price is zero or negative; a 0.0 would be a -100% return);
* it is a **placeholder**: volume 0 and open, high, low and close all equal to the previous
  session's close. Yahoo serves such rows on days a stock did not trade (a halt, a listing
  day not yet filled); as a price they would be a flat 0% return that never happened.

Indices (whose volume may be 0 every day) are not placeholders unless their prices are also
frozen at the previous close, and series that carry no open/high/low/volume (a close-only
file) are judged on the close alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Relative tolerance for "equal to the previous close" in the placeholder test.
PLACEHOLDER_RTOL = 1e-9


@dataclass(frozen=True)
class BadBar:
    """One bar that was dropped: ``ticker``, session ``date``, ``reason`` (``"close <= 0"``,
    ``"close not a number"``, ``"placeholder bar (volume 0, prices = previous close)"``...)."""

    ticker: str
    date: pd.Timestamp
    reason: str
    row: int = field(default=-1, compare=False)  # position in the screened frame

    def note(self) -> str:
        return f"{self.ticker} {self.date.date()}: {self.reason}; treated as no bar"


def screen_long(frame: pd.DataFrame, previous_close: dict | None = None) -> tuple[np.ndarray, list[BadBar]]:
    """The rule on a long frame: one row per (ticker, date), rows of a ticker in date order.

    ``frame`` has ``ticker``, ``date`` and ``close`` (any dtype: text is "not a number") and,
    optionally, ``open``, ``high``, ``low``, ``volume`` (with all four the placeholder rule
    applies). ``previous_close`` maps a ticker to the close of the session before its first
    row, so that row can be judged as a placeholder too.

    Returns ``(keep, bad)``: a boolean array over the rows (True = a usable bar) and the
    dropped bars in (date, ticker) order.
    """
    close = pd.to_numeric(frame["close"], errors="coerce").astype("float64").to_numpy()
    nan = np.isnan(close)
    nonpos = ~nan & (close <= 0)
    keep = ~(nan | nonpos)
    tickers = frame["ticker"].to_numpy()
    dates = pd.DatetimeIndex(frame["date"])
    raw = frame["close"].to_numpy()
    bad: list[BadBar] = []
    for i in np.flatnonzero(~keep):
        if nan[i]:
            value = raw[i]
            missing = value is None or (isinstance(value, float) and np.isnan(value))
            reason = "close not a number" + ("" if missing else f" ({value!r})")
        else:
            reason = f"close {close[i]:g} <= 0"
        bad.append(BadBar(str(tickers[i]), dates[i], reason, int(i)))
    if all(c in frame.columns for c in ("open", "high", "low", "volume")):
        good = pd.Series(np.where(keep, close, np.nan), index=frame.index)
        by = frame["ticker"].to_numpy()
        prev = np.array(good.groupby(by).ffill().groupby(by).shift(1), dtype="float64")
        if previous_close:
            first = ~pd.Series(tickers).duplicated().to_numpy()
            for i in np.flatnonzero(first):
                prev[i] = previous_close.get(tickers[i], prev[i])
        same = pd.to_numeric(frame["volume"], errors="coerce").to_numpy(dtype="float64") == 0
        for name in ("open", "high", "low"):
            values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64")
            same &= np.isclose(values, prev, rtol=PLACEHOLDER_RTOL, atol=0.0)
        same &= np.isclose(close, prev, rtol=PLACEHOLDER_RTOL, atol=0.0) & keep
        for i in np.flatnonzero(same):
            bad.append(BadBar(str(tickers[i]), dates[i],
                              "placeholder bar (volume 0, open/high/low/close = previous close)", int(i)))
        keep &= ~same
    bad.sort(key=lambda b: (b.date, b.ticker))
    return keep, bad


def screen_bars(ticker: str, close: pd.Series, *, open_=None, high=None, low=None, volume=None,
                previous_close: float | None = None) -> tuple[pd.Series, list[BadBar]]:
    """:func:`screen_long` for one ticker's Series (indexed by session date, ascending).

    ``open_``, ``high``, ``low``, ``volume`` are optional Series on the same index (with all
    four the placeholder rule applies); ``previous_close`` is the close of the session before
    the first one. Returns ``(keep, bad)``: a boolean Series on ``close``'s index and the
    dropped bars.
    """
    frame = pd.DataFrame({"ticker": ticker, "date": close.index, "close": close.to_numpy()})
    extra = {"open": open_, "high": high, "low": low, "volume": volume}
    if all(v is not None for v in extra.values()):
        for name, series in extra.items():
            frame[name] = pd.Series(series).reindex(close.index).to_numpy()
    keep, bad = screen_long(frame, {ticker: previous_close} if previous_close is not None else None)
    return pd.Series(keep, index=close.index), bad

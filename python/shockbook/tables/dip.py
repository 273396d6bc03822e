"""The buy-the-dip screen: the report's action item as a table.

"1/27 주가 반응 과도, 낙폭 과대 종목 위주의 저가매수 전략 유효 … 실적 발표 일정을 함께 체크":
per watchlist name the event-day drop, the market-model abnormal return and its t, the run-up
before the event, the share of the drop won back and the return since the event as of an
as-of date, the first earnings date after the event, and a transparent weighted score
(:class:`shockbook.analytics.dip.DipWeights`). Rows are sorted worst-hit first; ``rank`` orders
the score (1 = the strongest dip-buy candidate).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

import numpy as np
import pandas as pd

from ..analytics import dip as ad
from ..analytics import ytd_returns
from ..config import Settings
from ..data.sessions import SessionDate
from ..errors import DateRangeError, NoDataError, ShockbookError
from ..tables.result import EventTable
from .events import _result, abnormal_returns_table, load_event_data, resolve_event

#: The score weights (re-exported: the adapters stand on this layer, not on analytics).
DipWeights = ad.DipWeights

DIP_COLUMNS = [
    "rank", "ticker", "event_return", "abnormal_return", "t_stat", "ytd_before", "recovered_share",
    "since_event", "as_of", "next_earnings", "earnings_source", "score", "note", "error", "why",
]


def _runups(frame: pd.DataFrame, ts: pd.Timestamp) -> pd.Series:
    """The run-up before the event (fraction per ticker), each from its own market's last close
    of the previous year: the frame's last row of the year is a US session, when Seoul and
    Tokyo are closed (31 December). NaN without a previous year-end in the data (scored 0)."""
    try:
        runup = ytd_returns(frame, ts)
    except DateRangeError:
        runup = pd.Series(np.nan, index=frame.columns)
    for t in runup.index[runup.isna()]:
        own = frame[[t]].dropna()
        if ts in own.index:
            try:
                runup[t] = ytd_returns(own, ts).iloc[0]
            except DateRangeError:
                pass
    return runup


def dip_screen_table(tickers: Iterable, event, settings: Settings | None = None, as_of=None,
                     weights: ad.DipWeights | None = None, benchmark: str | None = None) -> EventTable:
    """The dip screen of ``tickers`` (the benchmark itself is left out).

    Parameters
    ----------
    tickers:
        Watchlist tickers (indices, ``^...``, and the benchmark are left out: they are not bought).
    event:
        The event date (a non-session maps to the next session, as everywhere).
    as_of:
        The date the recovery is measured at (default: the last close in the data); a
        non-session uses the session before it.
    weights:
        Score weights (default :class:`DipWeights`: drop 1, abnormal 1, unrecovered 1, run-up 0.5).

    Returns
    -------
    EventTable
        ``frame``: :data:`DIP_COLUMNS`; returns, shares and the score are fractions; ``t_stat`` is the
        market-model t of the event-day abnormal return; ``as_of`` and ``next_earnings`` are
        dates (``next_earnings`` empty, with why in ``note``, when no source lists one);
        ``why`` holds the notes as codes (``no_drop``, ``small_drop``, ``no_ytd``, ``no_earnings``)
        for an adapter that shows them in another language. ``recovered_share`` is the raw
        ratio, NaN for a drop under :data:`shockbook.analytics.dip.DIP_MIN_DROP` (3%); the
        score takes it within :data:`shockbook.analytics.dip.SHARE_BOUNDS`. Without a previous
        year-end in the data ``ytd_before`` is NaN (scored 0) and the rows stay.
        A ticker without prices keeps its row, with the error in ``error``.

    Raises
    ------
    InputError
        No tickers, a bad date, or ``as_of`` before the event.
    NoDataError
        No prices at all around the event.
    """
    from .earnings import next_earnings_date

    settings = settings or Settings.from_env()
    weights = weights or ad.DipWeights()
    ev = event if isinstance(event, SessionDate) else resolve_event(event)
    data = load_event_data(list(tickers), ev, settings, benchmark)
    names = [t for t in dict.fromkeys(str(t).strip().upper() for t in tickers if str(t).strip())
             if t != data.benchmark and not t.startswith("^")]  # indices are not bought
    served = [t for t in names if t in data.prices.columns and data.prices[t].notna().any()]
    frame = data.prices[served]
    ts = data.event.timestamp
    measures = ad.recovery_since(frame, ts, as_of, min_drop=ad.DIP_MIN_DROP)
    runup = _runups(frame, ts)
    car = abnormal_returns_table(served, ev, settings, benchmark).frame.set_index("ticker") if served else None
    after = ev.session + dt.timedelta(days=1)
    rows = []
    for t in names:
        row = dict(ticker=t, next_earnings=None, earnings_source="", note="", error="")
        if t not in served:
            row["error"] = data.table.errors.get(t) or NoDataError(f"no {t} prices around the event", ticker=t)
            rows.append(row)
            continue
        m = measures.loc[t]
        row.update(event_return=m["event_return"], since_event=m["since_event"],
                   recovered_share=m["recovered_share"], as_of=m["as_of"].date(), ytd_before=runup.get(t))
        if car is not None and t in car.index:
            row["abnormal_return"] = car.loc[t, "CAR[0,0]"]
            row["t_stat"] = car.loc[t, "t[0,0]"]
        notes, why = [], []  # why: the notes as codes (no_drop, small_drop, no_ytd, no_earnings) for translation
        if pd.isna(m["recovered_share"]):
            no_drop = m["event_return"] >= 0
            why.append("no_drop" if no_drop else "small_drop")
            notes.append("no drop on the event day: no share recovered" if no_drop
                         else f"drop under {ad.DIP_MIN_DROP:.0%}: no share recovered")
        if pd.isna(runup.get(t)):
            why.append("no_ytd")
            notes.append("no close before the event's year start in the data: run-up not computed (scored 0)")
        try:
            found = next_earnings_date(t, settings, as_of=after)
            row["next_earnings"], row["earnings_source"] = found["date"], found["source"]
        except ShockbookError as exc:  # the first clause says it; the rest is how to fill the cache
            why.append("no_earnings")
            notes.append(exc.one_line().split(" (")[0])
        row["note"], row["why"] = "; ".join(notes), " ".join(why)
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in DIP_COLUMNS:
        if col not in out:
            out[col] = np.nan if col not in ("note", "error", "earnings_source", "why") else ""
    ok = np.array([not isinstance(e, ShockbookError) and not e for e in out["error"]])
    out["score"] = np.where(ok, ad.dip_score(out["event_return"], out["abnormal_return"], out["recovered_share"],
                                             out["ytd_before"], weights), np.nan)
    out = out.sort_values("event_return", kind="stable", na_position="last").reset_index(drop=True)
    out["rank"] = out["score"].rank(ascending=False, method="min").astype("Int64")
    return _result(out[DIP_COLUMNS], data, names, weights=weights)

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
from ..data.prices import clean_tickers
from ..errors import DateRangeError, NoDataError, ShockbookError
from ..notes import note
from ..tables.result import EventTable
from .events import _result, abnormal_returns_table, load_event_data, resolve_event
from .markets import needs_markets, per_market

#: The score weights (re-exported: the adapters stand on this layer, not on analytics).
DipWeights = ad.DipWeights

DIP_COLUMNS = [
    "rank", "ticker", "event_return", "abnormal_return", "t_stat", "ytd_before", "recovered_share",
    "since_event", "as_of", "next_earnings", "earnings_source", "score", "note", "error", "why",
]

#: The column a watchlist that spans markets adds (before ``note``): the session each row's
#: market reacted on, "2025-01-31 (first KRX session after 2025-01-27)" as a coded note.
SESSION_COLUMN = "event_session"


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
                     weights: ad.DipWeights | None = None, benchmark: str | None = None,
                     markets=None) -> EventTable:
    """The dip screen of ``tickers`` (the benchmark itself is left out).

    A watchlist that spans markets is screened market by market, each name on its own market's
    sessions: the event is its market's first session after the event date (2025-01-31 in
    Seoul for 2025-01-27), the abnormal return against its market's benchmark, the as-of its
    own last close (:func:`shockbook.tables.markets.per_market`, as the event tables); the rows
    are then ranked together and carry :data:`SESSION_COLUMN` before ``note``. ``markets``
    holds a watchlist's ``exchange``/``benchmark`` columns.

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
        ``why`` holds the notes as codes (``no_drop``, ``small_drop``, ``no_ytd``, ``no_earnings``;
        the data gaps ``no_event_close``, ``no_close_before``, ``no_abnormal``)
        for an adapter that shows them in another language. ``recovered_share`` is the raw
        ratio, NaN for a drop under :data:`shockbook.analytics.dip.DIP_MIN_DROP` (3%); the
        score takes it within :data:`shockbook.analytics.dip.SHARE_BOUNDS`. Without a previous
        year-end in the data ``ytd_before`` is NaN (scored 0) and the rows stay.
        A ticker without prices keeps its row, with the error in ``error``. A missing close is
        a data gap, said as one (``no_event_close``: no event return and no score), never a
        small drop or a missing year-end.

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
    asked = clean_tickers(list(tickers))
    if needs_markets(asked, ev, markets):
        return _per_market(asked, ev, settings, as_of, weights, benchmark, markets)
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
    # each ticker's as-of is its own last close up to the screen's as-of (a name whose data ends
    # earlier says so, not the benchmark's or another name's last date)
    own_as_of = {t: frame.loc[ts:measures["as_of"].iloc[0], t].last_valid_index() for t in served}
    rows = []
    for t in names:
        row = dict(ticker=t, next_earnings=None, earnings_source="", note="", error="")
        no_event_close = t in served and pd.isna(frame[t].get(ts, np.nan))
        if t not in served:
            row["error"] = data.table.errors.get(t) or NoDataError(f"no {t} prices around the event", ticker=t)
            rows.append(row)
            continue
        m = measures.loc[t]
        on = own_as_of.get(t)
        row.update(event_return=m["event_return"], since_event=m["since_event"], recovered_share=m["recovered_share"],
                   as_of=(on if on is not None else m["as_of"]).date(), ytd_before=runup.get(t))
        notes, why = [], []  # why: the notes as codes (no_drop, small_drop, no_ytd, no_earnings) for translation
        if car is not None and t in car.index:
            row["abnormal_return"] = car.loc[t, "CAR[0,0]"]
            row["t_stat"] = car.loc[t, "t[0,0]"]
        if pd.isna(row.get("abnormal_return", np.nan)) and not no_event_close:  # e.g. the benchmark has gaps
            why.append("no_abnormal")
            notes.append(str(car.loc[t, "note"] or "") if car is not None and t in car.index and isinstance(
                car.loc[t, "note"], str) and car.loc[t, "note"] else note("no_data"))
        if pd.isna(m["event_return"]):  # a data gap, never "no drop" nor "small drop"
            why.append("no_event_close" if no_event_close else "no_close_before")
            notes.append(note("no_close_event_session", date=ev.session) if no_event_close
                         else note("no_close_before", date=ev.session))
        elif pd.isna(m["recovered_share"]):
            no_drop = m["event_return"] >= 0
            why.append("no_drop" if no_drop else "small_drop")
            notes.append("no drop on the event day: no share recovered" if no_drop
                         else f"drop under {ad.DIP_MIN_DROP:.0%}: no share recovered")
        if pd.isna(runup.get(t)) and not no_event_close:  # without an event close the gap is said above
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
    # no score without an event return (a data gap is not a zero drop); other missing terms count 0
    ok = np.array([not isinstance(e, ShockbookError) and not e for e in out["error"]]) & out["event_return"].notna().to_numpy()
    out["score"] = np.where(ok, ad.dip_score(out["event_return"], out["abnormal_return"], out["recovered_share"],
                                             out["ytd_before"], weights), np.nan)
    return _result(_ranked(out)[DIP_COLUMNS], data, names, weights=weights)


def _ranked(out: pd.DataFrame) -> pd.DataFrame:
    """Rows worst-hit first (no event return last), ``rank`` 1 = the highest score."""
    out = out.sort_values("event_return", kind="stable", na_position="last").reset_index(drop=True)
    out["rank"] = out["score"].rank(ascending=False, method="min").astype("Int64")
    return out


def _per_market(names: list[str], ev: SessionDate, settings: Settings, as_of, weights: ad.DipWeights,
                benchmark: str | None, markets) -> EventTable:
    """The screen of a watchlist that spans markets: each market screened alone on its own
    sessions, event session and benchmark (:func:`shockbook.tables.markets.per_market`, the
    mapping the event tables use), then all rows sorted and ranked together (scores are
    fractions of each name's own currency). Adds :data:`SESSION_COLUMN`."""
    bench = clean_tickers([benchmark or settings.benchmark])[0]
    names = [t for t in names if t != bench and not t.startswith("^")]  # indices are not bought
    def screen(group, event, settings, bench):  # per_market's call: (tickers, event, settings, benchmark)
        return dip_screen_table(group, event, settings, as_of=as_of, weights=weights, benchmark=bench)

    table = per_market(screen, names, ev, settings, benchmark, markets)
    out = table.frame.copy()
    for col in ("note", "why", "earnings_source"):
        out[col] = out[col].astype(object).where(out[col].notna(), "") if col in out else ""
    out["as_of"] = [v if isinstance(v, dt.date) else None for v in out["as_of"]]
    for col in DIP_COLUMNS:
        if col not in out:
            out[col] = np.nan
    columns = [c for c in DIP_COLUMNS if c not in ("note", "error", "why")] + [SESSION_COLUMN, "note", "error", "why"]
    return table.with_frame(_ranked(out)[columns])

"""Period returns over a wide price frame.

All returns are simple (arithmetic) returns expressed as **fractions** (-0.1697 is -16.97%):

.. math:: R_{t_0 \\to t_1} = P_{t_1} / P_{t_0} - 1

The caller decides whether the frame holds closes or adjusted closes; these functions only
see prices. A ticker whose price is NaN at either end of the period gets NaN (never an
exception); :func:`return_notes` says why. Arguments that cannot be valid (a date that is not
a session, an end before the start) raise :mod:`shockbook.errors` exceptions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DateRangeError, InputError
from .sessions import (
    DateLike,
    check_prices,
    first_valid_positions,
    last_valid_positions,
    previous_year_end_position,
    session_position,
)

RETURN_NAME = "return"


def _return_between(prices: pd.DataFrame, start: int, end: int) -> pd.Series:
    """``P[end] / P[start] - 1`` per column, NaN where either price is NaN or not positive."""
    p0 = prices.iloc[start].to_numpy(dtype="float64")
    p1 = prices.iloc[end].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(p0 > 0, p1 / p0 - 1.0, np.nan)
    return pd.Series(out, index=prices.columns.copy(), name=RETURN_NAME, dtype="float64")


def simple_returns(prices: pd.DataFrame) -> pd.DataFrame:
    """Session-to-session simple returns.

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame (sessions x tickers).

    Returns
    -------
    pandas.DataFrame
        Same shape; row ``t`` holds :math:`P_t / P_{t-1} - 1` as a fraction. The first row,
        and any row where either price is NaN, is NaN: gaps are never filled, so a return is
        never silently spread over several sessions. An empty frame gives an empty frame.
    """
    prices = check_prices(prices)
    previous = prices.shift(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = prices / previous.where(previous > 0) - 1.0
    return out


def event_day_returns(prices: pd.DataFrame, event: DateLike) -> pd.Series:
    """Close-to-close return on the event session (previous session -> event session).

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame (sessions x tickers).
    event : date-like
        The event session; must be in ``prices.index`` and not its first row.

    Returns
    -------
    pandas.Series
        Fraction per ticker, named ``"return"``; NaN where either close is missing (e.g. a
        ticker listed on the event day).

    Raises
    ------
    DateRangeError
        ``event`` is outside the data or is the first session (no previous close).
    NotASessionError
        ``event`` is inside the data but not a session.

    Examples
    --------
    NVDA on 2025-01-27 (the DeepSeek shock) gives about -0.1697.
    """
    prices = check_prices(prices)
    pos = session_position(prices.index, event, "event")
    if pos == 0:
        raise DateRangeError(
            f"event {prices.index[0].date()} is the first session in the data, so there is "
            "no previous close", argument="event", date=prices.index[0],
            valid=(prices.index[min(1, len(prices.index) - 1)], prices.index[-1]))
    return _return_between(prices, pos - 1, pos)


def ytd_returns(prices: pd.DataFrame, event: DateLike, include_event: bool = False) -> pd.Series:
    """Year-to-date return up to the event, from the last session of the previous year.

    The base is the close of the last session before 1 January of the event's year (the
    report's "연초 주가", e.g. 2024-12-31 for an event on 2025-01-27). The end is the session
    before the event (``include_event=False``, the run-up the event interrupted) or the event
    session itself (``include_event=True``).

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame.
    event : date-like
        Event session, must be in ``prices.index``.
    include_event : bool
        Whether the event session's return is part of the period.

    Returns
    -------
    pandas.Series
        Fraction per ticker named ``"return"``; NaN where either close is missing. When the
        event is the first session of its year and ``include_event`` is False, the period is
        empty and every ticker with a base price gets 0.0.

    Raises
    ------
    DateRangeError
        No session of the previous year is in the data, or ``event`` is outside the data.
    NotASessionError
        ``event`` is not a session.
    """
    prices = check_prices(prices)
    pos = session_position(prices.index, event, "event")
    base = previous_year_end_position(prices.index, prices.index[pos], "event")
    end = pos if include_event else pos - 1
    return _return_between(prices, base, end)


def period_returns(prices: pd.DataFrame, start: DateLike, end: DateLike) -> pd.Series:
    """Return from the close of one session to the close of a later one.

    E.g. ``period_returns(close, "2025-01-24", "2025-01-30")`` is the report's "1/30 종가 기준"
    reaction over the holiday week.

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame.
    start, end : date-like
        Sessions in ``prices.index`` with ``start <= end`` (equal dates give 0.0).

    Returns
    -------
    pandas.Series
        Fraction per ticker named ``"return"``; NaN where either close is missing.

    Raises
    ------
    DateRangeError
        ``end`` is before ``start``, or a date is outside the data.
    NotASessionError
        A date is not a session.
    """
    prices = check_prices(prices)
    i0 = session_position(prices.index, start, "start")
    i1 = session_position(prices.index, end, "end")
    if i1 < i0:
        raise DateRangeError(
            f"end {prices.index[i1].date()} is before start {prices.index[i0].date()}",
            start=prices.index[i0], end=prices.index[i1])
    return _return_between(prices, i0, i1)


def since_event_returns(prices: pd.DataFrame, event: DateLike, asof: DateLike | None = None,
                        base: str = "event") -> pd.Series:
    """Return since the event, up to ``asof`` or to each ticker's latest close.

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame.
    event : date-like
        Event session in ``prices.index``.
    asof : date-like, optional
        End session. ``None`` (default) uses, per ticker, its last non-NaN close at or after
        the event (so a ticker delisted later ends on its last trading day; see
        :func:`last_valid_dates`).
    base : {"event", "pre_event"}
        ``"event"`` measures from the event session's close (what happened *after* the shock);
        ``"pre_event"`` from the close of the session before the event (shock included).

    Returns
    -------
    pandas.Series
        Fraction per ticker named ``"return"``; NaN where the base close is missing or the
        ticker has no close after the event.

    Raises
    ------
    InputError
        ``base`` is not one of the two values.
    DateRangeError
        ``asof`` is before the event, a date is outside the data, or ``base="pre_event"`` and
        the event is the first session.
    NotASessionError
        A date is not a session.
    """
    prices = check_prices(prices)
    if base not in ("event", "pre_event"):
        raise InputError(f"base must be 'event' or 'pre_event', not {base!r}", argument="base",
                         valid=("event", "pre_event"))
    pos = session_position(prices.index, event, "event")
    start = pos if base == "event" else pos - 1
    if start < 0:
        raise DateRangeError(f"event {prices.index[pos].date()} is the first session, so there "
                             "is no pre-event close", argument="event", date=prices.index[pos])
    if asof is not None:
        end = session_position(prices.index, asof, "asof")
        if end < pos:
            raise DateRangeError(
                f"asof {prices.index[end].date()} is before event {prices.index[pos].date()}",
                start=prices.index[pos], end=prices.index[end])
        return _return_between(prices, start, end)
    values = prices.to_numpy(dtype="float64")
    last = last_valid_positions(values[pos:])
    p0 = values[start]
    cols = np.arange(values.shape[1])
    p1 = np.where(last >= 0, values[pos + np.maximum(last, 0), cols], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(p0 > 0, p1 / p0 - 1.0, np.nan)
    return pd.Series(out, index=prices.columns.copy(), name=RETURN_NAME, dtype="float64")


def first_valid_dates(prices: pd.DataFrame) -> pd.Series:
    """Per ticker, the first session with a price (NaT if none)."""
    prices = check_prices(prices)
    pos = first_valid_positions(prices.to_numpy(dtype="float64"))
    return _dates_at(prices.index, pos, prices.columns, "first_date")


def last_valid_dates(prices: pd.DataFrame) -> pd.Series:
    """Per ticker, the last session with a price (NaT if none)."""
    prices = check_prices(prices)
    pos = last_valid_positions(prices.to_numpy(dtype="float64"))
    return _dates_at(prices.index, pos, prices.columns, "last_date")


def _dates_at(index: pd.DatetimeIndex, pos: np.ndarray, columns: pd.Index, name: str) -> pd.Series:
    if len(index) == 0:
        return pd.Series(pd.NaT, index=columns.copy(), name=name, dtype="datetime64[ns]")
    dates = index.values[np.maximum(pos, 0)]
    out = pd.Series(dates, index=columns.copy(), name=name)
    out[pos < 0] = pd.NaT
    return out


def return_notes(prices: pd.DataFrame, start: DateLike, end: DateLike) -> pd.Series:
    """Why a period return is NaN, per ticker ("" where both prices exist).

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame.
    start, end : date-like
        The two sessions the return is measured between.

    Returns
    -------
    pandas.Series of str named ``"note"``, e.g. ``"no price on 2024-12-31 (data from
    2025-02-03)"``, ``"no price on 2025-06-30 (data to 2025-05-16)"`` or ``"no data"``.
    """
    prices = check_prices(prices)
    i0 = session_position(prices.index, start, "start")
    i1 = session_position(prices.index, end, "end")
    values = prices.to_numpy(dtype="float64")
    first = first_valid_positions(values)
    last = last_valid_positions(values)
    notes = []
    for j in range(values.shape[1]):  # only builds strings; the maths is elsewhere
        if first[j] < 0:
            notes.append("no data")
            continue
        parts = []
        for pos in (i0, i1):
            if np.isnan(values[pos, j]):
                day = prices.index[pos].date()
                if pos < first[j]:
                    parts.append(f"no price on {day} (data from {prices.index[first[j]].date()})")
                elif pos > last[j]:
                    parts.append(f"no price on {day} (data to {prices.index[last[j]].date()})")
                else:
                    parts.append(f"no price on {day}")
        notes.append("; ".join(dict.fromkeys(parts)))
    return pd.Series(notes, index=prices.columns.copy(), name="note", dtype=object)

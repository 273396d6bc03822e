"""Checking price frames and finding sessions in their index.

Every analytics function takes a *wide price frame*: a :class:`pandas.DataFrame` whose index is
a tz-naive, ascending, duplicate-free :class:`~pandas.DatetimeIndex` of exchange sessions and
whose columns are tickers holding float prices (NaN where a ticker has no data, e.g. before it
was listed). The helpers here validate that shape once and translate dates into positions in
the index, raising :mod:`shockbook.errors` exceptions that name the bad input.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Union

import numpy as np
import pandas as pd

from ..errors import DateRangeError, InputError, NotASessionError

DateLike = Union[str, date, datetime, pd.Timestamp, np.datetime64]


def check_prices(prices: pd.DataFrame, what: str = "prices") -> pd.DataFrame:
    """Validate a wide price frame and return it as float64.

    Parameters
    ----------
    prices : pandas.DataFrame
        Session dates x tickers.
    what : str
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        The same frame with float64 columns (a copy only when a conversion was needed).

    Raises
    ------
    InputError
        Not a DataFrame, index not a tz-naive DatetimeIndex, unsorted or duplicated dates,
        duplicated tickers, or non-numeric columns.
    """
    if not isinstance(prices, pd.DataFrame):
        raise InputError(f"{what} must be a pandas DataFrame of session dates x tickers, "
                         f"not {type(prices).__name__}", argument=what)
    index = prices.index
    if not isinstance(index, pd.DatetimeIndex):
        raise InputError(f"{what} must have a DatetimeIndex of sessions, not {type(index).__name__}",
                         argument=what)
    if index.tz is not None:
        raise InputError(f"{what} must have tz-naive session dates, not {index.tz}", argument=what)
    if not index.is_monotonic_increasing:
        raise InputError(f"{what} dates must be ascending", argument=what)
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise InputError(f"{what} has duplicated session {dup.date()}", argument=what, date=dup)
    if prices.columns.has_duplicates:
        dup = prices.columns[prices.columns.duplicated()][0]
        raise InputError(f"{what} has duplicated ticker column {dup!r}", argument=what, ticker=dup)
    if all(dtype == np.float64 for dtype in prices.dtypes):
        return prices
    try:
        return prices.astype("float64")
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must hold numbers only ({exc})", argument=what) from exc


def to_timestamp(value: DateLike, what: str = "date") -> pd.Timestamp:
    """Turn a date-like value into a tz-naive midnight :class:`~pandas.Timestamp`.

    Raises
    ------
    InputError
        The value cannot be parsed as a date, or it is timezone-aware.
    """
    if value is None:
        raise InputError(f"{what} is missing", argument=what)
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} {value!r} is not a date", argument=what, date=value) from exc
    if stamp is pd.NaT:
        raise InputError(f"{what} is missing (NaT)", argument=what)
    if stamp.tz is not None:
        raise InputError(f"{what} {stamp} must be tz-naive (a session date)", argument=what,
                         date=stamp)
    return stamp.normalize()


def session_position(index: pd.DatetimeIndex, when: DateLike, what: str = "event") -> int:
    """Position of a session in the index.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Ascending session dates.
    when : date-like
        Must be one of the sessions.
    what : str
        Name used in error messages ("event", "start", ...).

    Returns
    -------
    int
        ``i`` such that ``index[i] == when``.

    Raises
    ------
    DateRangeError
        The index is empty or ``when`` lies outside its range (``valid=`` the range).
    NotASessionError
        ``when`` is inside the range but not a session; the neighbouring sessions are named.
    """
    stamp = to_timestamp(when, what)
    if len(index) == 0:
        raise DateRangeError(f"{what} {stamp.date()} cannot be located: the price frame is empty",
                             argument=what, date=stamp, valid=None)
    first, last = index[0], index[-1]
    if stamp < first or stamp > last:
        raise DateRangeError(
            f"{what} {stamp.date()} is outside the data ({first.date()} to {last.date()})",
            argument=what, date=stamp, valid=(first, last))
    pos = int(index.searchsorted(stamp))
    if index[pos] != stamp:
        before, after = index[pos - 1], index[pos]
        raise NotASessionError(
            f"{what} {stamp.date()} is not a session in the data; nearest sessions are "
            f"{before.date()} and {after.date()}",
            argument=what, date=stamp, valid=(before, after))
    return pos


def previous_year_end_position(index: pd.DatetimeIndex, when: DateLike, what: str = "event") -> int:
    """Position of the last session of the year before ``when`` (the report's "연초 주가").

    Raises
    ------
    DateRangeError
        No session in the index falls before 1 January of ``when``'s year.
    """
    stamp = to_timestamp(when, what)
    year_start = pd.Timestamp(year=stamp.year, month=1, day=1)
    pos = int(index.searchsorted(year_start)) - 1
    if pos < 0:
        valid = (index[0], index[-1]) if len(index) else None
        raise DateRangeError(
            f"no session before {year_start.date()} in the data, so the year-end base for "
            f"{what} {stamp.date()} is unknown",
            argument=what, date=stamp, valid=valid)
    return pos


def previous_year_end(index: pd.DatetimeIndex, when: DateLike) -> pd.Timestamp:
    """Last session of the year before ``when``, e.g. 2024-12-31 for 2025-01-27."""
    return index[previous_year_end_position(index, when)]


def last_valid_positions(values: np.ndarray) -> np.ndarray:
    """Per column, the row of the last non-NaN value (-1 for an all-NaN column)."""
    present = ~np.isnan(values)
    if values.shape[0] == 0:
        return np.full(values.shape[1], -1)
    last = values.shape[0] - 1 - np.argmax(present[::-1], axis=0)
    return np.where(present.any(axis=0), last, -1)


def first_valid_positions(values: np.ndarray) -> np.ndarray:
    """Per column, the row of the first non-NaN value (-1 for an all-NaN column)."""
    present = ~np.isnan(values)
    if values.shape[0] == 0:
        return np.full(values.shape[1], -1)
    first = np.argmax(present, axis=0)
    return np.where(present.any(axis=0), first, -1)

"""Market breadth and rankings ("351 up / 152 down", "worst 10 of the S&P 500")."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from .constants import DEFAULT_RANK_N

BREADTH_FIELDS = ("up", "down", "unchanged", "missing", "total")


def _as_return_series(returns, what: str = "returns") -> pd.Series:
    if isinstance(returns, pd.DataFrame):
        raise InputError(f"{what} must be one return per ticker (a Series), not a DataFrame",
                         argument=what)
    if not isinstance(returns, pd.Series):
        try:
            returns = pd.Series(returns, dtype="float64")
        except (TypeError, ValueError) as exc:
            raise InputError(f"{what} must be a Series of returns by ticker ({exc})",
                             argument=what) from exc
    if returns.index.has_duplicates:
        dup = returns.index[returns.index.duplicated()][0]
        raise InputError(f"{what} has duplicated ticker {dup!r}", argument=what, ticker=dup)
    try:
        return returns.astype("float64")
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must hold numbers only ({exc})", argument=what) from exc


def breadth(returns: pd.Series | pd.DataFrame, tolerance: float = 0.0) -> pd.Series | pd.DataFrame:
    """Count advancing, declining, unchanged and missing tickers.

    Parameters
    ----------
    returns : pandas.Series or pandas.DataFrame
        A Series of one return per ticker, or a frame of sessions x tickers (one breadth row
        per session).
    tolerance : float
        Returns with :math:`|r| \\le` ``tolerance`` count as unchanged (default 0: only an exact
        zero). Must be >= 0.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        Integer counts ``up``, ``down``, ``unchanged``, ``missing`` (NaN returns) and
        ``total`` (= all four). For a frame, one row per session with these columns. Empty
        input gives zeros.

    Raises
    ------
    InputError
        ``tolerance`` is negative or not finite.
    """
    if not np.isfinite(tolerance) or tolerance < 0:
        raise InputError(f"tolerance must be a number >= 0, not {tolerance!r}", argument="tolerance")
    if isinstance(returns, pd.DataFrame):
        values = returns.to_numpy(dtype="float64")
        axis = 1
    else:
        values = _as_return_series(returns).to_numpy()
        axis = 0
    missing = np.isnan(values)
    with np.errstate(invalid="ignore"):
        up = (values > tolerance).sum(axis=axis)
        down = (values < -tolerance).sum(axis=axis)
    unchanged = (~missing).sum(axis=axis) - up - down
    counts = [up, down, unchanged, missing.sum(axis=axis), np.full_like(up, values.shape[axis])]
    if axis == 1:
        table = pd.DataFrame(dict(zip(BREADTH_FIELDS, counts, strict=True)), index=returns.index.copy())
        return table.astype("int64")
    return pd.Series([int(c) for c in counts], index=list(BREADTH_FIELDS), name="breadth",
                     dtype="int64")


def _lookup(labels: Mapping | pd.Series | None, tickers: pd.Index) -> list[str]:
    if labels is None:
        return [""] * len(tickers)
    get = labels.get
    out = []
    for t in tickers:
        value = get(t, "")
        out.append("" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value))
    return out


def rank_returns(returns: pd.Series, n: int | None = DEFAULT_RANK_N, worst: bool = True,
                 names: Mapping | pd.Series | None = None,
                 sectors: Mapping | pd.Series | None = None) -> pd.DataFrame:
    """The ``n`` worst (or best) returns, with a deterministic order.

    Tickers are sorted by return (ascending for ``worst=True``, descending otherwise); equal
    returns are ordered by ticker (A before B) so the result never depends on input order.
    NaN returns are left out.

    Parameters
    ----------
    returns : pandas.Series
        One return per ticker (fractions), indexed by ticker.
    n : int or None
        How many rows (default 10); ``None`` ranks every ticker with a return. If fewer
        tickers have a return, all of them are returned.
    worst : bool
        True ranks from the lowest return (rank 1 = worst), False from the highest.
    names, sectors : mapping or Series, optional
        Ticker -> company name / sector; a ticker not found gets "".

    Returns
    -------
    pandas.DataFrame
        Columns ``ticker``, ``name``, ``sector``, ``return`` (fraction), ``rank`` (1..n),
        with a default RangeIndex. Empty (same columns) when no ticker has a return.

    Raises
    ------
    InputError
        ``n`` is not a positive whole number, or ``returns`` is not one number per ticker.
    """
    series = _as_return_series(returns)
    if n is not None:
        if isinstance(n, bool) or not float(n).is_integer() or n < 1:
            raise InputError(f"n must be a whole number >= 1, not {n!r}", argument="n", valid=">= 1")
        n = int(n)
    valid = series.dropna()
    tickers = valid.index.astype(str).to_numpy()
    values = valid.to_numpy()
    key = values if worst else -values
    order = np.lexsort((tickers, key))  # last key is primary: return, then ticker
    if n is not None:
        order = order[:n]
    picked = valid.index[order]
    return pd.DataFrame({
        "ticker": [str(t) for t in picked],
        "name": _lookup(names, picked),
        "sector": _lookup(sectors, picked),
        "return": values[order].astype("float64"),
        "rank": np.arange(1, len(order) + 1, dtype="int64"),
    })

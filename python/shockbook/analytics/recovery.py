"""How far, and how fast, prices came back after the event-day move.

The report's question after 1/27: "most AI-infrastructure names bounced" (대부분 반등에 성공);
PLTR "fell 4.5% on 1/27 but immediately regained its previous level".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import DateRangeError, InputError
from ..notes import note
from .constants import DEFAULT_RECOVERY_HORIZONS
from .sessions import DateLike, check_prices, last_valid_positions, session_position


def _check_horizons(horizons: Sequence[int]) -> tuple[int, ...]:
    try:
        raw = list(horizons)
        out = tuple(int(h) for h in raw)
    except (TypeError, ValueError) as exc:
        raise InputError(f"horizons must be whole numbers of sessions, not {horizons!r}",
                         argument="horizons") from exc
    if any(h < 1 for h in out) or any(float(h) != float(o) for h, o in zip(out, raw, strict=True)):
        raise InputError(f"horizons must be whole numbers of sessions >= 1, not {tuple(raw)}",
                         argument="horizons", valid=">= 1")
    return out


def recovery(prices: pd.DataFrame, event: DateLike,
             horizons: Sequence[int] = DEFAULT_RECOVERY_HORIZONS) -> pd.DataFrame:
    """Sessions needed to regain the pre-event close, and share of the drop recovered.

    Let :math:`P_{-1}` be the close of the session before the event, :math:`P_0` the event
    close and :math:`P_h` the close ``h`` sessions after the event (sessions of the frame's
    index, not of each ticker's own data).

    * ``sessions_to_recover`` is the smallest :math:`k \\ge 0` with
      :math:`P_k \\ge P_{-1}`: 0 for a ticker that did not fall on the event day, NaN while
      the pre-event close has not been regained ("not yet": see ``last_date``).
    * ``recovered_<h>`` is the fraction of the event-day drop recovered after ``h`` sessions,

      .. math:: \\frac{P_h - P_0}{P_{-1} - P_0}

      1.0 means fully recovered, above 1 more than recovered, below 0 fell further. It is
      defined only for tickers that fell on the event day (:math:`P_0 < P_{-1}`); for the
      others it is NaN and ``note`` holds the code ``did_not_fall`` ("did not fall on the
      event day").

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame (closes or adjusted closes, the caller's choice).
    event : date-like
        The event session; must be in the index and not its first row.
    horizons : sequence of int
        Sessions after the event, each >= 1 (default ``(1, 5, 20)``).

    Returns
    -------
    pandas.DataFrame
        Index ticker; columns ``pre_event_close``, ``event_close``, ``event_return``
        (fraction), ``sessions_to_recover`` (float, NaN = not yet), ``recovered_on``
        (session or NaT), ``last_date`` (last session with data), ``recovered_<h>`` per
        horizon (fraction), and ``note`` ("" when nothing to report; else codes of
        :mod:`shockbook.notes`, "; "-separated: ``no_close``, ``did_not_fall``,
        ``not_regained``, ``horizon_beyond_data``, ``no_close_at_horizon``). A horizon beyond the
        data, or a ticker without a close there, gives NaN with a note. A ticker missing the
        pre-event or event close gets NaN everywhere but ``last_date`` and a note.

    Raises
    ------
    DateRangeError
        The event is outside the data or is its first session.
    NotASessionError
        The event is not a session.
    InputError
        A horizon is not a whole number >= 1.
    """
    prices = check_prices(prices)
    hs = _check_horizons(horizons)
    index = prices.index
    pos = session_position(index, event, "event")
    if pos == 0:
        raise DateRangeError(f"event {index[0].date()} is the first session, so there is no "
                             "pre-event close", argument="event", date=index[0])
    values = prices.to_numpy(dtype="float64")
    n_rows, n_cols = values.shape
    before, at = values[pos - 1], values[pos]
    both = ~np.isnan(before) & ~np.isnan(at)
    fell = both & (at < before)

    # First session k >= 0 at which the close is back at or above the pre-event close.
    ahead = values[pos:]
    with np.errstate(invalid="ignore"):
        regained = ahead >= before[None, :]
    any_regained = regained.any(axis=0) & both
    k = np.argmax(regained, axis=0).astype("float64")
    k[~any_regained] = np.nan
    last = last_valid_positions(values)
    recovered_on = pd.Series(pd.NaT, index=prices.columns.copy(), dtype="datetime64[ns]")
    hit = np.flatnonzero(any_regained)
    recovered_on.iloc[hit] = index.values[pos + k[hit].astype(int)]

    out = pd.DataFrame(index=prices.columns.copy())
    out.index.name = "ticker"
    out["pre_event_close"] = np.where(both, before, np.nan)
    out["event_close"] = np.where(both, at, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["event_return"] = np.where(both & (before > 0), at / before - 1.0, np.nan)
    out["sessions_to_recover"] = k
    out["recovered_on"] = recovered_on.to_numpy()
    last_dates = pd.Series(pd.NaT, index=prices.columns.copy(), dtype="datetime64[ns]")
    has = np.flatnonzero(last >= 0)
    last_dates.iloc[has] = index.values[last[has]]
    out["last_date"] = last_dates.to_numpy()

    notes: list[list[str]] = [[] for _ in range(n_cols)]
    for j in np.flatnonzero(~both):
        missing = [str(index[p].date()) for p in (pos - 1, pos) if np.isnan(values[p, j])]
        notes[j].append(note("no_close", dates=missing))
    for j in np.flatnonzero(both & ~fell):
        notes[j].append(note("did_not_fall"))
    for j in np.flatnonzero(both & ~any_regained):
        last_day = index[last[j]].date() if last[j] >= 0 else "?"
        notes[j].append(note("not_regained", date=last_day))

    drop = before - at
    for h in hs:
        col = f"recovered_{h}"
        if pos + h >= n_rows:
            out[col] = np.nan
            for j in np.flatnonzero(fell):
                notes[j].append(note("horizon_beyond_data", h=h, end=index[-1].date()))
            continue
        later = values[pos + h]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[col] = np.where(fell, (later - at) / drop, np.nan)
        for j in np.flatnonzero(fell & np.isnan(later)):
            notes[j].append(note("no_close_at_horizon", date=index[pos + h].date(), h=h))
    out["note"] = ["; ".join(n) for n in notes]
    return out


def returns_after(prices: pd.DataFrame, event: DateLike,
                  horizons: Sequence[int] = DEFAULT_RECOVERY_HORIZONS) -> pd.DataFrame:
    """Return since the event close, ``h`` sessions after the event, per horizon.

    .. math:: R_h = P_h / P_0 - 1

    where :math:`P_0` is the event close and :math:`P_h` the close ``h`` sessions later
    (sessions of the frame's index). Unlike the share of the drop recovered, this reads well
    for any move, small or large, up or down.

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame, cut at the as-of date if there is one (a horizon beyond the last
        session is not known yet).
    event : date-like
        The event session; must be in the index.
    horizons : sequence of int
        Sessions after the event, each >= 1 (default ``(1, 5, 20)``).

    Returns
    -------
    pandas.DataFrame
        Index ticker; one column ``return_<h>`` per horizon (a fraction), NaN where the horizon
        is beyond the data or either close is missing.

    Raises
    ------
    NotASessionError, DateRangeError
        ``event`` is not a session of the data.
    InputError
        A horizon is not a whole number >= 1.
    """
    prices = check_prices(prices)
    hs = _check_horizons(horizons)
    pos = session_position(prices.index, event, "event")
    values = prices.to_numpy(dtype="float64")
    at = values[pos]
    out = pd.DataFrame(index=prices.columns.copy())
    out.index.name = "ticker"
    for h in hs:
        later = values[pos + h] if pos + h < len(values) else np.full_like(at, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"return_{h}"] = np.where(at > 0, later / at - 1.0, np.nan)
    return out

"""Price paths rebased to 100, as in the report's figures 6-11 ("연초 주가 상회/하회")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .constants import REBASE_LEVEL
from .sessions import DateLike, check_prices, previous_year_end_position, session_position


def rebased_paths(prices: pd.DataFrame, base_date: DateLike | None = None,
                  event: DateLike | None = None, level: float = REBASE_LEVEL) -> pd.DataFrame:
    """Prices divided by their price on a base session, times ``level`` (100).

    .. math:: I_t = \\text{level} \\times P_t / P_{\\text{base}}

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame.
    base_date : date-like, optional
        Base session (must be in the index). Default: the last session of the year before
        ``event`` (the report's "연초 주가", 2024-12-31 for the 2025-01-27 event).
    event : date-like, optional
        Only used to find the default base; need not be a session.
    level : float
        Value of every path on the base session (default 100).

    Returns
    -------
    pandas.DataFrame
        Same shape as ``prices``. A column whose base price is NaN (listed after the base
        session) or not positive is all NaN; NaN prices stay NaN.

    Raises
    ------
    InputError
        Neither ``base_date`` nor ``event`` is given, or ``level`` is not a positive number.
    DateRangeError, NotASessionError
        ``base_date`` is not a session of the data, or no session precedes ``event``'s year.
    """
    prices = check_prices(prices)
    if not np.isfinite(level) or level <= 0:
        raise InputError(f"level must be a positive number, not {level!r}", argument="level")
    if base_date is not None:
        pos = session_position(prices.index, base_date, "base_date")
    elif event is not None:
        pos = previous_year_end_position(prices.index, event, "event")
    else:
        raise InputError("rebased_paths needs base_date or event (to default the base to the "
                         "last session of the previous year)", argument="base_date")
    base = prices.iloc[pos].to_numpy(dtype="float64")
    base = np.where(base > 0, base, np.nan)
    return prices.div(base, axis=1) * level  # P/P is exactly 1, so the base row is exactly level


def above_base(paths: pd.DataFrame, level: float = REBASE_LEVEL) -> pd.DataFrame:
    """Whether each rebased value is at or above the base level.

    Parameters
    ----------
    paths : pandas.DataFrame
        Output of :func:`rebased_paths` (same ``level``).
    level : float
        The base level (default 100).

    Returns
    -------
    pandas.DataFrame
        Nullable ``boolean`` dtype: True where ``paths >= level``, False where below, and
        ``<NA>`` where the path is NaN (never silently False).
    """
    paths = check_prices(paths, "paths")
    flags = (paths >= level).astype("boolean")
    return flags.mask(paths.isna())

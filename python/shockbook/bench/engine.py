"""Benchmark: the vectorised analytics against per-ticker Python loops, in the same run.

Both sides get the same price frame and must agree on the answer; the timings are the best of
``repeats`` runs measured with :func:`time.perf_counter`. Nothing here asserts on speed: the
numbers are reported, not judged.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..analytics.breadth import breadth, rank_returns
from ..analytics.constants import BENCH_REPEATS, DEFAULT_RANK_N
from ..analytics.eventstudy import event_study, naive_market_model_loop
from ..analytics.returns import event_day_returns
from ..analytics.sessions import DateLike, check_prices, session_position
from ..errors import InputError


def _best_of(func: Callable[[], object], repeats: int) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def _vectorised_breadth_rank(prices: pd.DataFrame, event: DateLike, n: int) -> tuple:
    returns = event_day_returns(prices, event)
    counts = breadth(returns)
    worst = rank_returns(returns, n=n, worst=True)
    best = rank_returns(returns, n=n, worst=False)
    return counts, list(worst["ticker"]), list(best["ticker"])


def _loop_breadth_rank(prices: pd.DataFrame, event: DateLike, n: int) -> tuple:
    """The obvious per-ticker loop: one column at a time, plain Python arithmetic."""
    pos = session_position(prices.index, event, "event")
    up = down = unchanged = missing = 0
    pairs = []
    for ticker in prices.columns:
        column = prices[ticker]
        before, after = float(column.iloc[pos - 1]), float(column.iloc[pos])
        if math.isnan(before) or math.isnan(after) or before <= 0:
            missing += 1
            continue
        ret = after / before - 1.0
        if ret > 0:
            up += 1
        elif ret < 0:
            down += 1
        else:
            unchanged += 1
        pairs.append((ret, str(ticker)))
    worst = [t for _, t in sorted(pairs)[:n]]
    best = [t for _, t in sorted(pairs, key=lambda p: (-p[0], p[1]))[:n]]
    counts = {"up": up, "down": down, "unchanged": unchanged, "missing": missing,
              "total": len(prices.columns)}
    return counts, worst, best


def bench_engine(prices: pd.DataFrame, benchmark: str, event: DateLike,
                 repeats: int = BENCH_REPEATS, n: int = DEFAULT_RANK_N) -> dict:
    """Time the engine's vectorised paths against per-ticker loops on the same data.

    Two workloads, each run ``repeats`` times (best time kept) in both forms:

    * **breadth + rank**: event-day returns of every column, up/down counts, worst and best
      ``n``;
    * **market model + CARs**: :func:`~shockbook.analytics.eventstudy.event_study` with the
      default windows for every column but the benchmark, against
      :func:`~shockbook.analytics.eventstudy.naive_market_model_loop`.

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame (e.g. the 516 columns of the shared dataset).
    benchmark : str
        Benchmark column for the market model (e.g. ``"^GSPC"``).
    event : date-like
        Event session.
    repeats : int
        Runs per timing (>= 1).
    n : int
        Size of the worst/best lists.

    Returns
    -------
    dict
        ``n_tickers``, ``n_sessions``, ``repeats``; per workload ``<name>_vectorised_s``,
        ``<name>_loop_s`` (seconds) and ``<name>_speedup`` (loop / vectorised); and the
        agreement checks ``breadth_rank_agree`` (bool), ``max_abs_diff_alpha``,
        ``max_abs_diff_beta``, ``max_abs_diff_car`` between the two market-model paths.

    Raises
    ------
    InputError
        ``repeats`` < 1, or the inputs are invalid for the analytics functions.
    """
    if isinstance(repeats, bool) or int(repeats) != repeats or repeats < 1:
        raise InputError(f"repeats must be a whole number >= 1, not {repeats!r}", argument="repeats")
    repeats = int(repeats)
    prices = check_prices(prices)

    vec_s, vec = _best_of(lambda: _vectorised_breadth_rank(prices, event, n), repeats)
    loop_s, loop = _best_of(lambda: _loop_breadth_rank(prices, event, n), repeats)
    agree = vec[0].to_dict() == loop[0] and vec[1] == loop[1] and vec[2] == loop[2]

    mm_vec_s, study = _best_of(lambda: event_study(prices, benchmark, event), repeats)
    mm_loop_s, naive = _best_of(lambda: naive_market_model_loop(prices, benchmark, event), repeats)
    table = study.table().loc[naive.index]
    car_cols = [c for c in naive.columns if c.startswith("CAR")]

    def max_diff(a: pd.DataFrame | pd.Series, b) -> float:
        diff = np.abs(np.asarray(a, dtype="float64") - np.asarray(b, dtype="float64"))
        return float(np.nanmax(diff)) if np.isfinite(diff).any() else float("nan")

    return {
        "n_tickers": int(prices.shape[1]),
        "n_sessions": int(prices.shape[0]),
        "repeats": repeats,
        "breadth_rank_vectorised_s": vec_s,
        "breadth_rank_loop_s": loop_s,
        "breadth_rank_speedup": loop_s / vec_s if vec_s > 0 else float("inf"),
        "breadth_rank_agree": bool(agree),
        "market_model_vectorised_s": mm_vec_s,
        "market_model_loop_s": mm_loop_s,
        "market_model_speedup": mm_loop_s / mm_vec_s if mm_vec_s > 0 else float("inf"),
        "max_abs_diff_alpha": max_diff(table["alpha"], naive["alpha"]),
        "max_abs_diff_beta": max_diff(table["beta"], naive["beta"]),
        "max_abs_diff_car": max_diff(table[car_cols], naive[car_cols]),
    }

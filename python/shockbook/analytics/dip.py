"""The buy-the-dip screen's measures: how far a name fell on the event day, how much of that
drop it has won back by an as-of date, and a transparent weighted score.

The report's action item ("1/27 주가 반응 과도, 낙폭 과대 종목 위주의 저가매수 전략 유효 …
실적 발표 일정을 함께 체크") asks for the names that fell most. These functions are pure: a
wide price frame (sessions x tickers) and explicit dates in, numbers out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DateRangeError, InputError
from .returns import event_day_returns
from .sessions import session_position

#: Smallest event-day drop for which a share recovered is computed (a fraction): below it the
#: share is noise (a -0.3% day "recovered" 3,500%). The event table's rule.
MIN_DROP = 0.01

#: The dip screen's smallest drop with a share recovered: 3%, about one and a half ordinary
#: days of the median watchlist name (daily volatility about 2% in 2024). Under it a name did
#: not fall more than on a normal day, so it is no dip to buy, and its share is noise: one
#: ordinary +2% day "recovers" 180% of a 1.1% drop but 67% of a 3% drop.
DIP_MIN_DROP = 0.03

#: The range a share recovered is shown and scored in (fractions): -100% (fell as far again
#: after the event) to +300% (won back three times the drop). Beyond it the ratio says more
#: about the drop's size than about the recovery; the raw value stays in the data.
SHARE_BOUNDS = (-1.0, 3.0)


def asof_session(prices: pd.DataFrame, event, as_of=None) -> pd.Timestamp:
    """The as-of session: the last session of ``prices`` on or before ``as_of`` (default: the
    last session), never before the event session.

    Raises
    ------
    DateRangeError
        ``as_of`` is before the event.
    """
    ev = pd.Timestamp(event)
    index = prices.index[prices.index >= ev]
    if as_of is None:
        return index[-1]
    day = pd.Timestamp(as_of)
    if day < ev:
        raise DateRangeError(f"as-of {day.date()} is before the event {ev.date()}", start=ev.date(), end=day.date())
    return index[index <= day][-1]


def recovery_since(prices: pd.DataFrame, event, as_of=None, min_drop: float = MIN_DROP) -> pd.DataFrame:
    """Per ticker: ``event_return`` (previous close -> event close), ``since_event`` (event
    close -> as-of close) and ``recovered_share`` = (as-of close - event close) /
    (previous close - event close): 0 none of the drop won back, 1 all of it, above 1 more.

    ``recovered_share`` is NaN for a name that did not fall by at least ``min_drop`` (a
    fraction, default :data:`MIN_DROP`).
    A ticker without a close on the as-of session uses its last close before it.

    Returns
    -------
    pandas.DataFrame
        Indexed by ticker; fractions (0.05 = 5%); ``as_of`` the as-of session (Timestamp).
    """
    ev = pd.Timestamp(event)
    pos = session_position(prices.index, ev)
    before = prices.iloc[pos - 1]
    at_event = prices.iloc[pos]
    end = asof_session(prices, ev, as_of)
    window = prices.loc[ev:end]
    last = window.ffill().iloc[-1]
    out = pd.DataFrame(index=prices.columns)
    out["event_return"] = event_day_returns(prices, ev)
    out["since_event"] = last / at_event - 1.0
    drop = before - at_event
    share = (last - at_event) / drop
    out["recovered_share"] = share.where(out["event_return"] <= -min_drop)
    out["as_of"] = end
    return out


@dataclass(frozen=True)
class DipWeights:
    """Weights of the dip score (each a plain multiplier; 0 switches a term off).

    score = drop x (-event_return) + abnormal x (-abnormal_return) + unrecovered x
    (-event_return) x max(0, 1 - recovered_share) - runup x ytd_before

    All terms are fractions, so the score is in return units: a name that fell 10% (abnormal
    -8%), won back a quarter of it and had run up 20% before scores 0.10 + 0.08 + 0.075 - 0.10
    = 0.155 with unit weights.
    """

    drop: float = 1.0
    abnormal: float = 1.0
    unrecovered: float = 1.0
    runup: float = 0.5

    def __post_init__(self):
        for name in ("drop", "abnormal", "unrecovered", "runup"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value):
                raise InputError(f"dip weight {name} must be a number, not {value!r}", argument=f"w_{name}",
                                 value=value)


def dip_score(event_return, abnormal_return, recovered_share, ytd_before, weights: DipWeights = DipWeights()):
    """The weighted dip score of :class:`DipWeights` (arrays or scalars; NaN terms count 0,
    a NaN recovered share counts as nothing recovered, more than all of it as all of it, and a
    share below -100% as -100%: the share is taken within :data:`SHARE_BOUNDS`, as the sheet
    shows it and its score formula reads it)."""
    drop = -np.nan_to_num(np.asarray(event_return, dtype=float))
    abnormal = -np.nan_to_num(np.asarray(abnormal_return, dtype=float))
    share = np.clip(np.nan_to_num(np.asarray(recovered_share, dtype=float)), *SHARE_BOUNDS)
    left = np.maximum(0.0, 1.0 - share)
    runup = np.nan_to_num(np.asarray(ytd_before, dtype=float))
    return (weights.drop * drop + weights.abnormal * abnormal + weights.unrecovered * drop * left
            - weights.runup * runup)

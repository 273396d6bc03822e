"""The pure analytics core of shockbook: prices in, numbers out.

Inputs are pandas objects (a wide price frame of sessions x tickers, and explicit dates);
outputs are Series/DataFrames ready for the tables layer. Nothing here does I/O, touches
Excel, or imports :mod:`shockbook.data`.
"""

from .baskets import basket_returns, basket_spread
from .breadth import breadth, rank_returns
from .eventstudy import (
    EventStudy,
    MarketModel,
    abnormal_returns,
    bmp_test,
    event_study,
    kolari_pynnonen_adjustment,
    market_model,
    mean_pairwise_correlation,
    naive_market_model_loop,
    normal_two_sided_p,
    window_label,
)
from .paths import above_base, rebased_paths
from .recovery import recovery, returns_after
from .returns import (
    event_day_returns,
    first_valid_dates,
    last_valid_dates,
    period_returns,
    return_notes,
    simple_returns,
    since_event_returns,
    ytd_returns,
)
from .sessions import check_prices, previous_year_end, session_position

__all__ = [
    "EventStudy", "MarketModel", "above_base", "abnormal_returns", "basket_returns",
    "basket_spread", "bmp_test", "breadth", "check_prices", "event_day_returns", "event_study",
    "first_valid_dates", "kolari_pynnonen_adjustment", "last_valid_dates", "market_model",
    "mean_pairwise_correlation", "naive_market_model_loop", "normal_two_sided_p",
    "period_returns", "previous_year_end", "rank_returns", "rebased_paths", "recovery", "returns_after",
    "return_notes", "session_position", "simple_returns", "since_event_returns", "window_label",
    "ytd_returns",
]

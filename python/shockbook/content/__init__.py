"""The report's curated content as validated data files, their loaders and calculators.

Data files (``content/data/``, editable without touching Python):

* ``opinions.yaml``        table 1, opinions on DeepSeek (user rows: ``$SHOCKBOOK_OPINIONS_FILE``)
* ``scaling.yaml``         table 2, training vs test-time scaling
* ``model_metrics.csv``    figures 1-4, 14-16: quality index, API prices, benchmarks, training
  cost, speed/latency, Epoch AI trade-off spans (user rows: ``$SHOCKBOOK_METRICS_FILE``)
* ``earnings_calls.yaml``  table 3, earnings-call notes
* ``report_calendar.csv``  table 4, February 2025 report calendar
* ``report.yaml``          the report's event date, month, watchlist, indices, figure pairs

Every loader returns :class:`Loaded` ``(rows, errors)``; malformed rows are reported with file,
row, line and field and left out, valid rows still load; ``strict=True`` raises
:class:`~shockbook.errors.ContentError`.
"""

from ._rows import Loaded
from .calculators import (
    ApiPrice,
    ComputeSplit,
    TrainingCostRatio,
    WorkloadCost,
    api_cost,
    api_cost_ratio,
    api_price,
    api_prices,
    blended_price_ratio,
    compute_split,
    resolve_name,
    tradeoff_k,
    training_cost_ratios,
    training_share,
    workload_cost,
)
from .calls import EarningsCall, eok_to_usd, load_calls
from .metrics import Metric, blended_price, load_metrics
from .opinions import Opinion, load_opinions
from .report_calendar import CalendarEntry, load_calendar
from .scaling import ScalingAspect, load_scaling

__all__ = [
    "Loaded",
    "Opinion", "load_opinions",
    "ScalingAspect", "load_scaling",
    "Metric", "load_metrics", "blended_price",
    "EarningsCall", "load_calls", "eok_to_usd",
    "CalendarEntry", "load_calendar",
    "ApiPrice", "WorkloadCost", "TrainingCostRatio", "ComputeSplit",
    "api_prices", "api_price", "workload_cost", "api_cost", "api_cost_ratio",
    "blended_price_ratio", "training_cost_ratios", "training_share", "tradeoff_k",
    "compute_split", "resolve_name",
]

"""Builders of tiny named price frames for the analytics tests."""

from __future__ import annotations

import pandas as pd


def frame(columns: dict[str, list[float]], start: str = "2024-12-27") -> pd.DataFrame:
    """Price frame on consecutive business days from ``start`` (tz-naive, named ``date``)."""
    length = len(next(iter(columns.values())))
    index = pd.bdate_range(start, periods=length, name="date")
    return pd.DataFrame(columns, index=index, dtype="float64")

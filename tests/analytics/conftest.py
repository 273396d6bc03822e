"""Fixtures for the analytics tests: tiny named price frames and the shared real dataset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analytics_frames import frame

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture
def flat_line() -> pd.DataFrame:
    """One ticker that never moves."""
    return frame({"FLAT": [50.0] * 6})


@pytest.fixture
def one_up_one_down() -> pd.DataFrame:
    """UP rises 10% on day 3, DOWN falls 20% then recovers in two steps."""
    return frame({
        #         12-27  12-30  12-31  01-01  01-02  01-03
        "UP":   [100.0, 100.0, 100.0, 110.0, 110.0, 121.0],
        "DOWN": [100.0, 100.0, 100.0, 80.0, 90.0, 100.0],
    })


@pytest.fixture
def ticker_listed_late() -> pd.DataFrame:
    """NEW has no price before the fourth session."""
    return frame({
        "OLD": [10.0, 11.0, 12.0, 13.0, 14.0, 15.0],
        "NEW": [np.nan, np.nan, np.nan, 20.0, 22.0, 24.0],
    })


@pytest.fixture
def mixed_with_nan() -> pd.DataFrame:
    """Up, down, unchanged and missing on the last session."""
    return frame({
        "A": [10.0, 10.0, 11.0],
        "B": [10.0, 10.0, 9.0],
        "C": [10.0, 10.0, 10.0],
        "D": [10.0, 10.0, np.nan],
        "E": [np.nan, np.nan, 5.0],
    })


@pytest.fixture(scope="session")
def close_wide() -> pd.DataFrame:
    path = SHARED_DATA / "close_wide.csv"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    return pd.read_csv(path, index_col="date", parse_dates=["date"])


@pytest.fixture(scope="session")
def constituents() -> pd.DataFrame:
    path = SHARED_DATA / "sp500_constituents_2025-01-27.csv"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    return pd.read_csv(path)


@pytest.fixture(scope="session")
def sp500(close_wide, constituents) -> pd.DataFrame:
    """Closes of the 503 members on 2025-01-27 plus ^GSPC as the last column."""
    members = list(constituents["yahoo_ticker"])
    return close_wide[members + ["^GSPC"]]

"""The engine benchmark returns timings and agreement checks (no timed assertions)."""

import numpy as np
import pandas as pd
import pytest
from shockbook.bench import bench_engine
from shockbook.errors import InputError


@pytest.fixture(scope="module")
def prices():
    rng = np.random.default_rng(5)
    index = pd.bdate_range("2024-01-02", periods=280, name="date")
    rm = rng.normal(0.0, 0.01, (280, 1))
    r = 0.8 * rm + rng.normal(0.0, 0.01, (280, 30))
    frame = pd.DataFrame(100 * np.cumprod(1 + np.hstack([rm, r]), axis=0), index=index,
                         columns=["IDX"] + [f"T{i:02d}" for i in range(30)])
    frame.iloc[:100, 5] = np.nan        # one late listing
    return frame


def test_bench_reports_timings_and_agreement(prices):
    result = bench_engine(prices, "IDX", prices.index[255], repeats=1)
    assert result["n_tickers"] == 31 and result["n_sessions"] == 280 and result["repeats"] == 1
    for key in ("breadth_rank", "market_model"):
        assert result[f"{key}_vectorised_s"] > 0 and result[f"{key}_loop_s"] > 0
        ratio = result[f"{key}_loop_s"] / result[f"{key}_vectorised_s"]
        assert result[f"{key}_speedup"] == pytest.approx(ratio)
    assert result["breadth_rank_agree"] is True
    assert result["max_abs_diff_alpha"] < 1e-10 and result["max_abs_diff_beta"] < 1e-10
    assert result["max_abs_diff_car"] < 1e-10


@pytest.mark.parametrize("repeats", [0, -1, 1.5])
def test_bad_repeats(prices, repeats):
    with pytest.raises(InputError, match="repeats"):
        bench_engine(prices, "IDX", prices.index[255], repeats=repeats)

"""The benchmark's request counts (not its timings: speed is measured, never asserted)."""

import pytest

from shockbook.bench.data import bench_data
from shockbook.bench.engine import bench_engine


def test_warm_refresh_makes_no_request_and_cold_one_per_ticker(prices_path):
    report = ["NVDA", "AVGO", "VST", "^GSPC"]
    universe = ["AAPL", "MSFT", "GEV", "PLTR", "TSLA", "ORCL"]
    result = bench_data(prices_path, universe, latency=0.0, workers=4, report=report)
    for name, tickers in (("report_4x6", report), ("universe_6x1", universe)):
        case = result[name]
        assert case["naive_cells"]["price_requests"] == case["cells"]  # one call per ticker per cell
        assert case["cold_cells"]["price_requests"] == len(tickers)
        assert case["cold_refresh_one_call"]["price_requests"] == len(tickers)
        assert case["warm_price_requests"] == 0
    assert result["warm_lookup_median_ms"] > 0
    cold = result["cold_fetch_6"]
    for path in ("serial", "concurrent"):
        assert cold[path]["price_requests"] == len(universe)  # one chart request per ticker
        assert cold[path]["timezone_requests"] == 0 and cold[path]["chart_requests_per_ticker"] == 1
        assert cold[path]["warm_refresh"]["all_requests"] == 0
    assert (cold["serial"]["workers"], cold["concurrent"]["workers"]) == (1, 8)


def test_engine_bench_agrees_with_the_loop(prices_path):
    from shockbook.data.snapshot import SnapshotSource
    import datetime as dt

    prices = SnapshotSource(prices_path).fetch(["NVDA", "AVGO", "VST", "^GSPC"], dt.date(2024, 1, 2), dt.date(2025, 6, 30))
    result = bench_engine(prices.close, "^GSPC", "2025-01-27", repeats=1)
    assert result["breadth_rank_agree"] and result["max_abs_diff_beta"] < 1e-10


def test_refresh_bench_refreshes_every_table_from_the_warm_cache(prices_path):
    from shockbook.bench.refresh import bench_refresh

    result = bench_refresh(prices_path, repeat=1)
    assert result["errors"] == 0  # every table was served by the cache, none fell back
    assert result["patch_s"] == pytest.approx(result["refresh_s"] - result["tables_s"], abs=0.002)

"""The event functions over a global watchlist, called as Excel calls them, offline on both
recorded files (SHOCKBOOK_SNAPSHOT with os.pathsep)."""

from __future__ import annotations

import os

import pytest
import xlharness as xh
from xlharness import call_like_excel as call
from xlharness import excel_column

udfs = xh.udf_module("shockbook.excel.udfs")


@pytest.fixture(autouse=True)
def recorded_data(monkeypatch, tmp_path, prices_path, intl_prices_path):
    monkeypatch.setenv("SHOCKBOOK_OFFLINE", "1")
    monkeypatch.setenv("SHOCKBOOK_SNAPSHOT", os.pathsep.join([str(prices_path), str(intl_prices_path)]))
    monkeypatch.setenv("SHOCKBOOK_CACHE_DIR", str(tmp_path / "cache"))


def table(result):
    header, *rows = result
    return {row[0]: dict(zip(header, row)) for row in rows}


def test_sb_event_returns_takes_a_mixed_watchlist():
    rows = table(call(udfs.SB_EVENT_RETURNS, excel_column(["NVDA", "000660.KS", "6857.T", "ASML.AS"]), "2025-01-27"))
    assert rows["NVDA"]["event_return"] == pytest.approx(-0.1697, abs=5e-5)
    assert rows["000660.KS"]["event_return"] == pytest.approx(-0.0986, abs=5e-5)
    assert rows["000660.KS"]["event_session"] == "2025-01-31 (2025-01-27 이후 첫 KRX 거래일)"  # the Korean default
    assert rows["6857.T"]["event_return"] == pytest.approx(-0.0861, abs=5e-5)
    assert rows["ASML.AS"]["currency"] == "EUR"


def test_sb_car_fits_each_market_against_its_index():
    rows = table(call(udfs.SB_CAR, excel_column(["NVDA", "6857.T"]), "2025-01-27"))
    assert rows["6857.T"]["benchmark_used"] == "^N225" and rows["NVDA"]["benchmark_used"] == "^GSPC"


def test_an_unknown_suffix_is_its_cell_text():
    rows = table(call(udfs.SB_EVENT_RETURNS, excel_column(["NVDA", "ABC.XX"]), "2025-01-27"))
    assert "unknown exchange suffix .XX" in rows["ABC.XX"]["error"]
    assert rows["NVDA"]["event_return"] == pytest.approx(-0.1697, abs=5e-5)


def test_sb_return_counts_in_the_tickers_own_sessions():
    """2025-01-27 was no KRX session: the start maps to the KRX close before it (1/24)."""
    [[value]] = call(udfs.SB_RETURN, "000660.KS", "2025-01-27", "2025-01-31")
    assert value == pytest.approx(199200 / 221000 - 1, abs=1e-12)

"""Reproduce the report's 2025-01-27 figures from the shared real dataset.

Facts checked (report: ../shared/report/deepseek_volatility_strategy_ko.md, validated in
../shared/data/SOURCES.md): NVDA -16.97%, ^GSPC -1.46%, ^SOX -9.15%, breadth 351/152, the worst
ten in order, YTD to 1/24 for CEG/VST/GEV, PLTR -4.48% and its immediate recovery.
"""

import numpy as np
import pandas as pd
import pytest
from said import english
from shockbook.analytics import (
    breadth,
    event_day_returns,
    event_study,
    market_model,
    rank_returns,
    rebased_paths,
    recovery,
    ytd_returns,
)

EVENT = "2025-01-27"


@pytest.fixture(scope="module")
def day_returns(close_wide):
    return event_day_returns(close_wide, EVENT)


@pytest.mark.parametrize("ticker, percent", [
    ("NVDA", -16.97), ("^GSPC", -1.46), ("^SOX", -9.15), ("PLTR", -4.48), ("^IXIC", -3.07),
])
def test_event_day_returns(day_returns, ticker, percent):
    assert round(day_returns[ticker] * 100, 2) == percent


def test_breadth_of_the_503_members(day_returns, constituents):
    members = list(constituents["yahoo_ticker"])
    assert len(members) == 503
    counts = breadth(day_returns[members])
    assert counts.to_dict() == {"up": 351, "down": 152, "unchanged": 0, "missing": 0, "total": 503}


def test_worst_ten_in_order(day_returns, constituents):
    members = list(constituents["yahoo_ticker"])
    names = constituents.set_index("yahoo_ticker")["name"]
    worst = rank_returns(day_returns[members], n=10, names=names)
    assert worst["ticker"].tolist() == ["VST", "ANET", "GEV", "CEG", "PWR", "AVGO", "NVDA", "ETN",
                                        "ORCL", "NRG"]
    assert worst.loc[0, "name"] == "Vistra Corp."
    assert round(worst.loc[0, "return"] * 100, 2) == -28.27


@pytest.mark.parametrize("ticker, percent", [("CEG", 55.31), ("VST", 38.62), ("GEV", 27.84)])
def test_ytd_to_the_session_before_the_event(close_wide, ticker, percent):
    assert round(ytd_returns(close_wide, EVENT)[ticker] * 100, 2) == percent


def test_pltr_regained_its_level_the_next_session(close_wide):
    row = recovery(close_wide[["PLTR"]], EVENT).loc["PLTR"]
    assert row["sessions_to_recover"] == 1
    assert row["recovered_on"] == pd.Timestamp("2025-01-28")


@pytest.mark.parametrize("ticker, above", [
    ("CEG", True), ("GEV", True), ("GLW", True),           # figures 6-7: above the year-start price
    ("AVGO", False), ("NVDA", False), ("ETN", False), ("PWR", False),   # figures 8-9: below
])
def test_rebased_to_year_start_on_the_event_day(close_wide, ticker, above):
    level = rebased_paths(close_wide[[ticker]], event=EVENT).loc[EVENT, ticker]
    assert bool(level >= 100) is above


def test_vistra_fell_back_to_its_year_start_level(close_wide):
    level = rebased_paths(close_wide[["VST"]], event=EVENT).loc[EVENT, "VST"]
    assert abs(level - 100) < 1


def test_ols_matches_lstsq_for_all_503(sp500):
    params = market_model(sp500, "^GSPC", EVENT).params
    assert len(params) == 503
    returns = sp500.pct_change(fill_method=None).to_numpy()
    event_row = sp500.index.get_loc(pd.Timestamp(EVENT))
    rows = slice(event_row - 250, event_row - 10)
    rm = returns[rows, -1]
    worst = 0.0
    for j, ticker in enumerate(sp500.columns[:-1]):
        y = returns[rows, j]
        keep = np.isfinite(y) & np.isfinite(rm)
        design = np.column_stack([np.ones(keep.sum()), rm[keep]])
        coef = np.linalg.lstsq(design, y[keep], rcond=None)[0]
        worst = max(worst, abs(params.loc[ticker, "alpha"] - coef[0]),
                    abs(params.loc[ticker, "beta"] - coef[1]))
    assert worst < 1e-10


def test_gev_fitted_with_a_listing_note(sp500):
    table = event_study(sp500, "^GSPC", EVENT).table()
    gev = table.loc["GEV"]
    assert gev["n_obs"] == 197 and np.isfinite(gev["beta"]) and np.isfinite(gev["t[0,0]"])
    assert english(gev["note"]) == ("listed 2024-03-27, after the estimation window starts: "
                           "197 of 240 estimation returns")
    assert english(table.loc["NVDA", "note"]) == ""
    assert (table["note"] != "").sum() == 2     # GEV and SOLV only


def test_group_tests_on_the_ai_infrastructure_names(sp500):
    study = event_study(sp500, "^GSPC", EVENT)
    infra = ["VST", "ANET", "GEV", "CEG", "PWR", "AVGO", "NVDA", "ETN", "ORCL", "NRG"]
    tests = study.group_test(infra)
    day0 = tests.loc["[0,0]"]
    assert day0["n"] == 10 and day0["mean_car"] < -0.10
    assert 0 < day0["rbar"] < 1
    assert abs(day0["t_kp"]) < abs(day0["t_bmp"])   # positive cross-correlation shrinks t
    assert day0["t_bmp"] < -2

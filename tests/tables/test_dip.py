"""The buy-the-dip screen, recomputed independently from the recorded prices for three names.

The test reads ``prices.csv.gz`` with pandas itself and recomputes each number the textbook way
(close-to-close returns, the previous year-end as the YTD base, an OLS market model over days
-250..-11 with MacKinlay's one-day prediction-error variance); it never calls shockbook's
analytics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shockbook.config import Settings
from shockbook.tables.dip import DipWeights, dip_screen_table

EVENT = pd.Timestamp("2025-01-27")
AS_OF = pd.Timestamp("2025-02-14")
NAMES = ["NVDA", "VST", "PLTR"]


@pytest.fixture(scope="module")
def closes(prices_path) -> pd.DataFrame:
    raw = pd.read_csv(prices_path, usecols=["date", "ticker", "close"], parse_dates=["date"])
    raw = raw[raw["ticker"].isin(NAMES + ["^GSPC"])]
    return raw.pivot(index="date", columns="ticker", values="close").sort_index()


@pytest.fixture(scope="module")
def screen(prices_path, tmp_path_factory) -> pd.DataFrame:
    settings = Settings(offline=True, snapshot=prices_path, cache_dir=tmp_path_factory.mktemp("cache"))
    return dip_screen_table(NAMES + ["^SOX"], "2025-01-27", settings, as_of="2025-02-14").frame.set_index("ticker")


def _expected(closes: pd.DataFrame, t: str) -> dict:
    p = closes[t].dropna()
    i = p.index.get_loc(EVENT)
    before, at = p.iloc[i - 1], p.iloc[i]
    last = p[:AS_OF].iloc[-1]
    year_end = p[: pd.Timestamp("2024-12-31")].iloc[-1]
    # market model on the sessions both series have, days -250..-11 of the benchmark's calendar
    both = closes[[t, "^GSPC"]].dropna().pct_change().dropna()
    k = both.index.get_loc(EVENT)
    est = both.iloc[k - 250:k - 10]
    x, y = est["^GSPC"].to_numpy(), est[t].to_numpy()
    beta, alpha = np.polyfit(x, y, 1)
    resid = y - (alpha + beta * x)
    sigma2 = resid @ resid / (len(y) - 2)
    m0 = both["^GSPC"].iloc[k]
    ar = both[t].iloc[k] - (alpha + beta * m0)
    var = sigma2 * (1 + 1 / len(x) + (m0 - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum())
    return dict(event_return=at / before - 1, ytd_before=before / year_end - 1, since_event=last / at - 1,
                recovered_share=(last - at) / (before - at), abnormal_return=ar, t_stat=ar / np.sqrt(var))


@pytest.mark.parametrize("ticker", NAMES)
def test_each_number_matches_an_independent_recomputation(closes, screen, ticker):
    want = _expected(closes, ticker)
    row = screen.loc[ticker]
    for key, value in want.items():
        assert row[key] == pytest.approx(value, rel=1e-9, abs=1e-12), (ticker, key)
    assert row["as_of"] == AS_OF.date()


def test_rows_are_worst_hit_first_and_the_rank_follows_the_documented_score(screen):
    assert list(screen.index) == ["VST", "NVDA", "PLTR"]  # the index ^SOX is not a name to buy
    w = DipWeights()
    for t, row in screen.iterrows():
        left = max(0.0, 1 - row["recovered_share"])
        score = (w.drop * -row["event_return"] + w.abnormal * -row["abnormal_return"]
                 + w.unrecovered * -row["event_return"] * left - w.runup * row["ytd_before"])
        assert row["score"] == pytest.approx(score, rel=1e-12), t
    assert list(screen.sort_values("score", ascending=False).index) == list(screen.sort_values("rank").index)
    assert screen.loc["VST", "rank"] == 1


def test_the_next_earnings_date_is_the_first_after_the_event(screen):
    assert screen.loc["NVDA", "next_earnings"] == pd.Timestamp("2025-02-26").date()
    assert screen.loc["PLTR", "next_earnings"] == pd.Timestamp("2025-02-03").date()


def test_an_as_of_before_the_event_is_refused(prices_path, tmp_path):
    from shockbook.errors import DateRangeError

    settings = Settings(offline=True, snapshot=prices_path, cache_dir=tmp_path)
    with pytest.raises(DateRangeError, match="before the event"):
        dip_screen_table(["NVDA"], "2025-01-27", settings, as_of="2025-01-10")


def test_a_drop_under_3_percent_has_no_share_and_says_why(prices_path, tmp_path):
    # 1/27: MSFT -2.1% (its share was "682%"), AMZN rose; GOOGL -4.2% keeps its (raw) share
    settings = Settings(offline=True, snapshot=prices_path, cache_dir=tmp_path)
    rows = dip_screen_table(["MSFT", "AMZN", "GOOGL"], "2025-01-27", settings).frame.set_index("ticker")
    assert np.isnan(rows.loc["MSFT", "recovered_share"]) and "small_drop" in rows.loc["MSFT", "why"].split()
    assert "drop under 3%" in rows.loc["MSFT", "note"]
    assert np.isnan(rows.loc["AMZN", "recovered_share"]) and "no_drop" in rows.loc["AMZN", "why"].split()
    assert rows.loc["GOOGL", "recovered_share"] < -1  # raw here; the sheet shows -100% and notes the raw value


def test_without_a_previous_year_end_the_rows_stay_and_only_the_run_up_is_empty(prices_path, tmp_path):
    # the data start in January 2024: an event in 2024 has no 2023 year-end close
    settings = Settings(offline=True, snapshot=prices_path, cache_dir=tmp_path)
    rows = dip_screen_table(["NVDA", "VST"], "2024-08-05", settings).frame.set_index("ticker")
    assert rows["ytd_before"].isna().all() and rows["event_return"].notna().all()
    assert all("no_ytd" in why.split() for why in rows["why"])
    assert rows["score"].notna().all() and list(rows["rank"].dropna()) != []

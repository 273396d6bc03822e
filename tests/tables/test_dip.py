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


# -- a watchlist that spans markets: every name on its own market's sessions ------------------

MIXED = ["NVDA", "AVGO", "000660.KS", "005930.KS", "6857.T", "ASML.AS", "VST"]


def _own_closes(path, ticker: str) -> pd.Series:
    raw = pd.read_csv(path, usecols=["date", "ticker", "close"], parse_dates=["date"])
    return raw[raw["ticker"] == ticker].set_index("date")["close"].sort_index()


@pytest.fixture
def mixed(global_settings) -> pd.DataFrame:
    return dip_screen_table(MIXED, "2025-01-27", global_settings).frame.set_index("ticker")


def test_a_korean_name_is_screened_on_its_first_krx_session_after_the_event(mixed, intl_prices_path):
    # Seoul was closed 2025-01-27 .. 01-30 (Lunar New Year) and reacted on 01-31
    p = _own_closes(intl_prices_path, "000660.KS")
    before, at = p[:"2025-01-26"].iloc[-1], p[pd.Timestamp("2025-01-31")]
    assert (before, at) == (221_000, 199_200)
    hynix = mixed.loc["000660.KS"]
    assert hynix["event_return"] == pytest.approx(at / before - 1) == pytest.approx(-0.0986, abs=5e-5)
    assert hynix["event_session"].startswith("2025-01-31") and "first_session_after" in hynix["event_session"]
    assert hynix["as_of"] == p.index[-1].date() == pd.Timestamp("2025-06-17").date()  # its own last session
    assert pd.notna(hynix["score"]) and pd.notna(hynix["rank"])
    assert not {"small_drop", "no_drop", "no_ytd"} & set(hynix["why"].split())
    year_end = p[:"2024-12-31"].iloc[-1]  # KRX's last 2024 session, not NYSE's 12-31
    assert hynix["ytd_before"] == pytest.approx(before / year_end - 1)


def test_a_mixed_watchlist_leaves_the_us_numbers_as_a_us_watchlist_has_them(mixed, global_settings):
    us = dip_screen_table(["NVDA", "AVGO", "VST"], "2025-01-27", global_settings).frame.set_index("ticker")
    for t in us.index:
        for col in ("event_return", "abnormal_return", "ytd_before", "since_event", "score"):
            assert mixed.loc[t, col] == pytest.approx(us.loc[t, col])
        assert mixed.loc[t, "event_session"] == "2025-01-27" and mixed.loc[t, "as_of"] == us.loc[t, "as_of"]
    assert sorted(mixed["rank"].dropna()) == list(range(1, len(MIXED) + 1))  # one ranking across markets
    drops = mixed["event_return"].tolist()
    assert drops == sorted(drops)


def test_a_missing_event_close_is_a_data_gap_not_a_small_drop(tmp_path, prices_path):
    # VST without its 2025-01-27 bar: no event return, no score, and a note that says so
    raw = pd.read_csv(prices_path)
    raw = raw[~((raw["ticker"] == "VST") & (raw["date"] == "2025-01-27"))]
    path = tmp_path / "gap.csv"
    raw.to_csv(path, index=False)
    settings = Settings(offline=True, snapshot=path, cache_dir=tmp_path / "cache")
    rows = dip_screen_table(["NVDA", "VST"], "2025-01-27", settings).frame.set_index("ticker")
    vst = rows.loc["VST"]
    assert pd.isna(vst["event_return"]) and pd.isna(vst["score"]) and pd.isna(vst["rank"])
    assert vst["why"].split()[0] == "no_event_close" and "no_close_event_session" in vst["note"]
    assert not {"small_drop", "no_drop", "no_ytd"} & set(vst["why"].split())
    assert rows.index[-1] == "VST" and rows.loc["NVDA", "rank"] == 1

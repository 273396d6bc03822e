"""The fake Yahoo serves international tickers in their market's time zone, as Yahoo does:
the real yfinance client then dates each bar on its local session."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture(scope="module")
def global_yahoo(prices_path, intl_prices_path):
    from shockbook.testing import FakeYahoo

    with FakeYahoo([prices_path, intl_prices_path], hang_seconds=0.4) as fake:
        yield fake


@pytest.mark.parametrize("symbol, zone, offset, currency", [
    ("000660.KS", "Asia/Seoul", 9 * 3600, "KRW"),
    ("6857.T", "Asia/Tokyo", 9 * 3600, "JPY"),
    ("ASML.AS", "Europe/Amsterdam", 3600, "EUR"),
    ("NVDA", "America/New_York", -4 * 3600, "USD"),  # the last bar is in June: daylight time
])
def test_meta_carries_the_markets_zone_offset_and_currency(global_yahoo, symbol, zone, offset, currency):
    meta = global_yahoo.session().get(f"https://query2.finance.yahoo.com/v8/finance/chart/{symbol}",
                                      params={"range": "1d", "interval": "1d"}, timeout=2).json()
    meta = meta["chart"]["result"][0]["meta"]
    assert (meta["exchangeTimezoneName"], meta["currency"]) == (zone, currency)
    assert meta["gmtoffset"] == offset + (3600 if zone == "Europe/Amsterdam" else 0)  # CEST in June


def test_a_seoul_bar_opens_at_nine_in_seoul(global_yahoo):
    answer = global_yahoo.session().get("https://query2.finance.yahoo.com/v8/finance/chart/000660.KS",
                                        params={"period1": 1737676800, "period2": 1738368000, "interval": "1d"},
                                        timeout=2).json()["chart"]["result"][0]
    opens = [dt.datetime.fromtimestamp(t, dt.timezone(dt.timedelta(hours=9))) for t in answer["timestamp"]]
    assert [(o.date().isoformat(), o.hour) for o in opens] == [("2025-01-24", 9), ("2025-01-31", 9)]


def test_yfinance_dates_korean_bars_on_korean_sessions(global_yahoo, tmp_path):
    from shockbook.data.yahoo import YahooSource

    source = YahooSource(global_yahoo.session(), timeout=2, retries=1, backoff=0.01, yf_cache_dir=tmp_path / "yf")
    table = source.fetch(["000660.KS", "NVDA"], dt.date(2025, 1, 17), dt.date(2025, 1, 31))
    assert table.errors == {}
    krx = table.close["000660.KS"].dropna()
    assert [d.date().isoformat() for d in krx.index] == [
        "2025-01-17", "2025-01-20", "2025-01-21", "2025-01-22", "2025-01-23", "2025-01-24", "2025-01-31"]
    assert krx.loc["2025-01-31"] == 199200.0

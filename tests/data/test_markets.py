"""Markets: each ticker's exchange from its Yahoo suffix, and its event session per market."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from shockbook.data import markets as mk


@pytest.mark.parametrize("ticker, exchange, currency, benchmark", [
    ("000660.KS", "XKRX", "KRW", "^KS11"),
    ("247540.KQ", "XKRX", "KRW", "^KS11"),
    ("6857.T", "XTKS", "JPY", "^N225"),
    ("ASML.AS", "XAMS", "EUR", "^STOXX50E"),
    ("SU.PA", "XPAR", "EUR", "^STOXX50E"),
    ("ENR.DE", "XETR", "EUR", "^STOXX50E"),
    ("VOD.L", "XLON", "GBP", "^FTSE"),
    ("0700.HK", "XHKG", "HKD", "^HSI"),
    ("2330.TW", "XTAI", "TWD", "^TWII"),
    ("NVDA", "XNYS", "USD", "^GSPC"),
    ("BRK-B", "XNYS", "USD", "^GSPC"),
    ("^KS11", "XKRX", "KRW", "^KS11"),   # indices by name
    ("^N225", "XTKS", "JPY", "^N225"),
    ("^STOXX50E", "XAMS", "EUR", "^STOXX50E"),
    ("^GSPC", "XNYS", "USD", "^GSPC"),
])
def test_the_exchange_comes_from_the_suffix(ticker, exchange, currency, benchmark):
    m = mk.market_of(ticker)
    assert (m.exchange, m.currency, m.benchmark) == (exchange, currency, benchmark)


def test_fx_tickers_trade_on_weekdays():
    assert mk.market_of("KRW=X").exchange == "24/5"
    assert mk.market("XKRX").fx_quote == "local_per_usd" and mk.market("XAMS").fx_quote == "usd_per_local"


def test_an_override_wins_over_the_suffix():
    assert mk.market_of("NVDA", "XKRX").exchange == "XKRX"
    assert mk.market_of("NVDA", "krx").exchange == "XKRX"  # the label works too


def test_an_unknown_suffix_is_one_line_naming_it_and_the_exchanges_known():
    with pytest.raises(mk.UnknownMarketError) as err:
        mk.market_of("ABC.XX")
    line = err.value.one_line()
    assert "\n" not in line and ".XX" in line
    assert all(code in line for code in ("XKRX", "XTKS", "XAMS", "XNYS"))


def test_an_unknown_exchange_code_names_the_known_ones():
    with pytest.raises(mk.UnknownMarketError, match="XKRX"):
        mk.market_of("NVDA", "XMARS")


@pytest.mark.parametrize("ticker, session, previous, text", [
    ("000660.KS", "2025-01-31", "2025-01-24", "2025-01-31 (first KRX session after 2025-01-27)"),
    ("6857.T", "2025-01-27", "2025-01-24", "2025-01-27"),
    ("ASML.AS", "2025-01-27", "2025-01-24", "2025-01-27"),
    ("NVDA", "2025-01-27", "2025-01-24", "2025-01-27"),
])
def test_each_market_reacts_on_its_first_session_on_or_after_the_event(ticker, session, previous, text):
    s = mk.event_session(mk.market_of(ticker), "2025-01-27")
    assert (s.session.isoformat(), s.previous.isoformat(), s.text()) == (session, previous, text)


def test_a_timed_event_reacts_on_the_first_session_closing_after_it():
    after_ny_close = pd.Timestamp("2025-01-27 16:30", tz="America/New_York")
    assert mk.event_session(mk.market("XNYS"), after_ny_close).session == dt.date(2025, 1, 28)
    # Seoul on 2025-01-24 at 10:00 local: the 1/24 close (15:30) is after it
    assert mk.event_session(mk.market("XKRX"), pd.Timestamp("2025-01-24 10:00", tz="Asia/Seoul")).session == dt.date(2025, 1, 24)


def test_sessions_are_the_markets_own():
    krx = mk.sessions("XKRX", "2025-01-17", "2025-02-03").strftime("%m-%d").tolist()
    assert krx == ["01-17", "01-20", "01-21", "01-22", "01-23", "01-24", "01-31", "02-03"]


def test_benchmarks_are_overridden_per_market():
    krx = mk.market("XKRX")
    assert mk.benchmark_for(krx, "XKRX=^KQ11") == "^KQ11"
    assert mk.benchmark_for(krx, "XTKS=^TOPX") == "^KS11"
    assert mk.benchmark_for(mk.market("XNYS"), "", us_benchmark="^IXIC") == "^IXIC"
    with pytest.raises(Exception, match="EXCHANGE=TICKER"):
        mk.parse_benchmarks("XKRX")


def test_a_watchlist_file_carries_exchange_and_benchmark_columns(tmp_path):
    path = tmp_path / "watch.csv"
    path.write_text("ticker,exchange,benchmark\nNVDA,,\n000660.KS,XKRX,^KQ11\nSONY,XTKS,\n")
    assert mk.read_market_columns(path) == {"000660.KS": {"exchange": "XKRX", "benchmark": "^KQ11"},
                                            "SONY": {"exchange": "XTKS"}}
    plain = tmp_path / "plain.csv"
    plain.write_text("ticker\nNVDA\n")
    assert mk.read_market_columns(plain) == {}

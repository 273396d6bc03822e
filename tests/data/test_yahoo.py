"""YahooSource: the real yfinance client against a fake Yahoo on 127.0.0.1.

Known answers come from ``../shared/data/prices.csv.gz`` (real Yahoo closes): NVDA closed at
142.5810 on 2025-01-24 and 118.3876 on 2025-01-27, a -16.97% day.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from shockbook.data.types import PriceTable
from shockbook.data.symbols import yahoo_symbol
from shockbook.data.yahoo import YahooSource, classify_failure
from shockbook.errors import (
    DateRangeError,
    InputError,
    NoDataError,
    OfflineError,
    RateLimitError,
    SourceFormatError,
    SourceUnavailableError,
    UnknownTickerError,
)
from shockbook.testing import SilentPort, closed_port, routed_session

FRI, MON = dt.date(2025, 1, 24), dt.date(2025, 1, 27)
SAT, SUN = dt.date(2025, 1, 25), dt.date(2025, 1, 26)
BATCH = ["NVDA", "AMD", "AVGO", "TSM", "^GSPC"]


# -- symbols ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("NVDA", "NVDA"),
        (" nvda ", "NVDA"),
        ("brk.b", "BRK-B"),
        ("BRK.B", "BRK-B"),
        ("BRK/B", "BRK-B"),
        ("bf.b", "BF-B"),
        ("BRK-B", "BRK-B"),
        ("^gspc", "^GSPC"),
        ("^SOX", "^SOX"),
        ("005930.ks", "005930.KS"),  # exchange suffixes keep their dot
        ("000660.KS", "000660.KS"),
        ("vod.l", "VOD.L"),
        ("7203.T", "7203.T"),
        ("es=f", "ES=F"),
    ],
)
def test_yahoo_symbol_normalises(raw, expected):
    assert yahoo_symbol(raw) == expected


@pytest.mark.parametrize("bad", [None, 5, "", "   ", "NVDA,AMD", "BRK B", "^", b"NVDA"])
def test_yahoo_symbol_rejects_non_tickers(bad):
    with pytest.raises(InputError):
        yahoo_symbol(bad)


@pytest.mark.parametrize("raw, expected", [
    ("brk.b", "BRK-B"), (" nvda ", "NVDA"), ("", ""), ("   ", ""), ("nvda,amd", "NVDA,AMD"),
    ("brk b", "BRK B"), (5, "5"),
])
def test_lenient_yahoo_symbol_normalises_the_same_and_never_raises(raw, expected):
    assert yahoo_symbol(raw, strict=False) == expected


def test_the_member_list_form_is_the_lenient_normaliser():
    from shockbook.data.universe import yahoo_form
    assert [yahoo_form(t) for t in ("brk.b", "BF.B", " mmm", "")] == ["BRK-B", "BF-B", "MMM", ""]


# -- happy path ---------------------------------------------------------------------------


def test_deepseek_day_nvda_and_indices(yahoo_source):
    table = yahoo_source.fetch(["NVDA", "^GSPC", "^SOX"], FRI, MON)

    assert isinstance(table, PriceTable)
    assert table.errors == {}
    assert list(table.close.columns) == ["NVDA", "^GSPC", "^SOX"]
    assert list(table.close.index) == [pd.Timestamp(FRI), pd.Timestamp(MON)]
    nvda = table.close["NVDA"]
    assert (nvda[pd.Timestamp(MON)] / nvda[pd.Timestamp(FRI)] - 1) * 100 == pytest.approx(-16.97, abs=0.01)
    assert table.close.loc[pd.Timestamp(MON), "^GSPC"] == pytest.approx(6012.2798, abs=1e-4)


def test_frames_are_flat_tz_naive_float64_and_end_inclusive(yahoo_source):
    table = yahoo_source.fetch(["NVDA", "ASML"], FRI, MON)

    for frame in (table.close, table.adj_close):
        assert isinstance(frame.index, pd.DatetimeIndex)
        assert frame.index.tz is None
        assert frame.index.name == "date"
        assert (frame.index == frame.index.normalize()).all()
        assert not isinstance(frame.columns, pd.MultiIndex)
        assert all(d == "float64" for d in frame.dtypes)
    assert table.close.index.max() == pd.Timestamp(MON)  # yfinance's end is exclusive; ours is not
    assert table.adj_close.index.equals(table.close.index)


def test_close_only_ticker_gets_close_as_adj_close(yahoo_source):
    table = yahoo_source.fetch(["ASML"], FRI, MON)  # the price file has only closes for ASML

    assert table.adj_close["ASML"].tolist() == table.close["ASML"].tolist()
    assert table.close.loc[pd.Timestamp(MON), "ASML"] == pytest.approx(680.3491, abs=1e-4)


def test_single_day_range(yahoo_source):
    table = yahoo_source.fetch(["NVDA"], MON, MON)

    assert list(table.close.index) == [pd.Timestamp(MON)]


def test_provenance_is_yahoo_now_utc(yahoo_source):
    before = dt.datetime.now(dt.timezone.utc)
    table = yahoo_source.fetch(["NVDA", "AMD"], FRI, MON)

    assert set(table.provenance) == {"NVDA", "AMD"}
    prov = table.provenance["NVDA"]
    assert prov.source == "yahoo" and not prov.stale
    assert prov.as_of.tzinfo is not None and prov.as_of >= before - dt.timedelta(seconds=1)


def test_input_names_are_normalised_and_deduplicated(yahoo_source):
    table = yahoo_source.fetch(["brk.b", "BRK-B", " nvda"], FRI, MON)

    assert list(table.close.columns) == ["BRK-B", "NVDA"]


def test_many_tickers_in_one_batched_download(yahoo_source, fake_yahoo):
    table = yahoo_source.fetch(BATCH, FRI, MON)

    assert table.tickers == [yahoo_symbol(t) for t in BATCH]
    assert yahoo_source.stats["downloads"] == 1
    assert {t: fake_yahoo.count(t, kind="history") for t in BATCH} == {t: 1 for t in BATCH}


def test_yfinance_caches_live_in_our_folder(make_yahoo_source, tmp_path):
    source = make_yahoo_source(yf_cache_dir=tmp_path / "mine")
    source.fetch(["NVDA"], FRI, MON)

    assert (tmp_path / "mine" / "tkr-tz.db").exists()


def test_second_fetch_reuses_timezone_cache(yahoo_source, fake_yahoo):
    # an index has no time zone shockbook can know beforehand: yfinance asks once, then caches
    yahoo_source.fetch(["^GSPC"], FRI, MON)
    yahoo_source.fetch(["^GSPC"], FRI, MON)

    assert fake_yahoo.count("^GSPC", kind="tz") == 1
    assert fake_yahoo.count("^GSPC", kind="history") == 2  # no stale in-process answer is reused


@pytest.mark.parametrize("symbol", ["NVDA", "BRK-B", "SPY"])
def test_us_listing_costs_one_chart_request_even_cold(yahoo_source, fake_yahoo, symbol):
    table = yahoo_source.fetch([symbol], FRI, MON)

    assert table.tickers == [symbol]
    assert fake_yahoo.count(symbol, kind="tz") == 0
    assert fake_yahoo.count(symbol, kind="history") == 1


@pytest.mark.parametrize("symbol", ["^GSPC", "005930.KS", "BTC-USD", "EURUSD=X"])
def test_only_us_listings_get_new_york_time_without_asking(symbol):
    from shockbook.data.yahoo import _US_LISTING

    assert _US_LISTING.match(symbol) is None


# -- input errors ---------------------------------------------------------------------------


def test_reversed_dates_raise(yahoo_source):
    with pytest.raises(DateRangeError) as info:
        yahoo_source.fetch(["NVDA"], MON, FRI)
    assert info.value.start == MON and info.value.end == FRI


def test_no_tickers_raise(yahoo_source):
    with pytest.raises(InputError):
        yahoo_source.fetch([], FRI, MON)


# -- per-ticker failures -----------------------------------------------------------------


def test_429_then_success_is_retried(yahoo_source, fake_yahoo):
    fake_yahoo.fail("NVDA", "429", times=2)  # yfinance re-asks once itself; the 2nd 429 reaches us

    table = yahoo_source.fetch(["NVDA", "AMD"], FRI, MON)

    assert table.errors == {}
    assert table.tickers == ["NVDA", "AMD"]
    assert sum(1 for h in fake_yahoo.log if h.ticker == "NVDA" and h.status == 429) == 2
    assert yahoo_source.stats["downloads"] == 2
    assert fake_yahoo.count("AMD", kind="history") == 1  # only the failing ticker is asked again


def test_429_forever_is_rate_limit_error_and_others_are_filled(yahoo_source, fake_yahoo):
    fake_yahoo.fail("NVDA", "429")

    table = yahoo_source.fetch(["NVDA", "AMD"], FRI, MON)

    assert table.tickers == ["AMD"], table.errors
    err = table.errors["NVDA"]
    assert isinstance(err, RateLimitError)
    assert err.retries == 2 and err.ticker == "NVDA"
    assert yahoo_source.stats["downloads"] == 3  # first try + 2 retries


def test_global_429_fails_every_ticker_with_rate_limit(yahoo_source, fake_yahoo):
    fake_yahoo.fail(None, "429")

    table = yahoo_source.fetch(["NVDA", "AMD"], FRI, MON)

    assert table.close.empty
    assert {t: type(e) for t, e in table.errors.items()} == {"NVDA": RateLimitError, "AMD": RateLimitError}


def test_500_once_is_retried(yahoo_source, fake_yahoo):
    fake_yahoo.fail("NVDA", "500", times=2)

    table = yahoo_source.fetch(["NVDA", "AMD"], FRI, MON)

    assert table.errors == {}
    assert table.tickers == ["NVDA", "AMD"]


def test_500_forever_is_source_unavailable(yahoo_source, fake_yahoo):
    fake_yahoo.fail("NVDA", "500")

    table = yahoo_source.fetch(["NVDA", "AMD"], FRI, MON)

    err = table.errors["NVDA"]
    assert type(err) is SourceUnavailableError
    assert err.status == 500 and err.ticker == "NVDA"
    assert table.tickers == ["AMD"], table.errors


def test_timeout_is_source_unavailable_and_others_are_filled(yahoo_source, fake_yahoo):
    fake_yahoo.fail("NVDA", "timeout")

    table = yahoo_source.fetch(["NVDA", "AMD"], FRI, MON)

    assert type(table.errors["NVDA"]) is SourceUnavailableError
    assert "in time" in table.errors["NVDA"].message
    assert table.tickers == ["AMD"], table.errors


def test_malformed_json_is_format_error_without_retry(yahoo_source, fake_yahoo):
    fake_yahoo.fail("NVDA", "malformed")

    table = yahoo_source.fetch(["NVDA", "AMD"], FRI, MON)

    assert isinstance(table.errors["NVDA"], SourceFormatError)
    assert fake_yahoo.count("NVDA") == 1
    assert table.tickers == ["AMD"], table.errors


def test_unknown_symbol_is_unknown_ticker_error(yahoo_source, fake_yahoo):
    fake_yahoo.fail("NVDA", "unknown")

    table = yahoo_source.fetch(["NVDA", "AMD"], FRI, MON)

    err = table.errors["NVDA"]
    assert isinstance(err, UnknownTickerError) and err.ticker == "NVDA"
    assert yahoo_source.stats["downloads"] == 1  # not retried


def test_symbol_yahoo_never_heard_of(yahoo_source):
    table = yahoo_source.fetch(["NVDA", "NOSUCH"], FRI, MON)

    assert isinstance(table.errors["NOSUCH"], UnknownTickerError)
    assert table.tickers == ["NVDA"]


def test_empty_answer_is_no_data_error(yahoo_source, fake_yahoo):
    fake_yahoo.fail("NVDA", "empty")

    table = yahoo_source.fetch(["NVDA", "AMD"], FRI, MON)

    err = table.errors["NVDA"]
    assert isinstance(err, NoDataError)
    assert (err.ticker, err.start, err.end) == ("NVDA", FRI, MON)
    assert table.tickers == ["AMD"], table.errors


def test_weekend_range_is_no_data_for_every_ticker(yahoo_source):
    table = yahoo_source.fetch(["NVDA", "^GSPC"], SAT, SUN)

    assert table.close.empty
    assert {t: type(e) for t, e in table.errors.items()} == {"NVDA": NoDataError, "^GSPC": NoDataError}


def test_one_bad_ticker_in_a_batch_of_five(yahoo_source, fake_yahoo):
    fake_yahoo.fail("AVGO", "unknown")

    table = yahoo_source.fetch(BATCH, FRI, MON)

    assert table.tickers == ["NVDA", "AMD", "TSM", "^GSPC"]
    assert list(table.errors) == ["AVGO"]
    assert table.close.notna().all().all()


def test_errors_fit_in_a_cell(yahoo_source, fake_yahoo):
    fake_yahoo.fail("NVDA", "malformed")
    fake_yahoo.fail("AMD", "429")

    table = yahoo_source.fetch(["NVDA", "AMD"], FRI, MON)

    for err in table.errors.values():
        assert len(err.cell_text()) <= 255
        assert "\n" not in err.one_line()


def test_yfinance_failure_lines_do_not_reach_stderr(yahoo_source, fake_yahoo, capfd):
    fake_yahoo.fail("NVDA", "unknown")

    yahoo_source.fetch(["NVDA"], FRI, MON)

    assert "Failed download" not in capfd.readouterr().err


# -- connectivity -----------------------------------------------------------------------


def test_is_online_against_the_fake_probes_once(yahoo_source, fake_yahoo):
    assert yahoo_source.is_online() is True
    assert yahoo_source.is_online() is True

    assert fake_yahoo.count(kind="probe") == 1


def test_closed_port_raises_offline_before_any_ticker_work(tmp_path):
    source = YahooSource(routed_session(closed_port(), None), yf_cache_dir=tmp_path, probe_timeout=1.0)

    with pytest.raises(OfflineError) as info:
        source.fetch([f"T{i}" for i in range(50)], FRI, MON)

    assert source.stats == {"downloads": 0, "probes": 1}
    assert "cannot be reached" in info.value.message


def test_silent_host_is_probed_once_for_many_fetches(tmp_path):
    with SilentPort() as silent:
        source = YahooSource(routed_session(silent.port, None), yf_cache_dir=tmp_path, probe_timeout=0.3)
        for _ in range(3):
            with pytest.raises(OfflineError):
                source.fetch([f"T{i}" for i in range(50)], FRI, MON)
        assert silent.accepted == 1
    assert source.stats == {"downloads": 0, "probes": 1}
    assert source.is_online() is False


# -- classification table -----------------------------------------------------------------


@pytest.mark.parametrize(
    "message, status, kind",
    [
        ("YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')", None, "rate_limit"),
        (None, 429, "rate_limit"),
        ("YFPricesMissingError('$X: possibly delisted; no price data found')", 500, "server"),
        ("Timeout('Failed to perform, curl: (28) Operation timed out after 250 milliseconds')", None, "network"),
        ("CurlError('Failed to perform, curl: (52) Empty reply from server')", None, "network"),
        ("YFTzMissingError('$X: possibly delisted; no timezone found')", None, "unknown"),
        ("HTTPError('HTTP Error 404: ')", 404, "unknown"),
        ("YFPricesMissingError('$X: possibly delisted; no price data found  (1d 2025-01-25 -> 2025-01-27)')",
         200, "nodata"),
        ("YFPricesMissingError(\"$X: Data doesn't exist for startDate = 1, endDate = 2\")", 400, "nodata"),
        (None, None, "nodata"),
        ("JSONDecodeError('Expecting value: line 1 column 1 (char 0)')", 200, "format"),
        ("KeyError('instrumentType')", 200, "format"),
        ("OperationalError('database is locked')", None, "busy"),
    ],
)
def test_classify_failure(message, status, kind):
    assert classify_failure(message, status).kind == kind


@pytest.mark.parametrize("kind, retryable", [("rate_limit", True), ("server", True), ("network", True),
                                              ("busy", True),
                                              ("unknown", False), ("nodata", False), ("format", False)])
def test_only_transient_failures_are_retried(kind, retryable):
    from shockbook.data.yahoo import Failure

    assert Failure(kind).retryable is retryable


# -- earnings (phase 2) ---------------------------------------------------------------------

NVDA_EARNINGS = [
    {"date": "2025-05-28", "time": "AMC", "eps_estimate": 0.93, "eps_reported": None, "surprise_pct": None},
    {"date": "2025-02-26", "time": "AMC", "eps_estimate": 0.84, "eps_reported": 0.89, "surprise_pct": 5.95},
    {"date": "2024-11-20", "time": "", "eps_estimate": 0.75, "eps_reported": 0.81, "surprise_pct": 8.0},
    {"date": "2024-08-28", "time": "BMO", "eps_estimate": 0.64, "eps_reported": 0.68, "surprise_pct": 6.25},
]


def test_fetch_earnings_columns_and_values(yahoo_source, fake_yahoo):
    fake_yahoo.set_earnings("NVDA", NVDA_EARNINGS)

    table = yahoo_source.fetch_earnings("nvda")

    assert list(table.columns) == ["date", "time_of_day", "eps_estimate", "eps_reported", "surprise_pct"]
    assert table["date"].dt.tz is None
    assert table["date"].tolist() == [pd.Timestamp(r["date"]) for r in NVDA_EARNINGS]
    assert table["time_of_day"].tolist() == ["AMC", "AMC", "", "BMO"]
    assert table["eps_reported"].isna().tolist() == [True, False, False, False]
    assert table.loc[1, "surprise_pct"] == pytest.approx(5.95)


def test_fetch_earnings_without_rows_is_no_data(yahoo_source):
    with pytest.raises(NoDataError) as info:
        yahoo_source.fetch_earnings("NOSUCH")
    assert info.value.ticker == "NOSUCH"


def test_fetch_earnings_changed_layout_is_format_error(yahoo_source, fake_yahoo):
    fake_yahoo.fail("NVDA", "malformed")

    with pytest.raises(SourceFormatError):
        yahoo_source.fetch_earnings("NVDA")


def test_fetch_earnings_rate_limited_forever(yahoo_source, fake_yahoo):
    fake_yahoo.fail("NVDA", "429")

    with pytest.raises(RateLimitError) as info:
        yahoo_source.fetch_earnings("NVDA")
    assert info.value.retries == 2


def test_fetch_earnings_offline(tmp_path):
    source = YahooSource(routed_session(closed_port(), None), yf_cache_dir=tmp_path)

    with pytest.raises(OfflineError):
        source.fetch_earnings("NVDA")


def test_earnings_calendar_keeps_only_the_range(yahoo_source):
    # default fake rows: the report's February 2025 dates (earnings_feb2025.csv)
    table = yahoo_source.fetch_earnings_calendar(dt.date(2025, 2, 3), dt.date(2025, 2, 4))

    assert list(table.columns) == ["ticker", "company", "date", "time_of_day", "eps_estimate",
                                   "eps_reported", "surprise_pct"]
    assert sorted(table["ticker"]) == ["AMD", "GOOGL", "PLTR", "PYPL"]
    assert table["date"].min() == pd.Timestamp("2025-02-03")
    assert table["date"].max() == pd.Timestamp("2025-02-04")


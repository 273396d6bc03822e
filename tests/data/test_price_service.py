"""The price service over the real yfinance client and the fake Yahoo: cache, missing ranges,
coalescing and the fallback chain (live -> cache -> snapshot)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from shockbook.config import Settings
from shockbook.data.cache import PriceCache
from shockbook.data.prices import PriceService
from shockbook.data.snapshot import SnapshotSource
from shockbook.errors import RateLimitError, UnknownTickerError
from shockbook.testing import closed_port, routed_session

D = dt.date
NOW = dt.datetime(2025, 7, 1, 12, 0, tzinfo=dt.timezone.utc)  # after the recorded data ends
WATCH = ["NVDA", "AVGO", "VST", "CEG", "^GSPC"]


@pytest.fixture
def make_service(make_yahoo_source, tmp_path, prices_path):
    def make(live=None, snapshot=True, **settings):
        s = Settings.from_env(environ={}, cache_dir=tmp_path / "cache", coalesce_ms=30.0, **settings)
        return PriceService(
            s,
            live=live or make_yahoo_source(),
            snapshot=SnapshotSource(prices_path) if snapshot else None,
            cache=PriceCache(tmp_path / "cache"),
            clock=lambda: NOW,
        )

    return make


def history(fake, ticker=None) -> int:
    return fake.count(ticker, kind="history")


def test_cold_fetches_each_ticker_once_and_warm_fetches_nothing(make_service, fake_yahoo):
    service = make_service()
    cold = service.get(WATCH, D(2025, 1, 2), D(2025, 1, 31))
    assert history(fake_yahoo) == len(WATCH)
    assert {p.source for p in cold.provenance.values()} == {"yahoo"}
    nvda = cold.close["NVDA"]
    assert round(nvda.loc["2025-01-27"] / nvda.loc["2025-01-24"] - 1, 4) == -0.1697

    warm = service.get(WATCH, D(2025, 1, 2), D(2025, 1, 31))
    assert history(fake_yahoo) == len(WATCH)  # no new request
    assert {p.source for p in warm.provenance.values()} == {"cache"}
    assert warm.close.equals(cold.close)


def test_only_the_missing_sessions_are_fetched(make_service, fake_yahoo):
    service = make_service()
    service.get(["NVDA"], D(2025, 1, 2), D(2025, 1, 31))
    fake_yahoo.reset()  # forget the log
    longer = service.get(["NVDA"], D(2025, 1, 2), D(2025, 2, 28))
    [hit] = [h for h in fake_yahoo.log if h.kind == "history"]
    start = dt.datetime.fromtimestamp(int(hit.query["period1"]), dt.timezone.utc)
    # January came from the cache, except its last session (1/31), asked again to check that
    # Yahoo did not re-adjust the cached history (see test_cache_integrity.py)
    assert start.date() == D(2025, 1, 31)
    assert len(longer.close) == 20 + 19  # January (closed on the 9th) and February 2025 sessions


def test_a_new_process_reads_the_persistent_cache(make_service, fake_yahoo, make_yahoo_source):
    make_service().get(WATCH, D(2025, 1, 2), D(2025, 1, 31))
    fake_yahoo.reset()  # forget the log
    again = make_service().get(WATCH, D(2025, 1, 2), D(2025, 1, 31))
    assert history(fake_yahoo) == 0 and again.tickers == WATCH


def test_a_recalculation_burst_is_coalesced(make_service, fake_yahoo):
    service = make_service()
    cells = [[t] for t in WATCH for _ in range(6)] + [WATCH[:3], WATCH[2:]]
    barrier = threading.Barrier(len(cells))
    results = []

    def cell(tickers):
        barrier.wait()
        results.append(service.get(tickers, D(2025, 1, 2), D(2025, 1, 31)))

    threads = [threading.Thread(target=cell, args=(c,)) for c in cells]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == len(cells)
    assert fake_yahoo.counts(kind="history") == {t: 1 for t in WATCH}
    assert all(not r.errors for r in results)


def test_a_persistent_rate_limit_falls_back_to_the_snapshot(make_service, fake_yahoo):
    fake_yahoo.fail("NVDA", kind="429")
    service = make_service()
    table = service.get(["NVDA", "AVGO"], D(2025, 1, 24), D(2025, 1, 27))
    assert table.provenance["AVGO"].source == "yahoo"
    assert table.provenance["NVDA"].source == "snapshot"
    assert not table.errors


def test_a_rate_limit_with_no_fallback_is_a_clear_error_for_that_ticker_only(make_service, fake_yahoo):
    fake_yahoo.fail("NVDA", kind="429")
    table = make_service(snapshot=False).get(["NVDA", "AVGO"], D(2025, 1, 24), D(2025, 1, 27))
    assert isinstance(table.errors["NVDA"], RateLimitError)
    assert table.tickers == ["AVGO"]


def test_cached_data_is_served_stale_when_yahoo_fails_later(make_service, fake_yahoo):
    make_service().get(["NVDA"], D(2025, 1, 2), D(2025, 1, 31))
    fake_yahoo.fail(kind="500")
    table = make_service(snapshot=False).get(["NVDA"], D(2025, 1, 2), D(2025, 2, 28))
    prov = table.provenance["NVDA"]
    assert prov.source == "cache" and prov.stale and "missing 2025-02-03 .. 2025-02-28" in prov.detail
    assert table.close.index.max().date() == D(2025, 1, 31)


@pytest.mark.parametrize("kind", ["500", "malformed", "empty", "timeout"])
def test_faults_never_damage_the_cache(make_service, fake_yahoo, prices_path, kind):
    fake_yahoo.fail("AVGO", kind=kind)
    make_service(snapshot=False).get(["NVDA", "AVGO"], D(2025, 1, 24), D(2025, 1, 27))
    fake_yahoo.clear("AVGO")
    table = make_service(snapshot=False).get(["NVDA", "AVGO"], D(2025, 1, 24), D(2025, 1, 27))
    assert not table.errors
    recorded = SnapshotSource(prices_path).fetch(["NVDA", "AVGO"], D(2025, 1, 24), D(2025, 1, 27))
    assert table.close.equals(recorded.close)


def test_an_unknown_ticker_is_asked_once_not_on_every_recalculation(make_service, fake_yahoo):
    service = make_service(snapshot=False)
    for _ in range(3):
        table = service.get(["NVDA", "NOSUCH"], D(2025, 1, 24), D(2025, 1, 27))
        assert isinstance(table.errors["NOSUCH"], UnknownTickerError)
    assert fake_yahoo.count("NOSUCH") <= 2  # timezone lookup + history, once


def test_no_internet_falls_back_at_once(make_service, make_yahoo_source, tmp_path):
    dead = make_yahoo_source(session=routed_session(closed_port(), None))
    table = make_service(live=dead).get(WATCH, D(2025, 1, 24), D(2025, 1, 27))
    assert {p.source for p in table.provenance.values()} == {"snapshot"}
    assert dead.stats["probes"] == 1


def test_offline_settings_never_touch_the_network(make_service, fake_yahoo):
    table = make_service(offline=True).get(WATCH, D(2025, 1, 24), D(2025, 1, 27))
    assert fake_yahoo.log == [] and {p.source for p in table.provenance.values()} == {"snapshot"}


def test_a_warm_series_lookup_is_a_memory_read(make_service, fake_yahoo):
    service = make_service()
    service.get(["NVDA"], D(2024, 1, 2), D(2025, 6, 30))
    fake_yahoo.reset()  # forget the log
    series = service.series("NVDA", D(2025, 1, 24), D(2025, 1, 27))
    assert series.round(4).tolist() == [142.581, 118.3876]
    assert fake_yahoo.log == []


def test_todays_bar_fetched_before_the_close_is_marked_intraday(make_yahoo_source, tmp_path, fake_yahoo):
    # the fake's data ends 2025-06-30: pretend it is 14:00 in New York on that day
    during = dt.datetime(2025, 6, 30, 18, 0, tzinfo=dt.timezone.utc)
    service = PriceService(Settings.from_env(environ={}, cache_dir=tmp_path / "c"), live=make_yahoo_source(),
                           cache=PriceCache(tmp_path / "c"), clock=lambda: during)
    table = service.get(["NVDA"], D(2025, 6, 27), D(2025, 6, 30))
    assert table.provenance["NVDA"].detail == "intraday (market open)"
    from said import english
    from shockbook.tables.events import _source_text

    assert english(_source_text(table.provenance["NVDA"])) == "yahoo (intraday)"

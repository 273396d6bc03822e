"""Cached prices stay true while Yahoo changes its history under them (real yfinance client,
fake Yahoo on loopback): splits and dividends re-adjust the history, bars arrive late, bad bars
are served. The known answers are those of a cold cache on the recorded data."""

from __future__ import annotations

import datetime as dt

import pytest

from shockbook.config import Settings
from shockbook.data.cache import PriceCache
from shockbook.data.prices import PriceService

D = dt.date
UTC = dt.timezone.utc


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def open_service(make_yahoo_source, tmp_path):
    """``open_service(now)``: a new process's service (own memory) on one persistent cache."""

    def make(now: dt.datetime, **settings) -> PriceService:
        s = Settings.from_env(environ={}, cache_dir=tmp_path / "cache", coalesce_ms=0.0,
                              sources=("live", "cache"), **settings)
        return PriceService(s, live=make_yahoo_source(), cache=PriceCache(tmp_path / "cache"),
                            clock=Clock(now))

    return make


def ret(series, a: str, b: str) -> float:
    return round(float(series.loc[b] / series.loc[a] - 1) * 100, 2)


def history(fake, ticker) -> int:
    return fake.count(ticker, kind="history")


# -- re-adjusted history ------------------------------------------------------------------------


def test_nvda_cached_before_its_split_and_refreshed_after_gives_the_cold_cache_return(open_service, fake_yahoo):
    # Yahoo as of 2024-06-06: bars to 06-05, in pre-split dollars (NVDA traded near $1,200)
    fake_yahoo.view_until("NVDA", D(2024, 6, 5))
    fake_yahoo.rescale_before("NVDA", D(2024, 6, 10), prices=10, volume=0.1)
    before = open_service(dt.datetime(2024, 6, 6, 12, tzinfo=UTC)).get(["NVDA"], D(2024, 5, 1), D(2024, 6, 5))
    assert before.close["NVDA"].loc["2024-05-31"] > 1000

    fake_yahoo.clear_edits()  # Yahoo after the 10:1 split (2024-06-10): the history divided by 10
    after = open_service(dt.datetime(2024, 6, 15, 12, tzinfo=UTC)).get(["NVDA"], D(2024, 5, 31), D(2024, 6, 14))
    nvda = after.close["NVDA"]
    assert ret(nvda, "2024-05-31", "2024-06-14") == 20.30
    assert ret(nvda, "2024-06-05", "2024-06-06") == -1.18  # not the -90.1% of a mixed basis
    assert "re-adjusted on 2024-06-15" in after.provenance["NVDA"].detail

    # the whole cached history was replaced: no pre-split bar survives anywhere in the cache
    again = open_service(dt.datetime(2024, 6, 15, 13, tzinfo=UTC))
    whole = again.cache.read(["NVDA"], D(2024, 1, 1), D(2024, 6, 30)).close["NVDA"]
    assert whole.index[0].date() == D(2024, 5, 1) and whole.max() < 200


def test_a_dividend_readjustment_replaces_the_adjusted_history(open_service, fake_yahoo, make_yahoo_source):
    ex = D(2024, 8, 12)  # AAPL's $0.25 dividend
    cold = make_yahoo_source().fetch(["AAPL"], D(2024, 7, 1), D(2024, 8, 16))
    factor = 0.996  # Yahoo scales the adjusted closes before the ex-date by 1 - dividend/close
    fake_yahoo.view_until("AAPL", D(2024, 8, 9))
    fake_yahoo.rescale_before("AAPL", ex, adj=1 / factor)
    open_service(dt.datetime(2024, 8, 10, 12, tzinfo=UTC)).get(["AAPL"], D(2024, 7, 1), D(2024, 8, 9))

    fake_yahoo.clear_edits()
    after = open_service(dt.datetime(2024, 8, 17, 12, tzinfo=UTC)).get(["AAPL"], D(2024, 7, 1), D(2024, 8, 16))
    assert after.adj_close["AAPL"].round(4).equals(cold.adj_close["AAPL"].round(4))
    assert "re-adjusted on 2024-08-17" in after.provenance["AAPL"].detail


@pytest.mark.parametrize("reported", [True, False])
def test_a_dividend_yahoo_reports_refetches_even_a_change_below_the_tolerance(open_service, fake_yahoo, reported):
    ex = D(2024, 8, 12)
    fake_yahoo.view_until("AAPL", D(2024, 8, 9))
    fake_yahoo.rescale_before("AAPL", ex, adj=1 / (1 - 4e-7))  # a re-scaling READJUST_RTOL cannot see
    open_service(dt.datetime(2024, 8, 10, 12, tzinfo=UTC)).get(["AAPL"], D(2024, 7, 1), D(2024, 8, 9))

    fake_yahoo.clear_edits()
    if reported:
        fake_yahoo.add_action("AAPL", ex, dividend=0.25)  # yfinance's actions
    after = open_service(dt.datetime(2024, 8, 17, 12, tzinfo=UTC)).get(["AAPL"], D(2024, 7, 1), D(2024, 8, 16))
    detail = after.provenance["AAPL"].detail
    if reported:
        assert "re-adjusted on 2024-08-17: Yahoo reports a 0.25 dividend on 2024-08-12" in detail
    else:
        assert "re-adjusted" not in detail


def test_an_unchanged_history_is_only_extended(open_service, fake_yahoo):
    open_service(dt.datetime(2025, 1, 25, 12, tzinfo=UTC)).get(["NVDA"], D(2025, 1, 2), D(2025, 1, 24))
    fake_yahoo.reset()
    after = open_service(dt.datetime(2025, 2, 1, 12, tzinfo=UTC)).get(["NVDA"], D(2025, 1, 2), D(2025, 1, 31))
    assert history(fake_yahoo, "NVDA") == 1  # the extension, with 1/24 asked again; no re-fetch
    assert "re-adjusted" not in after.provenance["NVDA"].detail
    assert ret(after.close["NVDA"], "2025-01-24", "2025-01-27") == -16.97


# -- gaps are not facts -------------------------------------------------------------------------


def test_an_empty_event_day_bar_is_asked_again_until_it_arrives(open_service, fake_yahoo):
    fake_yahoo.edit_bar("NVDA", D(2025, 1, 27), empty=True, times=1)
    at_1630 = dt.datetime(2025, 1, 27, 21, 30, tzinfo=UTC)  # 16:30 New York, after the close
    first = open_service(at_1630).get(["NVDA"], D(2025, 1, 2), D(2025, 1, 27))
    assert "2025-01-27" not in first.close.index.strftime("%Y-%m-%d")
    prov = first.provenance["NVDA"]
    assert prov.stale is True and "missing 2025-01-27" in prov.detail

    week_later = open_service(dt.datetime(2025, 2, 3, 12, tzinfo=UTC))
    later = week_later.get(["NVDA"], D(2025, 1, 2), D(2025, 1, 31))
    assert ret(later.close["NVDA"], "2025-01-24", "2025-01-27") == -16.97
    assert later.provenance["NVDA"].stale is False and "missing" not in later.provenance["NVDA"].detail
    assert week_later.cache.entry("NVDA").holes == {}


def test_a_hole_is_asked_again_for_a_bounded_number_of_sessions(open_service, fake_yahoo):
    fake_yahoo.edit_bar("NVDA", D(2025, 1, 27), empty=True)  # Yahoo never fills it
    open_service(dt.datetime(2025, 1, 28, 12, tzinfo=UTC)).get(["NVDA"], D(2025, 1, 2), D(2025, 1, 27))
    fake_yahoo.reset()
    fake_yahoo.edit_bar("NVDA", D(2025, 1, 27), empty=True)
    soon = open_service(dt.datetime(2025, 1, 31, 12, tzinfo=UTC)).get(["NVDA"], D(2025, 1, 2), D(2025, 1, 27))
    assert history(fake_yahoo, "NVDA") == 1 and soon.provenance["NVDA"].stale is True

    fake_yahoo.reset()
    fake_yahoo.edit_bar("NVDA", D(2025, 1, 27), empty=True)
    late = open_service(dt.datetime(2025, 2, 20, 12, tzinfo=UTC)).get(["NVDA"], D(2025, 1, 2), D(2025, 1, 27))
    assert history(fake_yahoo, "NVDA") == 0  # 16 sessions later: Yahoo's answer is final
    prov = late.provenance["NVDA"]
    assert prov.stale is False and "no bar on 2025-01-27" in prov.detail


# -- bad bars never become returns --------------------------------------------------------------


@pytest.mark.parametrize("edit, reason", [
    (dict(close=0.0), "close 0 <= 0"),
    (dict(close=-5.0), "close -5 <= 0"),
    (dict(placeholder=True), "placeholder bar (volume 0"),
])
def test_a_bad_live_bar_is_no_bar_with_a_note(open_service, fake_yahoo, edit, reason):
    fake_yahoo.edit_bar("NVDA", D(2025, 1, 27), times=1, **edit)
    table = open_service(dt.datetime(2025, 1, 28, 12, tzinfo=UTC)).get(["NVDA"], D(2025, 1, 2), D(2025, 1, 28))
    assert "2025-01-27" not in table.close.index.strftime("%Y-%m-%d")  # never a -100% or a 0% day
    prov = table.provenance["NVDA"]
    assert prov.stale is True and f"missing 2025-01-27 ({reason}" in prov.detail
    assert any(n.startswith("NVDA missing 2025-01-27") and reason in n for n in table.notes)

    fixed = open_service(dt.datetime(2025, 1, 29, 12, tzinfo=UTC)).get(["NVDA"], D(2025, 1, 2), D(2025, 1, 28))
    assert ret(fixed.close["NVDA"], "2025-01-24", "2025-01-27") == -16.97


def test_served_prices_say_their_basis(open_service):
    prov = open_service(dt.datetime(2025, 2, 1, 12, tzinfo=UTC)).get(["NVDA"], D(2025, 1, 2), D(2025, 1, 31)
                                                                      ).provenance["NVDA"]
    assert prov.basis("close") == "split-adjusted, dividends not adjusted (Yahoo close)"
    assert prov.basis("adj_close") == "split- and dividend-adjusted (Yahoo adjclose)"


def test_a_table_served_from_two_bases_says_so(make_yahoo_source, tmp_path, prices_path):
    from shockbook.data.snapshot import SnapshotSource
    from shockbook.testing import closed_port, routed_session

    s = Settings.from_env(environ={}, cache_dir=tmp_path / "c", coalesce_ms=0.0)
    service = PriceService(s, live=make_yahoo_source(), snapshot=SnapshotSource(prices_path),
                           cache=PriceCache(tmp_path / "c"), clock=Clock(dt.datetime(2025, 2, 1, 12, tzinfo=UTC)))
    service.get(["NVDA"], D(2025, 1, 2), D(2025, 1, 31))  # NVDA now cached from Yahoo
    offline = PriceService(s, live=make_yahoo_source(session=routed_session(closed_port(), None)),
                           snapshot=SnapshotSource(prices_path), cache=PriceCache(tmp_path / "c"),
                           clock=Clock(dt.datetime(2025, 2, 1, 12, tzinfo=UTC)))
    table = offline.get(["NVDA", "AVGO"], D(2025, 1, 2), D(2025, 1, 31))
    assert {t: p.source for t, p in table.provenance.items()} == {"NVDA": "cache", "AVGO": "snapshot"}
    [note] = [n for n in table.notes if n.startswith("mixed price bases for close")]
    assert note == "mixed price bases for close: dividend-adjusted: AVGO (1); dividends not adjusted: NVDA (1)"


def test_a_series_that_ended_long_ago_is_not_asked_again(open_service, fake_yahoo):
    # DFS last traded 2025-05-16 (acquired); asked for to 2025-06-30, a month and a half later
    first = open_service(dt.datetime(2025, 7, 1, 12, tzinfo=UTC)).get(["DFS"], D(2025, 5, 1), D(2025, 6, 30))
    assert first.provenance["DFS"].stale is False
    fake_yahoo.reset()
    open_service(dt.datetime(2025, 7, 1, 13, tzinfo=UTC)).get(["DFS"], D(2025, 5, 1), D(2025, 6, 30))
    assert history(fake_yahoo, "DFS") == 0

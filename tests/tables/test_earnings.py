"""The earnings calendar: the report's table 4 offline, the Yahoo seam online, the cache between.

Online behaviour is tested two ways: with a small stand-in object that has
``fetch_earnings`` (for the table logic: moved dates, failures, the cache), and once through
the real :class:`~shockbook.data.yahoo.YahooSource` talking to the fake Yahoo on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from shockbook.config import Settings
from shockbook.errors import InputError, NoDataError, RateLimitError, UnknownTickerError
from shockbook.data import earnings as data_earnings
from shockbook.tables import earnings as ec

REPORT_TICKERS = ["PLTR", "GOOGL", "AMD", "PYPL", "AMZN", "CSCO", "VRT", "AMAT", "ANET", "OKE",
                  "BWXT", "CEG", "NVDA", "CRM", "VST", "NRG", "PWR"]


@pytest.fixture
def offline(tmp_path):
    return Settings.from_env(environ={}, cache_dir=tmp_path / "cache", offline=True)


@pytest.fixture
def online(tmp_path):
    return Settings.from_env(environ={}, cache_dir=tmp_path / "cache", offline=False)


def earnings(*rows):
    """A frame shaped like ``YahooSource.fetch_earnings``: (date, tod, est, reported, surprise %)."""
    frame = pd.DataFrame(rows, columns=["date", "time_of_day", "eps_estimate", "eps_reported",
                                        "surprise_pct"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


class StubYahoo:
    """Answers ``fetch_earnings`` from a dict; a value that is an exception is raised."""

    def __init__(self, answers: dict):
        self.answers = answers
        self.calls: list[str] = []

    def fetch_earnings(self, ticker, limit=12):
        self.calls.append(ticker)
        answer = self.answers.get(ticker)
        if answer is None:
            raise UnknownTickerError(f"unknown ticker {ticker}", ticker=ticker)
        if isinstance(answer, Exception):
            raise answer
        return answer.copy()


def cell(grid: pd.DataFrame, day: int, column: str) -> str:
    for value in grid[column]:
        if value.split("\n")[0] == str(day):
            return value
    raise AssertionError(f"no cell for day {day} in {column}")


# --- offline: the report's table 4 ---------------------------------------------------------


def test_offline_grid_is_the_reports_table_4(offline):
    result = ec.earnings_calendar_grid("2025-02", settings=offline, lang="en")
    grid = result.frame
    assert list(grid.columns) == ["week_of", "MON", "TUE", "WED", "THU", "FRI"]
    assert list(grid["week_of"].dt.date) == [dt.date(2025, 2, 3), dt.date(2025, 2, 10),
                                             dt.date(2025, 2, 17), dt.date(2025, 2, 24)]
    assert result.source == "report table 4"
    assert result.month == "2025-02"
    rows = ec.earnings_calendar_rows("2025-02", settings=offline).frame
    assert len(rows) == 17
    assert sorted(rows["ticker"]) == sorted(REPORT_TICKERS)
    assert set(rows["source"]) == {"report table 4"}


def test_amat_is_corrected_and_flagged(offline):
    result = ec.earnings_calendar_grid("2025-02", settings=offline, lang="en")
    grid = result.frame
    thursday_13 = cell(grid, 13, "THU")
    assert "Applied Materials (AMAT)†" in thursday_13
    assert "(AMT)" not in thursday_13
    assert any(line.startswith("AMAT:") and "American Tower" in line for line in result.notes)
    rows = ec.earnings_calendar_rows("2025-02", settings=offline).frame
    amat = rows[rows["ticker"] == "AMAT"].iloc[0]
    assert (amat["date"].date(), amat["flag"]) == (dt.date(2025, 2, 13), "TICKER")


@pytest.mark.parametrize(
    "day, column, expected_lines",
    [
        (3, "MON", ["3", "Palantir Technologies (PLTR)"]),
        (12, "WED", ["12", "◆ Cisco Systems (CSCO)", "◆ Vertiv Holdings (VRT)"]),
        (26, "WED", ["26", "◆ NVIDIA (NVDA)", "Salesforce (CRM)", "◆ Vistra Corp. (VST)†",
                     "◆ NRG Energy (NRG)"]),  # the report's order within the day
        (17, "MON", ["17", "(market closed)"]),  # Presidents' Day
        (28, "FRI", ["28"]),
    ],
)
def test_grid_cells(offline, day, column, expected_lines):
    grid = ec.earnings_calendar_grid("2025-02", settings=offline, lang="en").frame
    assert cell(grid, day, column).split("\n") == expected_lines


def test_days_of_other_months_are_empty(online):
    stub = StubYahoo({"MSFT": earnings(("2025-04-30", "AMC", 3.22, 3.46, 7.45))})
    grid = ec.earnings_calendar_grid("2025-04", ["MSFT"], settings=online, lang="en", source=stub).frame
    first, last = grid.iloc[0], grid.iloc[-1]
    assert first["week_of"].date() == dt.date(2025, 3, 31)
    assert (first["MON"], first["TUE"]) == ("", "1")
    assert last["WED"] == "30\n★◆ Microsoft (MSFT)"  # MSFT: cloud basket
    assert (last["THU"], last["FRI"]) == ("", "")


def test_korean_labels(offline):
    result = ec.earnings_calendar_grid("2025-02", settings=offline, lang="ko")
    assert cell(result.frame, 17, "MON") == "17\n(휴장)"
    assert "관심종목" in result.legend
    assert result.source_text == "보고서 표4"


def test_watchlist_names_are_marked(offline):
    grid = ec.earnings_calendar_grid("2025-02", ["nvda", "PLTR"], settings=offline, lang="en").frame
    assert "★◆ NVIDIA (NVDA)" in cell(grid, 26, "WED")
    assert "★ Palantir Technologies (PLTR)" in cell(grid, 3, "MON")
    assert "★" not in cell(grid, 25, "TUE")


def test_watchlist_name_without_data_offline_is_said(offline):
    result = ec.earnings_calendar_rows("2025-02", ["MSFT"], settings=offline)
    assert "MSFT" not in set(result.frame["ticker"])
    assert any(line.startswith("MSFT: no 2025-02 earnings date offline") for line in result.notes)


@pytest.mark.parametrize(
    "month",
    ["2025-02", "2025-2", "2025-02-13", "202502", dt.date(2025, 2, 13), pd.Timestamp("2025-02-28"),
     45701.0],  # 45701 = 2025-02-13 as an Excel serial
)
def test_month_forms(offline, month):
    assert ec.earnings_calendar_grid(month, settings=offline).month == "2025-02"


@pytest.mark.parametrize("month", ["February", "2025-13", "", None, "13/2025", True, float("nan")])
def test_malformed_month_is_input_error(offline, month):
    with pytest.raises(InputError, match="not a month"):
        ec.earnings_calendar_grid(month, settings=offline)


def test_month_without_data(offline):
    with pytest.raises(NoDataError, match=r"no earnings dates in 2025-03 .*covers 2025-02 only"):
        ec.earnings_calendar_grid("2025-03", settings=offline)


def test_unknown_language(offline):
    with pytest.raises(InputError, match="unknown language 'fr'"):
        ec.earnings_calendar_grid("2025-02", settings=offline, lang="fr")


# --- online through a stand-in, and the cache ----------------------------------------------


def test_yahoo_date_that_differs_from_the_report_is_flagged(online):
    stub = StubYahoo({"NVDA": earnings(("2025-02-27", "AMC", 0.84, 0.89, 5.95))})
    result = ec.earnings_calendar_rows("2025-02", settings=online, source=stub)
    rows = result.frame
    nvda = rows[rows["ticker"] == "NVDA"].iloc[0]
    assert nvda["source"] == "yahoo"
    assert nvda["date"].date() == dt.date(2025, 2, 27)
    assert nvda["flag"] == "DATE"
    assert (nvda["time_of_day"], nvda["eps_reported"], nvda["surprise_pct"]) == ("AMC", 0.89, 5.95)
    assert "Report date 2025-02-26; Yahoo lists 2025-02-27." in nvda["note"]
    # the others fell back to the report (the stub does not know them) and say so
    assert set(rows.loc[rows["ticker"] != "NVDA", "source"]) == {"report table 4"}
    assert result.errors == {}
    assert any(line.startswith("AMAT: Yahoo failed") for line in result.notes)


def test_yahoo_answer_is_cached_and_read_offline(tmp_path, online):
    stub = StubYahoo({"MSFT": earnings(("2025-04-30", "AMC", 3.22, 3.46, 7.45),
                                       ("2025-01-29", "AMC", 3.11, 3.23, 3.86))})
    first = ec.earnings_calendar_rows("2025-04", ["MSFT"], settings=online, source=stub)
    assert list(first.frame["ticker"]) == ["MSFT"] and first.source == "yahoo"
    offline = online.replace(offline=True)
    again = ec.earnings_calendar_rows("2025-04", ["MSFT"], settings=offline).frame
    assert list(again["source"]) == ["cache"]
    assert again["eps_reported"].iloc[0] == 3.46
    assert again["watchlist"].iloc[0]


def test_fresh_cache_is_not_fetched_again(online):
    stub = StubYahoo({"MSFT": earnings(("2025-04-30", "AMC", 3.22, 3.46, 7.45))})
    data_earnings.company_earnings("MSFT", online, source=stub)
    data_earnings.company_earnings("MSFT", online, source=stub)
    assert stub.calls == ["MSFT"]


def test_yahoo_failure_falls_back_to_the_cache(online):
    ok = StubYahoo({"MSFT": earnings(("2025-04-30", "AMC", 3.22, 3.46, 7.45))})
    data_earnings.company_earnings("MSFT", online, source=ok, now=dt.datetime(2025, 5, 1, tzinfo=dt.timezone.utc))
    failing = StubYahoo({"MSFT": RateLimitError("Too Many Requests", retries=3)})
    later = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)  # the cached answer is stale
    got = data_earnings.company_earnings("MSFT", online, source=failing, now=later)
    assert failing.calls == ["MSFT"]
    assert got.source == "cache"


def test_a_company_no_source_knows_is_an_error_not_a_crash(online):
    result = ec.earnings_calendar_rows("2025-02", ["ZZZZ"], settings=online, source=StubYahoo({}))
    assert "ZZZZ" in result.errors
    assert len(result.frame) == 17  # the report's rows are all still there


def test_corrupt_cache_file_counts_as_missing(offline):
    path = data_earnings._cache_file(offline, "MSFT")
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(NoDataError, match="nothing cached"):
        data_earnings.company_earnings("MSFT", offline)


# --- single-company helpers -----------------------------------------------------------------


def test_next_earnings_date_from_the_report_offline(offline):
    got = ec.next_earnings_date("nvda", offline, as_of="2025-01-28")
    assert (got["date"], got["source"]) == (dt.date(2025, 2, 26), "report table 4")


def test_next_earnings_date_from_yahoo(online):
    stub = StubYahoo({"NVDA": earnings(("2025-05-28", "AMC", 0.93, float("nan"), float("nan")),
                                       ("2025-02-26", "AMC", 0.84, 0.89, 5.95))})
    got = ec.next_earnings_date("NVDA", online, as_of="2025-03-01", source=stub)
    assert (got["date"], got["time_of_day"], got["eps_estimate"]) == (dt.date(2025, 5, 28), "AMC", 0.93)


def test_the_reports_february_dates_are_not_the_next_report_after_an_earlier_quarter(offline):
    """An event in August 2024: NVDA reported on 2024-08-28, not on the report's 2025-02-26."""
    with pytest.raises(NoDataError, match="table 4 lists 2025-02-26, more than a quarter later"):
        ec.next_earnings_date("NVDA", offline, as_of="2024-08-05")
    assert ec.next_earnings_date("NVDA", offline, as_of="2024-12-02")["date"] == dt.date(2025, 2, 26)


def test_next_earnings_date_none_left(offline):
    with pytest.raises(NoDataError, match="no earnings date for NVDA on or after 2025-03-01"):
        ec.next_earnings_date("NVDA", offline, as_of="2025-03-01")


@pytest.mark.parametrize(
    "date, expected_day, expected_surprise",
    [
        (None, dt.date(2025, 1, 29), 0.0386),  # the latest reported
        ("2025-01-29", dt.date(2025, 1, 29), 0.0386),
        ("2025-02-03", dt.date(2025, 1, 29), 0.0386),  # within 7 days
        ("2024-10-30", dt.date(2024, 10, 30), (3.30 - 3.10) / 3.10),  # no Yahoo %: computed
    ],
)
def test_eps_surprise(online, date, expected_day, expected_surprise):
    stub = StubYahoo({"MSFT": earnings(("2025-04-30", "AMC", 3.22, float("nan"), float("nan")),
                                       ("2025-01-29", "AMC", 3.11, 3.23, 3.86),
                                       ("2024-10-30", "AMC", 3.10, 3.30, float("nan")))})
    got = ec.eps_surprise("MSFT", date, online, source=stub)
    assert got["date"] == expected_day
    assert got["surprise"] == pytest.approx(expected_surprise)


def test_eps_surprise_far_from_any_report(online):
    stub = StubYahoo({"MSFT": earnings(("2025-01-29", "AMC", 3.11, 3.23, 3.86))})
    with pytest.raises(NoDataError, match="no reported EPS for MSFT near 2025-03-15"):
        ec.eps_surprise("MSFT", "2025-03-15", online, source=stub)


@pytest.mark.parametrize("surprise, mark", [(0.05, "beat"), (-0.01, "miss"), (0.0, "inline"),
                                            (float("nan"), "")])
def test_beat_or_miss(surprise, mark):
    assert ec.beat_or_miss(surprise) == mark


def test_calls_beat_miss_beside_the_reports_marks(online):
    stub = StubYahoo({
        "MSFT": earnings(("2025-01-29", "AMC", 3.11, 3.23, 3.86)),   # report: miss (on revenue
        "META": earnings(("2025-01-29", "AMC", 6.77, 8.02, 18.5)),   # guidance); Yahoo: beat
    })
    table = ec.calls_beat_miss_table(online, source=stub).frame
    assert list(table["ticker"]) == ["MSFT", "META", "TSLA", "NOW", "IBM", "GLW"]
    msft = table.set_index("ticker").loc["MSFT"]
    assert (msft["report_eps_mark"], msft["recomputed_mark"], msft["agrees"]) == ("miss", "beat", False)
    meta = table.set_index("ticker").loc["META"]
    assert (meta["recomputed_mark"], meta["agrees"], meta["surprise_pct"]) == ("beat", True, pytest.approx(0.185))
    tsla = table.set_index("ticker").loc["TSLA"]
    assert tsla["agrees"] is None and tsla["note"]


# --- through the real Yahoo seam, against the fake server -----------------------------------


@pytest.fixture(scope="module")
def fake_yahoo(prices_path):
    from shockbook.testing import FakeYahoo

    with FakeYahoo(prices_path, hang_seconds=0.4) as fake:
        yield fake


def test_live_rows_through_the_yahoo_seam(fake_yahoo, online, tmp_path):
    from shockbook.data.yahoo import YahooSource

    fake_yahoo.reset()
    fake_yahoo.set_earnings("AMAT", [{"date": "2025-02-13", "time": "AMC", "eps_estimate": 2.29,
                                      "eps_reported": 2.38, "surprise_pct": 3.93}])
    source = YahooSource(fake_yahoo.session(), timeout=2, retries=0, backoff=0.01,
                         probe_timeout=1.0, yf_cache_dir=tmp_path / "yf")
    rows = ec.earnings_calendar_rows("2025-02", settings=online, source=source).frame
    assert set(rows["source"]) == {"yahoo"}
    assert sorted(rows["ticker"]) == sorted(REPORT_TICKERS)
    amat = rows[rows["ticker"] == "AMAT"].iloc[0]
    assert (amat["date"].date(), amat["time_of_day"], amat["eps_reported"]) == (dt.date(2025, 2, 13), "AMC", 2.38)
    assert amat["flag"] == "TICKER"  # the report's correction still applies
    assert data_earnings._cache_file(online, "AMAT").exists()

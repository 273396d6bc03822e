"""The event worksheet functions, called as Excel calls them, offline on the recorded prices.

Every call goes through ``xlwings.udfs.call_udf`` (the Windows conversion code) via
``xlharness``: arguments arrive as Excel passes them (tuples of row tuples, floats for
numbers and serial dates, pywin32 datetimes for date cells, int SCODEs for error cells) and
the result is the 2-D list Excel receives (empty cells as "").
"""

from __future__ import annotations

import datetime as dt

import pytest
import xlharness as xh
from xlharness import call_like_excel as call
from xlharness import excel_column, excel_date, excel_date_cell, excel_error, excel_range, excel_ref, excel_row

udfs = xh.udf_module("shockbook.excel.udfs")

EVENT = "2025-01-27"
EVENT_SERIAL = excel_date(dt.date(2025, 1, 27))  # 45684.0
#: A date two months ahead (inside the exchange calendar's range); the message names it as asked.
FUTURE = dt.date.today() + dt.timedelta(days=60)
WORST_10 = ["VST", "ANET", "GEV", "CEG", "PWR", "AVGO", "NVDA", "ETN", "ORCL", "NRG"]


@pytest.fixture(autouse=True)
def recorded_data(monkeypatch, tmp_path, prices_path, constituents_path):
    """Offline on ../shared/data, with a private cache (the UDFs read Settings.from_env)."""
    monkeypatch.setenv("SHOCKBOOK_OFFLINE", "1")
    monkeypatch.setenv("SHOCKBOOK_SNAPSHOT", str(prices_path))
    monkeypatch.setenv("SHOCKBOOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SHOCKBOOK_UNIVERSE_FILE", str(constituents_path))


def table(result):
    """``{first cell of a row: {header: value}}`` for a spilled table with a header row."""
    header, *rows = result
    return {row[0]: dict(zip(header, row)) for row in rows}


def all_cells(result):
    return [v for row in result for v in row]


def assert_short_texts(result):
    assert all(len(v) <= 255 for v in all_cells(result) if isinstance(v, str))


# --- SB_EVENT_RETURNS ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "tickers",
    [excel_column(["NVDA", "^GSPC", "^SOX"]), excel_row(["NVDA", "^GSPC", "^SOX"]),
     excel_ref([["nvda"], [" ^gspc "], ["^SOX"]]), excel_range([["NVDA", None], ["^GSPC", "^SOX"]])],
    ids=["column", "row", "reference", "block-with-gap"],
)
@pytest.mark.parametrize("event", [EVENT, EVENT_SERIAL, excel_date_cell(dt.date(2025, 1, 27))],
                         ids=["iso", "serial", "date-cell"])
def test_event_returns_reproduce_the_report(tickers, event):
    result = call(udfs.SB_EVENT_RETURNS, tickers, event)
    rows = table(result)
    assert list(rows) == ["NVDA", "^GSPC", "^SOX"]
    assert rows["NVDA"]["event_return"] == pytest.approx(-0.1697, abs=5e-5)
    assert rows["^GSPC"]["event_return"] == pytest.approx(-0.0146, abs=5e-5)
    assert rows["^SOX"]["event_return"] == pytest.approx(-0.0915, abs=5e-5)
    assert all(r["error"] == "" for r in rows.values())
    assert_short_texts(result)


def test_event_returns_ytd_and_pltr():
    rows = table(call(udfs.SB_EVENT_RETURNS, excel_column(["CEG", "VST", "GEV", "PLTR"]), EVENT))
    assert {t: round(r["ytd_before"], 4) for t, r in rows.items() if t != "PLTR"} == {
        "CEG": 0.5531, "VST": 0.3862, "GEV": 0.2784}
    assert rows["PLTR"]["event_return"] == pytest.approx(-0.0448, abs=5e-5)


def test_bad_tickers_get_their_own_rows_and_the_rest_is_filled():
    tickers = excel_column(["NVDA", "XYZQ", 5, excel_error("#N/A"), None, "two words", "GEV"])
    result = call(udfs.SB_EVENT_RETURNS, tickers, EVENT)
    rows = table(result)
    assert list(rows) == ["NVDA", "XYZQ", "5", "#N/A", "two words", "GEV"]
    assert rows["NVDA"]["event_return"] == pytest.approx(-0.16968, abs=1e-5)
    assert rows["GEV"]["event_return"] == pytest.approx(-0.21520, abs=1e-5)
    assert rows["XYZQ"]["error"].startswith("#SB! 알 수 없는 티커: XYZQ is not in the snapshot")
    assert rows["XYZQ"]["event_return"] == ""
    assert rows["5"]["error"].startswith("#SB! 입력 오류: cell 3 of tickers is float 5, not a ticker")
    assert rows["#N/A"]["error"] == "#SB! 입력 오류: cell 4 of tickers is an error cell (#N/A), not a ticker"
    assert "put one ticker per cell" in rows["two words"]["error"]
    assert len({len(r) for r in result}) == 1  # rectangular


def test_only_bad_tickers_still_gives_a_table():
    result = call(udfs.SB_EVENT_RETURNS, excel_column([1, "???"]), EVENT)
    assert result[0][0] == "ticker" and result[0][-1] == "error"
    assert [r[0] for r in result[1:]] == ["1", "???"]


def test_weekend_event_maps_to_monday_and_says_so():
    rows = table(call(udfs.SB_EVENT_RETURNS, excel_column(["NVDA"]), "2025-01-25"))
    assert rows["NVDA"]["event_return"] == pytest.approx(-0.16968, abs=1e-5)
    assert "2025-01-25: NYSE 휴장 (주말), 2025-01-27 거래일 사용" in rows["NVDA"]["note"]  # the Korean default


@pytest.mark.parametrize(
    "event, message",
    [
        (FUTURE.isoformat(), f"#SB! 기간 오류: event date {FUTURE} is in the future"),
        ("2023-06-01", "#SB! 기간 오류: event 2023-06-01 is before the data starts (2024-01-02)"),
        (None, "#SB! 입력 오류: event_date is empty; give a date such as 2025-01-27"),
        ("27/01/2025", "#SB! 입력 오류: event_date '27/01/2025' is not a date"),
        (excel_error("#VALUE!"), "#SB! 입력 오류: event_date is an error cell (#VALUE!), not a date"),
        (True, "#SB! 입력 오류: event_date must be a date, not bool TRUE"),
    ],
)
def test_event_date_errors_are_one_cell(event, message):
    result = call(udfs.SB_EVENT_RETURNS, excel_column(["NVDA"]), event)
    assert len(result) == 1 and result[0][0].startswith(message)


def test_benchmark_argument():
    rows = table(call(udfs.SB_EVENT_RETURNS, excel_column(["NVDA"]), EVENT, "^NDX"))
    default = table(call(udfs.SB_EVENT_RETURNS, excel_column(["NVDA"]), EVENT))
    assert rows["NVDA"]["beta"] != pytest.approx(default["NVDA"]["beta"])


# --- SB_RETURN -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, expected",
    [
        ("2025-01-24", "2025-01-27", -0.16968),
        (excel_date(dt.date(2025, 1, 24)), EVENT_SERIAL, -0.16968),
        (excel_date_cell(dt.date(2025, 1, 24)), excel_date_cell(dt.date(2025, 1, 27)), -0.16968),
        ("2025-01-25", "2025-01-27", -0.16968),  # Saturday: the close known then (Friday's)
    ],
    ids=["iso", "serials", "date-cells", "weekend-start"],
)
def test_sb_return(start, end, expected):
    assert call(udfs.SB_RETURN, "NVDA", start, end) == [[pytest.approx(expected, abs=1e-5)]]


def test_sb_return_to_the_latest_close():
    value = call(udfs.SB_RETURN, "NVDA", "2025-01-27")[0][0]
    assert isinstance(value, float)


@pytest.mark.parametrize(
    "ticker, start, end, message",
    [
        ("XYZQ", "2025-01-24", None, "#SB! 알 수 없는 티커: XYZQ is not in the snapshot"),
        (excel_column(["NVDA", "AMD"]), "2025-01-24", None, "#SB! 입력 오류: ticker must be one ticker, not a range of 2"),
        ("NVDA", "2025-01-27", "2025-01-24", "#SB! 기간 오류: end 2025-01-24 is before start 2025-01-27"),
        (None, "2025-01-24", None, "#SB! 입력 오류: ticker is empty"),
    ],
)
def test_sb_return_errors(ticker, start, end, message):
    assert call(udfs.SB_RETURN, ticker, start, end)[0][0].startswith(message)


# --- breadth, worst, best ------------------------------------------------------------------


@pytest.mark.parametrize("event", [EVENT, EVENT_SERIAL])
def test_breadth_of_the_sp500(event):
    header, row = call(udfs.SB_BREADTH, event)
    got = dict(zip(header, row))
    assert (got["up"], got["down"], got["unchanged"], got["missing"], got["total"]) == (351, 152, 0, 0, 503)
    assert got["index"] == "^GSPC"
    assert got["index_return"] == pytest.approx(-0.01458, abs=1e-5)


def test_breadth_with_an_explicit_universe_file(tmp_path):
    members = tmp_path / "three.csv"
    members.write_text("ticker,name,gics_sector\nNVDA,Nvidia,IT\nAAPL,Apple,IT\nXYZQ,Nothing,IT\n")
    header, row = call(udfs.SB_BREADTH, EVENT, str(members))
    got = dict(zip(header, row))
    assert (got["up"], got["down"], got["missing"], got["total"]) == (1, 1, 1, 3)


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "is empty"),
        ("symbol_x,name\nNVDA,Nvidia\n", "has no ticker column"),
    ],
    ids=["empty-file", "no-ticker-column"],
)
def test_breadth_bad_universe_file(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert message in call(udfs.SB_BREADTH, EVENT, str(path))[0][0]


def test_worst_10_in_the_reports_order():
    result = call(udfs.SB_WORST, EVENT)
    assert result[0] == ["ticker", "name", "sector", "return", "rank"]
    assert [r[0] for r in result[1:]] == WORST_10
    assert result[1][3] == pytest.approx(-0.2827, abs=5e-5)


@pytest.mark.parametrize("n, expected", [(3, WORST_10[:3]), (3.0, WORST_10[:3]), (None, WORST_10)])
def test_worst_n(n, expected):
    assert [r[0] for r in call(udfs.SB_WORST, EVENT, n)[1:]] == expected


def test_best_is_sorted_best_first():
    result = call(udfs.SB_BEST, EVENT, 5)
    returns = [r[3] for r in result[1:]]
    assert len(returns) == 5 and returns == sorted(returns, reverse=True) and returns[0] > 0.06


@pytest.mark.parametrize("n, message", [(0, "from 1 to 500, not 0"), (2.5, "not 2.5"),
                                        ("ten", "n must be a number, not text 'ten'")])
def test_worst_bad_n(n, message):
    assert message in call(udfs.SB_WORST, EVENT, n)[0][0]


def test_breadth_on_another_session():
    header, row = call(udfs.SB_BREADTH, "2024-08-05")
    got = dict(zip(header, row))
    assert got["down"] > 400 and got["total"] == 503  # the August 2024 sell-off


# --- rebased, CAR, baskets -----------------------------------------------------------------


def test_rebased_from_year_end():
    result = call(udfs.SB_REBASED, excel_row(["VST", "CEG"]), EVENT)
    assert result[0] == ["date", "VST", "CEG"]
    first = result[1]
    assert first[0].date() == dt.date(2024, 12, 31) and first[1:] == [100.0, 100.0]
    on_event = next(r for r in result[1:] if r[0].date() == dt.date(2025, 1, 27))
    assert on_event[1] == pytest.approx(100 * (1 - 0.2827) * 1.3862, rel=2e-3)


def test_rebased_bad_ticker_keeps_its_column():
    result = call(udfs.SB_REBASED, excel_column(["VST", "XYZQ"]), EVENT, "2025-01-24")
    assert result[0] == ["date", "VST", "XYZQ"]
    assert result[1][0].date() == dt.date(2025, 1, 24)
    assert result[1][2].startswith("#SB! 알 수 없는 티커: XYZQ")
    assert all(r[2] == "" for r in result[2:])


def test_car_table(monkeypatch):
    """The notes follow the ``lang`` setting (English here; the Korean default below)."""
    korean = table(call(udfs.SB_CAR, excel_column(["GEV"]), EVENT))
    assert "추정 구간 시작 이후" in korean["GEV"]["note"]
    monkeypatch.setenv("SHOCKBOOK_LANG", "en")
    rows = table(call(udfs.SB_CAR, excel_column(["NVDA", "GEV", "nope!"]), EVENT))
    assert rows["NVDA"]["CAR[0,0]"] == pytest.approx(-0.1321, abs=5e-4)
    assert rows["NVDA"]["t[0,0]"] < -4
    assert rows["NVDA"]["n_obs"] == 240
    assert "after the estimation window starts" in rows["GEV"]["note"]  # listed 2024-03-27
    assert rows["nope!"]["error"].startswith("#SB! input error: cell 3 of tickers 'nope!' is not a ticker")  # the English settings


def test_baskets_spread():
    rows = table(call(udfs.SB_BASKETS, EVENT))
    assert rows["spread"]["event_return"] == pytest.approx(
        rows["theme:infrastructure"]["event_return"] - rows["theme:usage"]["event_return"])
    assert rows["power_utilities"]["event_return"] < rows["ai_software"]["event_return"]


# --- metadata ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("SB_EVENT_RETURNS", [("tickers", False), ("event_date", False), ("benchmark", True), ("as_of", True)]),
        ("SB_RETURN", [("ticker", False), ("start", False), ("end", True)]),
        ("SB_BREADTH", [("event_date", False), ("universe_file", True)]),
        ("SB_WORST", [("event_date", False), ("n", True), ("universe_file", True)]),
        ("SB_BEST", [("event_date", False), ("n", True), ("universe_file", True)]),
        ("SB_REBASED", [("tickers", False), ("event_date", False), ("base_date", True), ("as_of", True)]),
        ("SB_CAR", [("tickers", False), ("event_date", False), ("benchmark", True), ("as_of", True)]),
        ("SB_BASKETS", [("event_date", False)]),
    ],
)
def test_event_udf_signatures_and_help(name, args):
    meta = xh.udf_metadata(getattr(udfs, name))
    assert meta.name == name and meta.category == "shockbook" and not meta.volatile
    assert [(a.name, a.optional) for a in meta.args] == args
    assert 0 < len(meta.description) <= 255 and all(a.doc for a in meta.args)


# --- as of a date ------------------------------------------------------------------------------


def test_event_returns_as_of_the_1_30_close_end_there(prices_path):
    import pandas as pd

    result = table(call(udfs.SB_EVENT_RETURNS, excel_column(["NVDA"]), EVENT, None, "2025-01-30"))
    frame = pd.read_csv(prices_path)
    close = frame[frame["ticker"] == "NVDA"].set_index("date")["close"]
    assert result["NVDA"]["since_pre_event"] == pytest.approx(close["2025-01-30"] / close["2025-01-24"] - 1, abs=1e-12)
    assert result["NVDA"]["return_5"] == ""  # +5 sessions is after the as-of date


def test_rebased_and_car_as_of_a_date(prices_path):
    paths = call(udfs.SB_REBASED, excel_column(["NVDA"]), EVENT, None, excel_date(dt.date(2025, 1, 30)))
    assert paths[-1][0].date() == dt.date(2025, 1, 30)
    cars = table(call(udfs.SB_CAR, excel_column(["NVDA"]), EVENT, None, "2025-01-30"))
    assert isinstance(cars["NVDA"]["CAR[-1,+1]"], float) and cars["NVDA"]["CAR[0,+5]"] == ""


def test_an_as_of_before_the_event_is_one_cell_of_text():
    result = call(udfs.SB_EVENT_RETURNS, excel_column(["NVDA"]), EVENT, None, "2025-01-20")
    assert result == [["#SB! 기간 오류: as-of date 2025-01-20 is before the event 2025-01-27; give an as-of date on or "
                       "after the event"]]

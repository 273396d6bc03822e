"""The report's numbers, reproduced through the whole engine: snapshot source -> price
service -> analytics -> tables (the same path the UDFs, macros and build take)."""

import datetime as dt

import pandas as pd
import pytest

from shockbook.data.prices import service_for
from shockbook.data.universe import load_universe_file
from shockbook.errors import DateRangeError, InputError, NoDataError
from shockbook.tables import events
from said import english

IN_TWO_MONTHS = (dt.date.today() + dt.timedelta(days=60)).isoformat()
REPORT_WORST_10 = ["VST", "ANET", "GEV", "CEG", "PWR", "AVGO", "NVDA", "ETN", "ORCL", "NRG"]


@pytest.fixture
def members(constituents_path):
    return load_universe_file(constituents_path)


def pct(x: float) -> float:
    return round(x * 100, 2)


def test_event_day_returns_of_the_report(offline_settings):
    result = events.event_returns_table(["NVDA", "^GSPC", "^SOX", "PLTR"], "2025-01-27", offline_settings)
    table = result.frame
    got = dict(zip(table["ticker"], table["event_return"].map(pct)))
    assert got == {"NVDA": -16.97, "^GSPC": -1.46, "^SOX": -9.15, "PLTR": -4.48}
    assert {english(s) for s in table["source"]} == {"snapshot (stale)"}  # "since the event" runs to today; the data ends 2025-06-30
    assert result.event == "2025-01-27" and result.benchmark == "^GSPC"


def test_ytd_before_the_event_of_the_best_runners(offline_settings):
    table = events.event_returns_table(["CEG", "VST", "GEV"], "2025-01-27", offline_settings).frame
    assert table.set_index("ticker")["ytd_before"].map(pct).to_dict() == {"CEG": 55.31, "VST": 38.62, "GEV": 27.84}


def test_breadth_and_the_bottom_ten(offline_settings, members):
    result = events.breadth_table(members, "2025-01-27", offline_settings)
    row = result.summary.iloc[0]
    assert (row["up"], row["down"], row["unchanged"], row["missing"]) == (351, 152, 0, 0)
    assert pct(row["index_return"]) == -1.46
    assert result.worst["ticker"].tolist() == REPORT_WORST_10
    assert result.worst.iloc[0][["name", "sector"]].tolist() == ["Vistra Corp.", "Utilities"]


def test_another_session_works_the_same_way(offline_settings, members):
    result = events.breadth_table(members, "2024-08-05", offline_settings)  # the yen carry unwind
    row = result.summary.iloc[0]
    assert row["up"] + row["down"] + row["unchanged"] + row["missing"] == 503
    assert row["down"] > 450 and pct(row["index_return"]) == -3.0


def test_a_bad_ticker_keeps_its_row_and_the_rest_is_filled(offline_settings):
    table = events.event_returns_table(["NVDA", "NOPE", "AVGO"], "2025-01-27", offline_settings).frame
    assert table["ticker"].tolist() == ["NVDA", "NOPE", "AVGO"]
    assert "NOPE is not in the snapshot" in table.loc[1, "error"].one_line()  # the error itself, typed
    assert table.loc[[0, 2], "event_return"].notna().all()


def test_a_weekend_event_maps_to_the_next_session_and_says_so(offline_settings):
    table = events.event_returns_table(["NVDA"], "2025-01-25", offline_settings)
    assert table.event == "2025-01-27"
    assert "2025-01-25 is not an NYSE session (weekend); using 2025-01-27" == english(table.session_note)


@pytest.mark.parametrize(
    "event, message",
    [
        ("2023-06-01", "event 2023-06-01 is before the data starts (2024-01-02)"),
        (IN_TWO_MONTHS, f"event date {IN_TWO_MONTHS} is in the future"),
        ("2025-13-01", "is not a date"),
    ],
)
def test_bad_event_dates(offline_settings, event, message):
    with pytest.raises((DateRangeError, InputError)) as info:
        events.event_returns_table(["NVDA"], event, offline_settings).frame
    assert message in info.value.one_line()


def test_a_late_listing_is_noted_not_dropped(offline_settings):
    table = events.abnormal_returns_table(["GEV", "NVDA"], "2025-01-27", offline_settings).frame
    gev = table.set_index("ticker").loc["GEV"]
    assert gev["n_obs"] == 197 and "listed 2024-03-27" in english(gev["note"])
    assert pd.notna(gev["CAR[0,0]"])


def test_the_basket_spread_is_the_reports_thesis(offline_settings):
    table = events.basket_table("2025-01-27", offline_settings).frame.set_index("basket")
    assert table.loc["theme:infrastructure", "event_return"] < -0.10
    assert abs(table.loc["theme:usage", "event_return"]) < 0.01
    spread = table.loc["spread", "event_return"]
    assert spread == pytest.approx(
        table.loc["theme:infrastructure", "event_return"] - table.loc["theme:usage", "event_return"]
    )


def test_rebased_paths_start_at_100_on_the_last_session_of_2024(offline_settings):
    paths = events.rebased_paths_table(["VST", "CEG", "NVDA"], "2025-01-27", offline_settings).frame
    assert paths.iloc[0]["date"] == pd.Timestamp("2024-12-31")
    assert paths.iloc[0][["VST", "CEG", "NVDA"]].tolist() == [100.0, 100.0, 100.0]
    on_event = paths.set_index("date").loc["2025-01-27"]
    assert on_event["CEG"] > 100 > on_event["NVDA"]  # figures 6 and 8: above / below year start


def test_holiday_period_return_through_1_30(offline_settings):
    value, note = events.period_return("NVDA", "2025-01-27", "2025-01-30", offline_settings)
    assert pct(value) == 5.26 and note == ""
    value, note = events.period_return("NVDA", "2025-01-25", "2025-01-30", offline_settings)
    assert "2025-01-25 is not an NYSE session" in note  # mapped to the close before: 1/24
    assert pct(value) == -12.6  # 1/30 close 124.63 over 1/24 close 142.58


def test_an_unknown_benchmark_keeps_the_returns_and_says_why(offline_settings):
    table = events.event_returns_table(["NVDA"], "2025-01-27", offline_settings, benchmark="XYZQ").frame
    assert pct(table.loc[0, "event_return"]) == -16.97
    assert "benchmark XYZQ has no prices (XYZQ is not in the snapshot" in english(table.loc[0, "note"])
    with pytest.raises(NoDataError, match="pass a benchmark with data"):
        events.abnormal_returns_table(["NVDA"], "2025-01-27", offline_settings, benchmark="XYZQ").frame


def test_a_period_without_a_session_is_an_error_not_zero(offline_settings):
    with pytest.raises(DateRangeError, match="holds no NYSE session"):
        events.period_return("NVDA", "2025-01-25", "2025-01-26", offline_settings)
    value, _ = events.period_return("NVDA", "2025-01-24", "2025-01-24", offline_settings)
    assert value == 0.0  # the same session twice is a real zero


def test_sessions_to_recover_is_a_count(offline_settings):
    table = events.event_returns_table(["PLTR"], "2025-01-27", offline_settings).frame
    assert str(table["sessions_to_recover"].dtype) == "Int64" and table.loc[0, "sessions_to_recover"] == 1


def test_one_shared_fetch_gives_the_same_tables(offline_settings):
    """The build fetches once for every table; each table must equal its own fetch."""
    tickers = ["NVDA", "VST", "NOPE", "GEV"]
    shared = events.preload_event_prices(tickers + ["^SOX"], "2025-01-27", offline_settings)
    alone = events.event_returns_table(tickers, "2025-01-27", offline_settings)
    car_alone = events.abnormal_returns_table(["NVDA", "GEV"], "2025-01-27", offline_settings).frame
    service = service_for(offline_settings)
    fetches = _counting_fetches(service)
    with service.pinned(shared, events.history_start(events.resolve_event("2025-01-27"))):
        preloaded = events.event_returns_table(tickers, "2025-01-27", offline_settings)
        car_shared = events.abnormal_returns_table(["NVDA", "GEV"], "2025-01-27", offline_settings).frame
    assert fetches == []  # answered from the pinned table
    pd.testing.assert_frame_equal(alone.frame, preloaded.frame)
    assert alone.provenance == preloaded.provenance
    pd.testing.assert_frame_equal(car_alone, car_shared)


def _counting_fetches(service) -> list:
    """The chain steps the service runs from now on (the pin answers without any)."""
    calls: list = []
    for step in service.chain():
        original = getattr(service, f"_step_{step}")

        def counted(*args, _original=original, _step=step, **kwargs):
            calls.append(_step)
            return _original(*args, **kwargs)

        setattr(service, f"_step_{step}", counted)
    return calls


def test_a_pin_serves_only_its_range_and_the_names_it_knows(offline_settings):
    service = service_for(offline_settings)
    start = events.history_start(events.resolve_event("2025-01-27"))
    table = events.preload_event_prices(["NVDA"], "2025-01-27", offline_settings)
    with service.pinned(table, start):
        assert service.pinned_table(start) is table
        assert service.pinned_table(start, "2025-03-31") is None  # another range
        fetches = _counting_fetches(service)
        service.get(["NVDA"], start, None)
        assert fetches == []
        service.get(["NVDA", "AVGO"], start, None)  # AVGO is not in the pinned table: fetched
        assert fetches != []
    assert service.pinned_table(start) is None  # the pin ends with the block


def test_the_cache_reads_tickers_with_different_dates_into_one_frame(tmp_path):
    import datetime as dt

    from shockbook.data.cache import PriceCache
    from shockbook.data.types import PriceTable

    cache = PriceCache(tmp_path)
    a = pd.DataFrame({"AAA": [1.0, 2.0, 3.0]}, index=pd.DatetimeIndex(["2025-01-02", "2025-01-03", "2025-01-06"], name="date"))
    b = pd.DataFrame({"BBB": [10.0]}, index=pd.DatetimeIndex(["2025-01-03"], name="date"))
    for frame in (a, b):
        cache.store(PriceTable(close=frame, adj_close=frame), {})
    got = cache.read(["BBB", "AAA", "ZZZ"], dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert list(got.close.columns) == ["BBB", "AAA"]
    assert got.close.index.strftime("%m-%d").tolist() == ["01-02", "01-03", "01-06"]
    assert got.close["BBB"].isna().tolist() == [True, False, True]


def test_recovered_shares_of_a_tiny_drop_are_not_shown(offline_settings):
    table = events.event_returns_table(["A", "NVDA"], "2025-01-27", offline_settings).frame.set_index("ticker")
    assert pct(table.loc["A", "event_return"]) == -0.32
    assert table.loc["A", ["recovered_1", "recovered_5", "recovered_20"]].isna().all()
    assert "drop under 1%: recovered shares not shown" in english(table.loc["A", "note"])
    assert table.loc["NVDA", "recovered_1"] == pytest.approx(0.4368, abs=1e-4)


def test_shared_event_returns_equal_each_list_computed_alone(offline_settings):
    lists = [["NVDA", "VST", "NOPE"], ["^GSPC", "^SOX"], ["CEG", "NVDA", "PLTR"]]
    union = sorted({t for group in lists for t in group})
    shared = events.preload_event_prices(union, "2025-01-27", offline_settings)
    assert events.shared_event_returns(lists, "2025-01-27", offline_settings) == {}  # nothing pinned
    start = events.history_start(events.resolve_event("2025-01-27"))
    with service_for(offline_settings).pinned(shared, start):
        tables = events.shared_event_returns(lists, "2025-01-27", offline_settings)
    assert tables, "no list was served from the shared computation"
    for key, table in tables.items():
        alone = events.event_returns_table(list(key), "2025-01-27", offline_settings).frame
        pd.testing.assert_frame_equal(table.frame.reset_index(drop=True), alone.reset_index(drop=True))


def test_a_shared_study_serves_only_the_same_windows(offline_settings):
    shared_prices = events.preload_event_prices(["NVDA", "GEV", "AAPL"], "2025-01-27", offline_settings)
    start = events.history_start(events.resolve_event("2025-01-27"))
    with service_for(offline_settings).pinned(shared_prices, start):
        study = events.share_event_study(["NVDA", "GEV", "AAPL"], "2025-01-27", offline_settings)
        data = events.load_event_data(["NVDA"], "2025-01-27", offline_settings)
    assert study.serves(data, ["NVDA"], (-250, -11), ((0, 0), (-1, 1), (0, 5), (0, 20)))
    assert not study.serves(data, ["NVDA"], (-200, -11), ((0, 0), (-1, 1), (0, 5), (0, 20)))
    assert not study.serves(data, ["MSFT"], (-250, -11), ((0, 0), (-1, 1), (0, 5), (0, 20)))
    shared_table = events.abnormal_returns_table(["NVDA", "GEV"], "2025-01-27", offline_settings, shared=study).frame
    alone = events.abnormal_returns_table(["NVDA", "GEV"], "2025-01-27", offline_settings).frame
    cols = [c for c in alone.columns if c != "note"]
    pd.testing.assert_frame_equal(shared_table[cols], alone[cols])


# --- partial results without a year-end base (the data start on 2024-01-02) --------------------


def test_baskets_without_a_year_end_base_fill_all_but_ytd(offline_settings):
    table = events.basket_table("2024-12-18", offline_settings)
    frame = table.frame
    assert frame["ytd_before"].isna().all()
    assert frame["event_return"].notna().sum() >= len(frame) - 1 and frame["since_event"].notna().any()
    assert any(english(n).startswith("YTD not computed: no session before 2024-01-01") for n in table.notes)


def test_paths_without_a_year_end_base_start_at_the_first_close(offline_settings):
    table = events.rebased_paths_table(["NVDA", "VST"], "2024-12-18", offline_settings)
    assert table.extra["base_date"] == "2024-01-02"
    assert table.frame.iloc[0][["NVDA", "VST"]].tolist() == [100.0, 100.0]
    assert "rebased to the first close in the data, 2024-01-02" in english(table.notes[0])


def test_paths_in_a_window_keep_the_year_end_base(offline_settings):
    table = events.rebased_paths_table(["NVDA"], "2025-01-27", offline_settings, start="2025-01-20", end="2025-02-01")
    dates = table.frame["date"].dt.strftime("%Y-%m-%d").tolist()
    assert dates[0] == "2025-01-21" and dates[-1] == "2025-01-31"  # sessions inside the window
    assert table.extra["base_date"] == "2024-12-31" and not table.notes
    with pytest.raises(DateRangeError, match="ends"):
        events.rebased_paths_table(["NVDA"], "2025-01-27", offline_settings, start="2025-02-01", end="2025-01-20")

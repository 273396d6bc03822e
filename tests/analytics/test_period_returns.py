"""Period returns: event day, year to date, start->end, since the event."""

import math

import numpy as np
import pandas as pd
import pytest
from analytics_frames import frame
from shockbook.analytics import (
    event_day_returns,
    first_valid_dates,
    last_valid_dates,
    period_returns,
    return_notes,
    simple_returns,
    since_event_returns,
    ytd_returns,
)
from shockbook.errors import DateRangeError, InputError, NotASessionError


def test_flat_line_returns_zero(flat_line):
    assert event_day_returns(flat_line, "2025-01-02")["FLAT"] == 0.0
    assert ytd_returns(flat_line, "2025-01-02")["FLAT"] == 0.0


@pytest.mark.parametrize("event, expected", [
    ("2025-01-01", {"UP": 0.10, "DOWN": -0.20}),
    ("2025-01-02", {"UP": 0.0, "DOWN": 0.125}),
    ("2025-01-03", {"UP": 0.10, "DOWN": 1 / 9}),
])
def test_event_day_returns_one_up_one_down(one_up_one_down, event, expected):
    result = event_day_returns(one_up_one_down, event)
    assert result.name == "return"
    assert result.to_dict() == pytest.approx(expected)


def test_ticker_listed_late_has_nan_before_listing(ticker_listed_late):
    on_listing = event_day_returns(ticker_listed_late, "2025-01-01")
    assert math.isnan(on_listing["NEW"])
    assert on_listing["OLD"] == pytest.approx(13 / 12 - 1)
    after = event_day_returns(ticker_listed_late, "2025-01-02")
    assert after["NEW"] == pytest.approx(0.10)


def test_event_day_on_first_session_is_an_error(one_up_one_down):
    with pytest.raises(DateRangeError, match="first session"):
        event_day_returns(one_up_one_down, "2024-12-27")


def test_event_not_a_session_is_an_error(one_up_one_down):
    with pytest.raises(NotASessionError):
        event_day_returns(one_up_one_down, "2024-12-28")


@pytest.mark.parametrize("include_event, expected_down", [(False, 0.0), (True, -0.20)])
def test_ytd_base_is_last_session_of_previous_year(one_up_one_down, include_event, expected_down):
    # base 2024-12-31 (100); the session before the 01-01 event is the base itself
    result = ytd_returns(one_up_one_down, "2025-01-01", include_event=include_event)
    assert result["DOWN"] == pytest.approx(expected_down)


def test_ytd_runs_to_the_session_before_the_event(one_up_one_down):
    result = ytd_returns(one_up_one_down, "2025-01-03")
    assert result.to_dict() == pytest.approx({"UP": 0.10, "DOWN": -0.10})


def test_ytd_without_previous_year_is_an_error():
    prices = frame({"A": [1.0, 2.0, 3.0]}, start="2025-01-02")
    with pytest.raises(DateRangeError, match="no session before 2025-01-01"):
        ytd_returns(prices, "2025-01-06")


def test_ytd_of_late_listed_ticker_is_nan(ticker_listed_late):
    assert math.isnan(ytd_returns(ticker_listed_late, "2025-01-03")["NEW"])


@pytest.mark.parametrize("start, end, expected_up", [
    ("2024-12-27", "2025-01-03", 0.21),
    ("2025-01-01", "2025-01-03", 0.10),
    ("2025-01-02", "2025-01-02", 0.0),
])
def test_period_returns(one_up_one_down, start, end, expected_up):
    assert period_returns(one_up_one_down, start, end)["UP"] == pytest.approx(expected_up)


def test_period_returns_reversed_is_an_error(one_up_one_down):
    with pytest.raises(DateRangeError, match="before start") as info:
        period_returns(one_up_one_down, "2025-01-03", "2025-01-01")
    assert info.value.start == pd.Timestamp("2025-01-03")


def test_since_event_defaults_to_each_tickers_last_close():
    prices = frame({"LIVE": [10.0, 8.0, 9.0, 12.0], "GONE": [10.0, 8.0, 6.0, np.nan]})
    result = since_event_returns(prices, "2024-12-30")
    assert result.to_dict() == pytest.approx({"LIVE": 0.5, "GONE": -0.25})
    assert last_valid_dates(prices)["GONE"] == pd.Timestamp("2024-12-31")


def test_since_event_with_asof_and_pre_event_base(one_up_one_down):
    result = since_event_returns(one_up_one_down, "2025-01-01", asof="2025-01-02", base="pre_event")
    assert result.to_dict() == pytest.approx({"UP": 0.10, "DOWN": -0.10})


def test_since_event_asof_before_event_is_an_error(one_up_one_down):
    with pytest.raises(DateRangeError):
        since_event_returns(one_up_one_down, "2025-01-02", asof="2025-01-01")


def test_since_event_bad_base_is_an_error(one_up_one_down):
    with pytest.raises(InputError, match="base"):
        since_event_returns(one_up_one_down, "2025-01-02", base="open")


def test_simple_returns_never_fill_gaps():
    prices = frame({"A": [10.0, np.nan, 12.0, 12.0]})
    result = simple_returns(prices)["A"].tolist()
    assert all(math.isnan(v) for v in result[:3]) and result[3] == 0.0


def test_empty_frame_gives_empty_series():
    empty = frame({"A": [1.0, 2.0]}).iloc[:, :0]
    assert event_day_returns(empty, "2024-12-30").empty


def test_zero_base_price_gives_nan_not_inf():
    prices = frame({"Z": [0.0, 1.0]})
    assert math.isnan(event_day_returns(prices, "2024-12-30")["Z"])


def test_return_notes_explain_nan(ticker_listed_late):
    prices = ticker_listed_late.assign(DEAD=[1.0, 2.0, 3.0, np.nan, np.nan, np.nan], NONE=np.nan)
    notes = return_notes(prices, "2024-12-30", "2025-01-03")
    assert notes["OLD"] == ""
    assert notes["NEW"] == "no price on 2024-12-30 (data from 2025-01-01)"
    assert notes["DEAD"] == "no price on 2025-01-03 (data to 2024-12-31)"
    assert notes["NONE"] == "no data"
    assert first_valid_dates(prices)["NEW"] == pd.Timestamp("2025-01-01")
    assert pd.isna(first_valid_dates(prices)["NONE"])

"""Validation of price frames and dates: errors name the bad input."""

import numpy as np
import pandas as pd
import pytest
from analytics_frames import frame
from shockbook.analytics.sessions import (
    check_prices,
    previous_year_end,
    session_position,
    to_timestamp,
)
from shockbook.errors import DateRangeError, InputError, NotASessionError


def test_session_position_finds_the_row(one_up_one_down):
    assert session_position(one_up_one_down.index, "2025-01-01") == 3


def test_non_session_inside_range_names_neighbours():
    prices = frame({"A": [1.0, 2.0, 3.0]}, start="2025-01-02")  # Thu, Fri, Mon
    with pytest.raises(NotASessionError) as info:
        session_position(prices.index, "2025-01-04")
    assert "2025-01-03" in str(info.value) and "2025-01-06" in str(info.value)
    assert info.value.valid == (pd.Timestamp("2025-01-03"), pd.Timestamp("2025-01-06"))


@pytest.mark.parametrize("when", ["2020-01-01", "2030-01-01"])
def test_date_outside_data_is_a_date_range_error(one_up_one_down, when):
    with pytest.raises(DateRangeError) as info:
        session_position(one_up_one_down.index, when, "event")
    assert info.value.argument == "event"
    assert info.value.valid == (one_up_one_down.index[0], one_up_one_down.index[-1])


def test_empty_index_is_a_date_range_error():
    with pytest.raises(DateRangeError, match="empty"):
        session_position(pd.DatetimeIndex([]), "2025-01-27")


@pytest.mark.parametrize("bad", ["not a date", None, pd.Timestamp("2025-01-27", tz="UTC")])
def test_bad_dates_are_input_errors(bad):
    with pytest.raises(InputError):
        to_timestamp(bad)


def test_previous_year_end_is_last_session_of_prior_year(one_up_one_down):
    assert previous_year_end(one_up_one_down.index, "2025-01-03") == pd.Timestamp("2024-12-31")


def test_previous_year_end_missing_is_an_error():
    prices = frame({"A": [1.0, 2.0]}, start="2025-01-02")
    with pytest.raises(DateRangeError, match="no session before 2025-01-01"):
        previous_year_end(prices.index, "2025-01-03")


def _tz_aware():
    f = frame({"A": [1.0, 2.0]})
    f.index = f.index.tz_localize("America/New_York")
    return f


@pytest.mark.parametrize("bad, message", [
    (pd.Series([1.0, 2.0]), "DataFrame"),
    (pd.DataFrame({"A": [1.0]}, index=[0]), "DatetimeIndex"),
    (_tz_aware(), "tz-naive"),
    (frame({"A": [1.0, 2.0]}).iloc[::-1], "ascending"),
    (pd.concat([frame({"A": [1.0]}), frame({"A": [2.0]})]), "duplicated session"),
    (pd.concat([frame({"A": [1.0]}), frame({"A": [2.0]})], axis=1), "duplicated ticker"),
    (frame({"A": [1.0, 2.0]}).assign(B=["x", "y"]), "numbers"),
])
def test_check_prices_rejects_malformed_frames(bad, message):
    with pytest.raises(InputError, match=message):
        check_prices(bad)


def test_check_prices_converts_integers_to_float():
    out = check_prices(frame({"A": [1.0, 2.0]}).astype("int64"))
    assert out["A"].dtype == np.float64

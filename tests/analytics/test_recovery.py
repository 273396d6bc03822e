"""Recovery after the event-day drop."""

import math

import numpy as np
import pandas as pd
import pytest
from analytics_frames import frame
from shockbook.analytics import recovery
from shockbook.errors import DateRangeError, InputError
from said import english

# event = 2024-12-31 (row 2); pre-event close is row 1
PRICES = frame({
    #           12-27  12-30  12-31  01-01  01-02  01-03
    "BOUNCE": [100.0, 100.0, 80.0, 90.0, 100.0, 110.0],
    "NEVER":  [100.0, 100.0, 50.0, 60.0, 55.0, 70.0],
    "RISER":  [100.0, 100.0, 105.0, 90.0, 95.0, 99.0],
    "LATE":   [np.nan, np.nan, 10.0, 11.0, 12.0, 13.0],
    "GONE":   [100.0, 100.0, 90.0, 95.0, np.nan, np.nan],
})


@pytest.fixture
def table():
    return recovery(PRICES, "2024-12-31", horizons=(1, 2, 5))


def test_bounce(table):
    row = table.loc["BOUNCE"]
    assert row["event_return"] == pytest.approx(-0.20)
    assert row["sessions_to_recover"] == 2
    assert row["recovered_on"] == pd.Timestamp("2025-01-02")
    assert row["recovered_1"] == pytest.approx(0.5)
    assert row["recovered_2"] == pytest.approx(1.0)
    assert english(row["note"]) == "+5 sessions is beyond the data (ends 2025-01-03)"
    assert math.isnan(row["recovered_5"])


def test_not_yet_recovered_is_nan_with_last_date(table):
    row = table.loc["NEVER"]
    assert math.isnan(row["sessions_to_recover"]) and pd.isna(row["recovered_on"])
    assert row["last_date"] == pd.Timestamp("2025-01-03")
    assert "not regained by 2025-01-03" in english(row["note"])
    assert row["recovered_2"] == pytest.approx(0.1)


def test_riser_needs_zero_sessions_and_has_no_recovery_share(table):
    row = table.loc["RISER"]
    assert row["sessions_to_recover"] == 0
    assert math.isnan(row["recovered_1"])
    assert "did not fall on the event day" in english(row["note"])


def test_listed_on_event_day_is_noted(table):
    row = table.loc["LATE"]
    assert math.isnan(row["event_return"]) and math.isnan(row["sessions_to_recover"])
    assert english(row["note"]).startswith("no close on 2024-12-30")


def test_delisted_before_horizon_is_noted(table):
    row = table.loc["GONE"]
    assert row["recovered_1"] == pytest.approx(0.5)
    assert math.isnan(row["recovered_2"])
    assert "no close on 2025-01-02 (+2 sessions)" in english(row["note"])
    assert row["last_date"] == pd.Timestamp("2025-01-01")


def test_columns_in_order(table):
    assert list(table.columns) == [
        "pre_event_close", "event_close", "event_return", "sessions_to_recover", "recovered_on",
        "last_date", "recovered_1", "recovered_2", "recovered_5", "note"]
    assert table.index.name == "ticker"


@pytest.mark.parametrize("horizons", [(0,), (-1, 5), (1.5,), ("x",)])
def test_bad_horizons_are_input_errors(horizons):
    with pytest.raises(InputError, match="horizons"):
        recovery(PRICES, "2024-12-31", horizons=horizons)


def test_event_on_first_session_is_an_error():
    with pytest.raises(DateRangeError):
        recovery(PRICES, "2024-12-27")


def test_flat_line_did_not_fall(flat_line):
    row = recovery(flat_line, "2024-12-31").loc["FLAT"]
    assert row["sessions_to_recover"] == 0 and math.isnan(row["recovered_1"])


# --- returns h sessions after the event: the primary recovery columns -------------------------


@pytest.mark.parametrize("ticker,h,expected", [
    ("BOUNCE", 1, 90 / 80 - 1), ("BOUNCE", 3, 110 / 80 - 1),  # a drop, then back above
    ("RISER", 1, 90 / 105 - 1),                               # rose on the event day, then fell
    ("LATE", 2, 12 / 10 - 1),                                 # no pre-event close: still defined
])
def test_returns_after_are_from_the_event_close(ticker, h, expected):
    from shockbook.analytics import returns_after

    assert returns_after(PRICES, "2024-12-31", horizons=(h,)).loc[ticker, f"return_{h}"] == pytest.approx(expected)


def test_returns_after_beyond_the_data_or_a_gap_are_nan():
    from shockbook.analytics import returns_after

    table = returns_after(PRICES, "2024-12-31", horizons=(2, 5))
    assert list(table.columns) == ["return_2", "return_5"]
    assert math.isnan(table.loc["GONE", "return_2"])   # delisted before +2
    assert table["return_5"].isna().all()               # +5 sessions is beyond the data


def test_returns_after_cut_at_an_as_of_date_are_not_known_yet():
    from shockbook.analytics import returns_after

    cut = PRICES.loc[:"2025-01-01"]
    assert math.isnan(returns_after(cut, "2024-12-31", horizons=(2,)).loc["BOUNCE", "return_2"])

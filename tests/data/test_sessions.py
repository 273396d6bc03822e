"""NYSE sessions: holidays and closures are known; non-sessions map to a documented session."""

import datetime as dt

import pytest

from shockbook.data import sessions as cal
from shockbook.errors import DateRangeError, InputError

D = dt.date


@pytest.mark.parametrize(
    "requested, direction, session, reason",
    [
        (D(2025, 1, 27), "next", D(2025, 1, 27), ""),  # the event day is a session
        (D(2025, 1, 25), "next", D(2025, 1, 27), "weekend"),  # Saturday -> Monday
        (D(2025, 1, 25), "previous", D(2025, 1, 24), "weekend"),
        (D(2025, 1, 9), "next", D(2025, 1, 10), "market holiday or closure"),  # Carter mourning day
        (D(2025, 1, 20), "next", D(2025, 1, 21), "market holiday or closure"),  # MLK day
        ("2024-12-25", "previous", D(2024, 12, 24), "market holiday or closure"),
    ],
)
def test_resolve_session(requested, direction, session, reason):
    got = cal.resolve_session(requested, direction)
    assert got.session == session
    assert got.reason == reason
    assert got.moved == (reason != "")
    if got.moved:
        assert f"using {session}" in got.note


def test_sessions_skip_the_2025_01_09_closure():
    days = [d.date() for d in cal.sessions("2025-01-06", "2025-01-13")]
    assert days == [D(2025, 1, 6), D(2025, 1, 7), D(2025, 1, 8), D(2025, 1, 10), D(2025, 1, 13)]


def test_last_session_of_year_is_the_reports_year_start_base():
    assert cal.last_session_of_year(2024) == D(2024, 12, 31)
    assert cal.previous_session("2025-01-27") == D(2025, 1, 24)


@pytest.mark.parametrize(
    "value, error, message",
    [
        ("27/01/2025", InputError, "'27/01/2025' is not a date; use YYYY-MM-DD"),
        (None, InputError, "None is not a date"),
        ("1999-01-04", DateRangeError, "outside the NYSE calendar"),
    ],
)
def test_bad_dates(value, error, message):
    with pytest.raises(error) as info:
        cal.resolve_session(value)
    assert message in str(info.value)


def test_reversed_range_says_swap():
    with pytest.raises(DateRangeError, match="before start"):
        cal.sessions("2025-01-27", "2025-01-24")


def test_last_completed_session_before_and_after_the_close():
    before_close = dt.datetime(2025, 1, 27, 20, 0, tzinfo=dt.timezone.utc)  # 15:00 New York
    after_close = dt.datetime(2025, 1, 27, 21, 30, tzinfo=dt.timezone.utc)
    assert cal.last_completed_session(before_close) == D(2025, 1, 24)
    assert cal.last_completed_session(after_close) == D(2025, 1, 27)

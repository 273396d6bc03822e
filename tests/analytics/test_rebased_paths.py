"""Rebased paths (price / base price x 100) and the above-base flags."""

import pytest
from analytics_frames import frame
from shockbook.analytics import above_base, rebased_paths
from shockbook.errors import DateRangeError, InputError, NotASessionError


def test_default_base_is_previous_year_end(one_up_one_down):
    paths = rebased_paths(one_up_one_down, event="2025-01-02")
    assert paths.loc["2024-12-31"].tolist() == [100.0, 100.0]
    assert paths.loc["2025-01-03", "UP"] == pytest.approx(121.0)
    assert paths.loc["2025-01-01", "DOWN"] == pytest.approx(80.0)


def test_explicit_base_date_and_level(one_up_one_down):
    paths = rebased_paths(one_up_one_down, base_date="2025-01-01", level=1.0)
    assert paths.loc["2025-01-01"].tolist() == [1.0, 1.0]
    assert paths.loc["2025-01-03", "DOWN"] == pytest.approx(1.25)


def test_base_row_is_exactly_the_level_for_awkward_prices():
    prices = frame({"A": [0.1 + 0.2, 118.3876, 3.0]})
    assert (rebased_paths(prices, base_date="2024-12-30").loc["2024-12-30", "A"]) == 100.0


def test_column_without_base_price_is_all_nan(ticker_listed_late):
    paths = rebased_paths(ticker_listed_late, event="2025-01-02")
    assert paths["NEW"].isna().all()
    assert paths.loc["2025-01-03", "OLD"] == pytest.approx(125.0)


def test_needs_base_or_event(one_up_one_down):
    with pytest.raises(InputError, match="base_date or event"):
        rebased_paths(one_up_one_down)


@pytest.mark.parametrize("level", [0.0, -100.0, float("nan")])
def test_level_must_be_positive(one_up_one_down, level):
    with pytest.raises(InputError, match="level"):
        rebased_paths(one_up_one_down, event="2025-01-02", level=level)


@pytest.mark.parametrize("base, error", [("2024-12-28", NotASessionError), ("2023-01-02", DateRangeError)])
def test_base_date_must_be_a_session(one_up_one_down, base, error):
    with pytest.raises(error):
        rebased_paths(one_up_one_down, base_date=base)


def test_above_base_keeps_missing_as_na(ticker_listed_late):
    flags = above_base(rebased_paths(ticker_listed_late, base_date="2024-12-30"))
    assert str(flags["OLD"].dtype) == "boolean"
    assert flags["OLD"].tolist() == [False, True, True, True, True, True]
    assert flags["NEW"].isna().all()


def test_above_base_mixed(one_up_one_down):
    flags = above_base(rebased_paths(one_up_one_down, event="2025-01-02"))
    assert flags["DOWN"].tolist() == [True, True, True, False, False, True]

"""Fitted chart axes: every point inside, 0 shown, round ticks, room for the labels."""

from __future__ import annotations

import pytest

from shockbook.workbook.axes import padded_bounds


@pytest.mark.parametrize(
    "values, extra, expected",
    [
        ([-0.28, -0.02], 0.0, (-0.35, 0.05, 0.05)),         # 1/27: every name fell; 0 still shown
        ([-0.28, -0.2, 0.03], 0.12, (-0.35, 0.1, 0.05)),     # label room right of the last point
        ([-0.2, 0.8], 0.0, (-0.4, 1.0, 0.2)),                # recoveries to +80%
        ([0.2, 4.3], 0.0, (-1.0, 5.0, 1.0)),                 # all above 0: the axis starts below 0
        ([0.0, 0.0], 0.0, (-0.01, 0.01, 0.01)),              # no spread: a minimal span around 0
    ],
    ids=["all-down", "label-room", "wide", "all-up", "flat"],
)
def test_padded_bounds(values, extra, expected):
    assert padded_bounds(values, extra_high=extra) == pytest.approx(expected)


@pytest.mark.parametrize("values", [[-0.5, 0.3], [-0.011, -0.01], [0.9, 23.4], [-0.99, 0.0001]])
def test_every_value_is_strictly_inside(values):
    low, high, step = padded_bounds(values)
    assert low < min(values) and max(values) < high and low <= 0 <= high
    assert (high - low) / step <= 8


@pytest.mark.parametrize("values", [[-0.175, -0.02], [-0.3, 0.21], [0.0, 2.2]])
def test_ticks_are_whole_percents(values):
    # a 2.5% step under the "0%" format printed -17.5% as "-18%" and 2.5% as "3%"
    low, high, step = padded_bounds(values)
    for tick in (low + i * step for i in range(round((high - low) / step) + 1)):
        assert abs(tick * 100 - round(tick * 100)) < 1e-9, (values, tick)

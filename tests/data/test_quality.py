"""One rule decides which bars may become returns (live and snapshot data alike)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shockbook.data.quality import screen_bars

DAYS = pd.DatetimeIndex(["2025-01-23", "2025-01-24", "2025-01-27", "2025-01-28"], name="date")


def bars(close, volume=(1e6, 1e6, 1e6, 1e6), flat=None):
    close = pd.Series(close, index=DAYS, dtype=object)
    num = pd.to_numeric(close, errors="coerce")
    o = h = l = num.copy()
    if flat is not None:  # a placeholder row: every price = the previous close
        for s in (o, h, l):
            s.iloc[flat] = num.iloc[flat - 1]
    return close, dict(open_=o, high=h, low=l, volume=pd.Series(volume, index=DAYS))


@pytest.mark.parametrize(
    "close, volume, flat, dropped",
    [
        ([147.2, 142.6, 118.4, 128.9], (1e6,) * 4, None, []),
        ([147.2, 142.6, 0.0, 128.9], (1e6,) * 4, None, [("2025-01-27", "close 0 <= 0")]),
        ([147.2, 142.6, -1.0, 128.9], (1e6,) * 4, None, [("2025-01-27", "close -1 <= 0")]),
        ([147.2, 142.6, np.nan, 128.9], (1e6,) * 4, None, [("2025-01-27", "close not a number")]),
        ([147.2, "abc", 118.4, 128.9], (1e6,) * 4, None, [("2025-01-24", "close not a number ('abc')")]),
        ([147.2, 142.6, 142.6, 128.9], (1e6, 1e6, 0, 1e6), 2,
         [("2025-01-27", "placeholder bar (volume 0, open/high/low/close = previous close)")]),
        # volume 0 alone (an index) or a flat close with volume (a quiet day) is a real bar
        ([147.2, 142.6, 118.4, 128.9], (0, 0, 0, 0), None, []),
        ([147.2, 142.6, 142.6, 128.9], (1e6,) * 4, 2, []),
    ],
)
def test_bad_bars(close, volume, flat, dropped):
    series, parts = bars(close, volume, flat)
    keep, bad = screen_bars("NVDA", series, **parts)
    assert [(str(b.date.date()), b.reason) for b in bad] == dropped
    assert keep.sum() == 4 - len(dropped)
    assert all(b.note().startswith(f"NVDA {b.date.date()}: ") for b in bad)


def test_without_ohlcv_only_the_close_is_judged():
    keep, bad = screen_bars("ASML", pd.Series([700.0, 700.0, 0.0, 701.0], index=DAYS))
    assert keep.tolist() == [True, True, False, True] and len(bad) == 1


def test_the_first_bar_is_judged_against_the_previous_close_when_given():
    series, parts = bars([142.6, 118.4, 128.9, 120.0], (0, 1e6, 1e6, 1e6))
    keep, bad = screen_bars("NVDA", series, previous_close=142.6, **parts)
    assert [b.reason.split(" (")[0] for b in bad] == ["placeholder bar"]

"""The dip screen's rules for the share of the drop recovered, on small named inputs.

A share ``(P_asof - P_0) / (P_-1 - P_0)`` is right arithmetic that misleads for small drops:
a 1.1% drop followed by +9% is "818% recovered". The screen computes it only for drops of at
least 3% and scores it within -100%..+300% (as the sheet shows it).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from shockbook.analytics.dip import DIP_MIN_DROP, MIN_DROP, SHARE_BOUNDS, dip_score, recovery_since

DAYS = pd.to_datetime(["2025-01-24", "2025-01-27", "2025-02-14"])
#: previous close 100, event close, as-of close: a 1.1% drop then +9%, a 3% drop, a 20% drop
PRICES = pd.DataFrame({"SMALL": [100.0, 98.9, 107.8], "EDGE": [100.0, 97.0, 99.0], "BIG": [100.0, 80.0, 90.0]},
                      index=DAYS)


def test_the_event_tables_rule_keeps_a_share_for_drops_over_1_percent():
    shares = recovery_since(PRICES, "2025-01-27")["recovered_share"]
    assert MIN_DROP == 0.01
    assert shares["SMALL"] == pytest.approx(8.0909, abs=1e-4)  # the "818% recovered" of the issue
    assert shares["BIG"] == pytest.approx(0.5)


@pytest.mark.parametrize("ticker, share", [("SMALL", None), ("EDGE", 2 / 3), ("BIG", 0.5)])
def test_the_dip_screen_needs_a_3_percent_drop(ticker, share):
    got = recovery_since(PRICES, "2025-01-27", min_drop=DIP_MIN_DROP)["recovered_share"][ticker]
    assert DIP_MIN_DROP == 0.03
    if share is None:
        assert math.isnan(got)
    else:
        assert got == pytest.approx(share)


@pytest.mark.parametrize(
    "share, same_as",
    [(-5.0, -1.0), (-1.0, -1.0), (0.25, 0.25), (1.0, 1.0), (8.09, 3.0), (float("nan"), 0.0)],
    ids=["fell-five-drops-more", "at-the-floor", "a-quarter", "all", "818%", "none"],
)
def test_the_score_takes_the_share_within_the_shown_bounds(share, same_as):
    """Below -100% counts as -100% (the sheet shows -100% and its formula reads that cell);
    above 100% nothing is left to recover either way; no share counts as nothing recovered."""
    assert SHARE_BOUNDS == (-1.0, 3.0)
    args = dict(event_return=-0.1, abnormal_return=-0.08, ytd_before=0.2)
    assert dip_score(recovered_share=share, **args) == pytest.approx(dip_score(recovered_share=same_as, **args))


def test_a_name_that_fell_as_far_again_scores_twice_the_drop_unrecovered():
    # drop 10%, abnormal 8%, share -1 (as far again): 0.10 + 0.08 + 0.10 x 2 - 0.5 x 0.2
    assert dip_score(-0.1, -0.08, -3.0, 0.2) == pytest.approx(0.28)

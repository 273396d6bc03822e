"""Fitted chart axes: bounds that show every point, 0 and the points' labels, with round ticks.

The one rule both writers use: the template builder when it creates a chart and the package
patcher when a refresh moves the points (so a refreshed book never hides a point outside an
axis fitted to older data).
"""

from __future__ import annotations

import math

#: Padding of a fitted axis beyond its extreme points, as a share of the points' span.
AXIS_PADDING = 0.08
#: Extra room right of the rightmost point of a fitted x axis for its label (a share of the span).
LABEL_ROOM = 0.12
#: Tick steps a fitted axis chooses from (fractions: 1% .. 500%), about five ticks per axis.
_NICE_STEPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)  # whole percents under a "0%" format


def padded_bounds(values, padding: float = AXIS_PADDING, extra_high: float = 0.0) -> tuple[float, float, float]:
    """``(min, max, step)`` of an axis that shows every value in ``values`` (fractions) and 0,
    padded by ``padding`` of their span below and ``padding + extra_high`` above, rounded
    outwards to a tick ``step`` that gives about five ticks.

    >>> padded_bounds([-0.28, -0.02])
    (-0.35, 0.05, 0.05)
    """
    low, high = min(min(values), 0.0), max(max(values), 0.0)
    span = max(high - low, 0.01)
    low, high = low - padding * span, high + (padding + extra_high) * span
    step = next((s for s in _NICE_STEPS if (high - low) / s <= 8), _NICE_STEPS[-1])
    return (round(math.floor(low / step) * step, 10), round(math.ceil(high / step) * step, 10), step)

"""Domain constants of the analytics core, in one place.

Windows are expressed in **exchange sessions relative to the event session** (day 0 is the
event session, -1 the session before it), following MacKinlay (1997), "Event Studies in
Economics and Finance", *Journal of Economic Literature* 35(1), 13-39.
"""

from __future__ import annotations

#: Sessions in a typical US trading year (used only for annualising, never for windows).
TRADING_DAYS_PER_YEAR = 252

#: Estimation window of the market model, inclusive, in sessions relative to the event.
#: 240 returns ending two weeks before the event, so the window cannot see the event.
DEFAULT_ESTIMATION_WINDOW = (-250, -11)

#: Fewest estimation-window returns for which a market model is fitted; fewer gives NaN
#: and a note. 120 sessions is about six months.
MIN_ESTIMATION_OBS = 120

#: Windows over which abnormal returns are cumulated (CAR), inclusive, relative sessions.
DEFAULT_CAR_WINDOWS = ((0, 0), (-1, 1), (0, 5), (0, 20))

#: Sessions after the event at which the share of the event-day drop recovered is measured.
DEFAULT_RECOVERY_HORIZONS = (1, 5, 20)

#: Level of a rebased path on its base date ("price / base price x 100").
REBASE_LEVEL = 100.0

#: How many names a "worst / best N" ranking shows by default (the report shows 10).
DEFAULT_RANK_N = 10

#: Fewest overlapping residual pairs for a pairwise correlation to count in rbar.
MIN_PAIR_OBS = 20

#: Repeats per timing in the engine benchmark (best of).
BENCH_REPEATS = 3

"""``python -m shockbook dip``: the buy-the-dip screen of a watchlist (the report's action item).

A thin adapter over :func:`shockbook.tables.dip.dip_screen_table`. Rows worst-hit first; ``rank``
orders the weighted score (1 = strongest candidate; the weights are options). Returns, shares
and the score are fractions in csv/json; the ``table`` format shows percentages.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from ..errors import ShockbookError
from .common import EXIT_NODATA, EXIT_OK, EXIT_PARTIAL, add_data_options, add_format_option, emit, settings_from

SUMMARY = "buy-the-dip screen: event-day drop, abnormal return, run-up, recovery, next earnings, a weighted rank"

_PCT = ("event_return", "abnormal_return", "ytd_before", "recovered_share", "since_event", "score")


def configure(p: argparse.ArgumentParser) -> None:
    from ..tables.dip import DipWeights

    p.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="event date")
    p.add_argument("--tickers", nargs="+", required=True, metavar="TICKER", help="the watchlist")
    p.add_argument("--as-of", metavar="YYYY-MM-DD",
                   help="measure the recovery at this date (default: the last close in the data)")
    defaults = DipWeights()
    for name in ("drop", "abnormal", "unrecovered", "runup"):
        p.add_argument(f"--w-{name}", type=float, default=getattr(defaults, name), metavar="W",
                       help=f"score weight of the {name} term (default {getattr(defaults, name):g})")
    add_data_options(p)
    add_format_option(p)


def run(args: argparse.Namespace) -> int:
    from ..data.sessions import to_date
    from ..tables.dip import DipWeights, dip_screen_table
    from ..tables.events import resolve_event

    settings = settings_from(args)
    event = resolve_event(to_date(args.date))
    if event.note:
        sys.stderr.write(f"shockbook: {event.note}\n")
    as_of = to_date(args.as_of) if args.as_of else None
    weights = DipWeights(args.w_drop, args.w_abnormal, args.w_unrecovered, args.w_runup)
    rows = dip_screen_table(args.tickers, event, settings, as_of=as_of, weights=weights).frame.drop(columns=["why"])
    errors = {t: e for t, e in zip(rows["ticker"], rows["error"]) if isinstance(e, ShockbookError)}
    rows = rows.assign(error=[e.cell_text() if isinstance(e, ShockbookError) else e for e in rows["error"]])
    if args.format == "table":
        w = weights
        sys.stdout.write(f"dip screen, event {event.session}; score = {w.drop:g} x drop + {w.abnormal:g} x "
                         f"abnormal drop + {w.unrecovered:g} x drop x (1 - recovered share) - {w.runup:g} x run-up\n")
        shown = rows.copy()
        for col in _PCT:
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{v * 100:+.2f}%")
        shown["t_stat"] = shown["t_stat"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
        shown["next_earnings"] = shown["next_earnings"].map(lambda v: "" if v is None or pd.isna(v) else str(v))
        shown["rank"] = shown["rank"].map(lambda v: "" if pd.isna(v) else str(int(v)))
        emit(shown, "table")
    else:
        emit(rows, args.format)
    for ticker, error in errors.items():
        sys.stderr.write(f"shockbook: {ticker}: {error.one_line()}\n")
    if len(errors) == len(rows):
        return EXIT_NODATA
    return EXIT_PARTIAL if errors else EXIT_OK

"""``python -m shockbook event``: the event table, and breadth and worst/best for a universe.

A thin adapter over :mod:`shockbook.tables.events` (see :mod:`shockbook.cli.common` for the exit
codes). Returns are fractions in every format (``-0.1697`` is -16.97%); the ``table`` format
shows them as percentages for people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from pathlib import Path

import pandas as pd

from ..data.universe import universe_members
from ..errors import InputError, ShockbookError
from .common import (EXIT_NODATA, EXIT_OK, EXIT_PARTIAL, add_as_of_option, add_data_options, add_format_option, emit,
                     english_notes, english_text, report_errors, settings_from)

SUMMARY = "event-day returns, recovery and abnormal returns; breadth and worst/best for a universe"
#: How many worst and best names a universe run shows.
RANKED = 10
#: The universes ``--universe`` accepts.
UNIVERSES = ("sp500",)


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD",
                   help="event date (a non-session maps to the next session, said on stderr)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--tickers", nargs="+", metavar="TICKER", help="a watchlist")
    who.add_argument("--universe", choices=UNIVERSES, help="a whole universe (breadth, worst/best 10)")
    p.add_argument("--universe-file", type=Path, metavar="FILE",
                   help="members CSV (ticker, name, gics_sector...); default $SHOCKBOOK_UNIVERSE_FILE, "
                        "else the live S&P 500 list")
    p.add_argument("--benchmark", metavar="TICKER", help="benchmark index (default $SHOCKBOOK_BENCHMARK, ^GSPC)")
    add_data_options(p)
    add_as_of_option(p)
    add_format_option(p)


def run(args: argparse.Namespace) -> int:
    from ..data.sessions import to_date
    from ..tables import events as ev

    if args.universe_file is not None and not args.universe:
        raise InputError("--universe-file needs --universe sp500")
    settings = settings_from(args, benchmark=args.benchmark, universe_file=args.universe_file)
    event = ev.resolve_event(to_date(args.date))
    if event.note:
        sys.stderr.write(f"shockbook: {event.note}\n")
    breadth = None
    if args.universe:
        members = universe_members(settings, args.universe_file, event.session)
        tickers = list(members["ticker"])
        breadth = ev.breadth_table(members, event, settings, n=RANKED)
    else:
        tickers = list(args.tickers)
    result = ev.event_rows(tickers, event, settings)
    rows, benchmark = result.frame, result.benchmark or settings.benchmark
    bench_error = _benchmark_error(settings, benchmark, event)
    # a mixed watchlist: each market's event session, its notes in English
    markets = {code: english_text(text) for code, text in result.extra.get("markets", {}).items()}
    errors = {r["ticker"]: r["error"] for r in rows.to_dict("records") if isinstance(r["error"], ShockbookError)}
    rows = rows.assign(error=[e.cell_text() if isinstance(e, ShockbookError) else e for e in rows["error"]])
    served = len(rows) - len(errors)
    if args.format == "json":
        _emit_json(rows, breadth, event, settings, benchmark, markets)
    elif args.format == "csv":
        emit(rows, "csv")
    else:
        _emit_table(rows, breadth, event, settings, benchmark, universe=bool(args.universe), markets=markets)
    if len(errors) <= 8:
        for ticker, error in errors.items():
            sys.stderr.write(f"shockbook: {ticker}: {error.one_line()}\n")
    else:
        report_errors(errors)  # many: one line per kind of failure, with a count and the first few
    if bench_error is not None:
        sys.stderr.write(f"shockbook: benchmark {benchmark}: {bench_error.one_line()}; "
                         "beta, alpha and CARs are empty (pass --benchmark with an index Yahoo knows, e.g. ^GSPC)\n")
    if served == 0:
        return EXIT_NODATA
    return EXIT_PARTIAL if errors or bench_error is not None else EXIT_OK


def _benchmark_error(settings, benchmark: str, event) -> ShockbookError | None:
    """Why the benchmark has no prices around the event (an unknown --benchmark), or ``None``."""
    from ..data.prices import service_for

    try:
        table = service_for(settings).get([benchmark], event.session - dt.timedelta(days=14), event.session)
    except ShockbookError as exc:
        return exc
    return table.errors.get(benchmark)


# -- output --------------------------------------------------------------------------------

_PERCENT_COLUMNS = ("event_return", "ytd_before", "ytd_incl", "since_event", "recovered_1",
                    "recovered_5", "recovered_20", "return", "index_return", "alpha", "sigma")
_COUNT_COLUMNS = ("sessions_to_recover", "n_obs", "rank")


def _jsonable(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):  # includes pandas.Timestamp
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return value


def _records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None:
        return []
    return [{k: _jsonable(v) for k, v in row.items()} for row in english_notes(frame).to_dict("records")]


def _as_of(settings, event) -> str | None:
    """The as-of session every "since the event" figure ends at (``None``: the latest close)."""
    from ..tables.events import as_of_session

    mapped = as_of_session(settings.as_of, event)
    return mapped.session.isoformat() if mapped else None


def _emit_json(rows, breadth, event, settings, benchmark: str, markets=None) -> None:
    doc = {
        "event_date": event.requested.isoformat(),
        "session": event.session.isoformat(),
        "session_note": event.note,
        "benchmark": benchmark,
        "markets": markets or {},
        "price_field": settings.price_field,
        "as_of": _as_of(settings, event),
        "rows": _records(rows),
        "breadth": None, "worst": [], "best": [], "index": None,
    }
    if breadth is not None:
        s = breadth.summary.iloc[0]
        doc["breadth"] = {k: int(s[k]) for k in ("up", "down", "unchanged", "missing", "total")}
        doc["worst"] = _records(breadth.worst)
        doc["best"] = _records(breadth.best)
        doc["index"] = {"ticker": s["index"], "return": _jsonable(s["index_return"])}
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")


def _pct(frame: pd.DataFrame) -> pd.DataFrame:
    out = english_notes(frame).copy()
    for col in out.columns:
        if col in _PERCENT_COLUMNS or col.startswith("CAR["):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v * 100:+.2f}%")
        elif col in _COUNT_COLUMNS:
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{int(v)}")
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").fillna("")
    return out


def _emit_table(rows, breadth, event, settings, benchmark: str, universe: bool, markets=None) -> None:
    out = sys.stdout
    out.write(f"event {event.session}" + (f" (asked {event.requested})" if event.note else "")
              + f"; benchmark {benchmark}; "
              f"returns on {settings.price_field}\n")
    if markets:  # a mixed watchlist: each market on its own session and benchmark
        out.write("markets: " + "; ".join(f"{code} {text}" for code, text in markets.items())
                  + " (each row's event_session, benchmark_used and currency)\n")
    if breadth is not None:
        s = breadth.summary.iloc[0]
        out.write(
            f"breadth: {int(s['up'])} up / {int(s['down'])} down / {int(s['unchanged'])} unchanged"
            f" / {int(s['missing'])} missing of {int(s['total'])}; {s['index']} "
            f"{'' if pd.isna(s['index_return']) else format(s['index_return'] * 100, '+.2f') + '%'}\n"
        )
        for label, frame in (("worst", breadth.worst), ("best", breadth.best)):
            out.write(f"\n{label} {len(frame)}:\n")
            out.write(_pct(frame).to_string(index=False) + "\n")
        out.write("\n")
    shown = rows
    if universe:
        shown = rows.drop(columns=[c for c in ("as_of",) if c in rows.columns])
    emit(_pct(shown), "table")

"""What ``build`` and ``refresh`` print when they are done: one line per distinct problem
(blocks or tickers failing the same way share a line), and one line saying how to get price
data when none could be had."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..config import Settings
from ..errors import ShockbookError
from .common import EXIT_OK, EXIT_PARTIAL, report_errors


def no_data_hint(settings: Settings | None, published: bool) -> str:
    """The one line said when no price data could be had: why (true to the settings used),
    what the price tables show instead, and how to get data."""
    offline = bool(settings and settings.offline)
    snapshot = settings.snapshot if settings else None
    if offline and snapshot is None:
        why = "offline, no snapshot, and none in the cache"
        how = ("drop --offline (or set data_mode to live) for live prices, or pass --snapshot FILE "
               "(e.g. ../shared/data/prices.csv.gz) and --universe-file FILE for a reproducible offline build")
    elif offline:
        why = f"offline, and neither the snapshot {Path(snapshot).name} nor the cache has prices around the event"
        how = "pass a snapshot that covers the event, or drop --offline for live data"
    elif snapshot is None:
        why = "no answer from Yahoo Finance, no snapshot, and none in the cache"
        how = ("check the connection and run again, or pass --snapshot FILE (e.g. ../shared/data/prices.csv.gz) "
               "and --universe-file FILE")
    else:
        why = f"neither Yahoo Finance, the cache nor the snapshot {Path(snapshot).name} has prices around the event"
        how = "check the connection, or pass a snapshot that covers the event"
    shown = ("the report's published values, marked 'as published'" if published else "their errors")
    return f"shockbook: no price data ({why}): price tables show {shown}. To get data: {how}.\n"


def _grouped(errors: dict[str, str]) -> dict[str, ShockbookError]:
    """Errors for :func:`report_errors`: keys whose messages differ only by the key itself
    (``XYZQ is not in the snapshot`` / ``ABCD is not in the snapshot``) get one shared text,
    so they share one line."""
    def generic(key: str, text: str) -> str:
        return re.sub(rf"(?<![\w^.=-]){re.escape(key)}(?![\w.=-])", "the ticker", text)

    counts: dict[str, int] = {}
    for key, text in errors.items():
        counts[generic(key, text)] = counts.get(generic(key, text), 0) + 1
    return {key: ShockbookError(generic(key, text) if counts[generic(key, text)] > 1 else text)
            for key, text in errors.items()}


def report_outcome(report) -> int:
    """Print the build/refresh outcome on stderr; the exit status (1 when anything failed,
    including a user opinions or metrics file that could not be read or has bad rows: one line
    each, as ``content`` reports them)."""
    from ..userfiles import user_file_problems

    failed = report.failures()
    tickers = report.ticker_errors()
    report_errors(_grouped(failed))
    report_errors(_grouped(tickers))
    user = user_file_problems(report.settings)
    for problem in user:
        sys.stderr.write(f"shockbook: warning: {problem.one_line()}\n")
    if report.no_data:
        sys.stderr.write(no_data_hint(report.settings, bool(report.published)))
    sys.stderr.write(f"shockbook: wrote {report.path} ({len(report.results)} tables, {report.charts} charts)\n")
    return EXIT_PARTIAL if failed or tickers or user else EXIT_OK

"""``python -m shockbook build``: a new macro-enabled workbook from the layout, headlessly.

``build`` never overwrites an existing file unless ``--force`` is given: the file may hold the
user's edits, which only ``refresh`` keeps. It checks its inputs before any work (a bad one is
one line and exit 2, nothing written); data problems are reported by
:func:`~shockbook.cli.outcome.report_outcome` (exit 1, the workbook is still written with the
errors in their rows).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..content.report import report_facts
from ..errors import InputError, ShockbookError
from .common import add_as_of_option, add_data_options, progress, settings_from
from .outcome import report_outcome

SUMMARY = "build the macro-enabled workbook (.xlsm) headlessly"
DEFAULT_OUT = Path("deepseek_shock.xlsm")


def configure(p: argparse.ArgumentParser) -> None:
    event = report_facts().event.isoformat()
    p.add_argument("--event", default=event, metavar="YYYY-MM-DD", help=f"event date (default {event}, the report's)")
    p.add_argument("--watchlist", type=Path, metavar="FILE",
                   help="tickers, one per line or comma-separated (default: the report's names)")
    p.add_argument("--lang", choices=["ko", "en"], help="labels and curated text (default: SHOCKBOOK_LANG or ko)")
    p.add_argument("--universe-file", type=Path, metavar="FILE", help="members CSV for breadth (ticker, name, gics_sector)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="PATH",
                   help=f"target .xlsm (default: ./{DEFAULT_OUT}); a Run-main module <name>.py is written beside it")
    p.add_argument("--force", action="store_true",
                   help="overwrite an existing --out file (its edits are lost; `refresh` keeps them)")
    p.add_argument("--pairs", metavar="A/B,C/D",
                   help="price-path pairs, up to six, e.g. 'AAPL/MSFT,NVDA/AMD' (default: the report's six)")
    p.add_argument("--chart-start", metavar="YYYY-MM-DD", help="first date the price paths show (default: the year start)")
    p.add_argument("--chart-end", metavar="YYYY-MM-DD", help="last date the price paths show (default: the as-of date)")
    p.add_argument("--chart-sessions", type=int, metavar="N",
                   help="show the price paths N sessions either side of the event (instead of --chart-start/--chart-end)")
    add_data_options(p)
    add_as_of_option(p)


def read_watchlist(path: Path) -> list[str]:
    """The tickers of a watchlist file: one per line or comma-separated; or a CSV whose header
    starts with ``ticker`` (its other columns, e.g. ``exchange`` and ``benchmark``, are read by
    :func:`shockbook.data.markets.read_market_columns`)."""
    from ..limits import check_file_size

    if not path.exists():
        raise InputError(f"watchlist file {path} does not exist", path=str(path))
    check_file_size(path, "watchlist file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError) as exc:
        why = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or type(exc).__name__)
        raise InputError(f"watchlist file {path} cannot be read ({why}); give tickers as text, one per line "
                         "or comma-separated", path=str(path)) from None
    if "\x00" in text:
        raise InputError(f"watchlist file {path} is a binary file; give tickers as text, one per line "
                         "or comma-separated", path=str(path))
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    head = [c.strip().lower() for c in lines[0].replace(";", ",").split(",")] if lines else []
    if len(head) > 1 and head[0] in ("ticker", "symbol"):  # a table: the first column holds the tickers
        tickers = [line.replace(";", ",").split(",")[0].strip() for line in lines[1:]]
        tickers = [t for t in tickers if t]
        if not tickers:
            raise InputError(f"watchlist file {path} lists no tickers", path=str(path))
        return tickers
    tickers = [t.strip() for line in lines for t in line.replace(";", ",").split(",") if t.strip()]
    if tickers and tickers[0].lower() in ("ticker", "symbol"):
        tickers = tickers[1:]
    if not tickers:
        raise InputError(f"watchlist file {path} lists no tickers", path=str(path))
    return tickers


def check_build_target(path: Path, force: bool) -> Path:
    """The ``--out`` path, if it may be written: a valid name, and not an existing file unless
    ``force`` (an existing workbook may hold the user's edits)."""
    from ..workbook.engine import check_out_path

    path = check_out_path(path)
    if path.is_dir():
        raise InputError(f"--out {path} is a folder; name the .xlsm file to write", path=str(path))
    if path.exists() and not force:
        raise InputError(f"{path} already exists; to update it and keep your edits run "
                         f"`python -m shockbook refresh --workbook {path}`, or pass --force to overwrite it",
                         path=str(path))
    return path


def check_event(text: str) -> None:
    """A bad ``--event`` (malformed, outside the calendar, in the future) stops the build at once;
    a date that is not a session is moved to the next one, and stderr says so (as ``event`` does)."""
    import sys

    from ..tables.events import resolve_event

    try:
        event = resolve_event(text)
    except ShockbookError as exc:
        raise InputError(f"--event: {exc.one_line()}", date=text) from None
    if event.note:
        sys.stderr.write(f"shockbook: --event {text}: {event.note}\n")


def chart_options(args: argparse.Namespace) -> dict:
    """The Price paths options of ``build`` (pairs and window), checked."""
    from ..config import _parse_date
    from ..workbook.paths_view import parse_pairs

    if args.chart_sessions is not None and args.chart_sessions < 1:
        raise InputError(f"--chart-sessions {args.chart_sessions}: give a number of sessions >= 1")
    return dict(path_pairs=parse_pairs(args.pairs),
                chart_start=_parse_date("--chart-start", args.chart_start) if args.chart_start else None,
                chart_end=_parse_date("--chart-end", args.chart_end) if args.chart_end else None,
                chart_sessions=args.chart_sessions)


def check_as_of(as_of, event_text: str) -> None:
    """An ``--as-of`` before the event stops the build at once (every event table would fail)."""
    from ..tables.events import as_of_session, resolve_event

    try:
        as_of_session(as_of, resolve_event(event_text))
    except ShockbookError as exc:
        raise InputError(f"--as-of: {exc.one_line()}", date=str(as_of)) from None


def run(args: argparse.Namespace) -> int:
    from ..data.markets import read_market_columns
    from ..template.builder import build_workbook
    from ..workbook import layout as L
    from ..workbook.engine import event_session, load_universe
    from ..workbook.producers import make_context

    out = check_build_target(args.out, args.force)
    check_event(args.event)
    settings = settings_from(args, universe_file=args.universe_file, lang=args.lang)
    check_as_of(settings.as_of, args.event)
    watchlist = read_watchlist(args.watchlist) if args.watchlist else None
    markets = read_market_columns(args.watchlist) if args.watchlist else {}
    notes: list[str] = []
    universe, universe_label = load_universe(settings, event_session(args.event), notes)
    ctx = make_context(settings, event=args.event, watchlist=watchlist, universe=universe,
                       universe_label=universe_label, markets=markets, **chart_options(args))
    with progress(len(L.blocks()), "build", unit="table") as bar:
        report = build_workbook(ctx, out, progress=bar)
    for note in notes:  # the breadth tables need a universe: say why there is none
        sys.stderr.write(f"shockbook: universe: {note}\n")
    return report_outcome(report)

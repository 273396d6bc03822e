"""``python -m shockbook build`` and ``python -m shockbook refresh``: the workbook, headlessly.

``build`` writes a new macro-enabled workbook from the layout; ``refresh`` rewrites the tables
of a saved one (the nightly job), keeping the user's edits. ``build`` never overwrites an
existing file unless ``--force`` is given: the file may hold the user's edits, which only
``refresh`` keeps.

Both check their inputs before any work (a bad one is one line and exit 2, nothing written),
then print one line per distinct problem (blocks or tickers failing the same way share a line,
exit 1; the workbook is still written with the errors in their rows), and one line saying how
to get price data when none could be had.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .cli import EXIT_OK, EXIT_PARTIAL, add_data_options, command, report_errors, settings_from
from .config import Settings
from .errors import InputError, ShockbookError

DEFAULT_OUT = Path("deepseek_shock.xlsm")


@command("build", "build the macro-enabled workbook (.xlsm) headlessly")
def _configure_build(p: argparse.ArgumentParser) -> None:
    p.add_argument("--event", default="2025-01-27", metavar="YYYY-MM-DD", help="event date (default 2025-01-27)")
    p.add_argument("--watchlist", type=Path, metavar="FILE",
                   help="tickers, one per line or comma-separated (default: the report's names)")
    p.add_argument("--lang", choices=["ko", "en"], help="labels and curated text (default: SHOCKBOOK_LANG or ko)")
    p.add_argument("--universe-file", type=Path, metavar="FILE", help="members CSV for breadth (ticker, name, gics_sector)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="PATH",
                   help=f"target .xlsm (default: ./{DEFAULT_OUT}); a Run-main module <name>.py is written beside it")
    p.add_argument("--force", action="store_true",
                   help="overwrite an existing --out file (its edits are lost; `refresh` keeps them)")
    add_data_options(p)
    p.set_defaults(run=run_build)


@command("refresh", "refresh the tables of a saved workbook headlessly (keeps your edits)")
def _configure_refresh(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workbook", type=Path, required=True, metavar="FILE", help="the .xlsm to refresh in place")
    p.add_argument("--out", type=Path, metavar="PATH", help="write the refreshed workbook here instead")
    add_data_options(p)
    p.set_defaults(run=run_refresh)


def read_watchlist(path: Path) -> list[str]:
    if not path.exists():
        raise InputError(f"watchlist file {path} does not exist", path=str(path))
    text = path.read_text(encoding="utf-8-sig")
    tickers = [t.strip() for line in text.splitlines() if not line.lstrip().startswith("#")
               for t in line.replace(";", ",").split(",") if t.strip()]
    if tickers and tickers[0].lower() in ("ticker", "symbol"):
        tickers = tickers[1:]
    if not tickers:
        raise InputError(f"watchlist file {path} lists no tickers", path=str(path))
    return tickers


def _progress(total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="table", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False)


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


def _report(report) -> int:
    """Print the build/refresh outcome on stderr; the exit status (1 when anything failed)."""
    failed = report.failures()
    tickers = report.ticker_errors()
    report_errors(_grouped(failed))
    report_errors(_grouped(tickers))
    if report.no_data:
        sys.stderr.write(no_data_hint(report.settings, bool(report.published)))
    sys.stderr.write(f"shockbook: wrote {report.path} ({len(report.results)} tables, {report.charts} charts)\n")
    return EXIT_PARTIAL if failed or tickers else EXIT_OK


def check_build_target(path: Path, force: bool) -> Path:
    """The ``--out`` path, if it may be written: a valid name, and not an existing file unless
    ``force`` (an existing workbook may hold the user's edits)."""
    from .workbook.engine import check_out_path

    path = check_out_path(path)
    if path.is_dir():
        raise InputError(f"--out {path} is a folder; name the .xlsm file to write", path=str(path))
    if path.exists() and not force:
        raise InputError(f"{path} already exists; to update it and keep your edits run "
                         f"`python -m shockbook refresh --workbook {path}`, or pass --force to overwrite it",
                         path=str(path))
    return path


def check_event(text: str) -> None:
    """A bad ``--event`` (malformed, outside the calendar, in the future) stops the build at once."""
    from .tables.events import resolve_event

    try:
        resolve_event(text)
    except ShockbookError as exc:
        raise InputError(f"--event: {exc.one_line()}", date=text) from None


def run_build(args: argparse.Namespace) -> int:
    from .template.builder import build_workbook
    from .workbook import layout as L
    from .workbook.engine import event_session, load_universe
    from .workbook.producers import make_context

    out = check_build_target(args.out, args.force)
    check_event(args.event)
    settings = settings_from(args, universe_file=args.universe_file, lang=args.lang)
    watchlist = read_watchlist(args.watchlist) if args.watchlist else None
    universe, universe_label = load_universe(settings, event_session(args.event))
    ctx = make_context(settings, event=args.event, watchlist=watchlist, universe=universe,
                       universe_label=universe_label)
    with _progress(len(L.blocks()), "build") as bar:
        report = build_workbook(ctx, out, progress=bar)
    return _report(report)


def run_refresh(args: argparse.Namespace) -> int:
    from .template.builder import refresh_file
    from .workbook import layout as L

    base = settings_from(args)
    flags = {k: getattr(args, k, None) for k in ("offline", "snapshot", "price_field")}
    flags = {k: v for k, v in flags.items() if v is not None}  # only what this run was told
    with _progress(len(L.blocks()), "refresh") as bar:
        report = refresh_file(args.workbook, base=base, progress=bar, out=args.out, overrides=flags)
    return _report(report)

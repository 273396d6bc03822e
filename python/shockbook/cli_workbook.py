"""``python -m shockbook build`` and ``python -m shockbook refresh``: the workbook, headlessly.

``build`` writes a new macro-enabled workbook from the layout; ``refresh`` rewrites the tables
of a saved one (the nightly job), keeping the user's edits. Both print one line per block that
failed, and one line saying how to get price data when none could be had.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli import EXIT_OK, EXIT_PARTIAL, add_data_options, command, settings_from

DEFAULT_OUT = Path("deepseek_shock.xlsm")
NO_DATA_HINT = ("shockbook: no price data (offline, no snapshot, empty cache): price tables show the "
                "report's published values, marked 'as published'. For live data run online; for a "
                "reproducible offline build pass --snapshot FILE (e.g. ../shared/data/prices.csv.gz) "
                "and --universe-file FILE.\n")


@command("build", "build the macro-enabled workbook (.xlsm) headlessly")
def _configure_build(p: argparse.ArgumentParser) -> None:
    p.add_argument("--event", default="2025-01-27", metavar="YYYY-MM-DD", help="event date (default 2025-01-27)")
    p.add_argument("--watchlist", type=Path, metavar="FILE",
                   help="tickers, one per line or comma-separated (default: the report's names)")
    p.add_argument("--lang", choices=["ko", "en"], help="labels and curated text (default: SHOCKBOOK_LANG or ko)")
    p.add_argument("--universe-file", type=Path, metavar="FILE", help="members CSV for breadth (ticker, name, gics_sector)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="PATH",
                   help=f"target .xlsm (default: ./{DEFAULT_OUT}); a Run-main module <name>.py is written beside it")
    add_data_options(p)
    p.set_defaults(run=run_build)


@command("refresh", "refresh the tables of a saved workbook headlessly (keeps your edits)")
def _configure_refresh(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workbook", type=Path, required=True, metavar="FILE", help="the .xlsm to refresh in place")
    p.add_argument("--out", type=Path, metavar="PATH", help="write the refreshed workbook here instead")
    add_data_options(p)
    p.set_defaults(run=run_refresh)


def read_watchlist(path: Path) -> list[str]:
    from .errors import InputError

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


def _report(report) -> int:
    failed = report.failures()
    for name, error in failed.items():
        sys.stderr.write(f"shockbook: {name}: {error}\n")
    if report.no_data:
        sys.stderr.write(NO_DATA_HINT)
    sys.stderr.write(f"shockbook: wrote {report.path} ({len(report.results)} tables, {report.charts} charts)\n")
    return EXIT_PARTIAL if failed else EXIT_OK


def run_build(args: argparse.Namespace) -> int:
    from .template import layout as L
    from .template.builder import build_workbook, check_out_path, load_universe
    from .template.sheets import make_context

    check_out_path(args.out)
    settings = settings_from(args, universe_file=args.universe_file, lang=args.lang)
    watchlist = read_watchlist(args.watchlist) if args.watchlist else None
    universe, universe_label = load_universe(settings)
    ctx = make_context(settings, event=args.event, watchlist=watchlist, universe=universe,
                       universe_label=universe_label)
    with _progress(len(L.blocks()), "build") as bar:
        report = build_workbook(ctx, args.out, progress=bar)
    return _report(report)


def run_refresh(args: argparse.Namespace) -> int:
    from .template.builder import refresh_file
    from .template import layout as L

    base = settings_from(args)
    with _progress(len(L.blocks()), "refresh") as bar:
        report = refresh_file(args.workbook, base=base, progress=bar, out=args.out)
    return _report(report)

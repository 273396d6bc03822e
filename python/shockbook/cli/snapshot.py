"""``python -m shockbook snapshot``: freeze prices into a file for reproducible offline builds."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import (EXIT_NODATA, EXIT_OK, EXIT_PARTIAL, add_data_options, check_snapshot_path, fetch_prices,
                     report_errors, settings_from)

SUMMARY = "freeze prices into a file for reproducible offline builds"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("tickers", nargs="+", metavar="TICKER")
    p.add_argument("--start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--end", metavar="YYYY-MM-DD")
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="target .csv, .csv.gz or .parquet (written atomically; not over an existing file without --force)")
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    add_data_options(p)


def run(args: argparse.Namespace) -> int:
    from ..data.prices import clean_tickers, service_for
    from ..data.snapshot import write_snapshot

    from ..overwrite import check_target

    check_snapshot_path(args.out, must_exist=False)
    check_target(args.out, force=args.force, hint="pick a new name")
    service = service_for(settings_from(args))
    table = fetch_prices(service, clean_tickers(args.tickers), args.start, args.end)
    if table.close.empty:
        report_errors(table.errors)
        return EXIT_NODATA
    path = write_snapshot(table, args.out)
    sys.stderr.write(
        f"shockbook: wrote {len(table.to_long())} rows for {len(table.tickers)} tickers to {path}\n"
    )
    report_errors(table.errors)
    return EXIT_PARTIAL if table.errors else EXIT_OK

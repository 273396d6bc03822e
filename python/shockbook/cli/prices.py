"""``python -m shockbook prices``: daily closes and adjusted closes, one row per (date, ticker)."""

from __future__ import annotations

import argparse
import sys

from .common import (EXIT_NODATA, EXIT_OK, EXIT_PARTIAL, add_data_options, add_format_option, emit,
                     fetch_prices, hint_no_data, report_errors, settings_from)

SUMMARY = "daily closes and adjusted closes, one row per (date, ticker)"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("tickers", nargs="+", metavar="TICKER")
    p.add_argument("--start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--end", metavar="YYYY-MM-DD", help="inclusive (default: today)")
    add_data_options(p)
    add_format_option(p)


def run(args: argparse.Namespace) -> int:
    from ..data.prices import service_for, split_tickers

    settings = settings_from(args)
    service = service_for(settings)
    tickers, bad = split_tickers(args.tickers)
    if not tickers and bad:
        raise next(iter(bad.values()))
    table = fetch_prices(service, tickers, args.start, args.end)
    table.errors.update(bad)
    for warning in service.cache.warnings:
        sys.stderr.write(f"shockbook: warning: {warning}\n")
    for note in table.notes:  # bad bars dropped, sessions still missing, mixed price bases
        sys.stderr.write(f"shockbook: note: {note}\n")
    long = table.to_long()[["date", "ticker", "close", "adj_close", "source", "as_of"]]
    emit(long, args.format)
    report_errors(table.errors)
    if not table.errors:
        return EXIT_OK
    if long.empty:
        hint_no_data(settings)
        return EXIT_NODATA
    return EXIT_PARTIAL

"""``python -m shockbook calendar``: a month of earnings dates as a grid like the report's table 4.

A thin adapter over :mod:`shockbook.tables.earnings` (see :mod:`shockbook.cli.common` for the
exit codes).
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from ..content.report import report_facts
from ..text import display_width
from .common import EXIT_OK, EXIT_PARTIAL, add_data_options, add_format_option, add_lang_option, emit, settings_from

SUMMARY = "a month of earnings dates as a grid like the report's table 4"


def configure(p: argparse.ArgumentParser) -> None:
    month = report_facts().calendar_month
    p.add_argument("--month", default=month, metavar="YYYY-MM", help=f"default {month} (the report's)")
    p.add_argument("--tickers", nargs="+", metavar="TICKER",
                   help="watchlist: added to the report's companies and marked ★")
    add_lang_option(p)
    add_data_options(p)
    add_format_option(p)


def run(args: argparse.Namespace) -> int:
    from ..tables.earnings import earnings_calendar_grid, earnings_calendar_rows

    settings = settings_from(args, lang=args.lang)
    out = sys.stdout
    if args.format in ("json", "csv"):
        result = earnings_calendar_rows(args.month, args.tickers, settings)
        rows = result.frame
        emit(rows.assign(date=rows["date"].dt.strftime("%Y-%m-%d")), args.format)
    else:
        result = earnings_calendar_grid(args.month, args.tickers, settings, settings.lang)
        out.write(f"earnings calendar {result.month} — source: {result.source_text}\n")
        out.write(_grid_text(result.frame))
        out.write(f"{result.legend}\n")
        for line in result.notes:
            out.write(f"  - {line}\n")
    for ticker, error in result.errors.items():
        sys.stderr.write(f"shockbook: {ticker}: {error.one_line()}\n")
    return EXIT_PARTIAL if result.errors else EXIT_OK


def _grid_text(grid: pd.DataFrame, width: int = 30) -> str:
    """The grid as a fixed-width text table, one text line per company."""
    columns = [c for c in grid.columns if c != "week_of"]
    rule = "+" + "+".join("-" * (width + 2) for _ in columns) + "+\n"
    lines = [rule, "|" + "|".join(f" {c:<{width}} " for c in columns) + "|\n", rule]
    for _, week in grid.iterrows():
        cells = [str(week[c]).split("\n") if week[c] else [""] for c in columns]
        for i in range(max(len(c) for c in cells)):
            parts = []
            for cell in cells:
                text = cell[i] if i < len(cell) else ""
                while display_width(text) > width:
                    text = text[:-2] + "…"
                parts.append(f" {text}{' ' * (width - display_width(text))} ")
            lines.append("|" + "|".join(parts) + "|\n")
        lines.append(rule)
    return "".join(lines)

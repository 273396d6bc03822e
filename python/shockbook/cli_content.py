"""``python -m shockbook content ...`` and ``python -m shockbook calendar``.

Thin adapters over :mod:`shockbook.tables.content` and :mod:`shockbook.tables.calendar`
(see :mod:`shockbook.cli` for the exit codes). ``--format json`` prints a list of row objects.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from .cli import EXIT_OK, EXIT_PARTIAL, add_data_options, add_format_option, command, emit, settings_from

#: The tables ``content`` prints.
CONTENT_TABLES = ("opinions", "scaling", "models", "calls", "beatmiss", "cost", "training", "split")


def _add_lang(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=["ko", "en"], help="language of the texts (default $SHOCKBOOK_LANG, ko)")


# -- content ---------------------------------------------------------------------------------


@command("content", "the report's curated tables: opinions, scaling, model metrics, earnings calls")
def _configure_content(p: argparse.ArgumentParser) -> None:
    p.add_argument("table", choices=CONTENT_TABLES,
                   help="opinions (table 1), scaling (table 2), models (figures 1-4, 15, 16), "
                        "calls (table 3), beatmiss (table 3's EPS marks vs Yahoo's figures), "
                        "cost (API cost of a workload), training (training-cost ratios), "
                        "split (training/inference compute split)")
    _add_lang(p)
    p.add_argument("--stance", help="opinions: positive or negative")
    p.add_argument("--source", help="opinions: sources containing this text")
    p.add_argument("--ticker", help="opinions: rows concerning this ticker")
    p.add_argument("--model", help="models: one model")
    p.add_argument("--metric", help="models: one metric")
    p.add_argument("--input-tokens", type=float, default=1_000_000, help="cost: input tokens (default 1M)")
    p.add_argument("--output-tokens", type=float, default=1_000_000, help="cost: output tokens (default 1M)")
    p.add_argument("--cache-hit-share", type=float, default=0.0, help="cost: share of input from the cache, 0..1")
    p.add_argument("--reference", default="OpenAI o1", help="cost: model to compare with (default OpenAI o1)")
    add_data_options(p)
    add_format_option(p)
    p.set_defaults(run=run_content)


def run_content(args: argparse.Namespace) -> int:
    from .tables import content as ct

    settings = settings_from(args, lang=args.lang)
    lang = settings.lang
    if args.table == "opinions":
        frame = ct.opinions_table(lang, args.stance, args.source, args.ticker,
                                  user_file=settings.opinions_file)
    elif args.table == "scaling":
        frame = ct.scaling_table(lang)
    elif args.table == "models":
        frame = ct.model_metrics_table(args.metric, args.model, user_file=settings.metrics_file)
    elif args.table == "calls":
        frame = ct.calls_table(lang)
    elif args.table == "cost":
        frame = ct.api_cost_table(args.input_tokens, args.output_tokens, args.cache_hit_share,
                                  args.reference, user_file=settings.metrics_file)
    elif args.table == "training":
        frame = ct.training_cost_table()
    elif args.table == "split":
        frame = ct.compute_split_table()
    else:
        from .tables.calendar import calls_beat_miss_table

        frame = calls_beat_miss_table(settings)
    emit(frame, args.format)
    problems = frame.attrs.get("content_errors") or []
    for line in problems:
        sys.stderr.write(f"shockbook: warning: {line}\n")
    return EXIT_PARTIAL if problems else EXIT_OK


# -- calendar --------------------------------------------------------------------------------


@command("calendar", "a month of earnings dates as a grid like the report's table 4")
def _configure_calendar(p: argparse.ArgumentParser) -> None:
    p.add_argument("--month", default="2025-02", metavar="YYYY-MM", help="default 2025-02 (the report's)")
    p.add_argument("--tickers", nargs="+", metavar="TICKER",
                   help="watchlist: added to the report's companies and marked ★")
    _add_lang(p)
    add_data_options(p)
    add_format_option(p)
    p.set_defaults(run=run_calendar)


def run_calendar(args: argparse.Namespace) -> int:
    from .tables.calendar import earnings_calendar_grid, earnings_calendar_rows

    settings = settings_from(args, lang=args.lang)
    out = sys.stdout
    if args.format in ("json", "csv"):
        rows = earnings_calendar_rows(args.month, args.tickers, settings)
        frame = rows.assign(date=rows["date"].dt.strftime("%Y-%m-%d"))
        emit(frame, args.format)
        attrs = rows.attrs
    else:
        grid = earnings_calendar_grid(args.month, args.tickers, settings, settings.lang)
        attrs = grid.attrs
        out.write(f"earnings calendar {attrs['month']} — source: {attrs['source_text']}\n")
        out.write(_grid_text(grid))
        out.write(f"{attrs['legend']}\n")
        for line in attrs["flags"]:
            out.write(f"  - {line}\n")
    for ticker, message in attrs.get("errors", {}).items():
        sys.stderr.write(f"shockbook: {ticker}: {message}\n")
    return EXIT_PARTIAL if attrs.get("errors") else EXIT_OK


def _display_width(text: str) -> int:
    """Columns a text takes in a terminal (Korean and other wide characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


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
                while _display_width(text) > width:
                    text = text[:-2] + "…"
                parts.append(f" {text}{' ' * (width - _display_width(text))} ")
            lines.append("|" + "|".join(parts) + "|\n")
        lines.append(rule)
    return "".join(lines)

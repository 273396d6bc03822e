"""The command line: ``python -m shockbook <command> ...``.

A thin adapter like the UDFs and macros: it parses arguments into :class:`Settings`, calls the
tables layer, prints a table (``table``, ``csv`` or ``json``), and turns errors into one line on
stderr and an exit status:

* 0 — everything asked for was served;
* 1 — partial: some tickers failed (their errors are listed on stderr, the rest printed);
* 2 — bad input (a malformed date, reversed dates, an unknown option...);
* 3 — no data could be served at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from .config import Settings
from .errors import InputError, ShockbookError

EXIT_OK, EXIT_PARTIAL, EXIT_INPUT, EXIT_NODATA = 0, 1, 2, 3

#: Sub-commands register here: name -> (configure parser, run). Later modules add theirs.
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def command(name: str, help: str):
    """Register ``configure(parser)`` under ``name``; the parser's ``run`` default is set by it."""

    def register(configure):
        COMMANDS[name] = (help, configure)
        return configure

    return register


# -- shared options --------------------------------------------------------------------------


def add_data_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("data")
    g.add_argument("--offline", action="store_true", default=None,
                   help="never touch the network: serve from the cache and --snapshot only")
    g.add_argument("--snapshot", type=Path, metavar="FILE",
                   help="long-format price file (.csv, .csv.gz, .parquet) used as the last fallback")
    g.add_argument("--cache-dir", type=Path, metavar="DIR", help="price cache folder")
    g.add_argument("--price-field", choices=["close", "adj_close"], help="prices used for returns")


def add_format_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="output format (default: table)")


SNAPSHOT_SUFFIXES = (".csv", ".csv.gz", ".parquet")


def _check_snapshot_path(path: Path | None, must_exist: bool) -> None:
    if path is None:
        return
    if not str(path).lower().endswith(SNAPSHOT_SUFFIXES):
        raise InputError(f"snapshot {path} must end in {', '.join(SNAPSHOT_SUFFIXES)}", path=str(path))
    if must_exist and not Path(path).expanduser().is_file():
        raise InputError(f"snapshot file {path} does not exist", path=str(path))


def settings_from(args: argparse.Namespace, **extra) -> Settings:
    """Settings from the data options (flags win over SHOCKBOOK_* variables)."""
    _check_snapshot_path(getattr(args, "snapshot", None), must_exist=True)
    return Settings.from_env(
        offline=getattr(args, "offline", None),
        snapshot=getattr(args, "snapshot", None),
        cache_dir=getattr(args, "cache_dir", None),
        price_field=getattr(args, "price_field", None),
        **extra,
    )


def emit(frame: pd.DataFrame, fmt: str, out=None) -> None:
    """Print ``frame`` in ``fmt`` (json: a list of row objects)."""
    out = out or sys.stdout
    frame = _dates_as_text(frame)
    if fmt == "csv":
        frame.to_csv(out, index=False, date_format="%Y-%m-%d", lineterminator="\n")
    elif fmt == "json":
        out.write(frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=1))
        out.write("\n")
    else:
        out.write(frame.to_string(index=False) if len(frame) else "(no rows)")
        out.write("\n")


def _dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Date-only datetime columns as ``YYYY-MM-DD`` (json would add a time of day)."""
    out = frame
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values) and getattr(values.dt, "tz", None) is None:
            stamps = values.dropna()
            if len(stamps) and (stamps == stamps.dt.normalize()).all():
                if out is frame:
                    out = frame.copy()
                out[col] = values.dt.strftime("%Y-%m-%d").where(values.notna(), None)
    return out


def report_errors(errors: dict[str, ShockbookError], err=None, most: int = 8) -> None:
    """One line per distinct problem: tickers that failed the same way share a line."""
    err = err or sys.stderr
    groups: dict[str, list[str]] = {}
    for key, exc in errors.items():
        text = exc.one_line()
        groups.setdefault(text, []).append(key)
    for text, keys in groups.items():
        if len(keys) == 1 and keys[0] in text:
            err.write(f"shockbook: {text}\n")
            continue
        shown = ", ".join(keys[:most]) + (f" (+{len(keys) - most} more)" if len(keys) > most else "")
        err.write(f"shockbook: {shown}: {text}\n")


def progress(total: int, desc: str):
    """A tqdm bar on a terminal; nothing in a pipe."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="ticker", file=sys.stderr,
                disable=not sys.stderr.isatty(), leave=False)


# -- prices ----------------------------------------------------------------------------------


@command("prices", "daily closes and adjusted closes, one row per (date, ticker)")
def _configure_prices(p: argparse.ArgumentParser) -> None:
    p.add_argument("tickers", nargs="+", metavar="TICKER")
    p.add_argument("--start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--end", metavar="YYYY-MM-DD", help="inclusive (default: today)")
    add_data_options(p)
    add_format_option(p)
    p.set_defaults(run=run_prices)


def fetch_prices(service, tickers: list[str], start, end, chunk: int = 50):
    """Fetch in chunks so a terminal shows progress; same result as one call."""
    from .data.types import PriceTable

    if not tickers:
        raise InputError("no tickers given; name at least one, e.g. NVDA")
    parts = []
    with progress(len(tickers), "prices") as bar:
        for i in range(0, len(tickers), chunk):
            names = tickers[i : i + chunk]
            parts.append(service.get(names, start, end))
            bar.update(len(names))
    table = PriceTable.merge(parts)
    order = [t for t in tickers if t in table.close.columns]
    table.close, table.adj_close = table.close[order], table.adj_close[order]
    return table


def run_prices(args: argparse.Namespace) -> int:
    from .data.prices import service_for, split_tickers

    settings = settings_from(args)
    service = service_for(settings)
    tickers, bad = split_tickers(args.tickers)
    if not tickers and bad:
        raise next(iter(bad.values()))
    table = fetch_prices(service, tickers, args.start, args.end)
    table.errors.update(bad)
    for warning in service.cache.warnings:
        sys.stderr.write(f"shockbook: warning: {warning}\n")
    long = table.to_long()[["date", "ticker", "close", "adj_close", "source", "as_of"]]
    emit(long, args.format)
    report_errors(table.errors)
    if not table.errors:
        return EXIT_OK
    if long.empty:
        _hint_no_data(settings)
        return EXIT_NODATA
    return EXIT_PARTIAL


def _hint_no_data(settings: Settings) -> None:
    if settings.offline and settings.snapshot is None:
        sys.stderr.write(
            "shockbook: offline with no snapshot: pass --snapshot FILE "
            "(e.g. ../shared/data/prices.csv.gz) or drop --offline\n"
        )


# -- snapshot --------------------------------------------------------------------------------


@command("snapshot", "freeze prices into a file for reproducible offline builds")
def _configure_snapshot(p: argparse.ArgumentParser) -> None:
    p.add_argument("tickers", nargs="+", metavar="TICKER")
    p.add_argument("--start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--end", metavar="YYYY-MM-DD")
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="target .csv, .csv.gz or .parquet (written atomically)")
    add_data_options(p)
    p.set_defaults(run=run_snapshot)


def run_snapshot(args: argparse.Namespace) -> int:
    from .data.prices import clean_tickers, service_for
    from .data.snapshot import write_snapshot

    _check_snapshot_path(args.out, must_exist=False)
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


# -- entry point -----------------------------------------------------------------------------


def _load_command_modules() -> None:
    """Import the modules whose commands register themselves (kept lazy and optional)."""
    import importlib

    for name in ("shockbook.bench.cli", "shockbook.cli_events", "shockbook.cli_content", "shockbook.cli_workbook"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def build_parser() -> argparse.ArgumentParser:
    _load_command_modules()
    parser = argparse.ArgumentParser(
        prog="python -m shockbook",
        description="shockbook: the DeepSeek-shock strategy report as a living Excel workbook.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (help_text, configure) in COMMANDS.items():
        configure(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def _tolerant_streams() -> None:
    """Never crash on a character the console cannot show (e.g. a cp949 or cp1252 pipe)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):  # not a text stream we can reconfigure
            pass


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ShockbookError as exc:
        sys.stderr.write(f"shockbook: error: {exc.one_line()}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("shockbook: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

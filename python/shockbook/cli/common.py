"""What every command shares: data options, settings from flags, printing, error lines, exit codes.

Exit statuses:

* 0 — everything asked for was served;
* 1 — partial: some tickers failed (their errors are listed on stderr, the rest printed), or a
  user file (opinions, metrics) could not be read or has bad rows;
* 2 — bad input (a malformed date, reversed dates, an unknown option, a file that is not what it
  should be...) or a file that cannot be written (a full disk, a read-only folder, a file-size
  limit; see :func:`shockbook.cli.main.os_error_line`);
* 3 — no data could be served at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ..config import Settings
from ..errors import InputError, ShockbookError

EXIT_OK, EXIT_PARTIAL, EXIT_INPUT, EXIT_NODATA = 0, 1, 2, 3

# -- shared options --------------------------------------------------------------------------


def add_data_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("data")
    g.add_argument("--offline", action="store_true", default=None,
                   help="never touch the network: serve from the cache and --snapshot only")
    g.add_argument("--snapshot", type=Path, metavar="FILE", action="append",
                   help="long-format price file (.csv, .csv.gz, .parquet) or a folder of them, used as the "
                        "last fallback; give it more than once to read several files as one")
    g.add_argument("--cache-dir", type=Path, metavar="DIR", help="price cache folder")
    g.add_argument("--price-field", choices=["close", "adj_close"], help="prices used for returns")


def add_as_of_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", metavar="YYYY-MM-DD",
                   help="every 'since the event' figure, recovery, price path and chart ends at this "
                        "close (a non-session maps to the session before; default: the latest close)")


def add_format_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="output format (default: table)")


def add_lang_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=["ko", "en"], help="language of the texts (default $SHOCKBOOK_LANG, ko)")


SNAPSHOT_SUFFIXES = (".csv", ".csv.gz", ".parquet")


def check_snapshot_path(path: Path | None, must_exist: bool) -> None:
    if path is None:
        return
    if not str(path).lower().endswith(SNAPSHOT_SUFFIXES):
        raise InputError(f"snapshot {path} must end in {', '.join(SNAPSHOT_SUFFIXES)}", path=str(path))
    if must_exist and not Path(path).expanduser().is_file():
        raise InputError(f"snapshot file {path} does not exist", path=str(path))


def snapshot_option(args: argparse.Namespace) -> Path | None:
    """``--snapshot`` (given once or more; each a file or a folder) as the one setting value,
    each path checked first."""
    from ..data.snapshot import join_snapshot_files

    given = getattr(args, "snapshot", None)
    given = [given] if isinstance(given, (str, Path)) else (given or [])
    for path in given:
        if not Path(path).expanduser().is_dir():
            check_snapshot_path(path, must_exist=True)
    return join_snapshot_files(given)


def settings_from(args: argparse.Namespace, **extra) -> Settings:
    """Settings from the data options (flags win over SHOCKBOOK_* variables)."""
    return Settings.from_env(
        offline=getattr(args, "offline", None),
        snapshot=snapshot_option(args),
        cache_dir=getattr(args, "cache_dir", None),
        price_field=getattr(args, "price_field", None),
        as_of=getattr(args, "as_of", None),
        **extra,
    )


def emit(frame: pd.DataFrame, fmt: str, out=None) -> None:
    """Print ``frame`` in ``fmt`` (json: a list of row objects)."""
    out = out or sys.stdout
    frame = _dates_as_text(english_notes(frame))
    if fmt == "csv":
        _csv_safe(frame).to_csv(out, index=False, date_format="%Y-%m-%d", lineterminator="\n")
    elif fmt == "json":
        out.write(frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=1))
        out.write("\n")
    else:
        out.write(frame.to_string(index=False, na_rep="") if len(frame) else "(no rows)")
        out.write("\n")


def english_text(text):
    """One text with its coded analysis notes (:mod:`shockbook.notes`) in English."""
    from ..workbook.i18n import render_notes

    return render_notes(text, "en")


def english_notes(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """``frame`` with its coded analysis notes (:mod:`shockbook.notes`) in English: the CLI
    prints English text, as it always has (the workbook says them in the book's language)."""
    from ..workbook.i18n import render_frame_notes

    return render_frame_notes(frame, "en")


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would read as a formula get a leading apostrophe
    (:func:`shockbook.safetext.csv_field`, OWASP's CSV-injection rule); numbers are unchanged."""
    from ..safetext import csv_field, is_formula_text

    out = frame
    for col in frame.columns:
        values = frame[col]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            if any(is_formula_text(v) for v in values.tolist()):
                if out is frame:
                    out = frame.copy()
                out[col] = [csv_field(v) for v in values.tolist()]
    return out


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


def report_errors(errors: dict[str, ShockbookError], err=None, most: int = 8, lines: int = 12) -> None:
    """One line per distinct problem: tickers that failed the same way share a line. When there
    are more than ``most`` distinct lines, messages that differ only by the ticker count as the
    same, and a shared line shows the count and the first ``most``; at most ``lines`` lines,
    then one saying how many more problems there are. 2,000 unknown tickers are one line."""
    err = err or sys.stderr
    groups: dict[str, list[str]] = {}
    for key, exc in errors.items():
        groups.setdefault(exc.one_line(), []).append(key)
    if len(groups) > most:  # many: the same failure of different tickers shares a line
        groups = {}
        for key, exc in errors.items():
            groups.setdefault(_generic(key, exc.one_line()), []).append(key)
    shown = 0
    for text, keys in groups.items():
        if shown == lines:
            rest = sum(len(k) for k in list(groups.values())[lines:])
            err.write(f"shockbook: ... and {len(groups) - lines} more problems ({rest} tickers); "
                      "see the error column of the output\n")
            break
        shown += 1
        if len(keys) == 1:
            own = errors[keys[0]].one_line()
            err.write(f"shockbook: {own}\n" if keys[0] in own else f"shockbook: {keys[0]}: {own}\n")
            continue
        names = ", ".join(keys[:most]) + (f" (+{len(keys) - most} more)" if len(keys) > most else "")
        count = f"{len(keys):,} tickers: " if len(keys) > most else ""
        err.write(f"shockbook: {count}{names}: {text}\n")


def _generic(key: str, text: str) -> str:
    """``text`` with ``key`` (a ticker) replaced by "the ticker", so that the same failure of
    different tickers reads the same."""
    import re

    return re.sub(rf"(?<![\w^.=-]){re.escape(key)}(?![\w.=-])", "the ticker", text)


def progress(total: int, desc: str, unit: str = "ticker"):
    """A tqdm bar on a terminal; nothing in a pipe."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr,
                disable=not sys.stderr.isatty(), leave=False)


def fetch_prices(service, tickers: list[str], start, end, chunk: int = 50):
    """Fetch in chunks so a terminal shows progress; same result as one call."""
    from ..data.types import PriceTable

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


def hint_no_data(settings: Settings) -> None:
    if settings.offline and settings.snapshot is None:
        sys.stderr.write(
            "shockbook: offline with no snapshot: pass --snapshot FILE "
            "(e.g. ../shared/data/prices.csv.gz) or drop --offline\n"
        )

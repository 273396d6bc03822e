"""The snapshot source: a frozen long-format price file.

Format: one row per (date, ticker) with at least ``date,ticker,close``; ``adj_close`` is used
when present (else it equals ``close``), and so are ``source``, ``as_of`` and ``price_basis``.
``.csv``, ``.csv.gz`` and ``.parquet`` are read. ``../shared/data/prices.csv.gz`` is such a
file, and ``python -m shockbook snapshot`` writes one (:func:`write_snapshot`), so that a
workbook can be rebuilt offline, reproducibly.

A snapshot is checked like a feed: rows whose close is not a number or ``<= 0``, placeholder
bars (:mod:`~shockbook.data.quality`, the rule live data goes through too) and conflicting
duplicate ``(date, ticker)`` rows are dropped, each reported with file, line, ticker and date
in :attr:`PriceTable.notes <shockbook.data.types.PriceTable.notes>` (the rows inside the range
fetched) and the ticker's provenance; they never become returns. A row with no close at all is a broken file (refused).

A snapshot may be several files (:func:`snapshot_files`): a folder (every price file in it),
or paths joined with :data:`os.pathsep` (``prices.csv.gz:intl_prices.csv.gz`` on Linux and
macOS, ``;`` on Windows), as ``--snapshot A --snapshot B`` and ``SHOCKBOOK_SNAPSHOT`` give them.
Each file is checked on its own; then they are read as one, and a ``(date, ticker)`` two files
hold is taken from the later file.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DateRangeError, NoDataError, SourceFormatError, SourceUnavailableError, UnknownTickerError
from ..fileio import atomic_path
from .quality import screen_long
from .types import PriceTable, Provenance

REQUIRED_COLUMNS = ("date", "ticker", "close")
SUFFIXES = (".csv", ".csv.gz", ".parquet")


def snapshot_files(value) -> list[Path]:
    """The files of a snapshot setting: a path, a folder (its ``.csv``, ``.csv.gz`` and
    ``.parquet`` files, by name), several joined with :data:`os.pathsep`, or a list of these.

    A path that does not exist is kept (reading it reports it)."""
    parts = value if isinstance(value, (list, tuple)) else [value]
    out: list[Path] = []
    for part in parts:
        for text in str(part).split(os.pathsep):
            if not text.strip():
                continue
            path = Path(text.strip()).expanduser()
            if path.is_dir():
                out += sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(SUFFIXES))
            else:
                out.append(path)
    return list(dict.fromkeys(out))


def join_snapshot_files(paths) -> Path | None:
    """Several snapshot paths as the one setting value :func:`snapshot_files` splits again."""
    paths = [str(p) for p in (paths or []) if str(p)]
    return Path(os.pathsep.join(paths)) if paths else None


def _read_any(path: Path) -> pd.DataFrame:
    name = path.name.lower()
    if name.endswith(".parquet"):
        return pd.read_parquet(path)
    if name.endswith(".csv") or name.endswith(".csv.gz"):
        return pd.read_csv(path, dtype={"ticker": str}, low_memory=False)
    raise SourceFormatError(
        f"snapshot {path} must be .csv, .csv.gz or .parquet", path=str(path)
    )


@dataclass
class _Loaded:
    close: pd.DataFrame
    adj_close: pd.DataFrame
    as_of: dict[str, dt.datetime]
    detail: dict[str, str]
    last: dict[str, dt.date]
    notes: dict[str, list[tuple[dt.date, str]]]  # per ticker: (session, note) of each dropped row


class SnapshotSource:
    """Serve prices from a long-format file; the file is read once and kept in memory."""

    name = "snapshot"

    def __init__(self, path: str | Path | list):
        self.paths = snapshot_files(path)
        self.path = self.paths[0] if len(self.paths) == 1 else Path(os.pathsep.join(map(str, self.paths)))
        self.label = ", ".join(p.name for p in self.paths)  # the file names, for messages
        self._loaded: _Loaded | None = None
        self._lock = threading.Lock()
        #: ticker -> the file's ``price_basis`` (e.g. ``yahoo_adj_split_div_asof_2025-12-31``)
        self.basis: dict[str, str] = {}

    # -- loading -------------------------------------------------------------------------

    def _load(self) -> _Loaded:
        with self._lock:
            if self._loaded is None:
                self._loaded = self._read()
            return self._loaded

    def _read(self) -> _Loaded:
        if not self.paths:
            raise SourceUnavailableError("the snapshot setting names no file", path=str(self.path))
        frames, notes = [], {}
        for path in self.paths:  # each file checked on its own, its notes naming it
            raw, found = self._checked(_read_file(path), path.name)
            frames.append(raw.assign(_file=path.name))
            for t, lines in found.items():
                notes.setdefault(t, []).extend(lines)
        raw = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True).drop_duplicates(
            ["ticker", "date"], keep="last")  # a (date, ticker) two files hold: the later file's
        close = raw.pivot_table(index="date", columns="ticker", values="close", aggfunc="last")
        adj = raw.pivot_table(index="date", columns="ticker", values="adj_close", aggfunc="last")
        close.index.name = adj.index.name = "date"
        close.columns.name = adj.columns.name = None
        close = close.astype("float64").sort_index()
        adj = adj.reindex_like(close).astype("float64")
        last = raw.groupby("ticker")["date"].max()
        stamps = (last + pd.Timedelta(hours=21)).dt.tz_localize("UTC")  # as of its last close
        if "as_of" in raw.columns:
            stamps = pd.to_datetime(raw.groupby("ticker")["as_of"].max(), utc=True).fillna(stamps)
        as_of = {t: stamps[t].to_pydatetime() for t in close.columns}
        basis = raw.groupby("ticker")["price_basis"].last() if "price_basis" in raw.columns else None
        files = raw.groupby("ticker")["_file"].last()
        detail = {}
        for t in close.columns:
            text = f"{files[t]}, data to {last[t].date()}"
            if basis is not None and isinstance(basis.get(t), str):
                text += f", {basis[t]}"
            if notes.get(t):
                text += f"; {len(notes[t])} bad row(s) dropped, first: {notes[t][0][1]}"
            detail[t] = text
        self.basis = {t: basis[t] for t in close.columns
                      if basis is not None and isinstance(basis.get(t), str)}
        return _Loaded(close, adj, as_of, detail, {t: last[t].date() for t in close.columns}, notes)

    def _checked(self, raw: pd.DataFrame, file_name: str) -> tuple[pd.DataFrame, dict[str, list[tuple[dt.date, str]]]]:
        """``raw`` without the rows that may not become returns, and per ticker the session and
        note of each dropped row (``"prices.csv, line 12: NVDA 2025-01-27: close 0 <= 0; treated
        as no bar"``), so that a fetch reports only the rows in its range."""
        raw = raw.assign(_line=np.arange(len(raw)) + 2)  # 1-based, after the header
        notes: dict[str, list[tuple[dt.date, str]]] = {}

        def note(row_lines, ticker, day, text):
            lines = ", ".join(str(n) for n in row_lines)
            notes.setdefault(ticker, []).append((pd.Timestamp(day).date(), f"{file_name}, "
                                                 f"line{'s' if len(row_lines) > 1 else ''} {lines}: {text}"))

        for name in ("close", "adj_close"):
            raw[f"_{name}"] = pd.to_numeric(raw[name], errors="coerce")
        key = ["ticker", "date"]
        dup = raw.duplicated(key, keep=False)
        if dup.any():
            groups = raw[dup].groupby(key, sort=False)
            spread = groups[["_close", "_adj_close"]].nunique(dropna=False)
            conflicting = spread[(spread > 1).any(axis=1)].index
            drop = raw.set_index(key).index.isin(conflicting)
            for (t, d), part in raw[drop].groupby(key, sort=True):
                note(part["_line"].tolist(), t, d, f"{t} {d.date()}: conflicting duplicate rows "
                                               f"(close {', '.join(map(str, part['close']))}); treated as no bar")
            raw = raw[~drop].drop_duplicates(key, keep="first")
        raw = raw.sort_values(key, kind="stable")
        keep, bad = screen_long(raw[[c for c in ("ticker", "date", "close", "open", "high", "low", "volume")
                                     if c in raw.columns]].reset_index(drop=True))
        adj_bad = (raw["_adj_close"].isna() | (raw["_adj_close"] <= 0)).to_numpy() & keep
        lines = raw["_line"].to_numpy()
        for b in bad:
            note([lines[b.row]], b.ticker, b.date, b.note())
        for i in np.flatnonzero(adj_bad):
            t, d = raw["ticker"].iloc[i], raw["date"].iloc[i]
            note([lines[i]], t, d, f"{t} {d.date()}: adj_close {raw['adj_close'].iloc[i]!r} not a positive number; "
                                "treated as no bar")
        raw = raw[keep & ~adj_bad]
        raw = raw.assign(close=raw["_close"], adj_close=raw["_adj_close"])
        return raw.drop(columns=["_line", "_close", "_adj_close"]), notes

    # -- the source interface ------------------------------------------------------------

    def known(self) -> list[str]:
        return list(self._load().close.columns)

    def fetch(self, tickers: list[str], start: dt.date, end: dt.date) -> PriceTable:
        """Closes for ``tickers`` from ``start`` to ``end`` inclusive; unknown tickers and empty
        ranges are per-ticker errors."""
        if end < start:
            raise DateRangeError(f"end {end} is before start {start}; swap them", start=start, end=end)
        data = self._load()
        out = PriceTable()
        lo, hi = pd.Timestamp(start), pd.Timestamp(end)
        idx = data.close.index
        i0, i1 = np.searchsorted(idx.values, lo.to_datetime64(), "left"), np.searchsorted(
            idx.values, hi.to_datetime64(), "right"
        )
        present = [t for t in dict.fromkeys(tickers) if t in data.close.columns]
        block_c = data.close.iloc[i0:i1][present]
        block_a = data.adj_close.iloc[i0:i1][present]
        keep = []
        for t in dict.fromkeys(tickers):
            if t not in data.close.columns:
                out.errors[t] = UnknownTickerError(
                    f"{t} is not in the snapshot {self.label}", ticker=t, source=self.name
                )
                continue
            series = block_c[t]
            if series.notna().sum() == 0:
                have = data.close[t].dropna().index
                valid = (have[0].date(), have[-1].date()) if len(have) else None
                out.errors[t] = NoDataError(
                    f"no {t} prices between {start} and {end} in {data.detail[t].partition(',')[0]}"
                    + (f" (it has {valid[0]} .. {valid[1]})" if valid else ""),
                    ticker=t, start=start, end=end, valid=valid,
                )
                continue
            keep.append(t)
            last = data.last[t]
            stale = last < _last_session_by(end)
            detail = data.detail[t] + (f"; no data after {last}" if stale else "")
            basis = self.basis.get(t, "")
            out.provenance[t] = Provenance("snapshot", data.as_of[t], stale, detail, basis, basis)
            # only the bad rows in the asked range: a dropped January bar is no news in June
            out.notes.extend(text for day, text in data.notes.get(t, []) if start <= day <= end)
        out.close = block_c[keep].dropna(how="all")
        out.adj_close = block_a[keep].reindex(out.close.index)
        return out


def _read_file(path: Path) -> pd.DataFrame:
    """One snapshot file, checked as a file: readable, its columns, no row without date, ticker
    or close, parseable dates (bad rows are :meth:`SnapshotSource._checked`'s)."""
    if not path.exists():
        raise SourceUnavailableError(f"snapshot file {path} does not exist", path=str(path))
    try:
        raw = _read_any(path)
    except (OSError, ValueError, EOFError) as exc:  # gzip/csv/parquet corruption
        raise SourceFormatError(f"snapshot file {path} cannot be read: {exc}", path=str(path)) from exc
    if path.name.lower().endswith(".csv") and not _ends_with_newline(path):
        raise SourceFormatError(
            f"snapshot file {path} ends in the middle of a row (truncated?); "
            "freeze it again with `python -m shockbook snapshot`",
            path=str(path),
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise SourceFormatError(
            f"snapshot file {path} lacks column(s) {', '.join(missing)}; "
            f"needs {', '.join(REQUIRED_COLUMNS)} (+ adj_close)",
            path=str(path),
        )
    broken = raw["close"].isna() | raw["date"].isna() | raw["ticker"].isna()
    if broken.any():
        line = int(broken.to_numpy().nonzero()[0][0]) + 2  # 1-based, after the header
        raise SourceFormatError(
            f"snapshot file {path}, line {line}: a row without date, ticker or close "
            f"({int(broken.sum())} such rows)",
            path=str(path), line=line,
        )
    try:
        raw["date"] = pd.to_datetime(raw["date"]).dt.tz_localize(None).dt.normalize()
    except (ValueError, TypeError) as exc:
        raise SourceFormatError(f"snapshot file {path} has a malformed date: {exc}", path=str(path)) from exc
    raw["ticker"] = raw["ticker"].astype(str)
    if "adj_close" not in raw.columns:
        raw["adj_close"] = raw["close"]
    return raw


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        if fh.tell() == 0:
            return True
        fh.seek(-1, 2)
        return fh.read(1) in (b"\n", b"\r")


def _last_session_by(day: dt.date) -> dt.date:
    """The last NYSE session on or before ``day`` and today (whichever is earlier)."""
    from .sessions import last_completed_session, resolve_session

    try:
        return min(resolve_session(day, "previous").session, last_completed_session())
    except Exception:  # outside the calendar: no claim about staleness
        return dt.date.min


def write_snapshot(table: PriceTable, path: str | Path) -> Path:
    """Write ``table`` as a long-format snapshot (atomically); returns the path."""
    target = Path(path).expanduser()
    long = table.to_long()
    with atomic_path(target) as tmp:
        name = target.name.lower()
        if name.endswith(".parquet"):
            long.to_parquet(tmp, index=False)
        elif name.endswith(".csv.gz"):
            long.to_csv(tmp, index=False, compression="gzip", date_format="%Y-%m-%d")
        elif name.endswith(".csv"):
            long.to_csv(tmp, index=False, date_format="%Y-%m-%d")
        else:
            raise SourceFormatError(f"snapshot {target} must end in .csv, .csv.gz or .parquet")
    return target

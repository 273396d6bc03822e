"""The persistent price cache (yfinance refuses caching sessions, so this one is ours).

Storage is one SQLite file in the cache folder (``prices.sqlite``):

* ``bars(ticker, date, close, adj_close)`` — the prices;
* ``coverage(ticker, start, end, fetched_at, source)`` — the date ranges a source was asked for
  and answered, with when. Sessions inside a covered range that have no bar (a ticker listed
  later, a halt) are known to be empty and are not asked for again.

* ``holes(ticker, date, first_seen, reason)`` — past sessions Yahoo answered without a usable
  bar (an empty bar, a bad one): not final, asked again on later refreshes (see
  :mod:`shockbook.data.prices`), deleted when the bar arrives;
* ``adjustments(ticker, on_day, detail)`` — when a ticker's history was re-fetched because
  Yahoo re-adjusted it (a split, a dividend).

SQLite gives us what the issue asks for without hand-written locking: every write is one
transaction (atomic), WAL mode lets readers go on while another process writes, and a busy
timeout (``lock_timeout``, the ``cache_lock_timeout`` setting) makes two refreshing processes
wait for each other instead of failing.

Only a file that **fails an integrity check** is corrupt: not a database, ``PRAGMA
quick_check`` not ``ok``, a wrong schema. It is moved aside under a name never used before
(``prices.sqlite.corrupt-<time>[-n]``) and rebuilt, with a warning in
:attr:`PriceCache.warnings`. Everything else keeps the file: a lock held longer than the
timeout, a full disk, a read-only file or folder. Then the run serves what is cached and what
it fetched (kept in memory), adds one warning, and does not write.

On top sits an in-memory copy per ticker (numpy arrays), so a warm lookup costs a couple of
binary searches, not a query.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .types import PriceTable

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bars (
    ticker TEXT NOT NULL, date TEXT NOT NULL, close REAL, adj_close REAL,
    PRIMARY KEY (ticker, date)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS coverage (
    ticker TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,
    fetched_at TEXT NOT NULL, source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS coverage_ticker ON coverage (ticker);
CREATE TABLE IF NOT EXISTS holes (
    ticker TEXT NOT NULL, date TEXT NOT NULL, first_seen TEXT NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (ticker, date)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS adjustments (
    ticker TEXT PRIMARY KEY, on_day TEXT NOT NULL, detail TEXT NOT NULL
) WITHOUT ROWID;
"""
# The two tables after coverage were added without a schema bump: they are created when
# missing, so a cache written by an older shockbook is kept (a version bump would move it aside).

#: SQLite result codes that mean "this file is damaged" (everything else is not corruption).
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


class CacheCorrupt(sqlite3.DatabaseError):
    """The file failed an integrity check (quick_check, schema)."""


def is_corruption(exc: BaseException) -> bool:
    """True when ``exc`` says the database file is damaged, False for a lock, a full disk,
    a read-only file or folder, or any other I/O condition."""
    if isinstance(exc, CacheCorrupt):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _CORRUPT_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def _why(exc: BaseException, folder: Path | None = None) -> str:
    """A short reason for a non-corruption failure: locked, disk full, read-only, or SQLite's text."""
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return "locked by another process"
    if "full" in low:
        return "disk full"
    if "readonly" in low or "read-only" in low or "permission" in low:
        return "read-only"
    if folder is not None and ("i/o" in low or "unable to open" in low):
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = None
        if free is not None and free < 1 << 20:
            return f"disk full: {free} bytes free; {text}"
        if not os.access(folder, os.W_OK):
            return f"read-only folder; {text}"
    if "unable to open" in low:
        return f"read-only; {text}"
    return text


def _utc(stamp: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(stamp)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


@dataclass
class Span:
    """A covered range of dates for one ticker, fetched at one time."""

    start: dt.date
    end: dt.date
    fetched_at: dt.datetime
    source: str = "yahoo"


@dataclass
class Entry:
    """What the cache holds for one ticker (kept in memory)."""

    dates: np.ndarray = field(default_factory=lambda: np.array([], dtype="datetime64[ns]"))
    close: np.ndarray = field(default_factory=lambda: np.array([], dtype="float64"))
    adj_close: np.ndarray = field(default_factory=lambda: np.array([], dtype="float64"))
    spans: list[Span] = field(default_factory=list)
    #: Past sessions without a usable bar, not final yet: date -> (first seen, reason).
    holes: dict = field(default_factory=dict)
    #: "re-adjusted on <date> (...)" when the history was replaced, else "".
    readjusted: str = ""

    def last_before(self, day: dt.date) -> dt.date | None:
        """The last cached session strictly before ``day``."""
        i = np.searchsorted(self.dates, np.datetime64(day, "ns"), "left")
        return pd.Timestamp(self.dates[i - 1]).date() if i > 0 else None

    def first_after(self, day: dt.date) -> dt.date | None:
        """The first cached session strictly after ``day``."""
        i = np.searchsorted(self.dates, np.datetime64(day, "ns"), "right")
        return pd.Timestamp(self.dates[i]).date() if i < len(self.dates) else None

    def bar(self, day: dt.date) -> tuple[float, float] | None:
        """``(close, adj_close)`` cached for ``day``, or None."""
        i = np.searchsorted(self.dates, np.datetime64(day, "ns"), "left")
        if i < len(self.dates) and self.dates[i] == np.datetime64(day, "ns"):
            return float(self.close[i]), float(self.adj_close[i])
        return None

    def window(self, start: dt.date, end: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lo = np.searchsorted(self.dates, np.datetime64(start, "ns"), "left")
        hi = np.searchsorted(self.dates, np.datetime64(end, "ns"), "right")
        return self.dates[lo:hi], self.close[lo:hi], self.adj_close[lo:hi]


class PriceCache:
    """Persistent, process-safe price cache with an in-memory layer."""

    FILENAME = "prices.sqlite"

    def __init__(self, folder: str | Path, *, lock_timeout: float = 10.0):
        self.folder = Path(folder).expanduser()
        self.path = self.folder / self.FILENAME
        self.lock_timeout = float(lock_timeout)
        self.warnings: list[str] = []
        self.read_only = False
        self._reopen = False
        self._lock = threading.RLock()
        self._mem: dict[str, Entry] = {}
        self._conn: sqlite3.Connection | None = None

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)  # adapters show it (CLI: stderr; workbook: Sources sheet)
            log.warning(message)

    # -- connection, integrity ------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from ..errors import InputError

            raise InputError(
                f"cache folder {self.folder} cannot be used ({exc.strerror or exc}); "
                "pass --cache-dir DIR or set SHOCKBOOK_CACHE_DIR to a folder",
                path=str(self.folder),
            ) from None
        try:
            conn = self._open_checked()
        except sqlite3.DatabaseError as exc:
            if is_corruption(exc):
                self._move_aside(str(exc))
                conn = self._open_checked()
            else:  # locked, read-only, disk full: keep the file, read what we can
                conn = self._open_read_only(exc)
        self._conn = conn
        return conn

    def _open_checked(self) -> sqlite3.Connection:
        timeout = max(self.lock_timeout, 0.0)
        conn = sqlite3.connect(self.path, timeout=timeout, check_same_thread=False, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._check(conn)
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif row[0] != str(SCHEMA_VERSION):
                raise CacheCorrupt(f"schema version {row[0]}, expected {SCHEMA_VERSION}")
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    @staticmethod
    def _check(conn: sqlite3.Connection) -> None:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise CacheCorrupt(f"quick_check: {result}")

    def _open_read_only(self, why: BaseException) -> sqlite3.Connection:
        """Open the file for reading only (no schema changes, no writes), after ``why`` kept
        it from being opened for writing. A file that turns out damaged is still moved aside;
        a file that cannot be read at all gives an empty in-memory cache (the file is kept)."""
        self.read_only = True
        reason = _why(why, self.folder)
        self._reopen = reason.startswith("locked")  # a lock passes: try writing again next store
        self._warn(f"price cache {self.path} cannot be written ({reason}); "
                   "serving what it holds and what is fetched now, without saving")
        if not self.path.exists():
            return sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        uri = self.path.resolve().as_uri()
        for mode in ("?mode=ro", "?immutable=1"):
            try:
                conn = sqlite3.connect(uri + mode, uri=True, timeout=max(self.lock_timeout, 0.0),
                                       check_same_thread=False, isolation_level=None)
                conn.execute(f"PRAGMA busy_timeout = {int(max(self.lock_timeout, 0.0) * 1000)}")
                self._check(conn)
                names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if not {"bars", "coverage"} <= names:
                    conn.close()
                    continue
                return conn
            except sqlite3.DatabaseError as exc:
                if is_corruption(exc):
                    raise
                continue
        return sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)

    def _move_aside(self, why: str) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        base = f"{self.FILENAME}.corrupt-{stamp}"
        n = 0
        while True:  # a name never used: earlier copies are never overwritten
            name = base if n == 0 else f"{base}-{n}"
            aside = self.path.with_name(name)
            if not any(Path(str(aside) + suffix).exists() for suffix in ("", "-wal", "-shm")):
                break
            n += 1
        for suffix in ("", "-wal", "-shm"):
            part = Path(str(self.path) + suffix)
            if part.exists():
                part.replace(Path(str(aside) + suffix))
        self._warn(f"price cache {self.path} was unreadable ({why}); moved to {aside.name} and rebuilt")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- reading ---------------------------------------------------------------------------

    def entry(self, ticker: str) -> Entry:
        """Everything cached for ``ticker`` (loaded from disk once per process)."""
        found = self._mem.get(ticker)
        if found is not None:
            return found
        with self._lock:
            if ticker not in self._mem:
                self._mem[ticker] = self._load(ticker)
            return self._mem[ticker]

    def _load(self, ticker: str) -> Entry:
        try:
            conn = self._connect()
            rows = conn.execute(
                "SELECT date, close, adj_close FROM bars WHERE ticker=? ORDER BY date", (ticker,)
            ).fetchall()
            spans = conn.execute(
                "SELECT start, end, fetched_at, source FROM coverage WHERE ticker=?", (ticker,)
            ).fetchall()
            holes, adjusted = [], None
            if _has_table(conn, "holes"):
                holes = conn.execute(
                    "SELECT date, first_seen, reason FROM holes WHERE ticker=?", (ticker,)).fetchall()
                adjusted = conn.execute(
                    "SELECT on_day, detail FROM adjustments WHERE ticker=?", (ticker,)).fetchone()
        except sqlite3.DatabaseError as exc:
            if is_corruption(exc):  # corrupted after opening
                self._reset(str(exc))
            else:
                self._warn(f"price cache {self.path} could not be read for {ticker} ({_why(exc, self.folder)}); "
                           "the file is kept")
            return Entry()
        entry = Entry()
        if rows:
            entry.dates = np.array([r[0] for r in rows], dtype="datetime64[ns]")
            entry.close = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype="float64")
            entry.adj_close = np.array([np.nan if r[2] is None else r[2] for r in rows], dtype="float64")
        entry.spans = [
            Span(dt.date.fromisoformat(s), dt.date.fromisoformat(e), _utc(f), src) for s, e, f, src in spans
        ]
        entry.holes = {dt.date.fromisoformat(d): (_utc(f), r) for d, f, r in holes}
        if adjusted:
            entry.readjusted = adjusted[1]
        return entry

    def _reset(self, why: str) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._move_aside(why)
            self._mem.clear()

    def read(self, tickers: list[str], start: dt.date, end: dt.date) -> PriceTable:
        """Whatever is cached for ``tickers`` in ``[start, end]`` (no provenance, no errors).

        The frames are built at once from the cached arrays: one session index (the sorted
        union of the tickers' dates) and one block per field, NaN where a ticker has no bar.
        """
        windows = []
        for t in tickers:
            dates, close, adj = self.entry(t).window(start, end)
            if len(dates):
                windows.append((t, dates, close, adj))
        out = PriceTable()
        if not windows:
            return out
        first = windows[0][1]
        aligned = all(len(w[1]) == len(first) and np.array_equal(w[1], first) for w in windows)
        if aligned:
            dates = first
        else:
            dates = np.unique(np.concatenate([w[1] for w in windows]))
        close = np.full((len(dates), len(windows)), np.nan)
        adj = np.full((len(dates), len(windows)), np.nan)
        for j, (_, own, c, a) in enumerate(windows):
            rows = slice(None) if aligned else np.searchsorted(dates, own)
            close[rows, j] = c
            adj[rows, j] = a
        columns = [w[0] for w in windows]
        out.close = pd.DataFrame(close, index=pd.DatetimeIndex(dates, name="date"), columns=columns)
        out.adj_close = pd.DataFrame(adj, index=pd.DatetimeIndex(dates, name="date"), columns=columns)
        return out

    # -- writing ---------------------------------------------------------------------------

    def store(self, table: PriceTable, spans: dict[str, Span], *, holes: dict | None = None,
              replace: dict[str, str] | None = None) -> bool:
        """Save the bars of ``table`` and the covered ``spans`` (one transaction).

        ``holes`` maps a ticker to ``{date: reason}``: sessions asked for and answered without
        a usable bar (not final). A stored bar fills its hole. ``replace`` maps a ticker to
        the "re-adjusted on ..." text: everything cached for it (bars, coverage, holes) is
        deleted first, so old and new price bases never mix.

        Returns True when saved. When the file cannot be written (locked for longer than
        ``lock_timeout``, disk full, read-only) nothing is saved, the data is kept in memory
        for this process, a warning is added and False is returned; a damaged file is moved
        aside.
        """
        holes = holes or {}
        replace = replace or {}
        rows = []
        for t in table.close.columns:
            close = table.close[t]
            adj = table.adj_close[t].reindex(close.index) if t in table.adj_close else close
            mask = close.notna().to_numpy()
            for d, c, a in zip(close.index[mask], close.to_numpy()[mask], adj.to_numpy()[mask]):
                rows.append((t, d.date().isoformat(), float(c), None if pd.isna(a) else float(a)))
        cov = [
            (t, s.start.isoformat(), s.end.isoformat(), s.fetched_at.isoformat(), s.source)
            for t, s in spans.items()
        ]
        seen = max((s.fetched_at for s in spans.values()), default=dt.datetime.now(dt.timezone.utc))
        hole_rows = [(t, d.isoformat(), seen.isoformat(), r) for t, days in holes.items() for d, r in days.items()]
        on_day = seen.date().isoformat()
        touched = set(table.close.columns) | set(spans) | set(holes) | set(replace)
        with self._lock:
            if self.read_only and self._reopen and self._conn is not None:
                self._conn.close()
                self._conn, self.read_only, self._reopen = None, False, False
            if not self.read_only:
                try:
                    conn = self._connect()
                    if self.read_only:  # found out (and warned) while connecting
                        self._remember(table, spans, holes, replace)
                        return False
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        for t, text in replace.items():
                            for name in ("bars", "coverage", "holes"):
                                conn.execute(f"DELETE FROM {name} WHERE ticker=?", (t,))
                            conn.execute("INSERT OR REPLACE INTO adjustments VALUES (?,?,?)", (t, on_day, text))
                        conn.executemany("INSERT OR REPLACE INTO bars VALUES (?,?,?,?)", rows)
                        conn.executemany("INSERT INTO coverage VALUES (?,?,?,?,?)", cov)
                        conn.executemany("INSERT OR IGNORE INTO holes VALUES (?,?,?,?)", hole_rows)
                        conn.executemany("DELETE FROM holes WHERE ticker=? AND date=?", [r[:2] for r in rows])
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
                    for t in touched:
                        self._mem.pop(t, None)
                    return True
                except sqlite3.DatabaseError as exc:
                    if is_corruption(exc):
                        self._reset(str(exc))
                    else:
                        why = _why(exc, self.folder)
                        if why.startswith("locked"):
                            why += f"; waited up to {self.lock_timeout:g} s (SHOCKBOOK_CACHE_LOCK_TIMEOUT)"
                        self._warn(f"price cache {self.path} was not updated ({why}); serving what is "
                                   "cached and what was fetched now; the file is kept")
            self._remember(table, spans, holes, replace)
            return False

    def _remember(self, table: PriceTable, spans: dict[str, Span], holes: dict, replace: dict) -> None:
        """Put what could not be saved into the in-memory layer (this process only)."""
        for t in set(table.close.columns) | set(spans) | set(holes) | set(replace):
            old = Entry() if t in replace else self.entry(t)
            new = Entry(spans=list(old.spans), holes=dict(old.holes), readjusted=replace.get(t, old.readjusted))
            frame = pd.DataFrame({"close": old.close, "adj_close": old.adj_close},
                                 index=pd.DatetimeIndex(old.dates))
            if t in table.close.columns:
                fresh = pd.DataFrame({"close": table.close[t],
                                      "adj_close": table.adj_close[t].reindex(table.close.index)
                                      if t in table.adj_close else table.close[t]}).dropna(subset=["close"])
                frame = pd.concat([frame[~frame.index.isin(fresh.index)], fresh]).sort_index()
                for d in fresh.index:
                    new.holes.pop(d.date(), None)
            new.dates = frame.index.to_numpy(dtype="datetime64[ns]")
            new.close = frame["close"].to_numpy(dtype="float64")
            new.adj_close = frame["adj_close"].to_numpy(dtype="float64")
            if t in spans:
                new.spans.append(spans[t])
            seen = spans[t].fetched_at if t in spans else dt.datetime.now(dt.timezone.utc)
            for d, r in holes.get(t, {}).items():
                new.holes.setdefault(d, (seen, r))
            self._mem[t] = new

    def clear(self) -> None:
        """Forget everything (used by ``bench`` for cold runs)."""
        with self._lock:
            conn = self._connect()
            for name in ("bars", "coverage", "holes", "adjustments"):
                conn.execute(f"DELETE FROM {name}")
            self._mem.clear()


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None

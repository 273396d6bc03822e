"""The persistent price cache (yfinance refuses caching sessions, so this one is ours).

Storage is one SQLite file in the cache folder (``prices.sqlite``):

* ``bars(ticker, date, close, adj_close)`` — the prices;
* ``coverage(ticker, start, end, fetched_at, source)`` — the date ranges a source was asked for
  and answered, with when. Sessions inside a covered range that have no bar (a ticker listed
  later, a halt) are known to be empty and are not asked for again.

SQLite gives us what the issue asks for without hand-written locking: every write is one
transaction (atomic), WAL mode lets readers go on while another process writes, and a busy
timeout makes two refreshing processes wait for each other instead of failing. A file that is
not a database, or fails ``PRAGMA quick_check``, is moved aside (``prices.sqlite.corrupt-<time>``)
and rebuilt, with a warning in :attr:`PriceCache.warnings`; never a crash.

On top sits an in-memory copy per ticker (numpy arrays), so a warm lookup costs a couple of
binary searches, not a query.
"""

from __future__ import annotations

import datetime as dt
import logging
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
"""


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

    def window(self, start: dt.date, end: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lo = np.searchsorted(self.dates, np.datetime64(start, "ns"), "left")
        hi = np.searchsorted(self.dates, np.datetime64(end, "ns"), "right")
        return self.dates[lo:hi], self.close[lo:hi], self.adj_close[lo:hi]


class PriceCache:
    """Persistent, process-safe price cache with an in-memory layer."""

    FILENAME = "prices.sqlite"

    def __init__(self, folder: str | Path):
        self.folder = Path(folder).expanduser()
        self.path = self.folder / self.FILENAME
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._mem: dict[str, Entry] = {}
        self._conn: sqlite3.Connection | None = None

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
            self._move_aside(str(exc))
            conn = self._open_checked()
        self._conn = conn
        return conn

    def _open_checked(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {result}")
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif row[0] != str(SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"schema version {row[0]}, expected {SCHEMA_VERSION}")
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _move_aside(self, why: str) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.FILENAME}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(str(self.path) + suffix)
            if part.exists():
                part.replace(Path(str(aside) + suffix))
        message = f"price cache {self.path} was unreadable ({why}); moved to {aside.name} and rebuilt"
        self.warnings.append(message)  # adapters show it (CLI: stderr; workbook: Sources sheet)
        log.info(message)

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
        except sqlite3.DatabaseError as exc:  # corrupted after opening
            self._reset(str(exc))
            return Entry()
        entry = Entry()
        if rows:
            entry.dates = np.array([r[0] for r in rows], dtype="datetime64[ns]")
            entry.close = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype="float64")
            entry.adj_close = np.array([np.nan if r[2] is None else r[2] for r in rows], dtype="float64")
        entry.spans = [
            Span(dt.date.fromisoformat(s), dt.date.fromisoformat(e), _utc(f), src) for s, e, f, src in spans
        ]
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

    def store(self, table: PriceTable, spans: dict[str, Span]) -> None:
        """Save the bars of ``table`` and the covered ``spans`` (one transaction)."""
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
        with self._lock:
            try:
                conn = self._connect()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany("INSERT OR REPLACE INTO bars VALUES (?,?,?,?)", rows)
                    conn.executemany("INSERT INTO coverage VALUES (?,?,?,?,?)", cov)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            except sqlite3.DatabaseError as exc:
                self._reset(str(exc))
                return
            for t in set(table.close.columns) | set(spans):
                self._mem.pop(t, None)

    def clear(self) -> None:
        """Forget everything (used by ``bench`` for cold runs)."""
        with self._lock:
            conn = self._connect()
            conn.execute("DELETE FROM bars")
            conn.execute("DELETE FROM coverage")
            self._mem.clear()

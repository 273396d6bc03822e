"""A cache is never thrown away by mistake: only a file that fails an integrity check is moved
aside. A lock held by another process, a full disk and a read-only file or folder keep the
file, serve what is cached and what was fetched, and say so once.

The faults are real: another process holding SQLite's write lock, a small tmpfs filled to the
last byte (root only) and a file-size limit (RLIMIT_FSIZE) in a subprocess (any user), a
read-only bind mount (root, whom file modes do not stop) or file modes (other users)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from shockbook.data.cache import PriceCache, Span
from shockbook.data.types import PriceTable

UTC = dt.timezone.utc
FETCHED = dt.datetime(2025, 2, 1, 12, 0, tzinfo=UTC)
JAN = (dt.date(2025, 1, 1), dt.date(2025, 1, 31))
PYTHONPATH = str(Path(__file__).resolve().parents[2] / "python")


def table_of(ticker: str, closes: dict[str, float]) -> PriceTable:
    idx = pd.DatetimeIndex(pd.to_datetime(list(closes)), name="date")
    frame = pd.DataFrame({ticker: list(closes.values())}, index=idx, dtype="float64")
    return PriceTable(close=frame, adj_close=frame)


def span(first: str, last: str) -> Span:
    return Span(dt.date.fromisoformat(first), dt.date.fromisoformat(last), FETCHED)


def many_bars(ticker: str, n: int) -> PriceTable:
    days = pd.bdate_range("2000-01-03", periods=n)
    return table_of(ticker, {d.date().isoformat(): 100.0 + i for i, d in enumerate(days)})


def seeded(folder: Path) -> None:
    """A healthy cache with NVDA 1/24 in ``folder``."""
    cache = PriceCache(folder)
    assert cache.store(table_of("NVDA", {"2025-01-24": 142.58}), {"NVDA": span("2025-01-24", "2025-01-24")})
    cache.close()


def closes(cache: PriceCache) -> list[float]:
    return cache.read(["NVDA"], *JAN).close["NVDA"].tolist()


def intact(folder: Path) -> list[float]:
    """What a fresh process reads from the file (after the fault is gone)."""
    conn = sqlite3.connect(folder / "prices.sqlite")
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    conn.close()
    again = PriceCache(folder)
    try:
        assert again.warnings == []
        return closes(again)
    finally:
        again.close()


def no_copies(folder: Path) -> bool:
    return not list(folder.glob("prices.sqlite.corrupt-*"))


# -- a lock held by another process ---------------------------------------------------------------

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if len(sys.argv) > 3:  # "exclusive": a rollback-journal writer, which blocks readers too
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("BEGIN EXCLUSIVE")
else:  # a WAL writer: blocks other writers only
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('holder', 'another process')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def test_a_lock_held_longer_than_the_wait_keeps_the_file_and_serves_the_fetch(tmp_path):
    seeded(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(tmp_path / "prices.sqlite"), "4"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        cache = PriceCache(tmp_path, lock_timeout=0.3)
        assert closes(cache) == [142.58]  # readers are not blocked (WAL)
        began = time.monotonic()
        saved = cache.store(table_of("NVDA", {"2025-01-27": 118.39}), {"NVDA": span("2025-01-27", "2025-01-27")})
        waited = time.monotonic() - began
        assert saved is False and 0.25 <= waited < 2.5
        assert closes(cache) == [142.58, 118.39]  # what was fetched is served
        [warning] = cache.warnings
        assert "locked by another process; waited up to 0.3 s" in warning and "the file is kept" in warning
        cache.close()
    finally:
        holder.wait(timeout=10)
    assert no_copies(tmp_path)
    assert intact(tmp_path) == [142.58]


# -- a full disk --------------------------------------------------------------------------------


@contextlib.contextmanager
def small_tmpfs(where: Path, size_kb: int):
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root (the RLIMIT_FSIZE test covers other users)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_filesystem_keeps_the_file_and_never_moves_it_aside(tmp_path):
    with small_tmpfs(tmp_path / "small", 256) as folder:
        seeded(folder)
        fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
        with contextlib.suppress(OSError):  # take every free byte
            while True:
                os.write(fd, b"\0" * 4096)
        os.close(fd)
        cache = PriceCache(folder, lock_timeout=0.3)
        for _ in range(3):  # every refresh of a long-running session hits it again
            assert cache.store(many_bars("NVDA", 2000), {"NVDA": span("2000-01-03", "2007-08-31")}) is False
        assert len(cache.read(["NVDA"], dt.date(2000, 1, 1), dt.date(2025, 1, 31)).close) == 2001
        [warning] = cache.warnings
        assert "disk full" in warning and ("cannot be written" in warning or "was not updated" in warning)
        cache.close()
        assert no_copies(folder)
        (folder / "filler").unlink()
        assert intact(folder) == [142.58]
        assert (folder / "prices.sqlite").stat().st_size > 0


FILL_UNDER_LIMIT = """
import json, resource, signal, sys
sys.path.insert(0, sys.argv[2])
import pandas as pd, datetime as dt
from shockbook.data.cache import PriceCache, Span
from shockbook.data.types import PriceTable
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
folder = sys.argv[1]
size = sum(p.stat().st_size for p in __import__("pathlib").Path(folder).iterdir())
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 8192, size + 8192))
days = pd.bdate_range("2000-01-03", periods=3000)
frame = pd.DataFrame({"NVDA": [100.0 + i for i in range(3000)]}, index=pd.DatetimeIndex(days, name="date"))
cache = PriceCache(folder, lock_timeout=0.3)
ok = cache.store(PriceTable(close=frame, adj_close=frame),
                 {"NVDA": Span(dt.date(2000, 1, 3), dt.date(2011, 6, 30), dt.datetime(2025, 2, 1, tzinfo=dt.timezone.utc))})
served = len(cache.read(["NVDA"], dt.date(2000, 1, 1), dt.date(2025, 1, 31)).close)
print(json.dumps({"saved": ok, "served": served, "warnings": cache.warnings}))
"""


def test_a_file_size_limit_is_not_corruption(tmp_path):
    seeded(tmp_path)
    run = subprocess.run([sys.executable, "-c", FILL_UNDER_LIMIT, str(tmp_path), PYTHONPATH],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["saved"] is False and got["served"] == 3001
    [warning] = got["warnings"]
    assert "was not updated (disk I/O error)" in warning and "the file is kept" in warning
    assert no_copies(tmp_path)
    assert intact(tmp_path) == [142.58]


# -- read-only ------------------------------------------------------------------------------------


@contextlib.contextmanager
def read_only(path: Path):
    """``path`` (a folder or a file) made read-only for real: file modes for a normal user; a
    read-only bind mount for root, whom file modes do not stop."""
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    mounted = False
    if os.geteuid() == 0:
        bind = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
        if bind.returncode != 0:
            path.chmod(mode)
            pytest.skip("root needs a bind mount to make a path read-only")
        mounted = True
        subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True, capture_output=True)
    try:
        yield path
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], check=False)
        path.chmod(mode)


@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_read_only_cache_still_serves_reads(tmp_path, what):
    folder = tmp_path / "cache"
    seeded(folder)
    target = folder if what == "folder" else folder / "prices.sqlite"
    with read_only(target):
        cache = PriceCache(folder, lock_timeout=0.3)
        assert closes(cache) == [142.58]
        saved = cache.store(table_of("NVDA", {"2025-01-27": 118.39}), {"NVDA": span("2025-01-27", "2025-01-27")})
        assert saved is False and closes(cache) == [142.58, 118.39]
        assert len(cache.warnings) == 1 and "read-only" in cache.warnings[0]
        cache.close()
    assert no_copies(folder)
    assert intact(folder) == [142.58]


# -- moved-aside copies -----------------------------------------------------------------------------


def test_moved_aside_copies_get_unique_names_and_are_never_overwritten(tmp_path):
    for n in range(3):  # three damaged files within the same second
        (tmp_path / "prices.sqlite").write_bytes(f"damaged copy {n}".encode() * 100)
        cache = PriceCache(tmp_path)
        cache.read(["NVDA"], *JAN)
        cache.close()
    copies = sorted(tmp_path.glob("prices.sqlite.corrupt-*"))
    assert len(copies) == 3
    assert sorted(p.read_bytes()[:14] for p in copies) == [b"damaged copy 0", b"damaged copy 1", b"damaged copy 2"]


def test_only_a_failed_integrity_check_is_corruption():
    from shockbook.data.cache import CacheCorrupt, is_corruption

    def error(code, text):
        exc = sqlite3.OperationalError(text) if code not in (11, 26) else sqlite3.DatabaseError(text)
        exc.sqlite_errorcode = code
        return exc

    assert is_corruption(CacheCorrupt("quick_check: row 3 missing from index"))
    assert is_corruption(error(26, "file is not a database"))
    assert is_corruption(error(11, "database disk image is malformed"))
    for code, text in [(5, "database is locked"), (13, "database or disk is full"),
                       (8, "attempt to write a readonly database"), (14, "unable to open database file"),
                       (778, "disk I/O error")]:
        assert not is_corruption(error(code, text)), text


def test_a_refresh_under_a_held_lock_serves_what_it_fetched(tmp_path, make_yahoo_source, fake_yahoo):
    from shockbook.config import Settings
    from shockbook.data.prices import PriceService

    seeded(tmp_path)
    settings = Settings.from_env(environ={}, cache_dir=tmp_path, coalesce_ms=0.0, sources=("live", "cache"),
                                 cache_lock_timeout=0.3)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(tmp_path / "prices.sqlite"), "4"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        service = PriceService(settings, live=make_yahoo_source(),
                               clock=lambda: dt.datetime(2025, 2, 1, 12, tzinfo=UTC))
        table = service.get(["NVDA"], dt.date(2025, 1, 24), dt.date(2025, 1, 27))
        nvda = table.close["NVDA"]
        assert round(nvda.iloc[-1] / nvda.iloc[0] - 1, 4) == -0.1697
        assert table.provenance["NVDA"].source == "yahoo"
        assert any("locked by another process" in w for w in service.cache.warnings)
        service.cache.close()
    finally:
        holder.wait(timeout=10)
    assert no_copies(tmp_path)
    assert intact(tmp_path) == [142.58]


def test_a_lock_met_while_opening_does_not_stop_later_saves(tmp_path):
    seeded(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(tmp_path / "prices.sqlite"), "1.5", "exclusive"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        cache = PriceCache(tmp_path, lock_timeout=0.2)
        first = cache.store(table_of("NVDA", {"2025-01-27": 118.39}), {"NVDA": span("2025-01-27", "2025-01-27")})
        assert first is False and closes(cache) == [142.58, 118.39]  # read without locks (immutable)
        assert any("locked by another process" in w for w in cache.warnings)
    finally:
        holder.wait(timeout=10)
    assert cache.store(table_of("NVDA", {"2025-01-28": 128.99}), {"NVDA": span("2025-01-28", "2025-01-28")})
    cache.close()
    assert no_copies(tmp_path)
    assert intact(tmp_path)[-1] == 128.99

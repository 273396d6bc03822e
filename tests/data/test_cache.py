"""The persistent cache: what was stored reads back; corruption is moved aside, never a crash."""

import datetime as dt
import multiprocessing

import pandas as pd

from shockbook.data.cache import PriceCache, Span
from shockbook.data.types import PriceTable

UTC = dt.timezone.utc
FETCHED = dt.datetime(2025, 2, 1, 12, 0, tzinfo=UTC)


def table_of(ticker: str, closes: dict[str, float]) -> PriceTable:
    idx = pd.DatetimeIndex(pd.to_datetime(list(closes)), name="date")
    frame = pd.DataFrame({ticker: list(closes.values())}, index=idx, dtype="float64")
    return PriceTable(close=frame, adj_close=frame * 0.99)


def test_stored_bars_and_coverage_read_back_after_reopening(tmp_path):
    cache = PriceCache(tmp_path)
    cache.store(table_of("NVDA", {"2025-01-24": 142.58, "2025-01-27": 118.39}),
                {"NVDA": Span(dt.date(2025, 1, 24), dt.date(2025, 1, 27), FETCHED)})
    cache.close()
    again = PriceCache(tmp_path)
    got = again.read(["NVDA"], dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert got.close["NVDA"].tolist() == [142.58, 118.39]
    assert got.adj_close["NVDA"].round(4).tolist() == [141.1542, 117.2061]
    assert again.entry("NVDA").spans == [Span(dt.date(2025, 1, 24), dt.date(2025, 1, 27), FETCHED, "yahoo")]
    assert again.warnings == []


def test_a_file_that_is_not_a_database_is_moved_aside_and_rebuilt(tmp_path):
    (tmp_path / "prices.sqlite").write_bytes(b"this is not sqlite" * 100)
    cache = PriceCache(tmp_path)
    assert cache.read(["NVDA"], dt.date(2025, 1, 1), dt.date(2025, 1, 31)).close.empty
    assert len(cache.warnings) == 1 and "moved to prices.sqlite.corrupt-" in cache.warnings[0]
    assert list(tmp_path.glob("prices.sqlite.corrupt-*"))
    cache.store(table_of("NVDA", {"2025-01-27": 118.39}), {})
    assert PriceCache(tmp_path).read(["NVDA"], dt.date(2025, 1, 1), dt.date(2025, 1, 31)).close.size == 1


def test_a_truncated_database_is_moved_aside(tmp_path):
    cache = PriceCache(tmp_path)
    rows = {f"2024-{m:02d}-{d:02d}": float(d) for m in range(1, 13) for d in range(1, 28)}
    for t in ("A", "B", "C", "D"):
        cache.store(table_of(t, rows), {})
    cache.close()
    path = tmp_path / "prices.sqlite"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    again = PriceCache(tmp_path)
    again.read(["A"], dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert again.warnings and "unreadable" in again.warnings[0]


def _writer(folder: str, ticker: str, n: int) -> None:
    cache = PriceCache(folder)
    for i in range(n):
        day = (dt.date(2024, 1, 1) + dt.timedelta(days=i)).isoformat()
        cache.store(table_of(ticker, {day: float(i)}), {})


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), t, 40)) for t in ("AAA", "BBB")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    cache = PriceCache(tmp_path)
    got = cache.read(["AAA", "BBB"], dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert got.close.count().tolist() == [40, 40]
    assert cache.warnings == []

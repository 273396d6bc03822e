"""Benchmark of the data layer against a naive UDF, in one process, on the fake Yahoo server.

The naive baseline is what a first-draft UDF does: one yfinance call per ticker per cell. The
shockbook path is what the UDFs and refresh use: the price service (cache + coalescing). Both
talk to the same fake server (loopback, recorded prices, an injected latency per request), so
request counts and wall times are comparable within the run. No timing is asserted anywhere:
the figures are printed, as ratios.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..config import Settings
from ..data.cache import PriceCache
from ..data.prices import PriceService

#: The report's names: figures 5-11, the bottom-10 paragraph, table 4 and the baskets (45).
REPORT_TICKERS = [
    "NVDA", "AVGO", "AMD", "TSM", "ASML", "MRVL", "AMAT", "MU", "ANET", "GLW", "VST", "CEG",
    "GEV", "NRG", "PWR", "ETN", "VRT", "OKE", "BWXT", "ORCL", "MSFT", "AMZN", "GOOGL", "META",
    "AAPL", "TSLA", "PLTR", "NOW", "CRM", "IBM", "PYPL", "CSCO", "SMCI", "DELL", "HPE", "NFLX",
    "ADBE", "INTU", "UBER", "QCOM", "^GSPC", "^IXIC", "^SOX", "SPY", "QQQ",
]
METRIC_CELLS = 6  # event return, YTD before, YTD incl., since event, AR, CAR per ticker row
START, END = dt.date(2024, 1, 2), dt.date(2025, 6, 30)


_YF_DIR: list[Path] = []


def _yf_dir(name: str) -> Path:
    """yfinance keeps its timezone/cookie databases open for the whole process, so their
    folder must outlive the benchmark's temporary folders (removed at exit)."""
    if not _YF_DIR:
        import atexit
        import shutil

        _YF_DIR.append(Path(tempfile.mkdtemp(prefix="shockbook-bench-yf-")))
        atexit.register(shutil.rmtree, _YF_DIR[0], True)
    return _YF_DIR[0] / name


def _clock_after_data():
    """A fixed "now" after the recorded data ends, so every bar counts as final."""
    stamp = dt.datetime(2025, 7, 1, 12, 0, tzinfo=dt.timezone.utc)
    return lambda: stamp


def _service(fake, folder: Path, workers: int | None = None) -> PriceService:
    from ..data.yahoo import YahooSource

    settings = Settings.from_env(environ={}, cache_dir=folder, coalesce_ms=25.0, yahoo_backoff=0.05)
    live = YahooSource(session=fake.session(), timeout=10.0, retries=2, backoff=0.05,
                       workers=workers or settings.yahoo_workers,
                       yf_cache_dir=_yf_dir(folder.parent.name + "-" + folder.name))
    return PriceService(settings, live=live, cache=PriceCache(folder), clock=_clock_after_data())


def _counts(fake) -> tuple[int, int]:
    """(price requests, all requests incl. cookie/crumb/timezone look-ups) so far."""
    return fake.count(kind="history"), len(fake.requests)


def _since(fake, before: tuple[int, int], t0: float) -> dict:
    history, total = _counts(fake)
    return {"seconds": time.perf_counter() - t0, "price_requests": history - before[0],
            "all_requests": total - before[1]}


def _naive(fake, tickers, cells, folder: Path) -> dict:
    from ..data.yahoo import YahooSource

    source = YahooSource(session=fake.session(), timeout=10.0, retries=2, backoff=0.05,
                         yf_cache_dir=_yf_dir("naive-" + folder.name))
    before, t0 = _counts(fake), time.perf_counter()
    for t in tickers:
        for _ in range(cells):
            source.fetch([t], START, END)
    return _since(fake, before, t0)


def _cells(service: PriceService, fake, tickers, cells, workers: int) -> dict:
    """Every cell asks for its ticker's series, as Excel's recalculation would (threads)."""
    jobs = [t for t in tickers for _ in range(cells)]
    before, t0 = _counts(fake), time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda t: service.get([t], START, END), jobs))
    return _since(fake, before, t0)


def _refresh(service: PriceService, fake, tickers) -> dict:
    """What the refresh macro does: one call for the whole table."""
    before, t0 = _counts(fake), time.perf_counter()
    service.get(tickers, START, END)
    return _since(fake, before, t0)


def _cold_fetch(fake, tickers, folder: Path, workers: int) -> dict:
    """A first build's fetch: every member, one call, empty cache and yfinance caches."""
    service = _service(fake, folder, workers=workers)
    tz_before = fake.count(kind="tz")
    out = _refresh(service, fake, tickers)
    out["workers"] = workers
    out["timezone_requests"] = fake.count(kind="tz") - tz_before
    out["chart_requests_per_ticker"] = (out["price_requests"] + out["timezone_requests"]) / len(tickers)
    out["warm_refresh"] = _refresh(service, fake, tickers)
    return out


def bench_cold_fetch(fake, tickers, folder: Path, workers: int | None = None) -> dict:
    """Cold fetch of ``tickers``: the serial path (one worker) vs the concurrent path
    (``workers``, default the ``SHOCKBOOK_YAHOO_WORKERS`` default), in one run."""
    workers = workers or Settings.from_env(environ={}).yahoo_workers
    serial = _cold_fetch(fake, tickers, folder / "serial", 1)
    concurrent = _cold_fetch(fake, tickers, folder / "concurrent", workers)
    return {"tickers": len(tickers), "serial": serial, "concurrent": concurrent,
            "speedup": serial["seconds"] / concurrent["seconds"]}


def _warm_lookup_ms(service: PriceService, ticker: str, repeats: int = 2000) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        service.series(ticker, START, END)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000.0


def bench_data(prices_path: Path, universe: list[str], latency: float = 0.05, workers: int = 8,
               report: list[str] | None = None) -> dict:
    """Naive vs shockbook for the report's tickers (x6 cells) and the whole universe (x1), and
    the universe's cold fetch serial vs concurrent (:func:`bench_cold_fetch`)."""
    from ..testing.fake_yahoo import FakeYahooProcess

    out: dict = {"latency_ms": latency * 1000.0}
    # the fake serves from its own process, as Yahoo does: its work is not timed as ours
    with FakeYahooProcess(prices_path, latency=latency) as fake, tempfile.TemporaryDirectory() as tmp:
        cases = {
            f"report_{len(report or REPORT_TICKERS)}x{METRIC_CELLS}": (report or REPORT_TICKERS, METRIC_CELLS),
            f"universe_{len(universe)}x1": (universe, 1),
        }
        for name, (tickers, cells) in cases.items():
            folder = Path(tmp) / name
            naive = _naive(fake, tickers, cells, folder)
            service = _service(fake, folder / "cells")
            cold = _cells(service, fake, tickers, cells, workers)
            warm = _cells(service, fake, tickers, cells, workers)
            refresh = _refresh(_service(fake, folder / "refresh"), fake, tickers)
            out[name] = {
                "tickers": len(tickers),
                "cells": len(tickers) * cells,
                "naive_cells": naive,
                "cold_cells": cold,
                "warm_cells": warm,
                "cold_refresh_one_call": refresh,
                "cold_cells_speedup": naive["seconds"] / cold["seconds"],
                "warm_cells_speedup": naive["seconds"] / warm["seconds"],
                "cold_refresh_speedup": naive["seconds"] / refresh["seconds"],
                "cold_price_requests_per_ticker": cold["price_requests"] / len(tickers),
                "warm_price_requests": warm["price_requests"],
            }
        fake.reset()
        fake.latency = latency
        out[f"cold_fetch_{len(universe)}"] = bench_cold_fetch(fake, universe, Path(tmp) / "cold-fetch")
        service = _service(fake, Path(tmp) / "warm-lookup")
        service.get((report or REPORT_TICKERS)[:1], START, END)
        out["warm_lookup_median_ms"] = _warm_lookup_ms(service, (report or REPORT_TICKERS)[0])
    return out

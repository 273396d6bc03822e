"""Company earnings dates through the data seam: Yahoo, then a small JSON cache.

Each company's earnings dates come from the Yahoo seam
(:meth:`shockbook.data.yahoo.YahooSource.fetch_earnings`), with time of day, EPS estimate,
reported EPS and surprise. Every answer is kept in a JSON cache beside the price cache
(``<cache_dir>/earnings/<TICKER>.json``) and reused for :data:`EARNINGS_FRESH_HOURS`; offline,
or when Yahoo fails, the last answer kept is served, labelled with the time it was fetched.

The tables built on these dates (the month grid of table 4, next date, EPS surprise) are in
:mod:`shockbook.tables.earnings`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import pandas as pd

from ..config import Settings
from ..errors import InputError, NoDataError, ShockbookError

#: Label of each origin, as shown in a table's ``source`` column.
SOURCE_YAHOO, SOURCE_CACHE = "yahoo", "cache"
#: How long a cached Yahoo earnings answer is used without asking again (online).
EARNINGS_FRESH_HOURS = 12.0


def live_allowed(settings: Settings) -> bool:
    """Whether these settings may ask Yahoo (not offline)."""
    return "live" in settings.active_sources()


def _yahoo(settings: Settings, source=None):
    """The object with ``fetch_earnings``: ``source`` if given, else the shared service's."""
    if source is not None:
        return source
    from .prices import service_for

    return service_for(settings).live



def _cache_file(settings: Settings, ticker: str):
    safe = re.sub(r"[^A-Z0-9.\-^=]", "_", ticker.upper())
    return settings.cache_dir / "earnings" / f"{safe}.json"


def _write_cache(settings: Settings, ticker: str, frame: pd.DataFrame, fetched_at: dt.datetime) -> None:
    from ..fileio import atomic_open

    rows = []
    for r in frame.itertuples(index=False):
        rows.append({
            "date": pd.Timestamp(r.date).date().isoformat(),
            "time_of_day": r.time_of_day or "",
            "eps_estimate": None if pd.isna(r.eps_estimate) else float(r.eps_estimate),
            "eps_reported": None if pd.isna(r.eps_reported) else float(r.eps_reported),
            "surprise_pct": None if pd.isna(r.surprise_pct) else float(r.surprise_pct),
        })
    doc = {"ticker": ticker, "fetched_at": fetched_at.isoformat(), "rows": rows}
    try:
        with atomic_open(_cache_file(settings, ticker), "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=1)
    except OSError:
        pass  # a read-only cache folder only costs a refetch next time


def _read_cache(settings: Settings, ticker: str) -> tuple[pd.DataFrame, dt.datetime] | None:
    path = _cache_file(settings, ticker)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        fetched_at = dt.datetime.fromisoformat(doc["fetched_at"])
        frame = pd.DataFrame(doc["rows"], columns=["date", "time_of_day", "eps_estimate",
                                                   "eps_reported", "surprise_pct"])
        frame["date"] = pd.to_datetime(frame["date"])
        for c in ("eps_estimate", "eps_reported", "surprise_pct"):
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
        frame["time_of_day"] = frame["time_of_day"].fillna("").astype(str)
        return frame, fetched_at
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or unreadable: as if never fetched


@dataclass(frozen=True, eq=False)
class EarningsDates:
    """One company's earnings dates: ``frame`` (columns below), where they come from
    (``source``: ``"yahoo"`` or ``"cache"``) and when they were fetched (``as_of``, UTC)."""

    frame: pd.DataFrame
    source: str
    as_of: dt.datetime


def company_earnings(
    ticker: str, settings: Settings | None = None, *, source=None, now: dt.datetime | None = None
) -> EarningsDates:
    """All earnings dates Yahoo lists for ``ticker`` (or the cached copy), newest first.

    Columns ``date``, ``time_of_day`` (``BMO``/``AMC``/""), ``eps_estimate``, ``eps_reported``
    (USD per share, NaN when not reported yet), ``surprise_pct`` (percent, NaN when unknown);
    returned as :class:`EarningsDates` with the source (``"yahoo"`` or ``"cache"``) and the
    fetch time.

    Online, a cached answer younger than :data:`EARNINGS_FRESH_HOURS` is reused; a Yahoo
    failure falls back to the cache. Offline, only the cache is read.

    Raises
    ------
    NoDataError
        Offline with nothing cached for the ticker.
    ShockbookError
        Yahoo's error (unknown ticker, rate limit, page changed...) when nothing is cached.
    """
    settings = settings if settings is not None else Settings.from_env()
    from .prices import clean_tickers

    name = (clean_tickers([ticker] if isinstance(ticker, str) else []) or [""])[0]
    if not name:
        raise InputError(f"ticker {ticker!r} is empty", ticker=ticker)
    now = now or dt.datetime.now(dt.timezone.utc)
    cached = _read_cache(settings, name)
    if not live_allowed(settings):
        if cached is None:
            raise NoDataError(
                f"no earnings dates for {name} offline: nothing cached yet "
                "(run once online to fill the cache)", ticker=name, start=None, end=None)
        return _labelled(cached[0], SOURCE_CACHE, cached[1])
    if cached is not None and now - cached[1] <= dt.timedelta(hours=EARNINGS_FRESH_HOURS):
        return _labelled(cached[0], SOURCE_CACHE, cached[1])
    try:
        frame = _yahoo(settings, source).fetch_earnings(name)
    except ShockbookError:
        if cached is not None:
            return _labelled(cached[0], SOURCE_CACHE, cached[1])
        raise
    _write_cache(settings, name, frame, now)
    return _labelled(frame, SOURCE_YAHOO, now)


def _labelled(frame: pd.DataFrame, source: str, as_of: dt.datetime) -> EarningsDates:
    return EarningsDates(frame.copy(), source, as_of)

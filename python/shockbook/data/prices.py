"""The price service: the one door through which every table gets prices.

``PriceService.get(tickers, start, end)`` walks the fallback chain from the settings
(``live -> cache -> snapshot`` by default) ticker by ticker:

* **live**: serve from the cache what it already holds and is final or fresh; fetch only the
  missing sessions from Yahoo, in as few batched downloads as possible, store them, serve them;
* **cache**: whatever is cached in the range, marked stale when sessions are missing (this is
  where a Yahoo failure or ``--offline`` lands);
* **snapshot**: a frozen price file.

Cached history is kept true as Yahoo changes it:

* **re-adjustment**: a fetch that extends a cached series also asks again for one session
  already cached (the last one before the missing range, else the first after it). When Yahoo's
  close or adjusted close for it now differs by more than :data:`READJUST_RTOL` (a split or a
  dividend re-scaled the history), or Yahoo reports a split or a dividend after it (yfinance's
  actions), the ticker's whole cached range is fetched again and
  replaces the old bars in one transaction; the provenance says "re-adjusted on <date>".
  Old and new bases are never mixed: if the re-fetch fails, nothing new is stored.
* **gaps are not facts**: a past session inside a fetched range that came back without a
  usable bar (empty, or a bad bar, see :mod:`~shockbook.data.quality`) is recorded as a hole,
  asked for again on every refresh until ``gap_retry_sessions`` sessions have passed, and the
  series is marked stale ("missing <date>") meanwhile.

Every served series carries a :class:`~shockbook.data.types.Provenance`; every ticker that no
step could serve carries the first step's error. Concurrent calls (an Excel recalculation
firing hundreds of UDFs) are coalesced: calls that arrive within ``coalesce_ms`` of each other
share one download, and a ticker already being fetched is waited for, not fetched twice.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Protocol

import numpy as np
import pandas as pd

from ..config import Settings
from ..errors import (
    DateRangeError,
    InputError,
    NoDataError,
    ShockbookError,
    SourceUnavailableError,
    UnknownTickerError,
)
from . import sessions as cal
from .cache import Entry, PriceCache, Span
from .symbols import yahoo_symbol
from .types import BASIS_SPLIT, BASIS_SPLIT_DIV, PriceTable, Provenance

#: Relative difference between a re-asked cached session and Yahoo's fresh answer above which
#: the cached history counts as re-adjusted (a $0.01 dividend on a $120 stock moves the
#: adjusted close by 8e-5; Yahoo repeats unchanged values exactly).
READJUST_RTOL = 1e-6


class PriceSource(Protocol):
    name: str

    def fetch(self, tickers: list[str], start: dt.date, end: dt.date) -> PriceTable: ...


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def split_tickers(tickers: Iterable) -> tuple[list[str], dict[str, ShockbookError]]:
    """Yahoo symbols (:func:`~shockbook.data.symbols.yahoo_symbol`: ``brk.b`` -> ``BRK-B``,
    ``005930.ks`` -> ``005930.KS``) in order, empty entries skipped, duplicates dropped (first
    wins); and the entries that cannot be tickers, each with its :class:`InputError`."""
    good: dict[str, None] = {}  # ordered and O(1) to test (universes have 500+ names)
    bad: dict[str, ShockbookError] = {}
    for raw in tickers:
        if isinstance(raw, str) and not raw.strip():
            continue
        try:
            t = yahoo_symbol(raw)
        except InputError as exc:
            bad[raw.strip() if isinstance(raw, str) else repr(raw)] = exc
            continue
        good.setdefault(t, None)
    return list(good), bad


def clean_tickers(tickers: Iterable) -> list[str]:
    """Like :func:`split_tickers`, but the first bad entry raises its :class:`InputError`."""
    good, bad = split_tickers(tickers)
    if bad:
        raise next(iter(bad.values()))
    return good


# -- freshness -------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _session_close_utc(day: dt.date) -> dt.datetime:
    close = cal._calendar().session_close(pd.Timestamp(day))
    return close.to_pydatetime()


def _final(span: Span, day: dt.date) -> bool:
    """True when ``span`` was fetched after ``day``'s close (so its bar is the final close)."""
    if span.fetched_at.date() > day:  # a later UTC day is always after a NYSE close
        return True
    return span.fetched_at >= _session_close_utc(day)


@lru_cache(maxsize=256)
def reask_cutoff(today: dt.date, gap_sessions: int) -> dt.date:
    """The first session still asked for again on ``today``: fewer than ``gap_sessions``
    sessions lie after it up to ``today``. ``date.max`` when nothing is re-asked."""
    if gap_sessions <= 0:
        return dt.date.max
    recent = cal.sessions(today - dt.timedelta(days=2 * gap_sessions + 14), today)
    if len(recent) < gap_sessions:
        return dt.date.min
    return recent[-gap_sessions].date()


def open_holes(entry: Entry, start: dt.date, end: dt.date, now: dt.datetime, gap_sessions: int) -> list[dt.date]:
    """The holes of ``entry`` in ``[start, end]`` still worth asking for: fewer than
    ``gap_sessions`` sessions have passed since (after that Yahoo's answer is final)."""
    days = sorted(d for d in entry.holes if start <= d <= end)
    if not days:
        return []
    cutoff = reask_cutoff(now.date(), gap_sessions)
    return [d for d in days if d >= cutoff]


def missing_range(entry: Entry, start: dt.date, end: dt.date, now: dt.datetime, fresh: dt.timedelta,
                  gap_sessions: int = 10):
    """The smallest ``(first, last)`` session range of ``[start, end]`` the cache cannot serve,
    or ``None`` when it is complete (final, or fetched within ``fresh``, and no hole still
    worth asking for, see :func:`open_holes`)."""

    def ok(span: Span, day: dt.date) -> bool:
        return _final(span, day) or (now - span.fetched_at) <= fresh

    holes = open_holes(entry, start, end, now, gap_sessions) if entry.holes else []
    if not holes:
        for span in entry.spans:  # fast path: one span covers everything
            if span.start <= start and span.end >= end and ok(span, end):
                return None
    needed = [d.date() for d in cal.sessions(start, end)]
    todo = [d for d in needed if not any(s.start <= d <= s.end and ok(s, d) for s in entry.spans)]
    todo = sorted(set(todo) | set(holes))
    if not todo:
        return None
    return todo[0], todo[-1]


def _anchor(entry: Entry, first: dt.date, last: dt.date) -> dt.date | None:
    """The cached session re-asked with a fetch of ``[first, last]``: the last one before it,
    else the first one after it; None for an empty cache."""
    return entry.last_before(first) or entry.first_after(last)


def _differs(old: tuple[float, float], new: tuple[float, float]) -> bool:
    for a, b in zip(old, new):
        if a != a or b != b:  # NaN on either side: nothing to compare
            continue
        if abs(a - b) > READJUST_RTOL * max(abs(a), abs(b)):
            return True
    return False


# -- coalescing ------------------------------------------------------------------------------


@dataclass
class _Batch:
    wants: dict[str, tuple[dt.date, dt.date]] = field(default_factory=dict)
    done: threading.Event = field(default_factory=threading.Event)
    errors: dict[str, ShockbookError] = field(default_factory=dict)
    failure: BaseException | None = None

    def add(self, ticker: str, start: dt.date, end: dt.date) -> None:
        if ticker in self.wants:
            s, e = self.wants[ticker]
            start, end = min(s, start), max(e, end)
        self.wants[ticker] = (start, end)

    def covers(self, ticker: str, start: dt.date, end: dt.date) -> bool:
        got = self.wants.get(ticker)
        return got is not None and got[0] <= start and got[1] >= end


class Coalescer:
    """Merge concurrent fetch requests into shared batches.

    ``fetch_batch(wants)`` does the real work (download + store) and returns per-ticker errors.
    """

    def __init__(self, fetch_batch: Callable[[dict], dict[str, ShockbookError]], window_s: float):
        self._fetch_batch = fetch_batch
        self._window = window_s
        self._lock = threading.Lock()
        self._open: _Batch | None = None
        self._inflight: list[_Batch] = []

    def request(self, wants: dict[str, tuple[dt.date, dt.date]]) -> dict[str, ShockbookError]:
        waits: list[_Batch] = []
        leader = False
        with self._lock:
            rest = {}
            for t, (s, e) in wants.items():
                running = next((b for b in self._inflight if b.covers(t, s, e)), None)
                if running is not None:
                    if running not in waits:
                        waits.append(running)
                else:
                    rest[t] = (s, e)
            if rest:
                if self._open is None:
                    self._open, leader = _Batch(), True
                batch = self._open
                for t, (s, e) in rest.items():
                    batch.add(t, s, e)
                waits.append(batch)
        if leader:
            if self._window > 0:
                time.sleep(self._window)
            with self._lock:
                self._open = None
                self._inflight.append(batch)
            try:
                batch.errors = self._fetch_batch(dict(batch.wants))
            except BaseException as exc:  # noqa: BLE001 - handed to every waiter
                batch.failure = exc
                if not isinstance(exc, Exception):
                    raise  # Ctrl-C / SystemExit: stop this caller too, never a data error
            finally:
                with self._lock:
                    self._inflight.remove(batch)
                batch.done.set()
        errors: dict[str, ShockbookError] = {}
        for b in waits:
            b.done.wait()
            for t in wants:
                if b.failure is not None and t in b.wants:
                    errors[t] = _as_error(b.failure)
                elif t in b.errors:
                    errors[t] = b.errors[t]
        return errors


def _as_error(exc: BaseException) -> ShockbookError:
    if isinstance(exc, ShockbookError):
        return exc
    if not isinstance(exc, Exception):
        return SourceUnavailableError(f"the Yahoo fetch this request waited for was interrupted "
                                      f"({type(exc).__name__})")
    return SourceUnavailableError(f"Yahoo fetch failed: {type(exc).__name__}: {exc}")


# -- the service -----------------------------------------------------------------------------


class PriceService:
    """Prices through the configured chain; one instance per process and settings."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        live: PriceSource | None = None,
        snapshot: PriceSource | None = None,
        cache: PriceCache | None = None,
        clock: Callable[[], dt.datetime] = _utcnow,
    ):
        self.settings = settings or Settings.from_env()
        self.cache = cache or PriceCache(self.settings.cache_dir, lock_timeout=self.settings.cache_lock_timeout)
        self._live = live
        self._snapshot = snapshot
        self._clock = clock
        self._unknown: dict[str, tuple[dt.datetime, ShockbookError]] = {}
        self._coalescer = Coalescer(self._fetch_batch, self.settings.coalesce_ms / 1000.0)
        self.stats = {"live_fetches": 0, "tickers_fetched": 0}

    # sources are created lazily so that an offline run never imports yfinance
    @property
    def live(self) -> PriceSource:
        if self._live is None:
            from .yahoo import YahooSource

            s = self.settings
            self._live = YahooSource(
                timeout=s.yahoo_timeout, retries=s.yahoo_retries, backoff=s.yahoo_backoff,
                max_wait=s.yahoo_max_wait, workers=s.yahoo_workers, ca_bundle=s.ca_bundle,
            )
        return self._live

    @property
    def snapshot(self) -> PriceSource | None:
        if self._snapshot is None and self.settings.snapshot is not None:
            from .snapshot import SnapshotSource

            self._snapshot = SnapshotSource(self.settings.snapshot)
        return self._snapshot

    def chain(self) -> tuple[str, ...]:
        chain = self.settings.active_sources()
        if self._snapshot is not None and "snapshot" not in chain and "snapshot" in self.settings.sources:
            chain = chain + ("snapshot",)
        return chain

    # -- public ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def pinned(self, table: PriceTable, start, end=None):
        """Serve ``table`` (fetched for ``[start, end]``) to every :meth:`get` of that very range
        while inside, for the names it knows, without asking a source again.

        A build fetches the prices of all its event tables once and pins them, so every table
        reads the same prices and the tables layer needs no ``preloaded`` argument. The pin is
        per execution context (:mod:`contextvars`): other threads are not affected.
        """
        pin = (self, cal.to_date(start), None if end is None else cal.to_date(end), table)
        token = _PINS.set(_PINS.get() + (pin,))
        try:
            yield table
        finally:
            _PINS.reset(token)

    def pinned_table(self, start, end=None) -> PriceTable | None:
        """The table pinned for ``[start, end]`` (see :meth:`pinned`), else ``None``."""
        first, last = cal.to_date(start), None if end is None else cal.to_date(end)
        for service, s, e, table in reversed(_PINS.get()):
            if service is self and s == first and e == last:
                return table
        return None

    def get(self, tickers: Iterable, start, end=None) -> PriceTable:
        """Closes and adjusted closes for ``tickers`` over ``[start, end]`` (inclusive).

        ``end`` defaults to today; dates after today are clipped to today. Unknown tickers,
        empty ranges and source failures are per-ticker errors in the result; reversed dates
        raise :class:`DateRangeError`. Inside :meth:`pinned`, a request for the pinned range
        is answered from the pinned table when it knows every name.
        """
        names, bad = split_tickers(tickers)
        if not names:
            if bad:
                raise next(iter(bad.values()))
            raise InputError("no tickers given", tickers=list(tickers) if tickers else [])
        pinned = self.pinned_table(start, end) if _PINS.get() and not bad else None
        if pinned is not None:
            part = subset(pinned, names)
            if part is not None:
                return part
        first = cal.to_date(start)
        now = self._clock()
        today = now.astimezone(dt.timezone.utc).date()
        last = cal.to_date(end) if end is not None else today
        if end is not None and last < first:  # no end given: a future start is said below
            raise DateRangeError(f"end {last} is before start {first}; swap them", start=first, end=last)
        if first > today:
            raise DateRangeError(
                f"start {first} is in the future (today is {today})", start=first, end=last
            )
        last = min(last, today)
        served = PriceTable()
        todo = list(names)
        first_error: dict[str, ShockbookError] = {}
        for step in self.chain():
            if not todo:
                break
            part = getattr(self, f"_step_{step}")(todo, first, last, now)
            served = _merged(served, part)
            for t, err in part.errors.items():
                first_error.setdefault(t, err)
            todo = [t for t in todo if t not in part.provenance]
        if served.close.empty and len(cal.sessions(first, last)) == 0:
            before = cal.resolve_session(first, "previous").session
            after = cal.resolve_session(last, "next").session
            raise DateRangeError(
                f"{first} .. {last} holds no NYSE session (weekend or holiday); "
                f"nearest sessions: {before} and {after}",
                start=first, end=last, valid=(before, after),
            )
        for t in todo:
            served.errors[t] = first_error.get(t) or SourceUnavailableError(
                f"no source could serve {t} (sources tried: {', '.join(self.chain()) or 'none'})",
                ticker=t,
            )
        served.errors.update(bad)
        note = mixed_basis_note(served, self.settings.price_field)
        if note:
            served.notes.append(note)
        served.close = served.close.reindex(columns=[t for t in names if t in served.close.columns])
        served.adj_close = served.adj_close.reindex(columns=served.close.columns)
        return served

    def series(self, ticker: str, start, end=None, field: str | None = None) -> pd.Series:
        """One ticker's prices as a Series; the warm path is a memory lookup (no query, no
        DataFrame). Raises the ticker's error when it cannot be served."""
        field = field or self.settings.price_field
        first = cal.to_date(start)
        now = self._clock()
        last = min(cal.to_date(end) if end is not None else now.date(), now.date())
        if "live" in self.chain() and last >= first:
            entry = self.cache._mem.get(ticker)
            fresh = dt.timedelta(minutes=self.settings.fresh_minutes)
            if entry is not None and missing_range(entry, first, last, now, fresh,
                                                   self.settings.gap_retry_sessions) is None:
                dates, close, adj = entry.window(first, last)
                values = close if field == "close" else adj
                return pd.Series(values, index=pd.DatetimeIndex(dates, name="date"), name=ticker)
        table = self.get([ticker], first, last)
        name = clean_tickers([ticker])[0]
        if name in table.errors:
            raise table.errors[name]
        return table.field(field)[name].dropna()

    # -- chain steps ----------------------------------------------------------------------

    def _step_live(self, tickers, start, end, now) -> PriceTable:
        fresh = dt.timedelta(minutes=self.settings.fresh_minutes)
        gaps = self.settings.gap_retry_sessions
        wants, errors = {}, {}
        for t in tickers:
            known_bad = self._unknown.get(t)
            if known_bad and now - known_bad[0] <= fresh:
                errors[t] = known_bad[1]
                continue
            gap = missing_range(self.cache.entry(t), start, end, now, fresh, gaps)
            if gap is not None:
                wants[t] = gap
        if wants:
            errors.update(self._coalescer.request(wants))
        out = self.cache.read([t for t in tickers if t not in errors], start, end)
        for t in tickers:
            if t in errors:
                continue
            entry = self.cache.entry(t)
            if t not in out.close.columns:
                errors[t] = _no_data(t, start, end, entry)
                continue
            fetched_now = t in wants
            spans = [s for s in entry.spans if s.start <= end and s.end >= start]
            as_of = max((s.fetched_at for s in spans), default=now)
            details = []
            if not _final_any(spans, end) and cal.is_session(end):
                details.append("intraday (market open)")
            stale = self._describe(entry, t, start, end, now, details, out.notes)
            out.provenance[t] = Provenance("yahoo" if fetched_now else "cache", as_of, stale, "; ".join(details),
                                           BASIS_SPLIT, BASIS_SPLIT_DIV)
        out.errors = errors
        return out

    def _describe(self, entry: Entry, t: str, start, end, now, details: list[str], notes: list[str]) -> bool:
        """Add the holes and the re-adjustment of ``entry`` in ``[start, end]`` to ``details``
        (and the holes to ``notes``, one line per ticker); True when a hole is still open (the
        series is stale)."""
        if entry.readjusted:
            details.append(entry.readjusted)
        days = sorted(d for d in entry.holes if start <= d <= end)
        if not days:
            return False
        still = set(open_holes(entry, start, end, now, self.settings.gap_retry_sessions))
        texts = []
        for d in days:
            reason = entry.holes[d][1]
            if d in still:
                texts.append(f"missing {d} ({reason}; asked again on refresh)")
            else:
                texts.append(f"no bar on {d} ({reason})")
        shown = "; ".join(texts[:3]) + (f"; and {len(texts) - 3} more session(s)" if len(texts) > 3 else "")
        details.append(shown)
        notes.append(f"{t} {shown}")
        return bool(still)

    def _fetch_batch(self, wants: dict[str, tuple[dt.date, dt.date]]) -> dict[str, ShockbookError]:
        """Download ``wants`` (grouped by identical ranges, each widened to one cached session
        that is asked again, see :func:`_anchor`), check that session against the cache,
        re-fetch re-adjusted histories whole, store what came back."""
        # look again: a batch that finished while this one was gathering may have filled it
        now, fresh = self._clock(), dt.timedelta(minutes=self.settings.fresh_minutes)
        groups: dict[tuple[dt.date, dt.date], list[str]] = {}
        asked: dict[str, tuple[dt.date, dt.date, dt.date | None]] = {}
        for t, (start, end) in wants.items():
            entry = self.cache.entry(t)
            gap = missing_range(entry, start, end, now, fresh, self.settings.gap_retry_sessions)
            if gap is None:
                continue
            anchor = _anchor(entry, *gap)
            lo = min(gap[0], anchor) if anchor else gap[0]
            hi = max(gap[1], anchor) if anchor else gap[1]
            asked[t] = (gap[0], gap[1], anchor)
            groups.setdefault((lo, hi), []).append(t)
        errors: dict[str, ShockbookError] = {}
        redo: dict[tuple[dt.date, dt.date], list[str]] = {}
        why: dict[str, str] = {}
        for (start, end), names in groups.items():
            table, failed = self._download(names, start, end)
            errors.update(failed)
            fetched_at = self._clock()
            keep = []
            for t in names:
                if t in failed:
                    continue
                anchor = asked[t][2]
                old = self.cache.entry(t).bar(anchor) if anchor else None
                new = _bar_of(table, t, anchor) if anchor else None
                reported = [a for a in table.actions.get(t, []) if anchor and a[0] > anchor]
                if (old is not None and new is not None and _differs(old, new)) or (old is not None and reported):
                    entry = self.cache.entry(t)
                    first = min([s.start for s in entry.spans] + [pd.Timestamp(entry.dates[0]).date()])
                    last = max([s.end for s in entry.spans] + [end])
                    redo.setdefault((first, last), []).append(t)
                    if reported:
                        day, kind, value = reported[0]
                        what = f"a {value:g}:1 split" if kind == "split" else f"a {value:g} dividend"
                        cause = f"Yahoo reports {what} on {day}"
                    else:
                        cause = (f"Yahoo's {anchor} close is now {new[0]:.4g} (adjusted {new[1]:.4g}), "
                                 f"cached {old[0]:.4g} ({old[1]:.4g})")
                    why[t] = f"re-adjusted on {fetched_at.date()}: {cause}; history fetched again"
                else:
                    keep.append(t)
            self._save(table, keep, {t: (asked[t][0], asked[t][1]) for t in keep}, fetched_at, table.notes)
        for (start, end), names in redo.items():
            table, failed = self._download(names, start, end)
            for t, err in failed.items():  # keep the old history untouched: no mixed bases
                errors[t] = SourceUnavailableError(
                    f"Yahoo re-adjusted {t}'s history but the re-fetch failed ({err.one_line()}); "
                    "the cached prices are kept as they were", ticker=t)
            ok = [t for t in names if t not in failed]
            self._save(table, ok, {t: (start, end) for t in ok}, self._clock(), table.notes,
                       replace={t: why[t] for t in ok})
        return errors

    def _download(self, names: list[str], start: dt.date, end: dt.date) -> tuple[PriceTable, dict]:
        """One live fetch; returns the table and the per-ticker errors (whole-batch failures
        included)."""
        self.stats["live_fetches"] += 1
        self.stats["tickers_fetched"] += len(names)
        try:
            table = self.live.fetch(names, start, end)
        except ShockbookError as exc:  # offline, rate-limited as a whole...
            return PriceTable(), {t: exc for t in names}
        failed = {}
        fetched_at = self._clock()
        for t in names:
            err = table.errors.get(t)
            if err is None and t not in table.close.columns:
                err = NoDataError(f"Yahoo has no prices for {t} between {start} and {end}",
                                  ticker=t, start=start, end=end)
            if err is not None:
                failed[t] = err
                # remembered in memory only: an empty answer may be a passing glitch, and
                # recording it as covered would hide real data on the next refresh
                if isinstance(err, (UnknownTickerError, NoDataError)):
                    self._unknown[t] = (fetched_at, err)
        return table, failed

    def _save(self, table: PriceTable, names: list[str], ranges: dict, fetched_at: dt.datetime,
              notes: list[str], replace: dict | None = None) -> None:
        """Store ``names`` from ``table`` with their covered ``ranges``, recording as holes the
        past sessions of each range that came back without a usable bar."""
        if not names and not replace:
            return
        spans, holes = {}, {}
        sessions: dict[tuple, list[dt.date]] = {}
        cutoff = reask_cutoff(fetched_at.date(), self.settings.gap_retry_sessions)
        bad = {}  # (ticker, day) -> reason of a bar the quality rule dropped
        for n in notes:
            head, _, rest = n.partition(": ")
            ticker, _, day = head.rpartition(" ")
            with suppress(ValueError):
                bad[(ticker, dt.date.fromisoformat(day))] = rest.split(";")[0]
        columns = {t: j for j, t in enumerate(table.close.columns)}
        present = table.close.notna().to_numpy()  # once for all tickers: a column at a time is slow
        days = np.array(table.close.index.date) if len(table.close.index) else np.array([], dtype=object)
        for t in names:
            start, end = ranges[t]
            spans[t] = Span(start, end, fetched_at, "yahoo")
            have = set(days[present[:, columns[t]]]) if t in columns else set()
            entry = self.cache.entry(t) if not (replace and t in replace) else Entry()
            known = [d for d in (min(have, default=None),
                                 pd.Timestamp(entry.dates[0]).date() if len(entry.dates) else None) if d]
            listed = min(known) if known else None
            if listed is None:
                continue
            if (start, end) not in sessions:
                sessions[(start, end)] = [d.date() for d in cal.sessions(start, end)]
            last_bar = max([d for d in (max(have, default=None),
                                        pd.Timestamp(entry.dates[-1]).date() if len(entry.dates) else None) if d])
            stopped = None  # a series that ended: no bar for gap_retry_sessions sessions or more
            missing = {}
            for day in sessions[(start, end)]:
                if day in have or day < listed or not _final(spans[t], day):
                    continue
                reason = bad.get((t, day))
                if reason is None and day < cutoff:
                    continue  # an old session with no bar (a halt, after a delisting): final
                if reason is None and day > last_bar:
                    if stopped is None:
                        run = len(cal.sessions(last_bar + dt.timedelta(days=1), end))
                        stopped = run >= self.settings.gap_retry_sessions
                    if stopped:
                        continue  # delisted, or data that ends: not a late bar
                missing[day] = reason or "no bar in Yahoo's answer"
            if missing:
                holes[t] = missing
        sub = PriceTable(close=table.close.reindex(columns=[t for t in names if t in table.close.columns]),
                         adj_close=table.adj_close.reindex(columns=[t for t in names if t in table.close.columns]))
        self.cache.store(sub, spans, holes=holes, replace=replace)

    def _step_cache(self, tickers, start, end, now) -> PriceTable:
        out = self.cache.read(tickers, start, end)
        fresh = dt.timedelta(minutes=self.settings.fresh_minutes)
        for t in out.close.columns:
            entry = self.cache.entry(t)
            spans = [s for s in entry.spans if s.start <= end and s.end >= start]
            as_of = max((s.fetched_at for s in spans), default=now)
            gap = missing_range(entry, start, end, now, fresh, self.settings.gap_retry_sessions)
            details = [f"missing {gap[0]} .. {gap[1]}"] if gap else []
            stale = self._describe(entry, t, start, end, now, details, out.notes)
            out.provenance[t] = Provenance("cache", as_of, gap is not None or stale, "; ".join(details),
                                           BASIS_SPLIT, BASIS_SPLIT_DIV)
        return out

    def _step_snapshot(self, tickers, start, end, now) -> PriceTable:
        source = self.snapshot
        if source is None:
            return PriceTable()
        try:
            return source.fetch(tickers, start, end)
        except ShockbookError as exc:
            out = PriceTable()
            out.errors = {t: exc for t in tickers}
            return out


def _merged(served: PriceTable, part: PriceTable) -> PriceTable:
    """``PriceTable.merge([served, part])``; when nothing was served before (a warm cache
    serves everything in one step), ``part`` itself, without copying its frames."""
    if not (served.close.empty and served.adj_close.empty and not served.provenance and not served.errors):
        return PriceTable.merge([served, part])
    if part.close.empty or part.adj_close.empty or not (
            part.close.index.is_monotonic_increasing and part.adj_close.index.is_monotonic_increasing
            and part.close.columns.is_unique and part.adj_close.columns.is_unique):
        return PriceTable.merge([served, part])
    out = PriceTable()
    out.close, out.adj_close = part.close, part.adj_close
    out.provenance.update(part.provenance)
    out.errors.update({t: e for t, e in part.errors.items() if t not in part.close.columns})
    out.notes.extend(part.notes)
    return out


def _dividend_family(basis: str) -> str | None:
    """``"dividends not adjusted"``, ``"dividend-adjusted"``, or None for a basis where
    dividends do not apply or are unknown (index levels, no basis given)."""
    if basis == BASIS_SPLIT:
        return "dividends not adjusted"
    if basis == BASIS_SPLIT_DIV or "_div" in basis:
        return "dividend-adjusted"
    return None


def mixed_basis_note(table: PriceTable, field: str) -> str:
    """A note when some tickers of ``table`` were served with dividend-adjusted ``field``
    values and others without (e.g. some live closes, some from a fully adjusted snapshot),
    else "". Such a table mixes price and total returns on ex-dividend days."""
    families: dict[str, list[str]] = {}
    for t, p in table.provenance.items():
        family = _dividend_family(p.basis(field))
        if family:
            families.setdefault(family, []).append(t)
    if len(families) < 2:
        return ""
    parts = [f"{family}: {', '.join(ts[:5])}{' ...' if len(ts) > 5 else ''} ({len(ts)})"
             for family, ts in sorted(families.items())]
    return f"mixed price bases for {field}: " + "; ".join(parts)


def _bar_of(table: PriceTable, ticker: str, day: dt.date) -> tuple[float, float] | None:
    if ticker not in table.close.columns:
        return None
    stamp = pd.Timestamp(day)
    if stamp not in table.close.index:
        return None
    close = table.close.at[stamp, ticker]
    adj = table.adj_close.at[stamp, ticker] if ticker in table.adj_close.columns else close
    if pd.isna(close):
        return None
    return float(close), float(adj)


def _final_any(spans: list[Span], day: dt.date) -> bool:
    return any(_final(s, day) for s in spans if s.start <= day <= s.end)


def _no_data(ticker: str, start, end, entry: Entry):
    valid = None
    if len(entry.dates):
        valid = (pd.Timestamp(entry.dates[0]).date(), pd.Timestamp(entry.dates[-1]).date())
    return NoDataError(
        f"no {ticker} prices between {start} and {end}"
        + (f" (cached: {valid[0]} .. {valid[1]})" if valid else ""),
        ticker=ticker, start=start, end=end, valid=valid,
    )


#: Tables pinned by :meth:`PriceService.pinned`: ``(service, start, end, table)``, innermost last.
_PINS: contextvars.ContextVar[tuple] = contextvars.ContextVar("shockbook_price_pins", default=())


def subset(table: PriceTable, names: list[str]) -> PriceTable | None:
    """``table`` cut to ``names`` (as the service would have answered for them alone), or
    ``None`` when it does not know every name or serves none of them."""
    served = [t for t in names if t in table.close.columns]
    if not served or any(t not in table.close.columns and t not in table.errors for t in names):
        return None
    out = PriceTable()
    close, adj = table.close[served], table.adj_close.reindex(columns=served)
    has_bar = close.notna().any(axis=1).to_numpy()
    if not has_bar.all():  # sessions only other tickers have
        close, adj = close[has_bar], adj[has_bar]
    out.close, out.adj_close = close, adj
    out.provenance = {t: table.provenance[t] for t in names if t in table.provenance}
    out.errors = {t: table.errors[t] for t in names if t in table.errors}
    return out


_services: dict[Settings, PriceService] = {}
_services_lock = threading.Lock()


def service_for(settings: Settings | None = None) -> PriceService:
    """The shared service for ``settings`` (UDFs in one Excel process share one cache)."""
    settings = settings or Settings.from_env()
    with _services_lock:
        if settings not in _services:
            _services[settings] = PriceService(settings)
        return _services[settings]

"""The one seam to Yahoo Finance: the only module in shockbook that imports yfinance.

:class:`YahooSource` fetches daily closes and adjusted closes for many tickers and returns a
:class:`~shockbook.data.types.PriceTable`; it never trusts yfinance to raise. By default
yfinance logs a failure and hands back an empty frame, so this module

* turns yfinance's exceptions on (``yf.config.debug.hide_exceptions = False``) for the duration
  of a call, so that ``Ticker.history`` raises what went wrong for each ticker;
* downloads the tickers with ``workers`` threads, one ``Ticker.history`` each (``yf.download``
  runs its own threads through one pool it sizes itself); the curl_cffi session keeps one
  connection per thread;
* tells yfinance's time-zone cache that US listings trade in New York, so a cold fetch sends
  one chart request per ticker, not two;
* records the HTTP status and ``Retry-After`` of every answer (yfinance drops both: a 404, a
  500 and a "no rows" answer all end up as "possibly delisted") by wrapping the session's
  ``request`` method;
* maps each failed ticker to one of shockbook's errors (see :func:`classify_failure`) and
  retries only the transient ones: a rate limit pauses every worker and is waited out (its
  ``Retry-After``, or a backoff with jitter) within ``max_wait``; failures that say Yahoo is
  down open a run-wide :class:`CircuitBreaker`.

yfinance keeps process-wide state: one ``YfData`` singleton holding *the* session, cookie and
crumb, an LRU cache of GET answers on that singleton, on-disk timezone/cookie caches, and a
global config. Every yfinance call here therefore runs under one module lock, with the
source's session, cache folder and config put in place first (the workers of one fetch run
inside it).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
import pandas as pd

from ..errors import (
    DateRangeError,
    InputError,
    NoDataError,
    OfflineError,
    RateLimitError,
    ShockbookError,
    SourceFormatError,
    SourceUnavailableError,
    UnknownTickerError,
)
from .sessions import to_date
from .symbols import yahoo_symbol
from .quality import screen_long
from .types import BASIS_SPLIT, BASIS_SPLIT_DIV, PriceTable, Provenance

log = logging.getLogger(__name__)

#: Host every chart request goes to (yfinance's ``_BASE_URL_``); the probe asks it.
PROBE_URL = "https://query2.finance.yahoo.com/"
#: Seconds a connectivity probe result is reused.
PROBE_TTL = 60.0
#: Longest single backoff (s) between retries when Yahoo sends no Retry-After.
BACKOFF_CAP = 60.0

# yfinance 1.7 calls pandas APIs that pandas 3 deprecates; its warnings are noise for our users.
# A filter scoped to yfinance's modules (catch_warnings is not thread-safe, and yfinance
# downloads in threads).
# yfinance's own import puts a "default" filter for its modules in front, so ours is put in
# front again right after yfinance is first imported.
_QUIETED: list[bool] = []


def _quiet_yfinance_warnings() -> None:
    if _QUIETED:
        return
    import yfinance  # noqa: F401  (its import installs the filter we must override)

    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"yfinance(\.|$)")
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"yfinance(\.|$)")
    _QUIETED.append(True)

# yfinance keeps one session, one crumb and one response cache per process.
_YF_LOCK = threading.RLock()

_CHART_PATH = re.compile(r"/v8/finance/chart/([^/?#]+)")


# -- symbols ----------------------------------------------------------------------------------


def _symbols(tickers: Iterable[str]) -> list[str]:
    if isinstance(tickers, str):
        tickers = [tickers]
    out: list[str] = []
    for raw in tickers:
        sym = yahoo_symbol(raw)
        if sym not in out:
            out.append(sym)
    if not out:
        raise InputError("no tickers given")
    return out


# -- failure classification ----------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """Why one ticker came back without rows: ``kind`` is ``rate_limit``, ``server``,
    ``network``, ``busy`` (yfinance's local cache locked), ``unknown``, ``format``, ``nodata``
    or ``breaker`` (not asked: the circuit breaker is open); ``detail`` is yfinance's text.
    The first four are retried."""

    kind: str
    detail: str = ""
    status: int | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in ("rate_limit", "server", "network", "busy")


_NETWORK = re.compile(
    r"timed? ?out|Timeout|ConnectionError|Connection refused|Empty reply|curl: \((6|7|28|35|52|55|56)\)"
    r"|Recv failure|Send failure|Could not resolve",
    re.I,
)
_FORMAT = re.compile(r"JSONDecodeError|Expecting value|Unterminated|Failed to parse json|KeyError|TypeError"
                     r"|IndexError|json", re.I)


def classify_failure(message: str | None, status: int | None) -> Failure:
    """Map yfinance's per-ticker error text and the last chart HTTP status to a :class:`Failure`.

    ``message`` is what ``yf.download`` recorded for the ticker (``repr`` of the exception) or
    None when it recorded nothing; ``status`` is the HTTP status of the last chart answer for
    the ticker, or None when no answer was read (connection errors, or yfinance gave up
    before reading it).
    """
    text = message or ""
    if status == 429 or "YFRateLimitError" in text or "Too Many Requests" in text:
        return Failure("rate_limit", text, status)
    if status is not None and status >= 500:
        return Failure("server", text, status)
    if "database is locked" in text:  # yfinance's sqlite caches under concurrent use
        return Failure("busy", text, status)
    if "YFPricesMissingError" not in text and _NETWORK.search(text):
        return Failure("network", text, status)
    if status == 404 or "YFTzMissingError" in text or "no timezone found" in text:
        return Failure("unknown", text, status)
    if "YFPricesMissingError" in text or "no price data found" in text or "Data doesn't exist" in text:
        if "symbol may be delisted" in text or "Not Found" in text:
            return Failure("unknown", text, status)
        return Failure("nodata", text, status)
    if not text:
        return Failure("nodata", text, status)
    if _FORMAT.search(text):
        return Failure("format", text, status)
    return Failure("format", text, status)


def failure_error(ticker: str, failure: Failure, start: dt.date, end: dt.date, retries: int) -> ShockbookError:
    """The shockbook error for a final ``failure`` of ``ticker``."""
    detail = " ".join(failure.detail.split())[:300]
    if failure.kind == "rate_limit":
        return RateLimitError(
            f"Yahoo answered 'Too Many Requests' for {ticker} after {retries} retries; try again later",
            ticker=ticker, retries=retries, detail=detail,
        )
    if failure.kind == "server":
        return SourceUnavailableError(
            f"Yahoo answered HTTP {failure.status} for {ticker} after {retries} retries",
            ticker=ticker, retries=retries, status=failure.status, detail=detail,
        )
    if failure.kind == "network":
        return SourceUnavailableError(
            f"Yahoo did not answer in time for {ticker} after {retries} retries",
            ticker=ticker, retries=retries, detail=detail,
        )
    if failure.kind == "busy":
        return SourceUnavailableError(
            f"yfinance's local cache stayed locked while fetching {ticker} ({retries} retries)",
            ticker=ticker, retries=retries, detail=detail,
        )
    if failure.kind == "unknown":
        return UnknownTickerError(
            f"Yahoo does not know ticker {ticker} (unknown or delisted symbol)", ticker=ticker, detail=detail
        )
    if failure.kind == "nodata":
        return NoDataError(
            f"Yahoo has no prices for {ticker} between {start} and {end}",
            ticker=ticker, start=start, end=end, detail=detail,
        )
    return SourceFormatError(
        f"Yahoo's answer for {ticker} could not be read ({detail[:120] or 'unexpected layout'})",
        ticker=ticker, detail=detail,
    )


# -- capturing what yfinance drops ---------------------------------------------------------


class _Recorder:
    """HTTP statuses of chart answers per symbol, and the longest ``Retry-After`` Yahoo asked
    for, for the call in progress (yfinance drops both)."""

    def __init__(self) -> None:
        self.statuses: dict[str, list[int]] = {}
        self.retry_after: float | None = None
        self.requests = 0
        self._lock = threading.Lock()

    def note(self, url: str, status: int, retry_after: float | None = None) -> None:
        with self._lock:
            self.requests += 1
            if retry_after is not None:
                self.retry_after = max(self.retry_after or 0.0, retry_after)
        m = _CHART_PATH.search(url or "")
        if not m:
            return
        from urllib.parse import unquote

        sym = unquote(m.group(1)).upper()
        with self._lock:
            self.statuses.setdefault(sym, []).append(int(status))

    def last(self, symbol: str) -> int | None:
        with self._lock:
            seen = self.statuses.get(symbol)
            return seen[-1] if seen else None

    def take_retry_after(self) -> float | None:
        with self._lock:
            value, self.retry_after = self.retry_after, None
            return value


_RECORDER: _Recorder | None = None  # the active recorder (set under _YF_LOCK)


def _retry_after(response: Any) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), parsed by
    urllib3's :class:`~urllib3.util.Retry` (no cap), or None."""
    headers = getattr(response, "headers", None)
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    from urllib3.util import Retry

    try:
        return float(Retry(retry_after_max=float("inf")).parse_retry_after(str(value)))
    except Exception:  # a garbled header is no instruction
        return None


def _note_response(response: Any) -> None:
    rec = _RECORDER
    if rec is not None:
        try:
            status = int(getattr(response, "status_code", 0))
            rec.note(str(getattr(response, "url", "")), status,
                     _retry_after(response) if status in (429, 503) else None)
        except Exception:  # observation must never break a fetch
            pass


def _observe(session: Any) -> None:
    """Make ``session`` report each answer's status and ``Retry-After`` to the active recorder,
    by wrapping the session's ``request`` method (``get``/``post`` of curl_cffi and requests
    sessions both go through it)."""
    if getattr(session, "_shockbook_observed", False):
        return
    original = session.request

    def request(*args, **kwargs):
        response = original(*args, **kwargs)
        _note_response(response)
        return response

    session.request = request
    session._shockbook_observed = True


# -- the source ------------------------------------------------------------------------------


class CircuitBreaker:
    """Run-wide memory of whether Yahoo works, shared by every worker and every fetch of one
    :class:`YahooSource`.

    After ``threshold`` failures in a row that say Yahoo is down (HTTP 5xx, timeouts, refused
    connections; any real answer in between resets the count), or when Yahoo's rate limit
    needs a longer wait than the fetch may spend, the breaker *opens*: for ``cooldown`` seconds
    (or as long as the rate limit asked) no request is sent, every ticker gets the same error
    at once, and the price service falls back to the cache and the snapshot. The reason is
    logged once, when it opens. Rate limits themselves do not count: they pause every worker
    and are waited for within the budget (see :meth:`YahooSource.fetch`).
    """

    def __init__(self, threshold: int = 8, cooldown: float = 300.0, clock=time.monotonic) -> None:
        self.threshold = int(threshold)
        self.cooldown = float(cooldown)
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._last: Failure | None = None
        self._open_until = 0.0
        self.error: ShockbookError | None = None
        self.trips = 0

    def open_error(self) -> ShockbookError | None:
        """The error every ticker gets while the breaker is open, else None."""
        with self._lock:
            if self.error is not None and self._clock() >= self._open_until:
                self.error, self._failures = None, 0  # cooled down: try again
            return self.error

    def record(self, failure: Failure | None) -> None:
        """One ticker's answer: None (served) or why it failed."""
        with self._lock:
            if failure is not None and failure.kind == "rate_limit":
                return  # Yahoo is up and answering; the wait budget handles rate limits
            if failure is None or not failure.retryable or failure.kind == "busy":
                self._failures = 0
                return
            self._failures += 1
            self._last = failure
            if self.error is None and self._failures >= self.threshold:
                self._open(self._dead_source_error(failure), self.cooldown)

    def trip(self, error: ShockbookError, seconds: float) -> None:
        """Open now for ``seconds`` with ``error`` (e.g. a Retry-After beyond the budget)."""
        with self._lock:
            if self.error is None:
                self._open(error, seconds)

    def _open(self, error: ShockbookError, seconds: float) -> None:
        self.error = error
        self._open_until = self._clock() + max(float(seconds), 0.0)
        self.trips += 1
        log.warning("shockbook: %s", error.message)

    def _dead_source_error(self, failure: Failure) -> ShockbookError:
        minutes = max(1, round(self.cooldown / 60))
        tail = (f"shockbook stops asking Yahoo for {minutes} min and uses the cache/snapshot; "
                "try again later, or run with --offline --snapshot FILE")
        what = (f"HTTP {failure.status}" if failure.status else
                "no answer in time" if failure.kind == "network" else failure.kind)
        return SourceUnavailableError(
            f"Yahoo failed {self._failures} requests in a row ({what}); {tail}",
            retries=self._failures, status=failure.status, detail=failure.detail[:300])


#: Yahoo symbols of US listings (no exchange suffix): their exchange time zone is New York.
_US_LISTING = re.compile(r"^[A-Z]{1,5}(-[A-Z]{1,2})?$")
_NEW_YORK = "America/New_York"


class YahooSource:
    """Daily prices (and earnings dates) from Yahoo Finance through yfinance.

    Parameters
    ----------
    session:
        A ``curl_cffi.requests.Session`` (or ``requests.Session``) used for every request,
        including the connectivity probe. None (the default) makes one like yfinance's own
        (Chrome impersonation) that honours ``HTTPS_PROXY``/``NO_PROXY`` and verifies against
        ``ca_bundle``. :class:`~shockbook.testing.FakeYahoo` gives one routed to a local fake.
        The session's ``request`` method is wrapped to record HTTP statuses and
        ``Retry-After`` (yfinance surfaces neither).
    timeout:
        Seconds per HTTP request (yfinance's own timezone lookup uses a fixed 10 s).
    retries:
        Extra attempts for tickers that failed transiently (429, 5xx, timeouts); only those
        tickers are requested again.
    backoff:
        Seconds before the first retry, doubled each time, plus random jitter of up to
        ``backoff``; at least what Yahoo's ``Retry-After`` asks for.
    max_wait:
        Total seconds one fetch may spend waiting between retries. A wait that does not fit
        is not started: the tickers fail with a message saying how long Yahoo asked to wait.
    workers:
        Downloads running at once (threads; the curl_cffi session keeps one connection per
        thread). yfinance keeps one session per process, so the workers share it.
    probe_timeout:
        Seconds the connectivity probe may take before Yahoo counts as unreachable.
    probe_ttl:
        Seconds a probe result is reused.
    yf_cache_dir:
        Folder for yfinance's on-disk caches (ticker timezones, cookie). Default: a
        ``yfinance`` folder in shockbook's user cache folder, never yfinance's own.
    ca_bundle:
        CA file for the default session (see :func:`shockbook.data.network.ca_bundle`).
    breaker:
        The run-wide :class:`CircuitBreaker` (default: a new one for this source).
    """

    name = "yahoo"

    def __init__(
        self,
        session: Any = None,
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_wait: float = 30.0,
        workers: int = 8,
        probe_timeout: float = 1.5,
        probe_ttl: float = PROBE_TTL,
        yf_cache_dir: str | Path | None = None,
        ca_bundle: str | Path | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        if timeout <= 0 or probe_timeout <= 0:
            raise InputError(f"timeouts must be positive (timeout={timeout}, probe_timeout={probe_timeout})")
        if retries < 0 or backoff < 0 or max_wait < 0:
            raise InputError(f"retries, backoff and max_wait must be >= 0 (retries={retries}, "
                             f"backoff={backoff}, max_wait={max_wait})")
        if not 1 <= int(workers) <= 32:
            raise InputError(f"workers must be from 1 to 32, not {workers!r}")
        if session is None:
            from .network import ca_bundle as resolve_ca, curl_session

            session = curl_session(resolve_ca(ca_bundle))
        self.session = session
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.max_wait = float(max_wait)
        self.workers = int(workers)
        self.probe_timeout = float(probe_timeout)
        self.probe_ttl = float(probe_ttl)
        if yf_cache_dir is None:
            import platformdirs

            yf_cache_dir = Path(platformdirs.user_cache_dir("shockbook", appauthor=False)) / "yfinance"
        self.yf_cache_dir = Path(yf_cache_dir)
        self.breaker = breaker or CircuitBreaker()
        self._probe: tuple[float, bool, str] | None = None
        self._probe_lock = threading.Lock()
        self.stats = {"downloads": 0, "probes": 0}
        _observe(self.session)

    def __repr__(self) -> str:
        return (f"YahooSource(timeout={self.timeout}, retries={self.retries}, workers={self.workers}, "
                f"cache={str(self.yf_cache_dir)!r})")

    # -- connectivity -----------------------------------------------------------------------

    def is_online(self, refresh: bool = False) -> bool:
        """True when Yahoo's chart host answers at all (any HTTP status) within
        ``probe_timeout``. The answer is cached for ``probe_ttl`` seconds, so a whole refresh
        pays for at most one probe; ``refresh=True`` probes again."""
        return self._probe_result(refresh)[0]

    def _probe_result(self, refresh: bool = False) -> tuple[bool, str]:
        """(reachable, the one-line cause when not)."""
        from .network import describe_failure

        with self._probe_lock:
            now = time.monotonic()
            if not refresh and self._probe is not None and now - self._probe[0] < self.probe_ttl:
                return self._probe[1], self._probe[2]
            self.stats["probes"] += 1
            try:
                self.session.request("HEAD", PROBE_URL, timeout=self.probe_timeout, allow_redirects=False)
                ok, reason = True, ""
            except Exception as exc:  # any transport failure means: cannot reach Yahoo
                ok, reason = False, describe_failure(exc, "query2.finance.yahoo.com").line
            self._probe = (time.monotonic(), ok, reason)
            return ok, reason

    def _require_online(self) -> None:
        ok, reason = self._probe_result()
        if not ok:
            raise OfflineError(
                f"Yahoo Finance cannot be reached: {reason}",
                host="query2.finance.yahoo.com", detail=reason,
            )

    # -- prices -----------------------------------------------------------------------------

    def fetch(self, tickers: list[str], start: dt.date, end: dt.date) -> PriceTable:
        """Closes and adjusted closes for ``tickers`` over ``[start, end]`` (both inclusive).

        Returns a :class:`PriceTable` whose columns are the Yahoo symbols (see
        :func:`yahoo_symbol`) in the order given, with a tz-naive session-date index named
        ``date`` and float64 values (``close`` as quoted, ``adj_close`` split- and
        dividend-adjusted). A ticker that could not be served is absent from the frames and
        present in ``errors``: :class:`UnknownTickerError`, :class:`NoDataError` (no sessions
        in range), :class:`RateLimitError` (still 429 after ``retries``, or a ``Retry-After``
        longer than ``max_wait``), :class:`SourceUnavailableError` (5xx or timeouts after
        ``retries``, or the circuit breaker is open) or :class:`SourceFormatError` (an answer
        that could not be parsed).

        Tickers are downloaded by ``workers`` threads, one chart request per ticker for US
        listings (their time zone is known, so yfinance's time-zone lookup is not sent).

        Raises
        ------
        InputError, DateRangeError
            Bad tickers or dates (``end`` before ``start``).
        OfflineError
            Yahoo cannot be reached at all; detected once by a cached probe, before any
            per-ticker work. The message names the cause (certificate, proxy, DNS, ...).
        KeyboardInterrupt
            Passed through at once (workers stop taking tickers).
        """
        symbols = _symbols(tickers)
        first, last = to_date(start), to_date(end)
        if last < first:
            raise DateRangeError(f"end {last} is before start {first}", start=first, end=last)
        broken = self.breaker.open_error()
        if broken is not None:
            return PriceTable(errors={s: broken for s in symbols})
        self._require_online()
        as_of = dt.datetime.now(dt.timezone.utc)

        closes: dict[str, pd.Series] = {}
        adjs: dict[str, pd.Series] = {}
        errors: dict[str, ShockbookError] = {}
        pending = list(symbols)
        waited = 0.0
        notes: list[str] = []  # bad bars dropped (quality.screen_long), named by ticker and date
        actions: dict[str, list[tuple]] = {}  # splits and dividends Yahoo reported
        for attempt in range(self.retries + 1):
            got, failed, retry_after = self._download(pending, first, last, notes, actions)
            for sym, (close, adj) in got.items():
                closes[sym], adjs[sym] = close, adj
            broken = self.breaker.open_error()
            retry = [s for s, f in failed.items() if f.retryable and broken is None]
            for sym, failure in failed.items():
                if failure.kind == "breaker" or (broken is not None and failure.retryable):
                    errors[sym] = broken or SourceUnavailableError(failure.detail, ticker=sym)
                elif not failure.retryable or attempt == self.retries:
                    errors[sym] = failure_error(sym, failure, first, last, attempt)
            if not retry or attempt == self.retries:
                break
            delay = self._delay(attempt, retry_after)
            if waited + delay > self.max_wait:
                err = self._wait_too_long(retry, failed, delay, waited, attempt, retry_after)
                for sym in retry:
                    errors[sym] = err or failure_error(sym, failed[sym], first, last, attempt)
                break
            log.info("yahoo: retrying %d ticker(s) in %.2fs: %s", len(retry), delay, ", ".join(retry[:10]))
            time.sleep(delay)
            waited += delay
            pending = retry

        table = PriceTable(errors=errors, notes=list(dict.fromkeys(notes)),
                           actions={s: sorted(a) for s, a in actions.items() if a and s in closes})
        order = [s for s in symbols if s in closes]
        if order:
            table.close = _wide(closes, order)
            table.adj_close = _wide(adjs, order).reindex(table.close.index)
        prov = Provenance(source="yahoo", as_of=as_of, close_basis=BASIS_SPLIT, adj_close_basis=BASIS_SPLIT_DIV)
        table.provenance = {s: prov for s in order}
        return table

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds before retry ``attempt + 1``: ``backoff`` doubled per attempt (capped at
        :data:`BACKOFF_CAP`) plus jitter of up to ``backoff``, and never less than Yahoo's
        ``Retry-After``."""
        backoff = min(self.backoff * (2 ** attempt), BACKOFF_CAP) + random.uniform(0, self.backoff)
        return max(backoff, retry_after or 0.0)

    def _wait_too_long(self, retry: list[str], failed: dict[str, Failure], delay: float, waited: float,
                       attempt: int, retry_after: float | None) -> ShockbookError | None:
        """The one error for rate-limited tickers whose next retry would exceed ``max_wait``
        (a ``Retry-After`` beyond it also opens the breaker until that time); None when no
        ticker was rate-limited (each then keeps its own error)."""
        left = max(self.max_wait - waited, 0.0)
        rate_limited = any(failed[s].kind == "rate_limit" for s in retry)
        if rate_limited:
            when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=delay)
            asked = f"asks to wait {delay:.0f} s (Retry-After)" if retry_after else f"needs a {delay:.0f} s pause"
            err: ShockbookError = RateLimitError(
                f"Yahoo is rate-limiting this computer and {asked}, more than the "
                f"{left:.0f} s left of SHOCKBOOK_YAHOO_MAX_WAIT={self.max_wait:g}; using the cache/snapshot. "
                f"Try again after {when:%H:%M} UTC, or raise SHOCKBOOK_YAHOO_MAX_WAIT for a nightly job",
                retries=attempt, wait=delay)
            self.breaker.trip(err, delay)  # the rest of the run does not knock again meanwhile
            return err
        return None

    def _download(self, symbols: list[str], first: dt.date, last: dt.date, notes: list[str] | None = None,
                  actions: dict | None = None,
                  ) -> tuple[dict[str, tuple[pd.Series, pd.Series]], dict[str, Failure], float | None]:
        """One round: every symbol asked once by ``workers`` threads. Returns the series got,
        why the others failed, and the longest ``Retry-After`` Yahoo sent (or None); the bad
        bars dropped are described in ``notes``, the splits and dividends go to ``actions``."""
        with self._yfinance() as recorder:
            self.stats["downloads"] += 1
            _seed_timezones(symbols)
            got: dict[str, tuple[pd.Series, pd.Series]] = {}
            failed: dict[str, Failure] = {}
            todo = list(reversed(symbols))
            lock = threading.Lock()
            stop = threading.Event()
            slow_down = threading.Event()  # Yahoo rate-limits the computer, not one ticker

            def work() -> None:
                while not stop.is_set() and not slow_down.is_set():
                    with lock:
                        if not todo:
                            return
                        sym = todo.pop()
                    broken = self.breaker.open_error()
                    if broken is not None:
                        result: tuple | Failure = Failure("breaker", broken.message)
                    else:
                        result = self._one(sym, first, last, recorder, notes, actions)
                    with lock:
                        if isinstance(result, Failure):
                            failed[sym] = result
                            if result.kind == "rate_limit":
                                slow_down.set()  # every worker pauses; the fetch waits, then retries
                        else:
                            got[sym] = result
                    if broken is None:
                        self.breaker.record(result if isinstance(result, Failure) else None)

            threads = [threading.Thread(target=work, name=f"shockbook-yahoo-{i}", daemon=True)
                       for i in range(min(self.workers, len(symbols)))]
            try:
                for t in threads:
                    t.start()
                for t in threads:
                    while t.is_alive():
                        t.join(0.1)  # short joins keep Ctrl-C deliverable
            except BaseException:
                stop.set()  # workers finish the request in hand and take no more
                raise
            retry_after = recorder.take_retry_after()
            for sym in todo:  # not asked this round: Yahoo said to slow down
                failed[sym] = Failure("rate_limit", "not asked yet: Yahoo is rate-limiting this computer", 429)
        for sym, failure in failed.items():
            log.debug("yahoo: %s failed (%s, HTTP %s): %s", sym, failure.kind, failure.status, failure.detail)
        return got, failed, retry_after

    def _one(self, sym: str, first: dt.date, last: dt.date, recorder: _Recorder,
             notes: list[str] | None = None, actions: dict | None = None,
             ) -> tuple[pd.Series, pd.Series] | Failure:
        """One ticker's daily closes through ``Ticker.history`` (yfinance raises, as set up by
        :meth:`_yfinance`), or why not; see :func:`_closes` for ``notes`` and ``actions``."""
        import yfinance as yf

        try:
            frame = yf.Ticker(sym, session=self.session).history(
                start=first.isoformat(),
                end=(last + dt.timedelta(days=1)).isoformat(),  # yfinance's end is exclusive
                interval="1d", auto_adjust=False, back_adjust=False,
                actions=True,  # splits/dividends: a sign a cached history was re-adjusted
                repair=False, keepna=False, timeout=self.timeout,
            )
        except Exception as exc:  # yfinance's and the transport's errors, per ticker
            return classify_failure(repr(exc), recorder.last(sym))
        got = _closes(frame, first, last, sym, notes, actions)
        if got is None:
            return classify_failure(None, recorder.last(sym))
        return got

    @contextmanager
    def _yfinance(self) -> Iterator[_Recorder]:
        """Run a yfinance call with this source's session, caches and settings, with
        yfinance raising its errors (``hide_exceptions`` off) instead of logging them, and
        recording chart statuses; restores global state afterwards."""
        global _RECORDER
        import yfinance as yf

        _quiet_yfinance_warnings()
        with _YF_LOCK:
            _use_cache_dir(self.yf_cache_dir)
            _clear_response_cache()
            recorder = _Recorder()
            quiet = logging.NullHandler()
            logger = logging.getLogger("yfinance")
            old_propagate = logger.propagate
            old_hide = yf.config.debug.hide_exceptions
            if not yf.config.debug.logging:
                logger.propagate = False  # its failures are raised and become PriceTable.errors
            logger.addHandler(quiet)
            yf.config.debug.hide_exceptions = False
            _RECORDER = recorder
            try:
                yield recorder
            finally:
                _RECORDER = None
                yf.config.debug.hide_exceptions = old_hide
                logger.removeHandler(quiet)
                logger.propagate = old_propagate

    # -- earnings ---------------------------------------------------------------------------

    def fetch_earnings(self, ticker: str, limit: int = 12) -> pd.DataFrame:
        """Recent and upcoming earnings dates of one ticker, newest first.

        Uses ``Ticker.get_earnings_dates`` (yfinance 1.7.0 scrapes the table of
        ``finance.yahoo.com/calendar/earnings?symbol=``). Columns: ``date`` (tz-naive, the
        New York calendar date), ``time_of_day`` (``'BMO'`` before the open, ``'AMC'`` after
        the close, ``''`` when Yahoo gives no time), ``eps_estimate``, ``eps_reported``,
        ``surprise_pct`` (float64, percent, NaN when not reported yet).

        Raises
        ------
        NoDataError
            Yahoo lists no earnings dates for the ticker.
        SourceFormatError
            The page no longer has the expected table/columns.
        RateLimitError, SourceUnavailableError, OfflineError
            As for :meth:`fetch` (after ``retries`` with backoff).
        """
        sym = yahoo_symbol(ticker)
        if not isinstance(limit, int) or not 1 <= limit <= 100:
            raise InputError(f"limit must be an integer from 1 to 100, not {limit!r}", limit=limit)
        self._require_online()

        def call():
            import yfinance as yf

            return yf.Ticker(sym, session=self.session).get_earnings_dates(limit=limit)

        frame, failure = self._call_with_retries(call, sym, url_hint="/calendar/earnings")
        if failure is not None:
            raise failure
        if frame is None or len(frame) == 0:
            raise NoDataError(f"Yahoo lists no earnings dates for {sym}", ticker=sym, start=None, end=None)
        return _earnings_frame(frame, sym)

    def fetch_earnings_calendar(self, start: dt.date, end: dt.date, limit: int = 100) -> pd.DataFrame:
        """Market-wide (US) earnings announcements between ``start`` and ``end`` (inclusive).

        Uses ``yf.Calendars.get_earnings_calendar`` (a POST to Yahoo's
        ``/v1/finance/visualization``), without yfinance's "most active" filter. Columns:
        ``ticker``, ``company``, ``date`` (tz-naive New York date), ``time_of_day``
        (``'BMO'``/``'AMC'``/``''``), ``eps_estimate``, ``eps_reported``, ``surprise_pct``;
        sorted by date then ticker. At most ``limit`` (<= 100, Yahoo's cap) rows.
        """
        first, last = to_date(start), to_date(end)
        if last < first:
            raise DateRangeError(f"end {last} is before start {first}", start=first, end=last)
        self._require_online()

        def call():
            import yfinance as yf

            cal = yf.Calendars(start=first.isoformat(), end=last.isoformat(), session=self.session)
            return cal.get_earnings_calendar(start=first.isoformat(), end=last.isoformat(),
                                             limit=min(int(limit), 100), filter_most_active=False, force=True)

        frame, failure = self._call_with_retries(call, "earnings calendar", url_hint="/v1/finance/visualization")
        if failure is not None:
            raise failure
        return _calendar_frame(frame if frame is not None else pd.DataFrame())

    def _call_with_retries(self, call, label: str, url_hint: str):
        """Run ``call`` under the yfinance guard, retrying transient failures.
        Returns ``(result, None)`` or ``(None, error)``."""
        broken = self.breaker.open_error()
        if broken is not None:
            return None, broken
        failure: Failure | None = None
        waited = 0.0
        for attempt in range(self.retries + 1):
            with self._yfinance() as recorder:
                try:
                    result = call()
                    self.breaker.record(None)
                    return result, None
                except Exception as exc:
                    text = f"{type(exc).__name__}: {exc}"
                    status = getattr(getattr(exc, "response", None), "status_code", None)
                    failure = classify_failure(text, status)
                    if failure.kind == "unknown":  # only chart answers say "unknown ticker"
                        failure = Failure("format", text, status)
                retry_after = recorder.take_retry_after()
            self.breaker.record(failure)
            if not failure.retryable or attempt == self.retries or self.breaker.open_error() is not None:
                break
            delay = self._delay(attempt, retry_after)
            if waited + delay > self.max_wait:
                break
            time.sleep(delay)
            waited += delay
        assert failure is not None
        err = failure_error(label, failure, None, None, attempt)  # type: ignore[arg-type]
        if isinstance(err, SourceFormatError):
            err = SourceFormatError(
                f"Yahoo's earnings answer for {label} could not be read ({' '.join(failure.detail.split())[:120]})",
                ticker=label, detail=failure.detail,
            )
        return None, err


# -- helpers ---------------------------------------------------------------------------------


def _closes(frame: Any, first: dt.date, last: dt.date, sym: str = "", notes: list[str] | None = None,
            actions: dict | None = None) -> tuple[pd.Series, pd.Series] | None:
    """``Close`` and ``Adj Close`` (the close where Yahoo gives none) of one ticker's history
    frame, as float64 on tz-naive exchange-local session dates within ``[first, last]``;
    None when no row is left.

    Rows without any value are dropped silently; the others go through the bar rule
    (:func:`~shockbook.data.quality.screen_long`: a close that is not a number or ``<= 0``, a
    placeholder bar), each dropped bar described in ``notes``. The non-zero ``Stock Splits``
    and ``Dividends`` in the range are appended to ``actions[sym]`` as ``(date, "split" |
    "dividend", value)``."""
    if not isinstance(frame, pd.DataFrame) or frame.empty or "Close" not in frame.columns:
        return None
    idx = pd.DatetimeIndex(frame.index)
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    idx = idx.normalize().as_unit("ns")

    def numbers(name: str) -> np.ndarray:
        col = frame[name]
        if col.dtype.kind in "fiu":
            return col.to_numpy(dtype="float64")
        return pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64")

    close = numbers("Close")
    adj = numbers("Adj Close") if "Adj Close" in frame.columns else close
    keep = (idx >= pd.Timestamp(first)) & (idx <= pd.Timestamp(last)) & ~idx.duplicated(keep="last")
    bars = {k: numbers(c) for k, c in (("open", "Open"), ("high", "High"), ("low", "Low"), ("volume", "Volume"))
            if c in frame.columns}
    empty = np.isnan(close)
    for values in bars.values():
        empty &= np.isnan(values)
    keep &= ~empty
    suspect = np.isnan(close) | (close <= 0)  # what the bar rule can drop (cheap to test first)
    if "volume" in bars:
        suspect |= bars["volume"] == 0
    if (keep & suspect).any():
        rows = np.flatnonzero(keep)
        long = pd.DataFrame({"ticker": sym, "date": idx[rows], "close": close[rows]})
        if len(bars) == 4:
            for k, values in bars.items():
                long[k] = values[rows]
        ok, bad = screen_long(long)
        keep[rows[~ok]] = False
        if notes is not None:
            notes.extend(b.note() for b in bad)
    if actions is not None:
        inside = (idx >= pd.Timestamp(first)) & (idx <= pd.Timestamp(last))
        for name, kind in (("Stock Splits", "split"), ("Dividends", "dividend")):
            if name in frame.columns:
                values = np.nan_to_num(numbers(name))
                for i in np.flatnonzero(inside & (values != 0)):
                    actions.setdefault(sym, []).append((idx[i].date(), kind, float(values[i])))
    if not keep.any():
        return None
    dates = pd.DatetimeIndex(idx[keep], name="date")
    return pd.Series(close[keep], index=dates), pd.Series(adj[keep], index=dates)


def _wide(series: dict[str, pd.Series], order: list[str]) -> pd.DataFrame:
    frame = pd.concat([series[s].rename(s) for s in order], axis=1, sort=True)  # tickers may differ in sessions
    frame.index.name = "date"
    frame.columns.name = None
    return frame.astype("float64")


_OPTIONS_LOCATION: list[Path | None] = [None]


def _use_cache_dir(path: Path) -> None:
    """Point yfinance's timezone/cookie/ISIN caches at ``path``.

    ``yf.set_tz_cache_location`` only changes where a *new* database is opened; once a cache
    object exists it keeps its open database. So the cache objects are also dropped here
    (their managers re-create them on next use), which makes the switch real.
    """
    if _OPTIONS_LOCATION[0] == path:
        return
    import yfinance as yf
    from yfinance import cache as yf_cache

    path.mkdir(parents=True, exist_ok=True)
    yf.set_tz_cache_location(str(path))
    for manager, attr in (("_TzCacheManager", "_tz_cache"), ("_CookieCacheManager", "_cookie_cache"),
                          ("_ISINCacheManager", "_isin_cache")):
        cls = getattr(yf_cache, manager, None)
        if cls is not None and hasattr(cls, attr):
            setattr(cls, attr, None)
    # Open (and create) the databases here, in one thread: left to yf.download's worker
    # threads, the first use races and one of them fails with "database is locked".
    for getter, key in (("get_tz_cache", "__shockbook__"), ("get_cookie_cache", "__shockbook__")):
        try:
            getattr(yf_cache, getter)().lookup(key)
        except Exception as exc:  # a broken cache only costs yfinance a lookup
            log.debug("yahoo: yfinance %s warm-up failed: %s", getter, exc)
    _OPTIONS_LOCATION[0] = path


def _seed_timezones(symbols: Iterable[str]) -> None:
    """Tell yfinance's time-zone cache that US listings trade in New York, so that a cold
    ``Ticker.history`` sends one chart request, not two (yfinance otherwise asks Yahoo for a
    ``range=1d`` chart just to read ``exchangeTimezoneName``). Only symbols without an exchange
    suffix, index caret or currency/crypto form get it: Yahoo suffixes every non-US listing.
    The prices' own dates always come from the time zone in Yahoo's answer."""
    from yfinance import cache as yf_cache

    from contextlib import nullcontext

    try:
        tz_cache = yf_cache.get_tz_cache()
        new = [s for s in symbols if _US_LISTING.match(s) and tz_cache.lookup(s) is None]
        db = tz_cache.get_db() if new and hasattr(tz_cache, "get_db") else None
        with db.atomic() if db is not None else nullcontext():  # one transaction, not one per symbol
            for sym in new:
                tz_cache.store(sym, _NEW_YORK)
    except Exception as exc:  # a broken cache only costs yfinance a look-up
        log.debug("yahoo: could not seed time zones: %s", exc)


def _clear_response_cache() -> None:
    """Forget yfinance's in-process GET cache (``YfData.cache_get``, an LRU keyed by URL and
    parameters, not by session): without this a retry would get the cached failed answer,
    and a second session would get the first session's answers."""
    from yfinance.data import YfData

    clear = getattr(YfData.cache_get, "cache_clear", None)
    if clear is not None:
        clear()


def _time_of_day(stamp: pd.Timestamp) -> str:
    """'BMO' for a time before the 09:30 open, 'AMC' from the 16:00 close, '' for midnight
    (Yahoo's "no time given") or during the session."""
    minutes = stamp.hour * 60 + stamp.minute
    if minutes == 0:
        return ""
    if minutes < 9 * 60 + 30:
        return "BMO"
    if minutes >= 16 * 60:
        return "AMC"
    return ""


_EARNINGS_COLUMNS = ["date", "time_of_day", "eps_estimate", "eps_reported", "surprise_pct"]


def _earnings_frame(frame: pd.DataFrame, sym: str) -> pd.DataFrame:
    wanted = {"EPS Estimate": "eps_estimate", "Reported EPS": "eps_reported", "Surprise(%)": "surprise_pct"}
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise SourceFormatError(
            f"Yahoo's earnings table for {sym} has no column {', '.join(missing)} "
            f"(got {', '.join(map(str, frame.columns))})",
            ticker=sym, detail=f"columns={list(frame.columns)}",
        )
    idx = pd.DatetimeIndex(frame.index)
    if idx.tz is not None:
        idx = idx.tz_convert("America/New_York").tz_localize(None)
    out = pd.DataFrame({
        "date": idx.normalize().as_unit("ns"),
        "time_of_day": [_time_of_day(t) for t in idx],
    })
    for src, dst in wanted.items():
        out[dst] = pd.to_numeric(pd.Series(frame[src].to_numpy()), errors="coerce").astype("float64")
    out = out.sort_values("date", ascending=False, kind="stable").reset_index(drop=True)
    return out[_EARNINGS_COLUMNS]


_CAL_COLUMNS = ["ticker", "company", "date", "time_of_day", "eps_estimate", "eps_reported", "surprise_pct"]


def _calendar_frame(frame: pd.DataFrame) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c.startswith(("eps", "surprise")) else
                                          ("datetime64[ns]" if c == "date" else "object")) for c in _CAL_COLUMNS})
    needed = ["Event Start Date", "EPS Estimate", "Reported EPS", "Surprise(%)"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise SourceFormatError(
            f"Yahoo's earnings calendar has no column {', '.join(missing)}",
            detail=f"columns={list(frame.columns)}",
        )
    stamps = pd.to_datetime(frame["Event Start Date"], utc=True).dt.tz_convert("America/New_York")
    timing = frame["Timing"].astype(str).str.upper() if "Timing" in frame.columns else None
    tod = []
    for i, stamp in enumerate(stamps):
        label = timing.iloc[i] if timing is not None else ""
        tod.append(label if label in ("BMO", "AMC") else _time_of_day(stamp.tz_localize(None)))
    out = pd.DataFrame({
        "ticker": [str(t) for t in frame.index],
        "company": frame["Company"].astype(str).to_numpy() if "Company" in frame.columns else "",
        "date": stamps.dt.tz_localize(None).dt.normalize().dt.as_unit("ns").to_numpy(),
        "time_of_day": tod,
        "eps_estimate": pd.to_numeric(frame["EPS Estimate"], errors="coerce").to_numpy(dtype="float64"),
        "eps_reported": pd.to_numeric(frame["Reported EPS"], errors="coerce").to_numpy(dtype="float64"),
        "surprise_pct": pd.to_numeric(frame["Surprise(%)"], errors="coerce").to_numpy(dtype="float64"),
    })
    return out.sort_values(["date", "ticker"], kind="stable").reset_index(drop=True)[_CAL_COLUMNS]


__all__ = ["YahooSource", "yahoo_symbol", "classify_failure", "failure_error", "Failure", "PROBE_URL"]

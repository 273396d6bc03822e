"""The one seam to Yahoo Finance: the only module in shockbook that imports yfinance.

:class:`YahooSource` fetches daily closes and adjusted closes for many tickers in one batched
``yf.download`` call and returns a :class:`~shockbook.data.types.PriceTable`; it never trusts
yfinance to raise. By default yfinance logs a failure and hands back an empty or all-NaN
column, so this module

* turns yfinance's exceptions on (``yf.config.debug.hide_exceptions = False``) for the duration
  of a call, which makes ``download`` record ``repr(exception)`` per ticker;
* reads those per-ticker records from the one place ``download`` exposes them in 1.7.0: the
  ``"['T1', 'T2']: <error>"`` lines it logs at ERROR level in the calling thread (the old
  ``yfinance.shared._ERRORS`` dict is no longer filled: each call keeps its errors in a
  private ``_DownloadCtx`` that is never returned);
* records the HTTP status of every chart answer per symbol (yfinance drops it: a 404, a 500
  and a "no rows" answer all end up as "possibly delisted"), by giving the session a response
  class that notes ``status_code`` when yfinance reads the JSON;
* maps each failed ticker to one of shockbook's errors (see :func:`classify_failure`) and
  retries only the transient ones (429, 5xx, timeouts), with exponential backoff.

yfinance keeps process-wide state: one ``YfData`` singleton holding *the* session, cookie and
crumb, an LRU cache of GET answers on that singleton, on-disk timezone/cookie caches, and a
global config. Every yfinance call here therefore runs under one module lock, with the
source's session, cache folder and config put in place first.
"""

from __future__ import annotations

import ast
import datetime as dt
import logging
import re
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

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
from .types import PriceTable, Provenance

log = logging.getLogger(__name__)

#: Host every chart request goes to (yfinance's ``_BASE_URL_``); the probe asks it.
PROBE_URL = "https://query2.finance.yahoo.com/"
#: Seconds a connectivity probe result is reused.
PROBE_TTL = 60.0

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
_SUMMARY_LINE = re.compile(r"^(\[.*?\]):\s(.*)$", re.S)


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
    ``network``, ``busy`` (yfinance's local cache locked), ``skipped`` (yfinance never asked
    for its prices, e.g. it gave up on the batch after another ticker's rate limit),
    ``unknown``, ``format`` or ``nodata``; ``detail`` is yfinance's text. The first five
    are retried."""

    kind: str
    detail: str = ""
    status: int | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in ("rate_limit", "server", "network", "busy", "skipped")


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
    if failure.kind == "skipped":
        return SourceUnavailableError(
            f"yfinance did not fetch {ticker} (it gave up on the batch) after {retries} retries",
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
    """HTTP statuses of chart answers, per symbol, for the call in progress."""

    def __init__(self) -> None:
        self.statuses: dict[str, list[int]] = {}
        self.history: set[str] = set()  # symbols whose price (not timezone) request was answered
        self._lock = threading.Lock()

    def note(self, url: str, status: int) -> None:
        m = _CHART_PATH.search(url or "")
        if not m:
            return
        from urllib.parse import unquote

        sym = unquote(m.group(1)).upper()
        with self._lock:
            self.statuses.setdefault(sym, []).append(int(status))
            if "period1=" in (url or ""):
                self.history.add(sym)

    def asked_prices(self, symbol: str) -> bool:
        with self._lock:
            return symbol in self.history

    def last(self, symbol: str) -> int | None:
        with self._lock:
            seen = self.statuses.get(symbol)
            return seen[-1] if seen else None


_RECORDER: _Recorder | None = None  # the active recorder (set under _YF_LOCK)


def _note_response(response: Any) -> None:
    rec = _RECORDER
    if rec is not None:
        try:
            rec.note(str(getattr(response, "url", "")), int(getattr(response, "status_code", 0)))
        except Exception:  # observation must never break a fetch
            pass


_OBSERVED: dict[type, type] = {}


def _observe(session: Any) -> None:
    """Make ``session`` report each answer's status to the active recorder.

    curl_cffi sessions get a subclass of their ``response_class`` (their documented extension
    point) whose ``json()`` notes the status first; ``requests`` sessions get a response hook.
    """
    if getattr(session, "_shockbook_observed", False):
        return
    base = getattr(session, "response_class", None)
    if isinstance(base, type):
        sub = _OBSERVED.get(base)
        if sub is None:
            def json(self, *args, **kwargs):  # noqa: ANN001
                _note_response(self)
                return base.json(self, *args, **kwargs)

            sub = type(f"Observed{base.__name__}", (base,), {"json": json})
            _OBSERVED[base] = sub
        session.response_class = sub
    elif isinstance(getattr(session, "hooks", None), dict):  # requests.Session
        session.hooks.setdefault("response", []).append(lambda r, *a, **k: _note_response(r))
    try:
        session._shockbook_observed = True
    except AttributeError:
        pass


class _ErrorLines(logging.Handler):
    """Collects the per-ticker error summary ``yf.download`` logs in the calling thread."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.thread = threading.get_ident()
        self.by_ticker: dict[str, str] = {}
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = record.getMessage()
        except Exception:
            return
        if record.thread != self.thread:
            return
        self.lines.append(msg)
        m = _SUMMARY_LINE.match(msg.strip())
        if not m:
            return
        try:
            names = ast.literal_eval(m.group(1))
        except (ValueError, SyntaxError):
            return
        if isinstance(names, list):
            for name in names:
                self.by_ticker[str(name).upper()] = m.group(2)


# -- the source ------------------------------------------------------------------------------


class YahooSource:
    """Daily prices (and earnings dates) from Yahoo Finance through yfinance.

    Parameters
    ----------
    session:
        A ``curl_cffi.requests.Session`` (or ``requests.Session``) used for every request,
        including the connectivity probe. None (the default) makes one like yfinance's own:
        Chrome impersonation, the real Yahoo. :class:`~shockbook.testing.FakeYahoo` gives one
        routed to a local fake. The session's ``response_class`` is replaced by a thin
        subclass that records HTTP statuses (yfinance does not surface them).
    timeout:
        Seconds per HTTP request (yfinance's own timezone lookup uses a fixed 10 s).
    retries:
        Extra attempts for tickers that failed transiently (429, 5xx, timeouts); only those
        tickers are requested again.
    backoff:
        Seconds before the first retry, doubled each time.
    probe_timeout:
        Seconds the connectivity probe may take before Yahoo counts as unreachable.
    probe_ttl:
        Seconds a probe result is reused.
    yf_cache_dir:
        Folder for yfinance's on-disk caches (ticker timezones, cookie). Default: a
        ``yfinance`` folder in shockbook's user cache folder, never yfinance's own.
    threads:
        Passed to ``yf.download`` (True: yfinance picks; an int: that many).
    """

    name = "yahoo"

    def __init__(
        self,
        session: Any = None,
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        probe_timeout: float = 1.5,
        probe_ttl: float = PROBE_TTL,
        yf_cache_dir: str | Path | None = None,
        threads: bool | int = True,
    ) -> None:
        if timeout <= 0 or probe_timeout <= 0:
            raise InputError(f"timeouts must be positive (timeout={timeout}, probe_timeout={probe_timeout})")
        if retries < 0 or backoff < 0:
            raise InputError(f"retries and backoff must be >= 0 (retries={retries}, backoff={backoff})")
        if session is None:
            from curl_cffi import requests as curl_requests

            session = curl_requests.Session(impersonate="chrome")
        self.session = session
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.probe_timeout = float(probe_timeout)
        self.probe_ttl = float(probe_ttl)
        self.threads = threads
        if yf_cache_dir is None:
            import platformdirs

            yf_cache_dir = Path(platformdirs.user_cache_dir("shockbook", appauthor=False)) / "yfinance"
        self.yf_cache_dir = Path(yf_cache_dir)
        self._probe: tuple[float, bool, str] | None = None
        self._probe_lock = threading.Lock()
        self.stats = {"downloads": 0, "probes": 0}
        _observe(self.session)

    def __repr__(self) -> str:
        return f"YahooSource(timeout={self.timeout}, retries={self.retries}, cache={str(self.yf_cache_dir)!r})"

    # -- connectivity -----------------------------------------------------------------------

    def is_online(self, refresh: bool = False) -> bool:
        """True when Yahoo's chart host answers at all (any HTTP status) within
        ``probe_timeout``. The answer is cached for ``probe_ttl`` seconds, so a whole refresh
        pays for at most one probe; ``refresh=True`` probes again."""
        return self._probe_result(refresh)[0]

    def _probe_result(self, refresh: bool = False) -> tuple[bool, str]:
        with self._probe_lock:
            now = time.monotonic()
            if not refresh and self._probe is not None and now - self._probe[0] < self.probe_ttl:
                return self._probe[1], self._probe[2]
            self.stats["probes"] += 1
            try:
                self.session.request("HEAD", PROBE_URL, timeout=self.probe_timeout, allow_redirects=False)
                ok, reason = True, ""
            except Exception as exc:  # any transport failure means: cannot reach Yahoo
                ok, reason = False, f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
            self._probe = (time.monotonic(), ok, reason)
            return ok, reason

    def _require_online(self) -> None:
        ok, reason = self._probe_result()
        if not ok:
            raise OfflineError(
                "Yahoo Finance cannot be reached (no internet connection?); "
                "use the cache or a snapshot instead",
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
        in range), :class:`RateLimitError` (still 429 after ``retries``),
        :class:`SourceUnavailableError` (5xx or timeouts after ``retries``) or
        :class:`SourceFormatError` (an answer that could not be parsed).

        Raises
        ------
        InputError, DateRangeError
            Bad tickers or dates (``end`` before ``start``).
        OfflineError
            Yahoo cannot be reached at all; detected once by a cached probe, before any
            per-ticker work.
        """
        symbols = _symbols(tickers)
        first, last = to_date(start), to_date(end)
        if last < first:
            raise DateRangeError(f"end {last} is before start {first}", start=first, end=last)
        self._require_online()
        as_of = dt.datetime.now(dt.timezone.utc)

        closes: dict[str, pd.Series] = {}
        adjs: dict[str, pd.Series] = {}
        errors: dict[str, ShockbookError] = {}
        pending = list(symbols)
        for attempt in range(self.retries + 1):
            got, failed = self._download(pending, first, last)
            for sym, (close, adj) in got.items():
                closes[sym], adjs[sym] = close, adj
            retry = [s for s, f in failed.items() if f.retryable]
            for sym, failure in failed.items():
                if not failure.retryable or attempt == self.retries:
                    errors[sym] = failure_error(sym, failure, first, last, attempt)
            if not retry or attempt == self.retries:
                break
            delay = self.backoff * (2 ** attempt)
            log.info("yahoo: retrying %d ticker(s) in %.2fs: %s", len(retry), delay, ", ".join(retry[:10]))
            time.sleep(delay)
            pending = retry

        table = PriceTable(errors=errors)
        order = [s for s in symbols if s in closes]
        if order:
            table.close = _wide(closes, order)
            table.adj_close = _wide(adjs, order).reindex(table.close.index)
        prov = Provenance(source="yahoo", as_of=as_of)
        table.provenance = {s: prov for s in order}
        return table

    def _download(self, symbols: list[str], first: dt.date, last: dt.date
                  ) -> tuple[dict[str, tuple[pd.Series, pd.Series]], dict[str, Failure]]:
        """One batched ``yf.download``: the series it got and why the others failed."""
        import yfinance as yf

        with self._yfinance() as (lines, recorder):
            self.stats["downloads"] += 1
            try:
                data = yf.download(
                    symbols,
                    start=first.isoformat(),
                    end=(last + dt.timedelta(days=1)).isoformat(),  # yfinance's end is exclusive
                    interval="1d",
                    auto_adjust=False,  # keep both Close and Adj Close
                    back_adjust=False,
                    actions=False,
                    repair=False,
                    keepna=False,
                    progress=False,
                    threads=self.threads,
                    group_by="column",
                    multi_level_index=True,
                    timeout=self.timeout,
                    session=self.session,
                )
            except Exception as exc:  # download itself should not raise; if it does, all fail
                failure = classify_failure(f"{type(exc).__name__}: {exc}", None)
                return {}, {s: failure for s in symbols}

        got: dict[str, tuple[pd.Series, pd.Series]] = {}
        failed: dict[str, Failure] = {}
        for sym in symbols:
            close = _column(data, "Close", sym)
            adj = _column(data, "Adj Close", sym)
            if close is not None:
                close = close[(close.index.date >= first) & (close.index.date <= last)].dropna()
            if close is None or close.empty:
                message = lines.by_ticker.get(sym)
                if not message and not recorder.asked_prices(sym):
                    failed[sym] = Failure("skipped", "yfinance never asked for its prices", recorder.last(sym))
                else:
                    failed[sym] = classify_failure(message, recorder.last(sym))
                continue
            adj = adj.reindex(close.index) if adj is not None else close.copy()
            got[sym] = (close, adj)
        for sym, failure in failed.items():
            log.debug("yahoo: %s failed (%s, HTTP %s): %s", sym, failure.kind, failure.status, failure.detail)
        return got, failed

    @contextmanager
    def _yfinance(self) -> Iterator[tuple[_ErrorLines, _Recorder]]:
        """Run a yfinance call with this source's session, caches and settings, capturing
        the per-ticker error lines and chart statuses; restores global state afterwards."""
        global _RECORDER
        import yfinance as yf

        _quiet_yfinance_warnings()
        with _YF_LOCK:
            _use_cache_dir(self.yf_cache_dir)
            _clear_response_cache()
            recorder = _Recorder()
            lines = _ErrorLines()
            logger = logging.getLogger("yfinance")
            old_level, old_propagate = logger.level, logger.propagate
            old_hide = yf.config.debug.hide_exceptions
            if logger.getEffectiveLevel() > logging.ERROR:
                logger.setLevel(logging.ERROR)
            if not yf.config.debug.logging:
                logger.propagate = False  # yfinance's failure lines become PriceTable.errors
            logger.addHandler(lines)
            yf.config.debug.hide_exceptions = False
            _RECORDER = recorder
            try:
                yield lines, recorder
            finally:
                _RECORDER = None
                yf.config.debug.hide_exceptions = old_hide
                logger.removeHandler(lines)
                logger.setLevel(old_level)
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
        failure: Failure | None = None
        for attempt in range(self.retries + 1):
            with self._yfinance() as (lines, recorder):
                try:
                    return call(), None
                except Exception as exc:
                    text = f"{type(exc).__name__}: {exc}"
                    status = getattr(getattr(exc, "response", None), "status_code", None)
                    failure = classify_failure(text, status)
                    if failure.kind == "unknown":  # only chart answers say "unknown ticker"
                        failure = Failure("format", text, status)
            if not failure.retryable or attempt == self.retries:
                break
            time.sleep(self.backoff * (2 ** attempt))
        assert failure is not None
        err = failure_error(label, failure, None, None, attempt)  # type: ignore[arg-type]
        if isinstance(err, SourceFormatError):
            err = SourceFormatError(
                f"Yahoo's earnings answer for {label} could not be read ({' '.join(failure.detail.split())[:120]})",
                ticker=label, detail=failure.detail,
            )
        return None, err


# -- helpers ---------------------------------------------------------------------------------


def _column(data: Any, field: str, sym: str) -> pd.Series | None:
    if not isinstance(data, pd.DataFrame) or data.empty:
        return None
    try:
        col = data[(field, sym)] if isinstance(data.columns, pd.MultiIndex) else data[field]
    except KeyError:
        return None
    if isinstance(col, pd.DataFrame):
        col = col.iloc[:, 0]
    col = pd.to_numeric(col, errors="coerce").astype("float64")
    idx = pd.DatetimeIndex(col.index)
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    col.index = idx.normalize().as_unit("ns")
    col.index.name = "date"
    return col[~col.index.duplicated(keep="last")]


def _wide(series: dict[str, pd.Series], order: list[str]) -> pd.DataFrame:
    frame = pd.concat([series[s].rename(s) for s in order], axis=1).sort_index()
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

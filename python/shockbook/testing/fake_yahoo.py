"""A fake Yahoo Finance on 127.0.0.1, for tests and ``python -m shockbook bench``.

The network edge is the only thing shockbook fakes: the real yfinance client, with its real
cookie/crumb dance and its real parsing, talks HTTPS to a local server that answers in
Yahoo's JSON shapes. Nothing in shockbook or yfinance is patched; the session returned by
:meth:`FakeYahoo.session` simply routes *every* host to the fake (libcurl ``CONNECT_TO``) and
trusts only a throw-away CA made with ``trustme`` whose certificate names Yahoo's hosts. A
request for any other host fails TLS verification, so no traffic ever leaves loopback.

What is served
--------------
* ``/v8/finance/chart/{symbol}`` on ``query1``/``query2.finance.yahoo.com``: daily bars from
  a long price file (``date,ticker,open,high,low,close,adj_close,volume``), honouring
  ``period1``/``period2`` (epoch seconds, ``period1 <= t < period2``), ``range`` and
  ``interval=1d``. Bars are stamped at the 09:30 New York open, as Yahoo does for US listings.
  A symbol not in the file gets Yahoo's 404 "No data found, symbol may be delisted" body;
  a range without sessions gets a 200 with ``meta`` and no ``timestamp`` (Yahoo's empty answer).
* the cookie and crumb endpoints yfinance hits first (``fc.yahoo.com``, ``/v1/test/getcrumb``,
  the ``guce``/``consent`` pages), ``/v10/finance/quoteSummary`` and ``/v7/finance/quote``
  (yfinance's fallback when a timezone lookup fails).
* earnings: ``finance.yahoo.com/calendar/earnings?symbol=`` (the HTML table that
  ``Ticker.get_earnings_dates`` scrapes) and ``/v1/finance/visualization`` (the JSON that
  ``Calendars.get_earnings_calendar`` posts to), from rows given with :meth:`set_earnings`
  or, by default, the report dates of ``earnings_feb2025.csv`` next to the price file
  (dates only: no EPS figures are invented).

Observability and faults
------------------------
``fake.requests`` is a thread-safe log of ``(path, ticker)``; ``fake.log`` has full
:class:`Hit` records; :meth:`count` counts chart requests per ticker and kind;
:meth:`fail` injects ``'429'``, ``'500'``, ``'timeout'`` (the connection hangs for
``hang_seconds``, capped at :data:`MAX_HANG`, then closes without an answer), ``'malformed'``
(truncated JSON), ``'unknown'`` (the 404 body) or ``'empty'`` (no rows) for one ticker or all,
``times`` requests or forever. ``fake.latency`` delays every answer (capped too).
:meth:`block` answers every chart request with 429 and a ``Retry-After`` header for a while
(Yahoo's per-IP block).

Office networks
---------------
:class:`ConnectProxy` is a loopback ``CONNECT`` proxy that tunnels to the fake (or refuses,
e.g. with 407). A client that does not trust the fake's CA (say, certifi's roots only) sees
what a TLS-inspecting office proxy looks like: ``curl: (60)``.

History edits (the feed changing under a cache)
-----------------------------------------------
:meth:`view_until` serves a ticker's bars only up to a date ("Yahoo as of that day");
:meth:`rescale_before` multiplies the bars before a date (a 10:1 split seen from before it:
prices x 10, volume / 10; a dividend re-adjustment: ``adjclose`` x factor); :meth:`edit_bar`
replaces one bar, for the next ``times`` answers or for good: an empty bar (timestamp with
``null`` values, as Yahoo serves a session not filled yet), a zero close, a placeholder bar
(volume 0, every price = the previous close). :meth:`add_action` reports a split or a
dividend in the chart answers' ``events`` (what yfinance returns as actions).
:meth:`clear_edits` (and :meth:`reset`) restores the file's bars and drops the actions.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import os
import shutil
import socket
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

#: Host names on the fake's certificate (wildcards cover query1/query2/guce/consent...).
YAHOO_HOSTS = ("yahoo.com", "*.yahoo.com", "*.finance.yahoo.com", "finance.yahoo.com")
#: Upper bound (s) for any sleep the fake does (latency, hanging connections).
MAX_HANG = 5.0
#: Fault kinds accepted by :meth:`FakeYahoo.fail`.
FAULT_KINDS = ("429", "500", "timeout", "malformed", "unknown", "empty")

_NY = ZoneInfo("America/New_York")
_VALID_RANGES = ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"]
_RANGE_DAYS = {"1d": 1, "5d": 7, "1mo": 31, "3mo": 92, "6mo": 183, "1y": 366, "2y": 731,
               "5y": 1827, "10y": 3653}
_ETFS = {"SPY", "QQQ", "SOXX", "SMH", "DIA", "IWM", "XLK"}
_CRUMB = "fAkEcRuMb0123"


@dataclass(frozen=True)
class Hit:
    """One request the fake answered (or dropped)."""

    host: str
    method: str
    path: str
    ticker: str | None
    kind: str  # 'history', 'tz' (chart with range=), 'cookie', 'crumb', 'quote', 'earnings', ...
    status: int | None  # None: connection dropped ('timeout' fault)
    query: dict = field(default_factory=dict, compare=False)


@dataclass
class _BarEdit:
    """One edited bar: ``values`` maps open/high/low/close/adj/volume to a value (None: null)."""

    day: dt.date
    values: dict
    remaining: int | None  # None = forever


@dataclass
class _History:
    """The history edits of one ticker."""

    until: dt.date | None = None
    rescale: list = field(default_factory=list)  # (before, {array: factor})
    bars: list = field(default_factory=list)  # _BarEdit
    actions: list = field(default_factory=list)  # (day, "dividends"|"splits", payload)


@dataclass
class _Fault:
    kind: str
    remaining: int | None  # None = forever


class _Series:
    """One ticker's bars as arrays (epoch seconds at the 09:30 New York open)."""

    __slots__ = ("ts", "open", "high", "low", "close", "adj", "volume")

    def __init__(self, frame: pd.DataFrame | None, ts: np.ndarray) -> None:
        self.ts = ts
        if frame is None:  # filled by copy()
            return
        self.open = frame["open"].to_numpy(dtype="float64")
        self.high = frame["high"].to_numpy(dtype="float64")
        self.low = frame["low"].to_numpy(dtype="float64")
        self.close = frame["close"].to_numpy(dtype="float64")
        adj = frame["adj_close"].to_numpy(dtype="float64")
        self.adj = np.where(np.isnan(adj), self.close, adj)
        self.volume = frame["volume"].to_numpy(dtype="float64")

    def copy(self) -> "_Series":
        out = _Series(None, self.ts.copy())
        for name in ("open", "high", "low", "close", "adj", "volume"):
            setattr(out, name, getattr(self, name).astype("float64", copy=True))
        return out

    def dates(self) -> np.ndarray:
        return np.array([dt.datetime.fromtimestamp(int(t), _NY).date() for t in self.ts])


def _json_list(values: np.ndarray, as_int: bool = False) -> list:
    out = []
    for v in values.tolist():
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
        else:
            out.append(int(v) if as_int else round(float(v), 6))
    return out


@lru_cache(maxsize=256)
def market_zone(symbol: str) -> tuple[ZoneInfo, str, dt.time]:
    """``(time zone, currency, opening time)`` of ``symbol``'s market, as Yahoo gives them: the
    exchange of :func:`shockbook.data.markets.market_of` (New York, USD, 09:30 when unknown)."""
    from ..data.markets import US_EXCHANGE, UnknownMarketError, calendar, market_of

    try:
        market = market_of(symbol)
    except UnknownMarketError:
        return _NY, "USD", dt.time(9, 30)
    if market.exchange == US_EXCHANGE:
        return _NY, "USD", dt.time(9, 30)
    zone = ZoneInfo(str(calendar(market.exchange).tz)) if market.exchange != "24/5" else ZoneInfo("Europe/London")
    currency = market.currency or ("USD" if symbol.startswith(("EUR", "GBP")) else symbol[:3])
    return zone, currency, dt.time(9, 0) if market.exchange != "24/5" else dt.time(0, 0)


def load_prices(path) -> dict[str, _Series]:
    """Read long price files (a path, several joined with :data:`os.pathsep`, or a folder) into
    per-ticker arrays; each bar is stamped at its market's opening time in its time zone."""
    from ..data.snapshot import snapshot_files

    columns = ["date", "ticker", "open", "high", "low", "close", "adj_close", "volume"]
    frames = [pd.read_csv(p, usecols=columns) for p in snapshot_files(path)]
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"])
    out: dict[str, _Series] = {}
    for ticker, part in frame.sort_values(["ticker", "date"]).groupby("ticker", sort=False):
        zone, _, opening = market_zone(str(ticker).upper())
        opens = (part["date"] + pd.Timedelta(hours=opening.hour, minutes=opening.minute)).dt.tz_localize(zone)
        ts = (opens.dt.tz_convert("UTC") - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(seconds=1)
        out[str(ticker).upper()] = _Series(part, ts.to_numpy(dtype="int64"))
    return out


def _default_earnings(prices_path: Path) -> dict[str, list[dict]]:
    from ..data.snapshot import snapshot_files

    path = snapshot_files(prices_path)[0].parent / "earnings_feb2025.csv"
    if not path.exists():
        return {}
    table = pd.read_csv(path)
    rows: dict[str, list[dict]] = {}
    for rec in table.to_dict("records"):
        rows.setdefault(str(rec["ticker"]).upper(), []).append(
            {"date": str(rec["report_date"]), "time": "", "eps_estimate": None,
             "eps_reported": None, "surprise_pct": None}
        )
    return rows


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, fake: "FakeYahoo", ctx: ssl.SSLContext) -> None:
        self.fake = fake
        self.ctx = ctx
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request, client_address):  # TLS handshake in the worker thread
        request.settimeout(MAX_HANG + 5)
        # Headers and body go out in separate writes; without TCP_NODELAY the body waits for
        # the client's delayed ACK (~40 ms on Linux), a stall real Yahoo does not have.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            tls = self.ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):  # clients hang up; stay quiet
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffer the whole answer: it leaves in one write when the handler returns, i.e. after
    # the request is in the log (a client never sees an answer the log does not have yet).
    wbufsize = 1 << 20
    server: _Server

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    # -- plumbing ----------------------------------------------------------------------

    def _send(self, status: int, body: bytes | str, ctype: str = "application/json;charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(obj, separators=(",", ":")), headers=headers)

    def _drop(self) -> None:
        self.close_connection = True

    def do_HEAD(self):
        self._dispatch()

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def _dispatch(self) -> None:
        fake = self.server.fake
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with fake._lock:
            fake._in_flight += 1
            fake.peak_in_flight = max(fake.peak_in_flight, fake._in_flight)
        try:
            fake._sleep(fake.latency)
            status = fake._answer(self, host, path, query, body)
        finally:
            with fake._lock:
                fake._in_flight -= 1
        if status is None:
            self._drop()


class FakeYahoo:
    """A local HTTPS server speaking Yahoo Finance's chart, crumb and earnings APIs.

    Parameters
    ----------
    prices_path:
        Long price file (``.csv`` or ``.csv.gz``) with ``date,ticker,open,high,low,close,
        adj_close,volume``, or several (a list, paths joined with :data:`os.pathsep`, a folder).
        Each ticker is served in its market's time zone, currency and ``gmtoffset``
        (``005930.KS``: Asia/Seoul, KRW). ``adj_close`` is served as Yahoo's ``adjclose`` (the close when
        missing); tickers with only a close get ``null`` open/high/low/volume.
    latency:
        Seconds to wait before every answer (capped at :data:`MAX_HANG`).
    hang_seconds:
        How long a ``'timeout'`` fault holds the connection before dropping it.

    Use as a context manager; :meth:`session` gives a curl_cffi session routed to it.
    """

    def __init__(self, prices_path: str | Path, *, latency: float = 0.0,
                 hang_seconds: float = 2.0) -> None:
        self.prices_path = Path(os.pathsep.join(map(str, prices_path))) if isinstance(prices_path, (list, tuple)) else Path(prices_path)
        self.latency = float(latency)
        self.hang_seconds = float(hang_seconds)
        self._lock = threading.Lock()
        self._log: list[Hit] = []
        self._faults: dict[str | None, _Fault] = {}
        self._block: tuple[float, int | str | None] | None = None
        self._history: dict[str, _History] = {}
        self._in_flight = 0
        #: The most requests the fake was answering at one moment since the last reset: how many
        #: downloads really overlapped (1 = one after another), whatever the machine's load.
        self.peak_in_flight = 0
        self._stop = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._tmp: Path | None = None
        self._slists: list[Any] = []
        self.prices: dict[str, _Series] = {}
        self.earnings: dict[str, list[dict]] = {}
        self.ca_path: Path | None = None
        self.port: int | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> "FakeYahoo":
        """Load the prices, make the CA and certificate, and start serving."""
        import trustme

        if self._server is not None:
            return self
        self.prices = load_prices(self.prices_path)
        self.earnings = _default_earnings(self.prices_path)
        ca = trustme.CA(organization_name="shockbook fake Yahoo CA")
        cert = ca.issue_cert(*YAHOO_HOSTS)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(ctx)
        self._tmp = Path(tempfile.mkdtemp(prefix="shockbook-fake-yahoo-"))
        self.ca_path = self._tmp / "ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_path))
        self._stop.clear()
        self._server = _Server(self, ctx)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"fake-yahoo:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake any hanging handler, and delete the CA files."""
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=MAX_HANG)
            self._thread = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> "FakeYahoo":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- clients -----------------------------------------------------------------------

    def session(self, **kwargs: Any):
        """A real ``curl_cffi.requests.Session`` (Chrome impersonation, as yfinance's own)
        whose every connection goes to this fake, verifying TLS against the fake's CA.

        Extra keyword arguments go to the ``Session`` constructor.
        """
        if self.port is None or self.ca_path is None:
            raise RuntimeError("FakeYahoo is not started: use it as a context manager")
        return routed_session(self.port, str(self.ca_path), **kwargs)

    # -- observability -----------------------------------------------------------------

    @property
    def log(self) -> list[Hit]:
        with self._lock:
            return list(self._log)

    @property
    def requests(self) -> list[tuple[str, str | None]]:
        """``(path, ticker)`` of every request, in arrival order."""
        return [(h.path, h.ticker) for h in self.log]

    def count(self, ticker: str | None = None, kind: str | tuple[str, ...] = ("history", "tz")) -> int:
        """Requests of ``kind`` (default: every chart request) for ``ticker`` (None: any)."""
        kinds = (kind,) if isinstance(kind, str) else tuple(kind)
        return sum(1 for h in self.log if h.kind in kinds and (ticker is None or h.ticker == ticker.upper()))

    def counts(self, kind: str | tuple[str, ...] = ("history", "tz")) -> dict[str, int]:
        """Chart requests per ticker."""
        kinds = (kind,) if isinstance(kind, str) else tuple(kind)
        out: dict[str, int] = {}
        for h in self.log:
            if h.kind in kinds and h.ticker:
                out[h.ticker] = out.get(h.ticker, 0) + 1
        return out

    def reset(self) -> None:
        """Forget the request log and every fault; restore latency 0."""
        with self._lock:
            self._log.clear()
            self._faults.clear()
            self._block = None
            self._history.clear()
            self.peak_in_flight = self._in_flight
        self.latency = 0.0

    # -- faults --------------------------------------------------------------------------

    def fail(self, ticker: str | None = None, kind: str = "429", times: int | None = None) -> None:
        """Answer the next ``times`` chart requests for ``ticker`` (None: any ticker without
        its own fault) with fault ``kind``; ``times=None`` means until :meth:`clear`."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, not {kind!r}")
        if times is not None and times < 1:
            raise ValueError(f"times must be >= 1 or None, not {times!r}")
        with self._lock:
            self._faults[ticker.upper() if ticker else None] = _Fault(kind, times)

    def clear(self, ticker: str | None = None) -> None:
        """Remove the fault of ``ticker`` (None: the global one)."""
        with self._lock:
            self._faults.pop(ticker.upper() if ticker else None, None)

    def block(self, seconds: float, retry_after: int | str | None = None) -> None:
        """Rate-limit this client (Yahoo's per-IP block): for ``seconds`` from now every chart
        request gets HTTP 429 with ``Retry-After: retry_after`` (seconds, or an HTTP date;
        None sends no header). Longer than any retry loop, as real blocks are."""
        with self._lock:
            self._block = (time.monotonic() + float(seconds), retry_after)

    def unblock(self) -> None:
        """End a :meth:`block` early."""
        with self._lock:
            self._block = None
    # -- history edits (the feed changing under a cache) ----------------------------------

    def view_until(self, ticker: str, last: dt.date | None) -> None:
        """Serve ``ticker``'s bars only up to and including ``last`` (None: all of them)."""
        with self._lock:
            self._history.setdefault(ticker.upper(), _History()).until = last

    def rescale_before(self, ticker: str, day: dt.date, *, prices: float = 1.0, adj: float | None = None,
                       volume: float = 1.0) -> None:
        """Multiply ``ticker``'s bars dated before ``day``: open/high/low/close by ``prices``,
        adjclose by ``adj`` (default: ``prices``), volume by ``volume``.

        ``rescale_before("NVDA", date(2024, 6, 10), prices=10, volume=0.1)`` is NVDA as Yahoo
        served it before its 10:1 split; ``rescale_before(t, ex_day, adj=1 / f)`` undoes a
        dividend's re-adjustment factor ``f`` of the adjusted closes.
        """
        factors = {"open": prices, "high": prices, "low": prices, "close": prices,
                   "adj": prices if adj is None else adj, "volume": volume}
        with self._lock:
            self._history.setdefault(ticker.upper(), _History()).rescale.append((day, factors))

    def edit_bar(self, ticker: str, day: dt.date, *, times: int | None = None, empty: bool = False,
                 placeholder: bool = False, **values: float | None) -> None:
        """Serve ``ticker``'s bar of ``day`` changed, for the next ``times`` history answers
        (None: until :meth:`clear_edits`).

        ``empty=True``: the timestamp with ``null`` prices and volume (Yahoo's not-yet-filled
        bar); ``placeholder=True``: volume 0 and open/high/low/close/adjclose equal to the
        previous session's close; else ``values`` among open, high, low, close, adj, volume
        (e.g. ``close=0.0``). The session must be in the price file.
        """
        if empty:
            values = {k: None for k in ("open", "high", "low", "close", "adj", "volume")}
        elif placeholder:
            values = {"placeholder": True}
        unknown = set(values) - {"open", "high", "low", "close", "adj", "volume", "placeholder"}
        if unknown:
            raise ValueError(f"edit_bar: unknown field(s) {sorted(unknown)}")
        with self._lock:
            self._history.setdefault(ticker.upper(), _History()).bars.append(_BarEdit(day, dict(values), times))

    def add_action(self, ticker: str, day: dt.date, *, dividend: float | None = None,
                   split: tuple[int, int] | None = None) -> None:
        """Report a ``dividend`` (amount per share) or a ``split`` (``(10, 1)`` for 10:1) of
        ``ticker`` on ``day`` in the ``events`` of every history answer whose range holds it."""
        stamp = int(dt.datetime.combine(day, dt.time(9, 30), tzinfo=_NY).timestamp())
        with self._lock:
            edits = self._history.setdefault(ticker.upper(), _History())
            if dividend is not None:
                edits.actions.append((stamp, "dividends", {"amount": float(dividend), "date": stamp}))
            if split is not None:
                num, den = split
                edits.actions.append((stamp, "splits", {"date": stamp, "numerator": float(num),
                                                        "denominator": float(den), "splitRatio": f"{num}:{den}"}))

    def _events(self, symbol: str, lo: int, hi: int) -> dict:
        with self._lock:
            edits = self._history.get(symbol)
            found = [a for a in (edits.actions if edits else []) if lo <= a[0] < hi]
        events: dict = {}
        for stamp, kind, payload in found:
            events.setdefault(kind, {})[str(stamp)] = dict(payload)
        return events

    def clear_edits(self, ticker: str | None = None) -> None:
        """Drop the history edits of ``ticker`` (None: of every ticker)."""
        with self._lock:
            if ticker is None:
                self._history.clear()
            else:
                self._history.pop(ticker.upper(), None)

    def _edited(self, symbol: str, series: _Series, history: bool) -> _Series:
        """``series`` with the history edits of ``symbol`` applied (one-shot bar edits are
        used up by history answers only)."""
        with self._lock:
            edits = self._history.get(symbol)
            if edits is None:
                return series
            out = series.copy()
            dates = out.dates()
            for before, factors in edits.rescale:
                rows = dates < before
                for name, factor in factors.items():
                    getattr(out, name)[rows] *= factor
            for edit in list(edits.bars):
                rows = np.flatnonzero(dates == edit.day)
                if not rows.size:
                    continue
                i = int(rows[0])
                if edit.values.get("placeholder"):
                    prev = out.close[i - 1] if i > 0 else out.close[i]
                    for name in ("open", "high", "low", "close", "adj"):
                        getattr(out, name)[i] = prev
                    out.volume[i] = 0.0
                else:
                    for name, value in edit.values.items():
                        getattr(out, name)[i] = np.nan if value is None else float(value)
                if history and edit.remaining is not None:
                    edit.remaining -= 1
                    if edit.remaining <= 0:
                        edits.bars.remove(edit)
            if edits.until is not None:
                keep = dates <= edits.until
                for name in ("ts", "open", "high", "low", "close", "adj", "volume"):
                    setattr(out, name, getattr(out, name)[keep])
            return out

    def set_earnings(self, ticker: str, rows: list[dict]) -> None:
        """Rows of ``{"date": "YYYY-MM-DD", "time": "BMO"|"AMC"|"", "eps_estimate",
        "eps_reported", "surprise_pct"}`` served for ``ticker``'s earnings page."""
        with self._lock:
            self.earnings[ticker.upper()] = list(rows)

    # -- internals -------------------------------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stop.wait(min(float(seconds), MAX_HANG))

    def _take_fault(self, ticker: str) -> str | None:
        with self._lock:
            key = ticker if ticker in self._faults else (None if None in self._faults else "")
            if key == "":
                return None
            fault = self._faults[key]
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self._faults[key]
            return fault.kind

    def _record(self, hit: Hit) -> None:
        with self._lock:
            self._log.append(hit)

    def _answer(self, h: _Handler, host: str, path: str, query: dict, body: bytes) -> int | None:
        method = h.command

        def hit(kind: str, status: int | None, ticker: str | None = None) -> int | None:
            self._record(Hit(host, method, path, ticker, kind, status, query))
            return status

        if host == "fc.yahoo.com":
            expires = email.utils.formatdate(time.time() + 365 * 86400, usegmt=True)
            h._send(404, "<html><body>fake fc.yahoo.com</body></html>", "text/html",
                    {"Set-Cookie": f"A3=fakeA3cookie; Expires={expires}; Max-Age=31557600; "
                                   "Domain=.yahoo.com; Path=/; Secure; HttpOnly; SameSite=None"})
            return hit("cookie", 404)
        if path == "/v1/test/getcrumb":
            h._send(200, _CRUMB, "text/plain;charset=utf-8")
            return hit("crumb", 200)
        if host == "guce.yahoo.com" and path == "/consent":
            page = ('<html><body><form method="post" action="https://consent.yahoo.com/v2/collectConsent">'
                    '<input type="hidden" name="csrfToken" value="fakecsrf"/>'
                    '<input type="hidden" name="sessionId" value="fakesession"/>'
                    '<button name="agree" value="agree">Accept all</button></form></body></html>')
            h._send(200, page, "text/html")
            return hit("consent", 200)
        if host in ("consent.yahoo.com", "guce.yahoo.com"):
            h._send(200, "<html><body>ok</body></html>", "text/html")
            return hit("consent", 200)
        if path.startswith("/v8/finance/chart/"):
            return self._chart(h, path[len("/v8/finance/chart/"):].upper(), query, hit)
        if path.startswith("/v10/finance/quoteSummary/"):
            return self._quote_summary(h, path.rsplit("/", 1)[-1].upper(), hit)
        if path == "/v7/finance/quote":
            symbols = [s.upper() for s in query.get("symbols", "").split(",") if s]
            result = [self._quote_record(s) for s in symbols if s in self.prices]
            h._json(200, {"quoteResponse": {"result": result, "error": None}})
            return hit("quote", 200, symbols[0] if symbols else None)
        if host == "finance.yahoo.com" and path.startswith("/calendar/earnings"):
            return self._earnings_page(h, query.get("symbol", "").upper(), hit)
        if path == "/v1/finance/visualization" and method == "POST":
            return self._visualization(h, body, hit)
        if method == "HEAD" or path in ("", "/"):
            h._send(404, "", "text/html")
            return hit("probe", 404)
        h._json(404, {"finance": {"result": None, "error": {"code": "Not Found",
                                                             "description": f"fake Yahoo has no {path}"}}})
        return hit("other", 404)

    # chart -------------------------------------------------------------------------------

    def _fault_answer(self, h: _Handler, fault: str, symbol: str, meta_only: dict | None) -> int | None:
        if fault == "429":
            h._send(429, "Too Many Requests\r\n", "text/plain;charset=utf-8")
            return 429
        if fault == "500":
            h._json(500, {"chart": {"result": None, "error": {
                "code": "Internal Server Error", "description": "fake Yahoo internal error"}}})
            return 500
        if fault == "timeout":
            self._sleep(self.hang_seconds)
            return None
        if fault == "malformed":
            h._send(200, '{"chart":{"result":[{"meta":{"currency":"USD","symbol":"' + symbol + '","exch')
            return 200
        if fault == "unknown":
            h._json(404, _not_found())
            return 404
        if fault == "empty":
            h._json(200, {"chart": {"result": [{"meta": meta_only or _meta_for(symbol, None, 0),
                                                "indicators": {"quote": [{}], "adjclose": [{}]}}],
                                    "error": None}})
            return 200
        raise AssertionError(fault)

    def _blocked_answer(self, h: _Handler) -> int | None:
        """429 with ``Retry-After`` while a :meth:`block` lasts, else None."""
        with self._lock:
            block = self._block
            if block is not None and time.monotonic() >= block[0]:
                self._block = block = None
        if block is None:
            return None
        headers = {} if block[1] is None else {"Retry-After": str(block[1])}
        h._send(429, "Too Many Requests\r\n", "text/plain;charset=utf-8", headers)
        return 429

    def _chart(self, h: _Handler, symbol: str, query: dict, hit) -> int | None:
        kind = "history" if "period1" in query or "period2" in query else "tz"
        blocked = self._blocked_answer(h)
        if blocked is not None:
            return hit(kind, blocked, symbol)
        series = self.prices.get(symbol)
        fault = self._take_fault(symbol)
        if fault is not None:
            meta = _meta_for(symbol, series, len(series.ts) - 1) if series is not None else None
            return hit(kind, self._fault_answer(h, fault, symbol, meta), symbol)
        if series is None:
            h._json(404, _not_found())
            return hit(kind, 404, symbol)
        series = self._edited(symbol, series, kind == "history")
        interval = query.get("interval", "1d")
        if interval != "1d":
            h._json(400, {"chart": {"result": None, "error": {
                "code": "Bad Request", "description": f"fake Yahoo serves interval=1d only, not {interval}"}}})
            return hit(kind, 400, symbol)
        n = len(series.ts)
        if kind == "history":
            lo = int(query.get("period1") or 0)
            hi = int(query.get("period2") or 2**62)
            mask = (series.ts >= lo) & (series.ts < hi)
            rng = ""
        else:
            rng = query.get("range", "1mo")
            if rng == "max":
                mask = np.ones(n, dtype=bool)
            elif rng == "1d":
                mask = np.arange(n) == n - 1
            else:
                days = _RANGE_DAYS.get(rng, 31)
                mask = series.ts > series.ts[-1] - days * 86400
        idx = np.flatnonzero(mask)
        meta = _meta_for(symbol, series, n - 1, rng=rng)
        result: dict[str, Any] = {"meta": meta}
        if idx.size:
            result["timestamp"] = series.ts[idx].tolist()
            result["indicators"] = {
                "quote": [{"open": _json_list(series.open[idx]), "high": _json_list(series.high[idx]),
                           "low": _json_list(series.low[idx]), "close": _json_list(series.close[idx]),
                           "volume": _json_list(series.volume[idx], as_int=True)}],
                "adjclose": [{"adjclose": _json_list(series.adj[idx])}],
            }
        else:
            result["indicators"] = {"quote": [{}], "adjclose": [{}]}
        if kind == "history":
            events = self._events(symbol, lo, hi)
            if events:
                result["events"] = events
        h._json(200, {"chart": {"result": [result], "error": None}})
        return hit(kind, 200, symbol)

    # quote ------------------------------------------------------------------------------

    def _quote_record(self, symbol: str) -> dict:
        series = self.prices[symbol]
        zone, currency, _ = market_zone(symbol)
        return {"symbol": symbol, "quoteType": _instrument_type(symbol), "currency": currency,
                "exchangeTimezoneName": zone.key,
                "exchangeTimezoneShortName": dt.datetime.fromtimestamp(int(series.ts[-1]), tz=zone).tzname(),
                "regularMarketPrice": float(series.close[-1])}

    def _quote_summary(self, h: _Handler, symbol: str, hit) -> int | None:
        fault = self._take_fault(symbol) if symbol in self._faults else None
        if symbol not in self.prices or fault == "unknown":
            h._json(404, {"quoteSummary": {"result": None, "error": {
                "code": "Not Found", "description": f"Quote not found for symbol: {symbol}"}}})
            return hit("quote", 404, symbol)
        rec = self._quote_record(symbol)
        h._json(200, {"quoteSummary": {"result": [{
            "quoteType": {"symbol": symbol, "quoteType": rec["quoteType"],
                          "exchangeTimezoneName": rec["exchangeTimezoneName"],
                          "timeZoneFullName": rec["exchangeTimezoneName"]},
            "summaryDetail": {"currency": rec["currency"]}}], "error": None}})
        return hit("quote", 200, symbol)

    # earnings -----------------------------------------------------------------------------

    def _earnings_page(self, h: _Handler, symbol: str, hit) -> int | None:
        fault = self._take_fault(symbol)
        if fault in ("429", "500", "timeout"):
            return hit("earnings", self._fault_answer(h, fault, symbol, None), symbol)
        if fault == "malformed":  # a table whose columns Yahoo renamed
            h._send(200, "<html><body><table><tr><th>Ticker</th><th>When</th></tr>"
                         f"<tr><td>{html.escape(symbol)}</td><td>soon</td></tr></table></body></html>",
                    "text/html;charset=utf-8")
            return hit("earnings", 200, symbol)
        rows = [] if fault in ("unknown", "empty") else self.earnings.get(symbol, [])
        if not rows:
            h._send(200, "<html><body><p>We couldn't find any results.</p></body></html>",
                    "text/html;charset=utf-8")
            return hit("earnings", 200, symbol)
        cells = []
        for r in sorted(rows, key=lambda r: r["date"], reverse=True):
            day = dt.date.fromisoformat(r["date"])
            hour = {"BMO": "7 AM", "AMC": "4 PM"}.get(r.get("time") or "", "12 AM")
            stamp = dt.datetime.combine(day, dt.time(12), tzinfo=_NY)
            zone = "EDT" if stamp.dst() else "EST"
            when = f"{day:%B} {day.day}, {day.year} at {hour} {zone}"

            def num(v):
                return "-" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{float(v):.2f}"

            cells.append(
                f"<tr><td>{html.escape(symbol)}</td><td>{html.escape(symbol)} Inc.</td><td>{when}</td>"
                f"<td>{num(r.get('eps_estimate'))}</td><td>{num(r.get('eps_reported'))}</td>"
                f"<td>{num(r.get('surprise_pct'))}</td></tr>")
        page = ("<html><body><table><thead><tr><th>Symbol</th><th>Company</th><th>Earnings Date</th>"
                "<th>EPS Estimate</th><th>Reported EPS</th><th>Surprise (%)</th></tr></thead><tbody>"
                + "".join(cells) + "</tbody></table></body></html>")
        h._send(200, page, "text/html;charset=utf-8")
        return hit("earnings", 200, symbol)

    def _visualization(self, h: _Handler, body: bytes, hit) -> int | None:
        fault = self._take_fault("")  # only a global fault applies to the market-wide calendar
        if fault in ("429", "500", "timeout"):
            return hit("calendar", self._fault_answer(h, fault, "", None))
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            h._json(400, {"finance": {"result": None, "error": {"code": "Bad Request", "description": "bad JSON"}}})
            return hit("calendar", 400)
        lo, hi = _date_bounds(request.get("query") or {})
        columns = [("Symbol", "STRING"), ("Company Name", "STRING"), ("Market Cap (Intraday)", "NUMBER"),
                   ("Event Name", "STRING"), ("Event Start Date", "DATETIME"), ("Event Start Date", "STRING"),
                   ("EPS Estimate", "NUMBER"), ("Reported EPS", "NUMBER"), ("Surprise (%)", "NUMBER")]
        rows = []
        if fault not in ("empty", "unknown"):
            with self._lock:
                items = [(t, list(rs)) for t, rs in self.earnings.items()]
            for ticker, rs in items:
                for r in rs:
                    if (lo and r["date"] < lo) or (hi and r["date"] > hi):
                        continue
                    hour = {"BMO": 7, "AMC": 16}.get(r.get("time") or "", 0)
                    local = dt.datetime.combine(dt.date.fromisoformat(r["date"]), dt.time(hour), tzinfo=_NY)
                    stamp = local.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
                    timing = {"BMO": "BMO", "AMC": "AMC"}.get(r.get("time") or "", "TNS")
                    rows.append([ticker, f"{ticker} Inc.", None, f"Q4 2024 {ticker} Earnings", stamp, timing,
                                 r.get("eps_estimate"), r.get("eps_reported"), r.get("surprise_pct")])
        rows = rows[: int(request.get("size") or 100)]
        if fault == "malformed":
            h._send(200, '{"finance":{"result":[{"documents":[{"columns":')
            return hit("calendar", 200)
        h._json(200, {"finance": {"result": [{"documents": [{
            "columns": [{"label": label, "type": typ} for label, typ in columns],
            "rows": rows}]}], "error": None}})
        return hit("calendar", 200)


def _date_bounds(query: dict) -> tuple[str, str]:
    """The gte/lte ``startdatetime`` bounds anywhere in a visualization query."""
    lo = hi = ""
    stack = [query]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        ops = node.get("operands") or []
        if ops and ops[0] == "startdatetime" and len(ops) > 1:
            op = str(node.get("operator", "")).lower()
            if op in ("gte", "gt"):
                lo = str(ops[1])[:10]
            elif op in ("lte", "lt"):
                hi = str(ops[1])[:10]
        stack.extend(o for o in ops if isinstance(o, dict))
    return lo, hi


def _not_found() -> dict:
    return {"chart": {"result": None, "error": {"code": "Not Found",
                                                "description": "No data found, symbol may be delisted"}}}


def _instrument_type(symbol: str) -> str:
    if symbol.startswith("^"):
        return "INDEX"
    return "ETF" if symbol in _ETFS else "EQUITY"


def _meta_for(symbol: str, series: _Series | None, last: int, rng: str = "") -> dict:
    """Yahoo's ``chart.result[0].meta`` for ``symbol`` (values from its bars)."""
    itype = _instrument_type(symbol)
    ts = int(series.ts[last]) if series is not None and len(series.ts) else int(time.time())
    first = int(series.ts[0]) if series is not None and len(series.ts) else ts
    zone, currency, _ = market_zone(symbol)
    local = dt.datetime.fromtimestamp(ts, tz=zone)
    offset = int(local.utcoffset().total_seconds())
    price = float(series.close[last]) if series is not None and len(series.ts) else None
    prev = float(series.close[last - 1]) if series is not None and last >= 1 else price
    exchange = {"INDEX": ("SNP", "SNP"), "ETF": ("PCX", "NYSEArca")}.get(itype, ("NMS", "NasdaqGS"))
    if zone is not _NY:
        exchange = (zone.key.rpartition("/")[2][:3].upper(), zone.key)
    return {
        "currency": currency, "symbol": symbol, "exchangeName": exchange[0],
        "fullExchangeName": exchange[1], "instrumentType": itype, "firstTradeDate": first,
        "regularMarketTime": ts + 6 * 3600 + 30 * 60, "hasPrePostMarketData": itype != "INDEX",
        "gmtoffset": offset, "timezone": local.tzname(),
        "exchangeTimezoneName": zone.key, "regularMarketPrice": price,
        "chartPreviousClose": prev, "priceHint": 2, "dataGranularity": "1d", "range": rng,
        "validRanges": list(_VALID_RANGES),
    }


class FakeYahooProcess:
    """A :class:`FakeYahoo` serving from its own process, as the real Yahoo does: its TLS,
    JSON and request log then cost the client's process no CPU (and no GIL), which matters
    when a benchmark times many concurrent downloads. The same counting interface:
    :meth:`session`, :meth:`count`, :attr:`requests`, :meth:`reset`, :attr:`latency`.
    Context manager; the process is stopped on exit."""

    def __init__(self, prices_path: str | Path, *, latency: float = 0.0) -> None:
        self.prices_path = Path(prices_path)
        self._latency = float(latency)
        self._lock = threading.Lock()
        self._conn = None
        self._proc = None
        self.port: int | None = None
        self.ca_path: Path | None = None

    def __enter__(self) -> "FakeYahooProcess":
        import json as _json
        import os
        import subprocess
        import sys

        package_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [package_root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
        self._proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from shockbook.testing.fake_yahoo import _serve_stdio; "
             "_serve_stdio(sys.argv[1], float(sys.argv[2]))", str(self.prices_path), str(self._latency)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True, bufsize=1)
        line = self._proc.stdout.readline()
        if not line:
            self._proc.kill()
            raise RuntimeError("the fake Yahoo process did not start")
        port, ca = _json.loads(line)
        self.port, self.ca_path = int(port), Path(ca)
        return self

    def __exit__(self, *exc) -> None:
        if self._proc is not None:
            try:
                self._call("stop")
            except (OSError, ValueError):
                pass
            try:
                self._proc.wait(timeout=10)
            except Exception:
                self._proc.kill()
                self._proc.wait()
            self._proc = None

    def _call(self, name: str, *args: Any) -> Any:
        import json as _json

        with self._lock:
            self._proc.stdin.write(_json.dumps([name, list(args)]) + "\n")
            self._proc.stdin.flush()
            return _json.loads(self._proc.stdout.readline())

    def session(self, **kwargs: Any):
        """A curl_cffi session routed to the fake (see :meth:`FakeYahoo.session`)."""
        return routed_session(self.port, str(self.ca_path), **kwargs)

    def count(self, ticker: str | None = None, kind: str | tuple[str, ...] = ("history", "tz")) -> int:
        return self._call("count", ticker, kind if isinstance(kind, str) else list(kind))

    @property
    def requests(self) -> list[tuple[str, str | None]]:
        return [tuple(r) for r in self._call("requests")]

    def reset(self) -> None:
        self._call("reset")

    @property
    def latency(self) -> float:
        return self._call("latency")

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._call("set_latency", float(seconds))


def _serve_stdio(prices_path: str, latency: float) -> None:
    """The body of :class:`FakeYahooProcess`: serve, and answer the parent's calls (one JSON
    line each way) until told to stop or stdin closes."""
    import sys

    with FakeYahoo(prices_path, latency=latency) as fake:
        print(json.dumps([fake.port, str(fake.ca_path)]), flush=True)
        for line in sys.stdin:
            name, args = json.loads(line)
            if name == "stop":
                answer = None
            elif name == "set_latency":
                fake.latency, answer = float(args[0]), None
            elif name in ("latency", "requests"):
                answer = getattr(fake, name)
            elif name == "count":
                answer = fake.count(args[0], args[1] if isinstance(args[1], str) else tuple(args[1]))
            else:
                answer = getattr(fake, name)(*args)
            print(json.dumps(answer), flush=True)
            if name == "stop":
                return


def routed_session(port: int, ca_path: str | None, host: str = "127.0.0.1", **kwargs: Any):
    """A curl_cffi session whose every connection goes to ``host:port`` (libcurl
    ``CONNECT_TO`` with an empty source host/port), verifying TLS against ``ca_path``.

    Also used by tests to route a session to a closed or silent port (offline probes).
    """
    from curl_cffi import requests as curl_requests
    from curl_cffi._wrapper import ffi, lib
    from curl_cffi.const import CurlOpt

    # curl_cffi's setopt only builds curl_slists for a few options (headers, RESOLVE);
    # CONNECT_TO needs one too, so it is built here and handed over as a pointer. It is kept
    # alive for the life of the process (a few bytes per session).
    slist = lib.curl_slist_append(ffi.NULL, f"::{host}:{int(port)}".encode())
    _KEEP_ALIVE.append(slist)
    kwargs.setdefault("impersonate", "chrome")
    kwargs.setdefault("trust_env", False)  # never go through a proxy from the environment
    options = dict(kwargs.pop("curl_options", None) or {})
    options[CurlOpt.CONNECT_TO] = slist
    return curl_requests.Session(verify=ca_path if ca_path else True, curl_options=options, **kwargs)


_KEEP_ALIVE: list[Any] = []


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Listener:
    """A loopback TCP listener served by a daemon thread; subclasses handle each accepted
    connection in :meth:`_accepted`. Context manager; stops on exit."""

    label = "listener"

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self._conns: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{self.label}:{self.port}", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (socket.timeout, OSError):
                continue
            self._accepted(conn)

    def _accepted(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for c in self._conns:
            c.close()
        self._sock.close()


class SilentPort(_Listener):
    """A loopback TCP listener that accepts connections and never answers (a black hole),
    counting the connections it accepted. Context manager; stops on exit."""

    label = "silent"

    def __init__(self) -> None:
        super().__init__()
        self.accepted = 0

    def _accepted(self, conn: socket.socket) -> None:
        self.accepted += 1
        self._conns.append(conn)


class ConnectProxy(_Listener):
    """An HTTP ``CONNECT`` proxy on loopback, as offices run them: it tunnels every
    ``CONNECT host:443`` to ``target_port`` on 127.0.0.1 (the fake Yahoo), whatever the host,
    and records the ``host:port`` each client asked for in :attr:`targets`.

    ``status`` other than 200 refuses every tunnel with that status (e.g. 407, a proxy that
    wants credentials; 403, a blocked site). Context manager; stops on exit.
    """

    label = "connect-proxy"

    def __init__(self, target_port: int, status: int = 200) -> None:
        super().__init__()
        self.target_port = int(target_port)
        self.status = int(status)
        self.targets: list[str] = []
        self.url = f"http://127.0.0.1:{self.port}"

    def _accepted(self, conn: socket.socket) -> None:
        threading.Thread(target=self._tunnel, args=(conn,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        client.settimeout(MAX_HANG + 5)
        try:
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            line = head.split(b"\r\n", 1)[0].decode("latin-1").split()
            if len(line) < 2 or line[0].upper() != "CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            self.targets.append(line[1])
            if self.status != 200:
                reason = {407: "Proxy Authentication Required", 403: "Forbidden"}.get(self.status, "Refused")
                extra = b"Proxy-Authenticate: Basic realm=\"office\"\r\n" if self.status == 407 else b""
                client.sendall(f"HTTP/1.1 {self.status} {reason}\r\n".encode() + extra
                               + b"Content-Length: 0\r\n\r\n")
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=MAX_HANG + 5)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self._pump(client, upstream)
        except OSError:
            pass
        finally:
            client.close()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        import selectors

        sel = selectors.DefaultSelector()
        sel.register(a, selectors.EVENT_READ, b)
        sel.register(b, selectors.EVENT_READ, a)
        try:
            while not self._stop.is_set():
                for key, _ in sel.select(timeout=0.2):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        finally:
            sel.close()
            b.close()


__all__ = ["FakeYahoo", "FakeYahooProcess", "Hit", "SilentPort", "ConnectProxy", "closed_port", "routed_session", "load_prices",
           "FAULT_KINDS", "MAX_HANG", "YAHOO_HOSTS"]


"""Markets: each ticker's exchange calendar, benchmark and currency.

A ticker trades on one exchange, and every return, window and recovery count of that ticker is
taken over that exchange's sessions (from ``exchange_calendars``), never over the union of all
tickers' dates. The exchange comes from the Yahoo suffix (``000660.KS`` -> XKRX, ``6857.T`` ->
XTKS, ``ASML.AS`` -> XAMS; no suffix -> XNYS); indices and FX rates are listed by name. The
mapping is curated data: ``shockbook/content/data/markets.yaml``. A watchlist or universe file
may name a ticker's exchange and benchmark itself (:func:`read_market_columns`), which wins.

An event date maps, per market, to the first session that could react (:func:`event_session`):
on 2025-01-27 that is 2025-01-27 in Tokyo, Amsterdam and New York, and 2025-01-31 in Seoul
(KRX was closed for the Lunar New Year, 01-27 .. 01-30).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from ..errors import DateRangeError, InputError, UnknownNameError
from .sessions import CALENDAR_START, to_date

US_EXCHANGE = "XNYS"


@dataclass(frozen=True)
class Market:
    """One exchange as shockbook uses it (a row of ``markets.yaml``).

    ``fx`` is the Yahoo FX ticker that turns the local currency into USD (``""`` for USD), quoted
    ``local_per_usd`` (``KRW=X``: won per dollar) or ``usd_per_local`` (``EURUSD=X``).
    """

    exchange: str
    label: str
    region: str
    order: int
    currency: str
    benchmark: str
    fx: str
    fx_quote: str
    suffixes: tuple[str, ...]
    source: str

    @property
    def is_us(self) -> bool:
        return self.exchange == US_EXCHANGE


class UnknownMarketError(UnknownNameError):
    """A ticker whose exchange cannot be told (an unknown suffix or exchange code)."""


@lru_cache(maxsize=1)
def _curated() -> tuple[dict[str, Market], dict[str, str], dict[str, str]]:
    import yaml

    text = resources.files("shockbook.content").joinpath("data/markets.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    markets, by_suffix = {}, {}
    for code, row in raw["exchanges"].items():
        try:
            m = Market(exchange=str(code), label=str(row["label"]), region=str(row["region"]),
                       order=int(row["order"]), currency=str(row["currency"]), benchmark=str(row["benchmark"]),
                       fx=str(row["fx"]), fx_quote=str(row["fx_quote"]),
                       suffixes=tuple(str(s).upper() for s in row["suffixes"]), source=str(row["source"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"markets.yaml, exchange {code}: {exc!r} (fields: label, region, order, currency, "
                             "benchmark, fx, fx_quote, suffixes, source)") from None
        if m.fx_quote not in ("", "local_per_usd", "usd_per_local"):
            raise InputError(f"markets.yaml, exchange {code}: fx_quote {m.fx_quote!r}; valid: local_per_usd, usd_per_local")
        markets[m.exchange] = m
        for s in m.suffixes:
            by_suffix[s] = m.exchange
    by_name = {str(t).upper(): str(code) for t, code in raw["tickers"].items()}
    unknown = sorted(set(by_name.values()) - set(markets))
    if unknown:
        raise InputError(f"markets.yaml lists tickers on unknown exchange(s) {', '.join(unknown)}")
    return markets, by_suffix, by_name


def known_exchanges() -> list[str]:
    """The exchange codes shockbook knows, e.g. ``['XKRX', 'XTKS', ...]``."""
    return list(_curated()[0])


def known_suffixes() -> list[str]:
    return sorted(_curated()[1])


def market(exchange: str) -> Market:
    """The :class:`Market` of an exchange code (``XKRX``; a label such as ``KRX`` works too)."""
    markets = _curated()[0]
    code = str(exchange).strip().upper()
    if code in markets:
        return markets[code]
    for m in markets.values():
        if m.label.upper() == code:
            return m
    raise UnknownMarketError(f"unknown exchange {exchange!r}; known: {', '.join(markets)}",
                             argument="exchange", value=exchange)


def _suffix(ticker: str) -> str:
    if ticker.endswith("=X"):
        return "=X"
    stem, dot, tail = ticker.rpartition(".")
    return f".{tail}" if dot and stem and tail.isalpha() and 1 <= len(tail) <= 3 else ""


def market_of(ticker: str, exchange: str | None = None) -> Market:
    """The market ``ticker`` trades on: ``exchange`` when given (an override column), else the
    name list, else the Yahoo suffix; a ticker without a suffix trades on XNYS.

    Raises
    ------
    UnknownMarketError
        An unknown suffix or exchange code; the message names it and the exchanges known.
    """
    if exchange:
        return market(exchange)
    markets, by_suffix, by_name = _curated()
    name = str(ticker).strip().upper()
    if name in by_name:
        return markets[by_name[name]]
    suffix = _suffix(name)
    if not suffix:
        return markets[US_EXCHANGE]
    if suffix in by_suffix:
        return markets[by_suffix[suffix]]
    known = ", ".join(f"{s} {by_suffix[s]}" for s in sorted(by_suffix) if s != "=X")
    raise UnknownMarketError(
        f"unknown exchange suffix {suffix} in {name}; known: {known}, no suffix XNYS "
        "(or name the exchange in the watchlist's exchange column)",
        ticker=name, value=suffix,
    )


def markets_of(tickers: Iterable[str], exchanges: Mapping[str, str] | None = None) -> dict[str, Market | Exception]:
    """:func:`market_of` per ticker (a ticker whose market is unknown maps to its error)."""
    exchanges = exchanges or {}
    out: dict[str, Market | Exception] = {}
    for t in tickers:
        try:
            out[t] = market_of(t, exchanges.get(t))
        except UnknownMarketError as exc:
            out[t] = exc
    return out


def benchmark_for(m: Market, overrides: str | Mapping[str, str] = "", us_benchmark: str | None = None) -> str:
    """The benchmark of market ``m``: an override (``"XKRX=^KQ11,XTKS=^TOPX"`` or a mapping of
    exchange code or label -> ticker), else ``us_benchmark`` for XNYS, else the curated one."""
    table = parse_benchmarks(overrides) if isinstance(overrides, str) else {str(k).upper(): v for k, v in overrides.items()}
    for key in (m.exchange, m.label.upper(), m.region.upper()):
        if key in table:
            return table[key]
    if m.is_us and us_benchmark:
        return us_benchmark
    return m.benchmark


def parse_benchmarks(text: str) -> dict[str, str]:
    """``"XKRX=^KQ11, XTKS=^TOPX"`` -> ``{"XKRX": "^KQ11", "XTKS": "^TOPX"}`` (keys upper-case)."""
    out = {}
    for part in (text or "").replace(";", ",").split(","):
        if not part.strip():
            continue
        key, eq, value = part.partition("=")
        if not eq or not key.strip() or not value.strip():
            raise InputError(f"market benchmark {part.strip()!r} must be EXCHANGE=TICKER, e.g. XKRX=^KS11",
                             argument="market_benchmarks")
        market(key.strip())  # the exchange must be known
        out[key.strip().upper()] = value.strip().upper()
    return out


# -- sessions ---------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def calendar(exchange: str):
    """The ``exchange_calendars`` calendar of ``exchange`` (built once per process)."""
    import warnings

    import exchange_calendars as xc

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
        return xc.get_calendar(exchange, start=CALENDAR_START)


def sessions(exchange: str, start, end) -> pd.DatetimeIndex:
    """``exchange``'s sessions from ``start`` to ``end`` inclusive (tz-naive, named ``date``)."""
    cal = calendar(exchange)
    first, last = to_date(start), to_date(end)
    first = max(first, cal.first_session.date())
    last = min(last, cal.last_session.date())
    if last < first:
        return pd.DatetimeIndex([], name="date")
    out = cal.sessions_in_range(pd.Timestamp(first), pd.Timestamp(last))
    return pd.DatetimeIndex(out.tz_localize(None) if out.tz else out, name="date").astype("datetime64[ns]")


def resolve_session(m: Market, value, direction: str = "next"):
    """Like :func:`shockbook.data.sessions.resolve_session`, on market ``m``'s calendar: a
    :class:`~shockbook.data.sessions.SessionDate` whose note names the market."""
    from .sessions import SessionDate

    if direction not in ("next", "previous"):
        raise ValueError("direction must be 'next' or 'previous'")
    cal = calendar(m.exchange)
    day = to_date(value)
    first, last = cal.first_session.date(), cal.last_session.date()
    if not first <= day <= last:
        raise DateRangeError(f"{day} is outside the {m.label} calendar shockbook knows ({first} .. {last})",
                             date=day, valid=(first, last))
    ts = pd.Timestamp(day)
    if cal.is_session(ts):
        return SessionDate(day, day, market=m.label)
    moved = cal.date_to_session(ts, direction=direction).date()
    return SessionDate(day, moved, "weekend" if day.weekday() >= 5 else "market holiday or closure", market=m.label)


@dataclass(frozen=True)
class MarketSession:
    """The session a market reacted on: the first session on or after the event (for a timed
    event, the first whose close is after it), and the last close before the event."""

    market: Market
    requested: dt.date
    session: dt.date
    previous: dt.date  # the last session before the event: the holiday window starts at its close

    @property
    def timestamp(self) -> pd.Timestamp:
        return pd.Timestamp(self.session)

    @property
    def moved(self) -> bool:
        return self.session != self.requested

    def text(self) -> str:
        """``"2025-01-31 (first KRX session after 2025-01-27)"``, or ``"2025-01-27"``."""
        if not self.moved:
            return self.session.isoformat()
        return f"{self.session} (first {self.market.label} session after {self.requested})"

    def text_code(self) -> str:
        """:meth:`text` with its note coded (:mod:`shockbook.notes`) for an adapter to say in
        its reader's language: ``"2025-01-31 ⟦first_session_after|market=KRX|requested=2025-01-27⟧"``."""
        from ..notes import note

        if not self.moved:
            return self.session.isoformat()
        return f"{self.session} ({note('first_session_after', market=self.market.label, requested=self.requested)})"


def event_session(m: Market, when) -> MarketSession:
    """Market ``m``'s first session that could react to an event at ``when``.

    ``when`` is a date (the first session on or after it) or a tz-aware datetime (the first
    session whose close is after it).

    Raises
    ------
    DateRangeError
        ``when`` is outside the calendar ``exchange_calendars`` builds.
    """
    cal = calendar(m.exchange)
    timed = isinstance(when, (dt.datetime, pd.Timestamp)) and pd.Timestamp(when).tzinfo is not None
    day = pd.Timestamp(when).tz_convert(cal.tz).date() if timed else to_date(when)
    first, last = cal.first_session.date(), cal.last_session.date()
    if not first < day <= last:
        raise DateRangeError(f"{day} is outside the {m.label} calendar shockbook knows ({first} .. {last})",
                             date=day, valid=(first, last))
    ts = pd.Timestamp(day)
    session = cal.date_to_session(ts, direction="next")
    if timed and cal.session_close(session) <= pd.Timestamp(when):
        session = cal.next_session(session)
    # the session before the first that could react is the last close before the event
    return MarketSession(m, day, session.date(), cal.previous_session(session).date())


def read_market_columns(path: str | Path) -> dict[str, dict[str, str]]:
    """The ``exchange`` and ``benchmark`` columns of a watchlist or universe CSV, per ticker:
    ``{ticker: {"exchange": "XKRX", "benchmark": "^KQ11"}}`` (empty cells left out; a file
    without those columns gives ``{}``). The exchange codes are checked."""
    try:
        frame = pd.read_csv(path, dtype=str, comment="#", encoding="utf-8-sig").fillna("")
    except (pd.errors.ParserError, pd.errors.EmptyDataError):  # a plain list of tickers, not a table
        return {}
    cols = {c.strip().lower(): c for c in frame.columns}
    key = cols.get("ticker") or cols.get("symbol") or cols.get("yahoo_ticker")
    if key is None or not ({"exchange", "benchmark"} & set(cols)):
        return {}
    out: dict[str, dict[str, str]] = {}
    for _, row in frame.iterrows():
        ticker = str(row[key]).strip().upper()
        if not ticker:
            continue
        entry = {}
        for name in ("exchange", "benchmark"):
            value = str(row[cols[name]]).strip().upper() if name in cols else ""
            if value:
                entry[name] = value
        if "exchange" in entry:
            market(entry["exchange"])
        if entry:
            out[ticker] = entry
    return out

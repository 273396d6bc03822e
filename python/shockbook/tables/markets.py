"""Global watchlists: every market on its own calendar.

A watchlist may mix markets (``NVDA 000660.KS 6857.T ASML.AS``). Its tickers are split by
market (:func:`plan_markets`: exchange from :mod:`shockbook.data.markets`, benchmark per market)
and each group is computed alone, over its own sessions, with its own event session and
benchmark: nothing is computed over the union of dates, so a US number is the same with or
without Korean names beside it. :func:`per_market` does that for the event tables;
:func:`global_reaction_table` is the report's figure-5 view across markets (the "holiday"
window, local and USD returns, the abnormal return against the local benchmark).

Returns are fractions. A ticker whose market cannot be told, or whose market has no session
in the data, keeps its row with the reason in ``error``; the rest of the table is filled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from ..config import Settings
from ..data import markets as mk
from ..data.prices import clean_tickers, service_for
from ..data.sessions import SessionDate
from ..errors import InputError, NoDataError, ShockbookError
from ..notes import error_note, note
from .result import EventTable


#: The price sources the notes table names in both languages.
SOURCE_NAMES = ("snapshot", "yahoo", "cache")


def source_name(source: str) -> str:
    """A price source's name as a coded note (``snapshot``, ``yahoo``, ``cache``: said in the
    adapter's language, 스냅샷 in the Korean book); another name as it is."""
    return note(f"source_{source}") if source in SOURCE_NAMES else source


#: The columns :func:`per_market` adds to a table's rows (after its own).
MARKET_COLUMNS = ["exchange", "event_session", "benchmark_used", "currency"]

#: Overrides per ticker, as :func:`shockbook.data.markets.read_market_columns` reads them from a
#: watchlist or universe file: ``{ticker: {"exchange": "XKRX", "benchmark": "^KQ11"}}``.
MarketColumns = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class MarketGroup:
    """The tickers of one market that share a benchmark."""

    market: mk.Market
    benchmark: str
    tickers: tuple[str, ...]

    def session(self, requested: dt.date) -> mk.MarketSession:
        return mk.event_session(self.market, requested)

    def event(self, requested: dt.date, us_event: SessionDate) -> SessionDate:
        """The event as this market's session (the NYSE one as resolved for the US)."""
        if self.market.is_us:
            return us_event
        s = self.session(requested)
        return SessionDate(requested, s.session, "market holiday or closure" if requested.weekday() < 5 else "weekend",
                           market=self.market.label)


@dataclass
class MarketPlan:
    groups: list[MarketGroup]
    errors: dict[str, ShockbookError]  # tickers whose market is unknown

    @property
    def mixed(self) -> bool:
        """More than one group, a non-US group, or a ticker whose market is unknown."""
        return len(self.groups) > 1 or bool(self.errors) or any(not g.market.is_us for g in self.groups)


def plan_markets(names: Iterable[str], settings: Settings, benchmark: str | None = None,
                 markets: MarketColumns | None = None) -> MarketPlan:
    """Split ``names`` by (market, benchmark), groups in order of first appearance.

    ``benchmark`` (an argument) is the US benchmark; other markets take the ``markets`` column,
    then ``settings.market_benchmarks``, then the curated default (^KS11, ^N225, ^STOXX50E).
    """
    markets = {str(k).upper(): v for k, v in (markets or {}).items()}
    us_bench = clean_tickers([benchmark or settings.benchmark])[0]
    table = mk.parse_benchmarks(settings.market_benchmarks)
    groups: dict[tuple[str, str], list[str]] = {}
    found: dict[tuple[str, str], mk.Market] = {}
    errors: dict[str, ShockbookError] = {}
    for t in names:
        cols = markets.get(t, {})
        try:
            m = mk.market_of(t, cols.get("exchange"))
        except mk.UnknownMarketError as exc:
            errors[t] = exc
            continue
        bench = cols.get("benchmark") or mk.benchmark_for(m, table, us_bench)
        key = (m.exchange, bench)
        found[key] = m
        groups.setdefault(key, []).append(t)
    return MarketPlan([MarketGroup(found[k], k[1], tuple(v)) for k, v in groups.items()], errors)


def market_calendar(ticker: str):
    """``(resolve_session, sessions, label)`` of ``ticker``'s market: the NYSE functions of
    :mod:`shockbook.data.sessions` for a US ticker (and one whose market is unknown), else the
    market's own (:func:`shockbook.data.markets.resolve_session`, :func:`~shockbook.data.markets.sessions`)."""
    from functools import partial

    from ..data import sessions as us

    try:
        m = mk.market_of(ticker)
    except mk.UnknownMarketError:
        m = None
    if m is None or m.is_us:
        return us.resolve_session, us.sessions, "NYSE"
    return partial(mk.resolve_session, m), partial(mk.sessions, m.exchange), m.label


def universe_market(tickers: list[str], members: pd.DataFrame, event: SessionDate, settings: Settings,
                    benchmark: str | None = None) -> tuple[SessionDate, str | None]:
    """The event session and benchmark for breadth over a universe: unchanged for a US one;
    a universe on one other market (by suffix, or its file's ``exchange`` column) takes that
    market's session and index.

    Raises
    ------
    InputError
        The universe spans markets (breadth counts one market's session) or a ticker's market
        is unknown.
    """
    exchanges = {}
    if "exchange" in members:
        exchanges = {t: {"exchange": x} for t, x in zip(tickers, members["exchange"]) if isinstance(x, str) and x}
    if not needs_markets(tickers, event, exchanges):
        return event, benchmark
    plan = plan_markets(tickers, settings, benchmark, exchanges)
    if plan.errors:
        raise next(iter(plan.errors.values()))
    codes = list(dict.fromkeys(g.market.exchange for g in plan.groups))
    if len(codes) > 1:
        raise InputError(f"the universe spans markets ({', '.join(codes)}); breadth counts one market's "
                         "session: give a universe file of one market", argument="universe")
    group = plan.groups[0]
    if group.market.is_us:
        return event, benchmark
    return group.event(event.requested, event), group.benchmark


def needs_markets(names: Iterable[str], event, markets: MarketColumns | None = None) -> bool:
    """Whether a table of ``names`` must be split by market: it spans markets (or a non-US
    one) and ``event`` is not already one market's session."""
    if isinstance(event, SessionDate) and event.market != "NYSE":
        return False
    if markets:
        return True
    for t in names:
        try:
            if not mk.market_of(t).is_us:
                return True
        except mk.UnknownMarketError:
            return True
    return False


def _requested(event) -> tuple[dt.date, SessionDate]:
    from .events import resolve_event

    us = event if isinstance(event, SessionDate) else resolve_event(event)
    return us.requested, us


def per_market(table: Callable[..., EventTable], names: list[str], event, settings: Settings | None = None,
               benchmark: str | None = None, markets: MarketColumns | None = None, **kwargs) -> EventTable:
    """``table(tickers, event, settings, benchmark, **kwargs)`` per market group, the rows put
    back in the order of ``names``, with :data:`MARKET_COLUMNS` added.

    Each group gets its market's event session and benchmark. A group that fails (e.g. its
    market has no session in the data) keeps its rows with the error; a ticker whose market is
    unknown, too. The context is the US group's (else the first served), with every group's
    errors and provenance, and ``extra["markets"]``:
    ``{exchange: "2025-01-31 (first KRX session after 2025-01-27)"}``.
    """
    settings = settings or Settings.from_env()
    requested, us_event = _requested(event)
    plan = plan_markets(names, settings, benchmark, markets)
    parts, base, sessions = [], None, {}
    errors: dict[str, ShockbookError] = dict(plan.errors)
    provenance: dict[str, str] = {}
    for g in plan.groups:
        text = ""
        try:
            text = g.session(requested).text_code() if not g.market.is_us else us_event.session.isoformat()
            result = table(list(g.tickers), g.event(requested, us_event), settings, g.benchmark, **kwargs)
        except ShockbookError as exc:
            frame = pd.DataFrame({"ticker": list(g.tickers), "error": [exc] * len(g.tickers)})
            frame["note"] = error_note("market_error", exc, market=g.market.label)
            errors.update({t: exc for t in g.tickers})
        else:
            frame = result.frame.copy()
            errors.update(result.errors)
            provenance.update(result.provenance)
            if base is None or g.market.is_us:
                base = result
        sessions[g.market.exchange] = text
        frame["exchange"] = g.market.exchange
        frame["event_session"] = text
        frame["benchmark_used"] = g.benchmark
        frame["currency"] = g.market.currency
        parts.append(frame)
    if plan.errors:
        parts.append(pd.DataFrame({"ticker": list(plan.errors), "error": list(plan.errors.values()),
                                   "note": "", "exchange": "", "event_session": "", "benchmark_used": "",
                                   "currency": ""}))
    columns = list(dict.fromkeys(c for p in parts for c in p.columns if c not in MARKET_COLUMNS))
    tail = [c for c in ("source", "as_of", "note", "error") if c in columns]
    head = [c for c in columns if c not in tail]
    out = pd.concat(parts, ignore_index=True).set_index("ticker").reindex(names).reset_index()
    out = out[head + MARKET_COLUMNS + tail]
    for col in ("note", "error", "source", "as_of"):
        if col in out:
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    if "sessions_to_recover" in out:
        out["sessions_to_recover"] = out["sessions_to_recover"].astype("Int64")
    base = base or EventTable(out, event=us_event.session.isoformat(), event_requested=requested.isoformat(),
                              session_note=us_event.note_code, benchmark=benchmark or settings.benchmark,
                              price_field=settings.price_field)
    return replace(base, frame=out, errors=errors, provenance=provenance,
                   extra={**base.extra, "markets": sessions})


# -- the global reaction table --------------------------------------------------------------------

GLOBAL_COLUMNS = [
    "region", "ticker", "exchange", "event_session", "window_from", "window_return", "currency",
    "window_return_usd", "fx", "benchmark", "benchmark_return", "abnormal_return", "t_stat", "beta",
    "source", "as_of", "note", "error",
]


def _close_on_or_before(series: pd.Series, day: dt.date) -> tuple[float, dt.date | None]:
    s = series.dropna()
    s = s[s.index <= pd.Timestamp(day)]
    if s.empty:
        return np.nan, None
    return float(s.iloc[-1]), s.index[-1].date()


def _close_on(series: pd.Series, day: dt.date) -> float:
    value = series.get(pd.Timestamp(day), np.nan)
    return float(value) if pd.notna(value) else np.nan


def window_return(series: pd.Series, session: mk.MarketSession) -> tuple[float, str]:
    """The holiday window: the last close before the event (the session before the first that
    could react, or the ticker's latest close before it) to the close of that first session.
    Returns ``(fraction, note)``; NaN with why when a close is missing."""
    end = _close_on(series, session.session)
    if np.isnan(end):
        return np.nan, note("no_close_event_session", date=session.session)
    start, on = _close_on_or_before(series, session.previous)
    if on is None:
        return np.nan, note("no_close_before", date=session.session)
    why = "" if on == session.previous else note("window_from", date=on, missing=session.previous)
    return end / start - 1.0, why


def usd_return(local: float, fx: pd.Series, start: dt.date, end: dt.date, quote: str) -> tuple[float, str]:
    """``local`` (a fraction in the local currency from the close on ``start`` to the close on
    ``end``) in USD, with the FX closes on those dates (the latest before when FX has none).

    ``quote``: ``local_per_usd`` (KRW=X) or ``usd_per_local`` (EURUSD=X)."""
    f0, d0 = _close_on_or_before(fx, start)
    f1, d1 = _close_on_or_before(fx, end)
    if d0 is None or d1 is None or np.isnan(local):
        return np.nan, "" if np.isnan(local) else note("fx_no_close", fx=fx.name, date=start if d0 is None else end)
    factor = f0 / f1 if quote == "local_per_usd" else f1 / f0
    moved = [note("fx_earlier", fx=fx.name, date=d, want=want) for d, want in ((d0, start), (d1, end)) if d != want]
    return (1.0 + local) * factor - 1.0, "; ".join(moved)


def global_reaction_table(tickers: Iterable, event, settings: Settings | None = None,
                          benchmark: str | None = None, markets: MarketColumns | None = None,
                          shared=None) -> EventTable:
    """Per ticker, grouped by market (Korea, Japan, Hong Kong, Taiwan, Europe, US, in
    ``markets.yaml``'s order): the session the market reacted on, the holiday-window return
    in the local currency and in USD, the local benchmark's return over the same window and the
    market-model abnormal return on the event session against it (t-statistic, beta).

    ``shared``: a :class:`shockbook.tables.events.SharedStudy` the US rows may read their fit
    from (when it covers them, as for :func:`~shockbook.tables.events.abnormal_returns_table`).

    Returns an :class:`EventTable` (its ``event`` is the US session; ``extra["markets"]`` each
    market's). Columns: :data:`GLOBAL_COLUMNS`. ``window_from`` is the date of the last close before the
    event; ``fx`` names the FX series and its two dates. Returns of different currencies are
    never added: each row says its ``currency``.
    """
    from .events import abnormal_returns_table, history_start

    settings = settings or Settings.from_env()
    names = clean_tickers(list(tickers))
    if not names:
        raise InputError("no tickers given")
    requested, us_event = _requested(event)
    plan = plan_markets(names, settings, benchmark, markets)
    service = service_for(settings)
    rows, provenance = [], {}
    for g in sorted(plan.groups, key=lambda g: g.market.order):
        try:
            session = g.session(requested) if not g.market.is_us else mk.MarketSession(
                g.market, requested, us_event.session, mk.calendar(g.market.exchange).previous_session(
                    pd.Timestamp(us_event.session)).date())
        except ShockbookError as exc:
            rows += [dict(region=g.market.region, ticker=t, exchange=g.market.exchange, error=exc,
                          note=error_note("market_error", exc, market=g.market.label)) for t in g.tickers]
            continue
        wanted = list(dict.fromkeys([*g.tickers, g.benchmark] + ([g.market.fx] if g.market.fx else [])))
        prices = service.get(wanted, history_start(us_event), None)
        close = prices.field(settings.price_field)
        bench_ret, bench_note = (window_return(close[g.benchmark], session) if g.benchmark in close
                                 else (np.nan, note("benchmark_no_prices", benchmark=g.benchmark)))
        try:
            car = abnormal_returns_table(list(g.tickers), g.event(requested, us_event), settings, g.benchmark,
                                         shared=shared if g.market.is_us else None)
            provenance.update(car.provenance)
            car = car.frame.set_index("ticker")
        except ShockbookError as exc:
            car, car_note = None, error_note("no_abnormal_return", exc)
        else:
            car_note = ""
        fx = close[g.market.fx].rename(g.market.fx) if g.market.fx in close else None
        for t in g.tickers:
            row = dict(region=g.market.region, ticker=t, exchange=g.market.exchange, event_session=session.text_code(),
                       currency=g.market.currency, benchmark=g.benchmark, benchmark_return=bench_ret)
            notes = []
            if t in prices.errors or t not in close:
                row["error"] = prices.errors.get(t) or NoDataError(f"no {t} prices", ticker=t)
                rows.append(row)
                continue
            local, window_note = window_return(close[t], session)
            start, on = _close_on_or_before(close[t], session.previous)
            row.update(window_from=on, window_return=local)
            notes += [window_note]
            if not g.market.fx:
                row["window_return_usd"] = local
            elif fx is None:
                row["window_return_usd"] = np.nan
                notes.append(error_note("no_usd_return", prices.errors[g.market.fx]) if g.market.fx in prices.errors
                             else note("no_usd_fx", fx=g.market.fx))
            elif on is not None:
                row["window_return_usd"], fx_note = usd_return(local, fx, on, session.session, g.market.fx_quote)
                row["fx"] = f"{g.market.fx} {on} -> {session.session}"
                notes.append(fx_note)
            if car is not None and t in car.index:
                row.update(abnormal_return=car.at[t, "CAR[0,0]"], t_stat=car.at[t, "t[0,0]"], beta=car.at[t, "beta"])
                notes.append(str(car.at[t, "note"] or ""))
            notes += [car_note, bench_note if np.isnan(bench_ret) else ""]
            row["note"] = "; ".join(dict.fromkeys(n for n in notes if n))
            p = prices.provenance.get(t)
            if p is not None:
                row["source"] = source_name(p.source) + (f" ({note('source_stale')})" if p.stale else "")
                row["as_of"] = p.as_of.strftime("%Y-%m-%d %H:%MZ")
            rows.append(row)
    failed = [r["error"] for r in rows if isinstance(r.get("error"), ShockbookError)]
    if rows and len(failed) == len(rows):  # no ticker served: the table has no data, as the others say it
        causes = sorted({e.one_line() for e in failed})
        raise NoDataError(f"no prices around the event {requested}"
                          + (f": {causes[0]}" if len(causes) == 1 else f" ({len(causes)} different errors, e.g. {causes[0]})"))
    for t, exc in plan.errors.items():
        rows.append(dict(region="", ticker=t, error=exc, note=""))
    out = pd.DataFrame(rows).reindex(columns=GLOBAL_COLUMNS)
    for col in ("region", "exchange", "event_session", "currency", "fx", "benchmark", "source", "as_of", "note", "error"):
        out[col] = out[col].astype(object).where(out[col].notna(), "")
    out["window_from"] = [d.isoformat() if isinstance(d, dt.date) else "" for d in out["window_from"]]
    return EventTable(out, errors={r["ticker"]: r["error"] for r in rows if isinstance(r.get("error"), ShockbookError)},
                      provenance=provenance, event=us_event.session.isoformat(), event_requested=requested.isoformat(),
                      session_note=us_event.note_code, benchmark=benchmark or settings.benchmark,
                      price_field=settings.price_field,
                      extra={"markets": {g.market.exchange: g.session(requested).text_code()
                                         for g in plan.groups if _safe(g, requested)}})


def _safe(g: MarketGroup, requested: dt.date) -> bool:
    try:
        g.session(requested)
    except ShockbookError:
        return False
    return True


__all__ = ["GLOBAL_COLUMNS", "MARKET_COLUMNS", "MarketGroup", "MarketPlan", "global_reaction_table",
           "market_calendar", "needs_markets", "universe_market", "per_market", "plan_markets", "usd_return", "window_return"]

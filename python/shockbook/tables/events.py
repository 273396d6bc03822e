"""Event tables: one function per table the workbook shows, over the price service.

Each function fetches through the data seam (:func:`shockbook.data.prices.service_for`),
computes with :mod:`shockbook.analytics` and returns an :class:`~shockbook.tables.result.EventTable`:
the rows (``frame``) and the context an adapter shows beside them (``event``,
``session_note``, ``benchmark``, ``price_field``, ``provenance``, ``errors``). Returns are
fractions.

A ticker that cannot be served or computed keeps its row, with the reason in ``error`` (data:
the :class:`~shockbook.errors.ShockbookError` itself, ``""`` when none; each adapter renders it)
or ``note`` (analysis); the rest of the table is filled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .. import analytics as an
from ..analytics.constants import DEFAULT_CAR_WINDOWS
from ..config import Settings
from ..notes import error_note, note
from ..data import sessions as cal
from ..data.sessions import SessionDate
from ..data.prices import clean_tickers, service_for
from ..data.types import PriceTable
from ..errors import DateRangeError, InputError, NoDataError, ShockbookError
from .markets import MARKET_COLUMNS, market_calendar, needs_markets, per_market, source_name, universe_market
from .result import EventTable

#: Calendar days of history fetched before the event: the estimation window [-250, -11]
#: needs about a year of sessions, and YTD needs the previous year-end.
HISTORY_DAYS = 400

#: Smallest event-day drop for which "share of the drop recovered" is shown (a fraction): below
#: it the ratio divides by noise (a -0.3% day "recovers" -3,500%). The returns after +1, +5
#: and +20 sessions are shown for every move.
MIN_DROP_FOR_SHARE = 0.01

EVENT_COLUMNS = [
    "ticker", "event_return", "ytd_before", "ytd_incl", "since_pre_event", "return_1", "return_5", "return_20",
    "since_event", "since_asof", "sessions_to_recover", "recovered_on", "recovered_1", "recovered_5", "recovered_20",
    "recovered_asof", "beta", "source", "as_of", "note", "error",
]


def resolve_event(value, today: dt.date | None = None) -> SessionDate:
    """Map an event date to an NYSE session (next session when closed); reject the future."""
    mapped = cal.resolve_session(value, "next")
    today = today or dt.datetime.now(dt.timezone.utc).date()
    if mapped.session > today:
        raise DateRangeError(
            f"event date {mapped.requested} is in the future (today is {today})",
            date=mapped.requested,
        )
    return mapped


@dataclass
class EventData:
    """Prices around an event, aligned on one session index."""

    event: SessionDate
    table: PriceTable
    prices: pd.DataFrame  # sessions x tickers, the chosen price field
    benchmark: str
    price_field: str

    def check_event_in_data(self) -> None:
        idx = self.prices.index
        if len(idx) == 0:
            causes = {e.one_line() for e in self.table.errors.values()}
            why = f": {sorted(causes)[0]}" if len(causes) == 1 else (f" ({len(causes)} different errors, e.g. {sorted(causes)[0]})" if causes else "")
            raise NoDataError(f"no prices around the event {self.event.session}{why}")
        if self.event.timestamp < idx[0]:
            raise DateRangeError(
                f"event {self.event.session} is before the data starts ({idx[0].date()})",
                date=self.event.session, valid=(idx[0].date(), idx[-1].date()),
            )
        if self.event.timestamp > idx[-1]:
            raise DateRangeError(
                f"event {self.event.session} is after the data ends ({idx[-1].date()})",
                date=self.event.session, valid=(idx[0].date(), idx[-1].date()),
            )
        if self.event.timestamp not in idx:
            raise NoDataError(f"no prices on the event session {self.event.session}")


def history_start(event: SessionDate) -> dt.date:
    """The first day :func:`load_event_data` fetches by default: a year before the event (and
    no later than the previous December, so YTD has the previous year-end)."""
    return min(event.session - dt.timedelta(days=HISTORY_DAYS), dt.date(event.session.year - 1, 12, 1))


def preload_event_prices(tickers: Iterable, event, settings: Settings | None = None,
                         benchmark: str | None = None) -> PriceTable:
    """One fetch of ``tickers`` + benchmark from :func:`history_start` to today, for several
    tables over the same event to share: pin it on the price service
    (``service_for(settings).pinned(table, history_start(event))``) and every table of the
    event reads its prices from it.

    Entries that cannot be tickers are errors in the result, as the price service reports them.
    """
    settings = settings or Settings.from_env()
    ev = event if isinstance(event, SessionDate) else resolve_event(event)
    bench = clean_tickers([benchmark or settings.benchmark])[0]
    names = list(dict.fromkeys([*tickers, bench]))
    return service_for(settings).get(names, history_start(ev), None)


def load_event_data(tickers: Iterable, event, settings: Settings | None = None,
                    benchmark: str | None = None, start=None) -> EventData:
    """Fetch ``tickers`` + benchmark from a year before the event (or ``start``) to today.

    Inside a pin of :func:`preload_event_prices`'s table (see
    :meth:`shockbook.data.prices.PriceService.pinned`) the prices come from it.
    """
    settings = settings or Settings.from_env()
    ev = event if isinstance(event, SessionDate) else resolve_event(event)
    bench = clean_tickers([benchmark or settings.benchmark])[0]
    names = clean_tickers(list(tickers))
    wanted = list(dict.fromkeys(names + [bench]))
    table = service_for(settings).get(wanted, start or history_start(ev), None)
    prices = table.field(settings.price_field)
    if len(prices.index):
        prices = prices.reindex(pd.DatetimeIndex(prices.index, name="date"))
    prices = cut_at_as_of(prices, ev, settings.as_of)
    data = EventData(ev, table, prices, bench, settings.price_field)
    data.check_event_in_data()
    return data


def as_of_session(as_of, event: SessionDate) -> SessionDate | None:
    """The session an as-of date maps to (the session before, when it is not one); ``None`` for
    none (the latest close).

    Raises
    ------
    DateRangeError
        The as-of session is before the event session.
    """
    if as_of is None:
        return None
    mapped = cal.resolve_session(as_of, "previous")
    if mapped.session < event.session:
        raise DateRangeError(f"as-of date {mapped.requested} is before the event {event.session}; "
                             "give an as-of date on or after the event", date=mapped.requested,
                             valid=(event.session, None))
    return mapped


def cut_at_as_of(prices: pd.DataFrame, event: SessionDate, as_of) -> pd.DataFrame:
    """``prices`` up to the as-of session (all of them when ``as_of`` is ``None``): every
    "since the event" figure, recovery, path and CAR computed from them ends there."""
    mapped = as_of_session(as_of, event)
    if mapped is None or not len(prices.index):
        return prices
    return prices.loc[: pd.Timestamp(mapped.session)]


def _window(settings: Settings | None, given=None) -> tuple[int, int]:
    """The estimation window a table fits over: ``given``, else the settings' (one per workbook)."""
    if given is not None:
        return tuple(int(x) for x in given)
    return (settings or Settings.from_env()).estimation_window


def _require_benchmark(data: EventData) -> None:
    """The market model needs the benchmark's prices: say why they are missing."""
    if data.benchmark in data.prices.columns:
        return
    why = data.table.errors.get(data.benchmark)
    raise NoDataError(
        f"benchmark {data.benchmark} has no prices"
        + (f" ({why.one_line()})" if why else "")
        + "; pass a benchmark with data, e.g. ^GSPC",
        ticker=data.benchmark,
    )


def _result(frame: pd.DataFrame, data: EventData, tickers: Iterable[str] | None = None,
            **extra) -> EventTable:
    """``frame`` with the event's context; ``errors``: those of ``tickers`` (default all)."""
    wanted = None if tickers is None else set(tickers)
    return EventTable(
        frame,
        errors={t: e for t, e in data.table.errors.items() if wanted is None or t in wanted},
        provenance=dict(data.table.provenance),
        event=data.event.session.isoformat(),
        event_requested=data.event.requested.isoformat(),
        session_note=data.event.note_code,
        benchmark=data.benchmark,
        price_field=data.price_field,
        extra=extra,
    )


def _source_text(p) -> str:
    """``yahoo``, ``cache (stale)``, ``yahoo (intraday)``, ``yahoo (stale, missing)`` (a session
    Yahoo has not filled yet, asked again on refresh)...; the marks are coded notes
    (:mod:`shockbook.notes`), said by the adapter in its language."""
    marks = [note(f"source_{m}") for m, on in (("stale", p.stale), ("intraday", p.detail.startswith("intraday")),
                                               ("missing", p.stale and "missing " in p.detail)) if on]
    return source_name(p.source) + (f" ({', '.join(marks)})" if marks else "")


def _provenance_columns(frame: pd.DataFrame, table: PriceTable) -> None:
    prov = table.provenance
    frame["source"] = [_source_text(prov[t]) if t in prov else "" for t in frame["ticker"]]
    frame["as_of"] = [prov[t].as_of.strftime("%Y-%m-%d %H:%MZ") if t in prov else "" for t in frame["ticker"]]


def event_returns_table(tickers: Iterable, event, settings: Settings | None = None,
                        benchmark: str | None = None, estimation_window=None, markets=None) -> EventTable:
    """Per ticker: event-day return, YTD before and including the event, return since the
    event to the latest session (or the settings' ``as_of``), recovery, beta (over
    ``estimation_window``, default the settings'); with provenance. Rows in the order asked.

    A watchlist that spans markets is computed market by market, each on its own sessions,
    event session and benchmark (:func:`shockbook.tables.markets.per_market`, which adds the
    columns ``exchange, event_session, benchmark_used, currency``); ``markets`` holds the
    watchlist's ``exchange``/``benchmark`` columns."""
    names = clean_tickers(list(tickers))
    if not names:
        raise InputError("no tickers given")
    if needs_markets(names, event, markets):
        return per_market(event_returns_table, names, event, settings, benchmark, markets,
                          estimation_window=estimation_window)
    data = load_event_data(names, event, settings, benchmark)
    served = [t for t in names if t in data.prices.columns]
    frame = data.prices[served]
    ev = data.event.timestamp
    rows = pd.DataFrame({"ticker": names})
    table_notes: list[str] = []  # in every row's note, and the table's (an adapter's heading)
    if served:
        out = pd.DataFrame(index=pd.Index(served, name="ticker"))
        out["event_return"] = an.event_day_returns(frame, ev)
        try:
            out["ytd_before"] = an.ytd_returns(frame, ev)
            out["ytd_incl"] = an.ytd_returns(frame, ev, include_event=True)
        except ShockbookError as exc:  # e.g. the data starts after the previous year-end
            out["ytd_before"] = out["ytd_incl"] = np.nan
            table_notes.append(_ytd_note(exc))
        out["since_event"] = an.since_event_returns(frame, ev)
        out["since_pre_event"] = _since_pre_event(frame, ev)
        out = out.join(an.returns_after(frame, ev))
        out["since_asof"] = an.last_valid_dates(frame)
        rec = an.recovery(frame, ev)
        for col in ("sessions_to_recover", "recovered_on", "recovered_1", "recovered_5", "recovered_20"):
            out[col] = rec[col]
        notes = rec["note"].fillna("")
        try:
            _require_benchmark(data)
            model = an.market_model(data.prices, data.benchmark, ev, estimation_window=_window(settings, estimation_window),
                                    tickers=[t for t in served if t != data.benchmark])
            out["beta"] = model.params["beta"].reindex(out.index)
            if data.benchmark in out.index:  # the benchmark asked for as a ticker: say why no beta
                notes = notes.where(notes.index != data.benchmark, notes + f"; {BENCHMARK_ROW_NOTE}")
        except ShockbookError as exc:
            out["beta"] = np.nan
            notes = notes + f"; {error_note('no_beta', exc)}"
        for extra in table_notes:
            notes = notes + f"; {extra}"
        out["note"] = notes.str.strip("; ")
        rows = rows.merge(out.reset_index(), on="ticker", how="left")
    for col in EVENT_COLUMNS:
        if col not in rows:
            rows[col] = np.nan if col not in ("note", "error", "source", "as_of") else ""
    rows["error"] = pd.Series([data.table.errors.get(t, "") for t in rows["ticker"]], index=rows.index, dtype=object)
    rows["note"] = rows["note"].fillna("")
    rows["sessions_to_recover"] = rows["sessions_to_recover"].astype("Int64")
    # the share of a drop recovered is noise when the drop itself is tiny (-0.3% -> -3,500%)
    fell = rows["event_return"] < 0
    rows["recovered_asof"] = np.where(fell, rows["since_event"] * (1 + rows["event_return"]) / -rows["event_return"],
                                      np.nan)
    tiny = fell & (rows["event_return"] > -MIN_DROP_FOR_SHARE)
    if tiny.any():
        rows.loc[tiny, ["recovered_1", "recovered_5", "recovered_20", "recovered_asof"]] = np.nan
        why = note("small_drop", limit=f"{MIN_DROP_FOR_SHARE:.0%}")
        rows.loc[tiny, "note"] = [f"{n}; {why}" if n else why for n in rows.loc[tiny, "note"]]
    _provenance_columns(rows, data.table)
    return replace(_result(rows[EVENT_COLUMNS], data, names), notes=tuple(table_notes))


def _since_pre_event(frame: pd.DataFrame, event: pd.Timestamp) -> pd.Series:
    """From the close before the event to the latest close (the as-of): the report's figure-5
    basis ("1/24 close -> 1/30 close"); NaN when the event is the data's first session."""
    try:
        return an.since_event_returns(frame, event, base="pre_event")
    except DateRangeError:
        return pd.Series(np.nan, index=frame.columns)


def shared_event_returns(groups: Sequence[Sequence[str]], event, settings: Settings | None = None,
                         benchmark: str | None = None) -> dict[tuple[str, ...], EventTable]:
    """:func:`event_returns_table` of several ticker lists from one computation over their union.

    Every column of that table is computed per ticker, on the sessions the prices cover; a
    list's rows are cut from the union's when its prices (cut from the table pinned on the
    price service, as :func:`load_event_data` gets them) cover the very sessions the union's do,
    so they are
    the rows that list alone would get. Returns ``{tuple(list): table}`` for the lists served
    that way (with their own provenance and errors); the others, and every list when the
    union cannot be computed, are left for the caller to compute alone.
    """
    wanted = [tuple(g) for g in groups]
    try:
        settings = settings or Settings.from_env()
        ev = event if isinstance(event, SessionDate) else resolve_event(event)
        preloaded = service_for(settings).pinned_table(history_start(ev))
        if preloaded is None:  # no prices pinned: nothing to share
            return {}
        bench = clean_tickers([benchmark or settings.benchmark])[0]
        cleaned = {g: clean_tickers(list(g)) for g in wanted}
        union = list(dict.fromkeys(t for names in cleaned.values() for t in names))
        if not union:
            return {}
        sessions = _served_sessions(preloaded, list(dict.fromkeys(union + [bench])))
        if sessions is None:  # the union is not served from preloaded: nothing to share
            return {}
        whole = event_returns_table(union, ev, settings, benchmark)
    except ShockbookError:
        return {}
    at = {t: i for i, t in enumerate(whole.frame["ticker"])}
    out = {}
    for group, names in cleaned.items():
        wanted = list(dict.fromkeys(names + [bench]))
        if not names or _served_sessions(preloaded, wanted) != sessions:
            continue
        rows = whole.frame.iloc[[at[t] for t in names]].reset_index(drop=True)
        out[group] = replace(
            whole, frame=rows, errors={t: e for t, e in whole.errors.items() if t in names},
            provenance={t: preloaded.provenance[t] for t in wanted if t in preloaded.provenance})
    return out


def _served_sessions(table: PriceTable, names: list[str]) -> int | None:
    """How many sessions :func:`shockbook.data.prices.subset` keeps for ``names``; ``None`` when
    it serves nothing."""
    served = [t for t in names if t in table.close.columns]
    if not served or any(t not in table.close.columns and t not in table.errors for t in names):
        return None
    return int(table.close[served].notna().to_numpy().any(axis=1).sum())


@dataclass(frozen=True, eq=False)
class Breadth(EventTable):
    """Breadth and ranking on an event session for a universe: an :class:`EventTable` whose
    ``frame`` is the one-row summary (session, up, down, unchanged, missing, total, index,
    index_return), with the ``worst`` and ``best`` rankings and every member's ``returns``;
    ``errors``: ticker -> why it has no return."""

    worst: pd.DataFrame = field(default_factory=pd.DataFrame)
    best: pd.DataFrame = field(default_factory=pd.DataFrame)
    returns: pd.Series = field(default_factory=lambda: pd.Series(dtype=float), repr=False)

    @property
    def summary(self) -> pd.DataFrame:
        return self.frame


def breadth_table(members: pd.DataFrame, event, settings: Settings | None = None,
                  n: int = 10, benchmark: str | None = None) -> Breadth:
    """Advancers/decliners on the event session over ``members`` (columns ``ticker``, ``name``,
    ``gics_sector``), the worst and best ``n`` with names and sectors, and the index return."""
    if members is None or len(members) == 0:
        raise InputError("the universe is empty")
    tickers = clean_tickers(members["ticker"])
    settings = settings or Settings.from_env()
    ev = event if isinstance(event, SessionDate) else resolve_event(event)
    ev, benchmark = universe_market(tickers, members, ev, settings, benchmark)  # a KRX universe: KRX sessions
    start = (cal.previous_session(cal.previous_session(ev.session)) if ev.market == "NYSE"
             else ev.session - dt.timedelta(days=14))  # another market: two weeks hold its previous session
    data = load_event_data(tickers, ev, settings, benchmark, start=start)
    served = [t for t in tickers if t in data.prices.columns]
    returns = an.event_day_returns(data.prices[served], ev.timestamp).reindex(tickers)
    counts = an.breadth(returns)
    if len(tickers) == len(members):  # no entry dropped: the symbols line up with the rows
        names = members.set_index(pd.Index(tickers, name=members["ticker"].name))
    else:
        names = members.set_index(members["ticker"].map(lambda t: clean_tickers([t])[0]))
    index_ret = an.event_day_returns(data.prices[[data.benchmark]], ev.timestamp).iloc[0] if data.benchmark in data.prices else np.nan
    summary = pd.DataFrame([{
        "session": ev.session, "up": int(counts["up"]), "down": int(counts["down"]),
        "unchanged": int(counts["unchanged"]), "missing": int(counts["missing"]),
        "total": int(counts["total"]), "index": data.benchmark, "index_return": index_ret,
    }])
    kwargs = dict(names=names.get("name"), sectors=names.get("gics_sector"))
    worst = an.rank_returns(returns.dropna(), n=n, worst=True, **kwargs)
    best = an.rank_returns(returns.dropna(), n=n, worst=False, **kwargs)
    context = _result(summary, data, tickers, universe_size=len(tickers))
    return Breadth(**{f.name: getattr(context, f.name) for f in fields(EventTable)},
                   worst=worst, best=best, returns=returns)


def rebased_paths_table(tickers: Iterable, event, settings: Settings | None = None,
                        base_date=None, level: float = 100.0, start=None, end=None) -> EventTable:
    """Prices / price on the base date x 100, from the base date (or ``start``) to the latest
    session (or ``end``; the settings' ``as_of`` cuts it too).

    The base defaults to the last session of the year before the event (the report's
    "연초 주가"); when the data holds no session of that year, to the first session in the data,
    and ``notes`` says so (the paths still fill). ``start``/``end`` (dates; non-sessions map to
    the session after/before) choose the rows shown, e.g. a chart window around the event.
    Columns: ``date`` then one per ticker; ``errors`` holds, per ticker without prices, its
    :class:`ShockbookError` (the adapter renders it); ``extra["base_date"]`` the base session.

    Raises
    ------
    NoDataError
        None of the tickers has prices.
    DateRangeError
        ``end`` is before ``start``.
    """
    names = clean_tickers(list(tickers))
    data = load_event_data(names, event, settings)
    served = [t for t in names if t in data.prices.columns]
    if not served:
        raise NoDataError(f"no prices for {', '.join(names)}", tickers=names)
    notes: list[str] = []
    base = pd.Timestamp(cal.resolve_session(base_date, "previous").session) if base_date else None
    if base is None:
        try:
            base = an.previous_year_end(data.prices.index, data.event.timestamp)
        except DateRangeError as exc:
            base = data.prices.index[0]
            notes.append(_year_end_note(exc, "paths_first_close", base=base.date())
                         or error_note("paths_rebased", exc, base=base.date()))
    paths = an.rebased_paths(data.prices[served], base_date=base, level=level)
    first = max(base, pd.Timestamp(cal.resolve_session(start, "next").session)) if start else base
    last = pd.Timestamp(cal.resolve_session(end, "previous").session) if end else None
    if last is not None and last < first:
        raise DateRangeError(f"the chart window ends ({last.date()}) before it starts ({first.date()})",
                             start=first, end=last)
    paths = paths.loc[first:last] if last is not None else paths.loc[first:]
    out = paths.reset_index()
    out.columns = ["date"] + list(paths.columns)
    return replace(_result(out, data, base_date=str(pd.Timestamp(base).date())), notes=tuple(notes))


@dataclass(frozen=True, eq=False)
class SharedStudy:
    """One market-model event study over the tickers of several tables (see
    :func:`share_event_study`); each ticker's fit, abnormal returns and CARs are its own, so a
    table may read its tickers' rows when its prices cover the very same sessions."""

    study: an.EventStudy
    event: pd.Timestamp
    benchmark: str
    sessions: pd.DatetimeIndex
    estimation_window: tuple[int, int]
    car_windows: tuple[tuple[int, int], ...]

    def serves(self, data: EventData, tickers: list[str], estimation_window, car_windows) -> bool:
        """Whether the study is what ``tickers`` over ``data`` with these windows would get."""
        return (data.event.timestamp == self.event and data.benchmark == self.benchmark
                and tuple(estimation_window) == self.estimation_window
                and tuple(tuple(w) for w in car_windows) == self.car_windows
                and data.prices.index.equals(self.sessions)
                and all(t in self.study.car.index for t in tickers))


def share_event_study(tickers: Iterable, event, settings: Settings | None = None,
                      benchmark: str | None = None, *,
                      estimation_window: tuple[int, int] | None = None,
                      car_windows: Sequence[tuple[int, int]] = DEFAULT_CAR_WINDOWS) -> SharedStudy | None:
    """One event study of ``tickers`` (the union of several tables') for their ``shared``
    argument; ``None`` when it cannot be made (each table then makes its own and reports)."""
    estimation_window = _window(settings, estimation_window)
    try:
        names = clean_tickers(list(tickers))
        data = load_event_data(names, event, settings, benchmark)
        served = [t for t in names if t in data.prices.columns and t != data.benchmark]
        _require_benchmark(data)
        study = an.event_study(data.prices, data.benchmark, data.event.timestamp,
                               estimation_window=estimation_window, car_windows=car_windows, tickers=served)
    except ShockbookError:
        return None
    return SharedStudy(study, data.event.timestamp, data.benchmark, data.prices.index,
                       tuple(estimation_window), tuple(tuple(w) for w in car_windows))


def abnormal_returns_table(tickers: Iterable, event, settings: Settings | None = None,
                           benchmark: str | None = None,
                           estimation_window: tuple[int, int] | None = None,
                           car_windows: Sequence[tuple[int, int]] = DEFAULT_CAR_WINDOWS, *,
                           shared: SharedStudy | None = None, markets=None) -> EventTable:
    """Market-model alpha, beta, CARs and t-statistics per ticker (MacKinlay 1997), over
    ``estimation_window`` (default the settings').

    ``shared``: a study from :func:`share_event_study`, used when it covers these tickers
    (see :meth:`SharedStudy.serves`), else a study of these tickers is made here. A watchlist
    that spans markets is fitted market by market, against each market's benchmark over its
    own sessions (see :func:`event_returns_table`).
    """
    estimation_window = _window(settings, estimation_window)
    names = clean_tickers(list(tickers))
    if needs_markets(names, event, markets):
        return per_market(abnormal_returns_table, names, event, settings, benchmark, markets,
                          estimation_window=estimation_window, car_windows=car_windows, shared=shared)
    data = load_event_data(names, event, settings, benchmark)
    served = [t for t in names if t in data.prices.columns and t != data.benchmark]
    _require_benchmark(data)
    if shared is not None and shared.serves(data, served, estimation_window, car_windows):
        study = shared.study
    else:
        study = an.event_study(data.prices, data.benchmark, data.event.timestamp,
                               estimation_window=estimation_window, car_windows=car_windows, tickers=served)
    table = study.table().reindex(names)
    table.index.name = "ticker"
    out = table.reset_index()
    out["error"] = pd.Series([data.table.errors.get(t, "") for t in names], index=out.index, dtype=object)
    out["note"] = out["note"].astype(object).where(out["note"].notna(), "")
    return _result(out, data, names, estimation_window=list(estimation_window), study=study)


def group_test_table(groups: dict[str, Iterable[str]], event, settings: Settings | None = None,
                     benchmark: str | None = None, *,
                     shared: SharedStudy | None = None) -> EventTable:
    """BMP and Kolari-Pynnönen tests of mean CAR = 0 per group and window, over the settings'
    estimation window.

    ``shared``: as for :func:`abnormal_returns_table`.
    """
    window = _window(settings)
    members = {g: clean_tickers(list(m)) for g, m in groups.items()}
    everyone = list(dict.fromkeys(t for m in members.values() for t in m))
    data = load_event_data(everyone, event, settings, benchmark)
    served = [t for t in everyone if t in data.prices.columns and t != data.benchmark]
    _require_benchmark(data)
    if shared is not None and shared.serves(data, served, window, DEFAULT_CAR_WINDOWS):
        study = shared.study
    else:
        study = an.event_study(data.prices, data.benchmark, data.event.timestamp, estimation_window=window,
                               tickers=served)
    parts = []
    for group, names in members.items():
        test = study.group_test([t for t in names if t in served]).reset_index()
        test.insert(0, "group", group)
        parts.append(test)
    return _result(pd.concat(parts, ignore_index=True), data, everyone)


def basket_table(event, settings: Settings | None = None, baskets=None, lang: str | None = None) -> EventTable:
    """Equal-weighted basket returns (event day, YTD before, since the event), theme averages
    and the infrastructure - usage spread: the report's thesis in one line."""
    from ..content.baskets import all_members, load_baskets

    settings = settings or Settings.from_env()
    lang = lang or settings.lang
    baskets = baskets or load_baskets()
    data = load_event_data(all_members(baskets), event, settings)
    ev = data.event.timestamp
    frame = data.prices
    notes: list[str] = []
    try:
        ytd = an.ytd_returns(frame, ev)
    except DateRangeError as exc:  # no previous year-end in the data: only the YTD cells stay empty
        ytd = pd.Series(np.nan, index=frame.columns, name="return")
        notes.append(_ytd_note(exc))
    measures = {
        "event_return": an.event_day_returns(frame, ev),
        "ytd_before": ytd,
        "since_event": an.since_event_returns(frame, ev),
    }
    membership = {b.key: list(b.members) for b in baskets}
    # one call per measure for all baskets (each basket is averaged on its own); "used" and
    # "missing" are those of the last measure, the return since the event
    per_basket = {name: an.basket_returns(values, membership) for name, values in measures.items()}
    per_basket = {name: res.to_dict("index") for name, res in per_basket.items()}  # plain lookups
    rows = []
    for b in baskets:
        row = {"basket": b.key, "theme": b.theme, "label": b.label(lang), "members": ", ".join(b.members)}
        for name, res in per_basket.items():
            row[name] = res[b.key]["return"]
            row["used"] = int(res[b.key]["used"])
            row["missing"] = res[b.key]["missing"]
        row["source"] = b.text_in("source", lang)
        rows.append(row)
    out = pd.DataFrame(rows)
    theme_members = {theme: all_members([b for b in baskets if b.theme == theme])
                     for theme in ("infrastructure", "usage")}
    per_theme = {name: an.basket_returns(values, theme_members) for name, values in measures.items()}
    themes = []
    for theme, members in theme_members.items():
        row = {"basket": f"theme:{theme}", "theme": theme, "label": theme, "members": ", ".join(members)}
        for name, res in per_theme.items():
            row[name] = res.loc[theme, "return"]
            row["used"] = int(res.loc[theme, "used"])
            row["missing"] = res.loc[theme, "missing"]
        themes.append(row)
    spread = {"basket": "spread", "theme": "infrastructure - usage", "label": "spread", "members": ""}
    for name in measures:
        spread[name] = an.basket_spread(themes[0][name], themes[1][name])
    out = pd.concat([out, pd.DataFrame(themes + [spread])], ignore_index=True)
    out["missing"] = out["missing"].map(lambda m: ", ".join(m) if isinstance(m, (list, tuple)) else (m or ""))
    out["source"] = out["source"].fillna("") if "source" in out else ""
    return replace(_result(out, data), notes=tuple(notes))


def period_return(ticker: str, start, end=None, settings: Settings | None = None) -> tuple[float, str]:
    """Return of one ticker from the close on ``start`` to the close on ``end`` (default: the
    latest session). Non-sessions map to the session before (the last close known then).
    Returns ``(return, note)``."""
    settings = settings or Settings.from_env()
    resolve, between, market = market_calendar(ticker)  # the ticker's own market's sessions
    s = resolve(start, "previous")
    e = resolve(end, "previous") if end is not None else None
    if e is not None and e.requested < s.requested:
        raise DateRangeError(f"end {e.requested} is before start {s.requested}; swap them")
    if e is not None and e.requested > s.requested and len(between(s.requested, e.requested)) == 0:
        raise DateRangeError(
            f"{s.requested} .. {e.requested} holds no {market} session (weekend or holiday)",
            start=s.requested, end=e.requested,
        )
    series = service_for(settings).series(ticker, s.session, e.session if e else None)
    if series.empty:
        raise NoDataError(f"no {ticker} prices from {s.session}", ticker=ticker)
    if pd.Timestamp(s.session) not in series.index:
        raise NoDataError(f"no {ticker} close on {s.session}", ticker=ticker, date=s.session)
    notes = "; ".join(x for x in (s.note, e.note if e else "") if x)
    value = float(series.iloc[-1] / series.loc[pd.Timestamp(s.session)] - 1.0)
    return value, notes


def _year_end_note(exc: ShockbookError, code: str, **params) -> str:
    """The note ``code`` for "no session before 1 January of the event's year in the data"
    (:func:`shockbook.analytics.sessions.previous_year_end`), with its dates as parameters;
    ``""`` for any other error."""
    when = exc.context.get("date")
    if not isinstance(exc, DateRangeError) or exc.context.get("argument") != "event" or when is None:
        return ""
    when = pd.Timestamp(when)
    return note(code, year_start=f"{when.year}-01-01", event=when.date(), **params)


def _ytd_note(exc: ShockbookError) -> str:
    """Why the YTD columns are empty: a coded note (the error's kind and message as raised
    when it is not the usual missing year-end)."""
    return _year_end_note(exc, "ytd_no_year_end") or error_note("ytd_not_computed", exc)


def event_rows(tickers: list[str], event, settings: Settings) -> EventTable:
    """The event table joined with the market-model CARs: one row per ticker, in order (the
    CLI's ``event`` table). When no CARs can be computed, the event table alone, with why in
    every row's note."""
    result = event_returns_table(tickers, event, settings)
    base = result.frame
    try:
        car = abnormal_returns_table(tickers, event, settings).frame
    except ShockbookError as exc:
        base = base.assign(note=[_join_notes(n, error_note("no_cars", exc)) for n in base["note"]])
        return result.with_frame(base)
    if base["beta"].notna().any():
        car = car.drop(columns=["beta"])
    else:
        base = base.drop(columns=["beta"])
    model_notes = dict(zip(car["ticker"], car["note"].fillna("")))
    car = car[[c for c in car.columns if c not in ("note", "error", *MARKET_COLUMNS)]]
    out = base.merge(car, on="ticker", how="left")
    out["note"] = [
        _join_notes(*dict.fromkeys(x for x in (n, model_notes.get(t, "")) if x))
        for t, n in zip(out["ticker"], out["note"])
    ]
    tail = [c for c in (*MARKET_COLUMNS, "source", "as_of", "note", "error") if c in out.columns]
    head = [c for c in EVENT_COLUMNS if c in out.columns and c not in tail]
    out = out[head + [c for c in out.columns if c not in head and c not in tail] + tail]
    return result.with_frame(out)


#: The note on the benchmark's own row: a market model of the index on itself means nothing.
BENCHMARK_ROW_NOTE = note("benchmark_row")


def _join_notes(*parts: str) -> str:
    return "; ".join(p for p in parts if p)

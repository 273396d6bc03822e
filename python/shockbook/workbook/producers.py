"""Block producers: ``producer(ctx) -> TableResult`` (or a bare DataFrame), one per block of the layout.

Each producer calls the tables layer (:mod:`shockbook.tables`) and shapes its answer for the
sheet: translated texts, the columns the layout names, published values as a fallback. Nothing
here knows about openpyxl or xlwings: the engine (:mod:`shockbook.workbook.engine`) runs them
and a writer (openpyxl, xlwings) writes what they return.

``Context`` carries what every producer needs (settings, event, watchlist, universe, lang) and
memoises the tables layer so that e.g. the breadth summary, the worst-10 list and the key
numbers share one breadth computation.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from ..analytics.constants import DEFAULT_ESTIMATION_WINDOW
from ..config import Settings
from ..content.report import report_facts
from ..data.prices import service_for, split_tickers
from ..data.sessions import SessionDate
from ..data.symbols import yahoo_symbol
from ..errors import ContentError, NoDataError, ShockbookError
from ..tables import content as ct
from ..tables import events as ev
from ..tables.result import EventTable, TableResult
from ..notes import note as coded
from .i18n import error_cell, has_label, label, published_values, table_name

#: The report's facts (content/data/report.yaml): its event, the only one its published figures
#: describe; the watchlist when none is given; the indices; the pairs of figures 6-11.
REPORT = report_facts()
REPORT_EVENT = REPORT.event
DEFAULT_WATCHLIST = REPORT.watchlist
INDEX_TICKERS = tuple(REPORT.indices)
INDEX_NAMES = REPORT.indices
PATH_PAIRS = REPORT.path_pairs
PATH_TICKERS = REPORT.path_tickers
BREADTH_N = 10
PUBLISHED_SOURCE = "published"


@dataclass
class SourceRecord:
    """One line of the Sources sheet: where a block's numbers came from."""

    block: str
    sheet: str
    source: str
    as_of: str
    event: str
    note: str


@dataclass
class Context:
    """Everything a producer may use. Build it with :func:`make_context`."""

    settings: Settings
    event_text: str
    watchlist: list[str]
    universe: pd.DataFrame | None
    lang: str
    estimation_window: tuple[int, int] = DEFAULT_ESTIMATION_WINDOW
    calendar_month: str = REPORT.calendar_month
    universe_label: str = ""
    path_pairs: tuple = tuple(tuple(p) for p in PATH_PAIRS)  # the Price paths sheet's pairs
    chart_start: Any = None  # the Price paths window (dates), or chart_sessions around the event
    chart_end: Any = None
    chart_sessions: int | None = None
    markets: dict = field(default_factory=dict)  # watchlist overrides: {ticker: {"exchange", "benchmark"}}
    memo: dict = field(default_factory=dict)
    records: list[SourceRecord] = field(default_factory=list)
    published: list[str] = field(default_factory=list)  # blocks that fell back to the report

    def t(self, key: str) -> str:
        return label(key, self.lang)

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key; an error is remembered and raised again."""
        if key not in self.memo:
            try:
                self.memo[key] = (True, compute())
            except ShockbookError as exc:
                self.memo[key] = (False, exc)
        ok, value = self.memo[key]
        if not ok:
            raise value
        return value

    @property
    def event(self) -> SessionDate:
        return self.cached("event", lambda: ev.resolve_event(self.event_text))

    @property
    def is_report_event(self) -> bool:
        try:
            return self.event.session == REPORT_EVENT
        except ShockbookError:
            return False

    def names(self) -> dict[str, str]:
        out = {**REPORT.names, **INDEX_NAMES}
        if self.universe is not None and "name" in self.universe:
            out.update(zip(self.universe["ticker"], self.universe["name"]))
        return out


def make_context(settings: Settings, *, event=REPORT_EVENT.isoformat(), watchlist=None, universe=None,
                 lang: str | None = None, estimation_window=None, calendar_month=REPORT.calendar_month,
                 universe_label="", path_pairs=None, chart_start=None, chart_end=None,
                 chart_sessions=None, markets=None) -> Context:
    tickers = [yahoo_symbol(t, strict=False) for t in (watchlist or DEFAULT_WATCHLIST) if str(t).strip()]
    # one event study per workbook: the window lives in the settings every table reads
    window = tuple(int(x) for x in (estimation_window or settings.estimation_window))
    settings = settings.replace(estimation_start=window[0], estimation_end=window[1])
    return Context(settings=settings, event_text=str(event), watchlist=list(dict.fromkeys(tickers)),
                   universe=universe, lang=lang or settings.lang,
                   estimation_window=window,
                   calendar_month=calendar_month, universe_label=universe_label,
                   path_pairs=tuple(tuple(p) for p in (path_pairs or PATH_PAIRS)),
                   chart_start=chart_start, chart_end=chart_end, chart_sessions=chart_sessions or None,
                   markets={yahoo_symbol(t, strict=False): dict(v) for t, v in (markets or {}).items()})


# --- shared computations -----------------------------------------------------------------------


def _basket_content(ctx: Context) -> list:
    """The curated baskets, read once per build."""
    from ..content.baskets import load_baskets

    return ctx.cached("basket_content", load_baskets)


def _event_tickers(ctx: Context) -> list[str]:
    """Every ticker the event tables of a build read (all but the breadth universe)."""
    from ..content.baskets import all_members

    published = [s["recompute"].partition(":")[2] for s in published_values()
                 if s["recompute"].startswith(("event_return:", "ytd_before:"))]
    _, good, _ = split_in_order(ctx.watchlist)
    wanted = [*good, *INDEX_TICKERS, ctx.settings.benchmark, "NVDA", *(t for p in ctx.path_pairs for t in p), *published,
              *all_members(_basket_content(ctx))]
    return list(dict.fromkeys(split_tickers(wanted)[0]))


@contextlib.contextmanager
def shared_prices(ctx: Context):
    """Fetch the prices of every event table (:func:`_event_tickers`) once and pin them on the
    price service while inside, so every event table reads them from there.

    Right when all blocks are produced (the build), wasteful when only a few are (a refresh of
    one sheet). When the event or the benchmark is bad, nothing is pinned: every block that
    needs them raises that error itself and shows it.
    """
    try:
        event = ctx.event
        table = ev.preload_event_prices(_event_tickers(ctx), event, ctx.settings)
    except ShockbookError:
        yield
        return
    with service_for(ctx.settings).pinned(table, ev.history_start(event)):
        yield


def _prices_pinned(ctx: Context) -> bool:
    return service_for(ctx.settings).pinned_table(ev.history_start(ctx.event)) is not None


def _index_move_tickers(ctx: Context) -> list[str]:
    return list(dict.fromkeys([*INDEX_TICKERS, ctx.settings.benchmark, "NVDA"]))


def _key_number_tickers() -> list[str]:
    return list(dict.fromkeys(s["recompute"].partition(":")[2] for s in published_values()
                              if s["recompute"].startswith(("event_return:", "ytd_before:"))))


def _shared_event_returns(ctx: Context) -> dict:
    """The event-return tables of the watchlist, the index moves and the key numbers, computed
    once for their union (see :func:`ev.shared_event_returns`); empty when prices are not pinned."""
    groups = [split_in_order(ctx.watchlist)[1], _index_move_tickers(ctx), _key_number_tickers()]
    return ctx.cached("event_returns_shared", lambda: ev.shared_event_returns(groups, ctx.event, ctx.settings))


def _event_returns(ctx: Context, tickers) -> EventTable:
    tickers = tuple(tickers)

    def compute() -> EventTable:
        markets = {t: m for t, m in ctx.markets.items() if t in tickers}
        shared = None if markets else _shared_event_returns(ctx).get(tickers)
        if shared is not None:
            return shared
        return ev.event_returns_table(list(tickers), ctx.event, ctx.settings, markets=markets or None)

    return ctx.cached(("event_returns", tickers), compute)


def _breadth(ctx: Context) -> ev.Breadth:
    if ctx.universe is None:
        raise NoDataError(ctx.t("note.no_universe"))
    return ctx.cached("breadth", lambda: ev.breadth_table(ctx.universe, ctx.event, ctx.settings, n=BREADTH_N))


def _with_names(ctx: Context, table: TableResult | pd.DataFrame) -> TableResult | pd.DataFrame:
    """A ``name`` column after ``ticker`` (the same context)."""
    names = ctx.names()
    frame = table.frame if isinstance(table, TableResult) else table
    out = frame.copy()
    out.insert(1, "name", [names.get(t, "") for t in out["ticker"]])
    return table.with_frame(out) if isinstance(table, TableResult) else out


@dataclass(frozen=True, eq=False)
class Sourced(TableResult):
    """A producer's table with what the Sources sheet shows for it: ``source`` (empty: the
    table's own source column is listed) and ``as_of``."""

    source: str = ""
    as_of: str = ""


def _sourced(table: TableResult | pd.DataFrame, ctx: Context, source_key: str, as_of: str = "") -> Sourced:
    """``table`` with its source (a label of the translation table; ``""`` for the table's own
    source column) and as-of (default: the report's) for the Sources sheet."""
    t = table if isinstance(table, TableResult) else TableResult(table)
    return Sourced(t.frame, t.errors, t.provenance, t.notes, source=ctx.t(source_key) if source_key else "",
                   as_of=as_of or ctx.t("asof.report"))


def _published_rows() -> dict[str, dict]:
    return {row["key"]: row for row in published_values()}


def _published(frame: pd.DataFrame, note: str) -> EventTable:
    """The report's own figures for the report's event (``note`` says so)."""
    return EventTable(frame, provenance={"report": PUBLISHED_SOURCE}, notes=(note,),
                      event=REPORT_EVENT.isoformat())


def _published_by_ticker() -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for row in published_values():
        kind, _, ticker = row["recompute"].partition(":")
        if kind in ("event_return", "ytd_before") and row["value"]:
            out.setdefault(ticker, {})[kind] = float(row["value"])
    return out


def _as_published_rows(ctx: Context, tickers) -> EventTable:
    values = _published_by_ticker()
    where = {r["recompute"].partition(":")[2]: r[f"where_{ctx.lang}"] for r in published_values()}
    rows = [dict(ticker=t, event_return=values[t].get("event_return"), ytd_before=values[t].get("ytd_before"),
                 source=f"{ctx.t('note.as_published').split(' (')[0]} ({where.get(t, '')})", as_of=REPORT_EVENT.isoformat())
            for t in tickers if t in values]
    if not rows:
        raise NoDataError("the report publishes no figures for these tickers")
    return _published(_with_names(ctx, pd.DataFrame(rows)), ctx.t("note.as_published"))


# --- dashboard ---------------------------------------------------------------------------------


def _price_as_of(ctx: Context) -> str:
    """The latest price as-of the blocks produced so far recorded (``""`` before any)."""
    stamps = sorted({r.as_of for r in ctx.records if r.as_of.endswith("Z")})
    return stamps[-1] if stamps else ""


def summary(ctx: Context) -> pd.DataFrame:
    """Event, the as-of date of the "since the event" figures, benchmark, data as-of and mode
    (run after the other blocks: it reads their as-of)."""
    from .eventtext import as_of_text

    try:
        event, requested, note = ctx.event.session.isoformat(), ctx.event.requested.isoformat(), ctx.event.note_code
    except ShockbookError as exc:
        event, requested, note = error_cell(exc, ctx.lang), ctx.event_text, ""
    as_of = sorted({r.as_of for r in ctx.records if r.as_of.endswith("Z")})
    if ctx.published and not as_of:
        mode = ctx.t("mode.published")
    else:
        mode = ctx.t("mode.offline" if ctx.settings.offline else "mode.live")
    rows = [
        (ctx.t("summary.event"), event),
        (ctx.t("summary.requested"), requested),
        (ctx.t("summary.session_note"), note or "-"),
        (ctx.t("summary.benchmark"), ctx.settings.benchmark),
        (ctx.t("summary.as_of"), as_of_text(ctx)),
        (ctx.t("summary.data_as_of"), as_of[-1] if as_of else ctx.t("mode.published")),
        (ctx.t("summary.data_mode"), mode),
        (ctx.t("summary.watchlist"), str(len(ctx.watchlist))),
        (ctx.t("summary.universe"), ctx.universe_label or ctx.t("note.no_universe")),
    ]
    return pd.DataFrame(rows, columns=["item", "value"])


def index_moves(ctx: Context) -> pd.DataFrame:
    return _with_names(ctx, _event_returns(ctx, _index_move_tickers(ctx)))


def index_moves_published(ctx: Context) -> pd.DataFrame:
    return _as_published_rows(ctx, ["^GSPC", "^SOX", "NVDA"])


def breadth_summary(ctx: Context) -> ev.Breadth:
    return _breadth(ctx)


def breadth_summary_published(ctx: Context) -> pd.DataFrame:
    rows = _published_rows()
    frame = pd.DataFrame([dict(up=int(rows["breadth_up"]["value"]), down=int(rows["breadth_down"]["value"]),
                               total=503, index="^GSPC", index_return=float(rows["spx_event"]["value"]))])
    return _published(frame, ctx.t("note.as_published"))


def breadth_worst(ctx: Context) -> TableResult:
    found = _breadth(ctx)
    return found.with_frame(_sector_names(ctx, found.worst))


def breadth_best(ctx: Context) -> TableResult:
    found = _breadth(ctx)
    return found.with_frame(_sector_names(ctx, found.best))


def _sector_names(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """The GICS sectors in the book's language (``sector.<name_in_snake_case>`` labels); a sector
    the table does not know (a user's members file) is shown as the file gives it."""
    if "sector" not in frame:
        return frame
    def shown(sector):
        key = f"sector.{str(sector).strip().lower().replace(' ', '_')}"
        return ctx.t(key) if isinstance(sector, str) and sector and has_label(key) else sector
    return frame.assign(sector=[shown(s) for s in frame["sector"]])


def breadth_worst_published(ctx: Context) -> pd.DataFrame:
    tickers = [t.strip() for t in _published_rows()["bottom10"]["published"].split(",")]
    frame = _with_names(ctx, pd.DataFrame({"ticker": tickers}))
    frame.insert(0, "rank", range(1, len(tickers) + 1))
    return _published(frame, ctx.t("note.as_published"))


def _mark(ctx: Context, kind: str) -> str:
    return ctx.t(f"mark.{kind}")


def _fmt_pct(value: float, decimals: int) -> str:
    return f"{value * 100:+.{decimals}f}%".replace("-", "−")


#: "About" claims (compare = order, e.g. "약 1/20"): ``close`` when the recomputed value is
#: within this share of the published one (the Dashboard panel's header states it: keep the
#: label ``block.sb_key_numbers`` in step).
ABOUT_TOLERANCE = 0.10


def compare_published(compare: str, recomputed, published_value: float | None, decimals: int,
                      published_text: str = "") -> str:
    """How a recomputed key number compares with the report's: ``match``, ``mismatch``,
    ``approx`` or ``na`` (nothing recomputed).

    ``compare`` is the published.csv rule: ``rounded`` (equal once both are rounded to the
    report's ``decimals`` in percent), ``exact``, ``set`` (the same comma-separated names, any
    order; ``published_text`` holds the report's) or ``order`` (an "about" claim: ``match``
    when equal at the printed precision, ``approx`` within :data:`ABOUT_TOLERANCE` of it,
    ``mismatch`` beyond: 1/27.4 or 1/14.1 is not "about 1/20").
    """
    if recomputed is None:
        return "na"
    if compare == "rounded":
        same = round(recomputed * 100, decimals) == round(published_value * 100, decimals)
    elif compare == "exact":
        same = recomputed == published_value
    elif compare == "set":
        same = {t.strip() for t in published_text.split(",")} == {t.strip() for t in recomputed.split(",")}
    else:  # order: "about 1/20"
        if round(recomputed, decimals) == round(published_value, decimals):
            return "match"
        return "approx" if abs(recomputed / published_value - 1) <= ABOUT_TOLERANCE + 1e-12 else "mismatch"
    return "match" if same else "mismatch"


_MARK_ORDER = ("match", "approx", "mismatch", "na")


def key_numbers(ctx: Context) -> pd.DataFrame:
    """The report's key numbers, published vs recomputed, with a match mark; for any other
    event, the "this event" summary in the same columns (:mod:`.event_panel`)."""
    if not ctx.is_report_event:
        from .event_panel import this_event

        return this_event(ctx)
    specs = list(published_values())
    price_tickers = _key_number_tickers()
    rows = []
    by_ticker: list[pd.DataFrame] = []  # the event returns by ticker, made once
    provenance: dict = {}  # the price series behind the recomputed values, for the Sources sheet

    def event_frame() -> pd.DataFrame:
        if not by_ticker:
            table = _event_returns(ctx, price_tickers)
            by_ticker.append(table.frame.set_index("ticker"))
            provenance.update(table.provenance)
        return by_ticker[0]

    for spec in specs:
        kind, _, arg = spec["recompute"].partition(":")
        decimals = int(spec["decimals"] or 0)
        published_value = float(spec["value"]) if spec["value"] else None
        recomputed, shown, note, alternatives = None, "", "", []
        try:
            if kind in ("event_return", "ytd_before"):
                recomputed = float(event_frame().loc[arg, kind])
                shown = "" if math.isnan(recomputed) else _fmt_pct(recomputed, max(decimals + 1, 2))
            elif kind == "breadth":
                provenance.update(_breadth(ctx).provenance)
                recomputed = int(_breadth(ctx).summary.iloc[0][arg])
                shown = str(recomputed)
            elif kind == "bottom10":
                recomputed = ", ".join(_breadth(ctx).worst["ticker"])
                shown = recomputed
            elif kind == "api_multiple":
                costs = ctx.cached("api_cost", lambda: ct.api_cost_table(1e6, 1e6)).frame.set_index("model")
                recomputed = float(costs.loc[arg, "reference_cost_multiple"])
                shown = f"1/{recomputed:.1f}"
                note = ctx.t("note.api_workload")
            elif kind == "training_one_in":  # every published estimate of the reference: a range
                costs = ctx.cached("training_cost", lambda: ct.training_cost_table(arg)).frame
                recomputed = float(costs["one_in"].iloc[0])
                alternatives = [float(x) for x in costs["one_in"]]
                shown = " ~ ".join(f"1/{x:.1f}{'+' if b == 'at most' else ''}" for x, b in zip(costs["one_in"], costs["bound"]))
                shown_source = _metric_sources(ctx, "training_cost_usd")
                note = "; ".join(f"{r} USD {c / 1e6:,.1f}M{'+' if b == 'at most' else ''} "
                                 f"({shown_source.get((r, float(c)), src)})" for r, c, b, src in zip(
                    costs["reference"], costs["reference_cost_usd"], costs["bound"], costs["reference_source"]))
        except (ShockbookError, KeyError) as exc:
            note = error_cell(exc, ctx.lang) if isinstance(exc, ShockbookError) else f"no value for {arg}"
        if recomputed is None or (isinstance(recomputed, float) and math.isnan(recomputed)):
            recomputed = None
        kinds = [compare_published(spec["compare"], value, published_value, decimals, spec["published"])
                 for value in (alternatives or [recomputed])] if recomputed is not None else ["na"]
        mark = _mark(ctx, min(kinds, key=_MARK_ORDER.index))
        rows.append(dict(key=spec["key"], unit=spec["unit"], item=spec[f"label_{ctx.lang}"], published=spec["published"],
                         recomputed=shown or "-", mark=mark, published_value=published_value,
                         recomputed_value=recomputed if not isinstance(recomputed, str) else None,
                         where=spec[f"where_{ctx.lang}"], note=note))
    return _sourced(TableResult(pd.DataFrame(rows), provenance=provenance), ctx, "source.key_numbers",
                    _price_as_of(ctx))


def _metric_sources(ctx: Context, metric: str) -> dict[tuple[str, float], str]:
    """``(model, value) -> source`` of ``metric``'s built-in rows (the calculators read those)
    as the book's language names the source (the calculators carry the English source only)."""
    from .figures import metrics

    frame = metrics(ctx)  # the metrics table the figures read, once per build
    rows = frame[(frame["metric"] == metric) & (frame["origin"] == "built-in")]
    return {(m, float(v)): s for m, v, s in zip(rows["model"], rows["value"], rows["source"])}


def basket_spread(ctx: Context) -> TableResult:
    table = baskets(ctx)
    frame = table.frame
    return table.with_frame(frame[frame["basket"].isin(["theme:infrastructure", "theme:usage", "spread"])].copy())


def strategy(ctx: Context) -> pd.DataFrame:
    keys = [f"strategy.{i}" for i in range(1, 6)]
    return _sourced(pd.DataFrame({"text": [ctx.t(k) for k in keys]}), ctx, "source.strategy")


# --- event sheets --------------------------------------------------------------------------------


def split_in_order(entries) -> tuple[list[str], list[str], dict[str, ShockbookError]]:
    """``(order, good, bad)`` of watchlist entries: every entry's key in the order given (its
    Yahoo symbol, or the entry itself when it cannot be a ticker), the symbols, and the entries
    that cannot be tickers with their :class:`InputError` (see :func:`split_tickers`)."""
    order: list[str] = []
    good: list[str] = []
    bad: dict[str, ShockbookError] = {}
    for entry in entries:
        ok, failed = split_tickers([entry])
        for key in [*ok, *failed]:
            if key not in order:
                order.append(key)
        good += [t for t in ok if t not in good]
        bad.update(failed)
    return order, good, bad


def _watchlist_table(entries, table: Callable[[list[str]], TableResult]) -> TableResult:
    """``table(symbols)`` for the entries that are tickers, plus one error row per entry that
    cannot be one, in the order the entries were given.

    A malformed entry never costs the others their rows: the tables layer refuses a list with
    one bad symbol, so the bad ones are split off first and shown in the ``error`` column.
    """
    order, good, bad = split_in_order(entries)
    result = table(good) if good else None
    if not bad:
        return result
    errors = pd.DataFrame({"ticker": list(bad), "error": list(bad.values())})
    if result is None:
        return TableResult(errors, errors=dict(bad))
    out = pd.concat([result.frame.astype(object), errors.astype(object)], ignore_index=True)
    position = {key: i for i, key in enumerate(order)}
    out = out.iloc[sorted(range(len(out)), key=lambda i: position.get(out["ticker"].iat[i], len(order)))]
    out = out.reset_index(drop=True)
    return dataclasses.replace(result, frame=out, errors={**result.errors, **bad})


def with_market_notes(table: TableResult) -> TableResult:
    """A mixed watchlist's rows say, in their note, which market session, benchmark and currency
    their numbers are in (the sheet's columns stay those of a US watchlist)."""
    frame = table.frame
    if "event_session" not in frame:
        return table
    out = frame.copy()
    notes = []
    for exchange, session, bench, currency, note in zip(
            out["exchange"], out["event_session"], out["benchmark_used"], out["currency"], out["note"].fillna("")):
        if not isinstance(exchange, str) or exchange in ("", "XNYS"):
            notes.append(note)
            continue
        # the session may carry a coded note itself (a moved session): the codes sit side by side
        where = f"{coded('market_session', exchange=exchange)} {session}, {coded('market_vs', benchmark=bench, currency=currency)}"
        notes.append(f"{where}; {note}" if note else where)
    out["note"] = notes
    return table.with_frame(out)



def event_returns(ctx: Context) -> EventTable:
    from .recovery_view import with_shown_share

    table = with_market_notes(_with_names(ctx, _watchlist_table(ctx.watchlist, lambda good: _event_returns(ctx, good))))
    return table.with_frame(with_shown_share(table.frame, ctx.lang))


def event_returns_published(ctx: Context) -> pd.DataFrame:
    return _as_published_rows(ctx, [t for t in ctx.watchlist if t in _published_by_ticker()]
                              or list(_published_by_ticker()))


def global_reaction(ctx: Context) -> EventTable:
    """The watchlist across markets (:func:`shockbook.tables.markets.global_reaction_table`),
    Korea first; the name after the ticker."""
    from ..tables.markets import global_reaction_table

    table = _watchlist_table(ctx.watchlist, lambda good: global_reaction_table(
        good, ctx.event, ctx.settings, markets=ctx.markets or None, shared=_shared_study(ctx)))
    frame = table.frame.copy()
    names = ctx.names()
    frame.insert(2, "name", [names.get(t, "") for t in frame["ticker"]])
    frame["region"] = [ctx.t(f"region.{r}") if r and has_label(f"region.{r}") else r for r in frame["region"]]
    return table.with_frame(frame)


def price_paths(ctx: Context) -> EventTable:
    from .paths_view import price_paths as paths

    return paths(ctx)


def _groups(ctx: Context) -> dict[str, list[str]]:
    from ..content.baskets import all_members

    found = _basket_content(ctx)
    return {ctx.t(f"group.{theme}"): all_members([b for b in found if b.theme == theme])
            for theme in ("infrastructure", "usage")}


def _abnormal_tickers(ctx: Context) -> list[str]:
    return [t for t in ctx.watchlist if t != ctx.settings.benchmark]


def _shared_study(ctx: Context):
    """One event study (the settings' window) for the abnormal-returns table and the group tests
    (see :func:`ev.share_event_study`), ``None`` when prices are not pinned."""
    if not _prices_pinned(ctx):
        return None
    groups = _groups(ctx)
    tickers = [*split_in_order(_abnormal_tickers(ctx))[1], *(t for m in groups.values() for t in m)]
    return ctx.cached("event_study_shared", lambda: ev.share_event_study(
        list(dict.fromkeys(tickers)), ctx.event, ctx.settings))


def group_tests(ctx: Context) -> pd.DataFrame:
    return ev.group_test_table(_groups(ctx), ctx.event, ctx.settings, shared=_shared_study(ctx))


def abnormal(ctx: Context) -> TableResult:
    return with_market_notes(_watchlist_table(_abnormal_tickers(ctx), lambda good: ev.abnormal_returns_table(
        good, ctx.event, ctx.settings, estimation_window=ctx.estimation_window, shared=_shared_study(ctx),
        markets=ctx.markets or None)))


def baskets(ctx: Context) -> EventTable:
    table = ctx.cached("baskets", lambda: ev.basket_table(
        ctx.event, ctx.settings, baskets=_basket_content(ctx), lang=ctx.lang))
    frame = table.frame.copy()
    labels = {"theme:infrastructure": ctx.t("theme.infrastructure"), "theme:usage": ctx.t("theme.usage"),
              "spread": ctx.t("theme.spread")}
    frame["label"] = [labels.get(b, lab) for b, lab in zip(frame["basket"], frame["label"])]
    themes = {"infrastructure": ctx.t("theme.infrastructure"), "usage": ctx.t("theme.usage"),
              "infrastructure - usage": ctx.t("theme.spread_pair")}
    frame["theme"] = [themes.get(t, t) for t in frame["theme"]]
    return table.with_frame(frame)


# --- content sheets ------------------------------------------------------------------------------


def opinions(ctx: Context) -> TableResult:
    table = ct.opinions_table(ctx.lang, user_file=ctx.settings.opinions_file)
    # the source type in the book's language (증권사, 기업, ...); the English book shows the code
    table.frame["source_type"] = [ctx.t(f"source_type.{t}") for t in table.frame["source_type"]]
    # "built-in" in the book's language (a user file's rows keep their path)
    table.frame["origin"] = [ctx.t("origin.built-in") if o == "built-in" else o for o in table.frame["origin"]]
    return _sourced(table, ctx, "", ctx.t("asof.report"))


def scaling(ctx: Context) -> TableResult:
    return _sourced(ct.scaling_table(ctx.lang), ctx, "source.table2")


def calls(ctx: Context) -> TableResult:
    return _sourced(ct.calls_table(ctx.lang), ctx, "", ctx.t("asof.report"))


def calendar_grid(ctx: Context) -> TableResult:
    """Table 4 as a month grid (Yahoo's dates when it can be, else the report's)."""
    from ..tables.earnings import earnings_calendar_grid

    grid = earnings_calendar_grid(month=ctx.calendar_month, settings=ctx.settings, lang=ctx.lang,
                                  baskets=_basket_content(ctx))
    return dataclasses.replace(Sourced(grid.frame, grid.errors, grid.provenance, grid.notes),
                               source=grid.source_text or grid.source, as_of=ctx.t("asof.report"))


def calendar_list(ctx: Context) -> TableResult:
    table = ct.report_calendar_table(ctx.lang)
    if ctx.lang == "ko":  # the weekday as the grid's headers say it (월, 화, ...); the English book keeps MON
        table.frame["weekday"] = [ctx.t(f"col.{d}") for d in table.frame["weekday"]]
    return _sourced(table, ctx, "source.table4")


# --- settings, sources, examples -------------------------------------------------------------------

SETTING_KEYS = ("event_date", "as_of", "benchmark", "estimation_start", "estimation_end", "data_mode", "snapshot",
                "universe_file", "price_field", "calendar_month", "lang", "path_pairs", "chart_start", "chart_end",
                "chart_sessions", "market_benchmarks")


def settings_rows(ctx: Context) -> pd.DataFrame:
    from .paths_view import pairs_text

    s = ctx.settings
    values = dict(event_date=ctx.event_text, as_of=s.as_of.isoformat() if s.as_of else None, benchmark=s.benchmark, estimation_start=ctx.estimation_window[0],
                  estimation_end=ctx.estimation_window[1], data_mode="offline" if s.offline else "live",
                  snapshot=absolute_path(s.snapshot), universe_file=absolute_path(s.universe_file),
                  price_field=s.price_field, calendar_month=ctx.calendar_month, lang=ctx.lang,
                  path_pairs=pairs_text(ctx.path_pairs), chart_start=_iso(ctx.chart_start),
                  chart_end=_iso(ctx.chart_end), chart_sessions=ctx.chart_sessions,
                  market_benchmarks=s.market_benchmarks or None)  # None: an empty cell to type into
    frame = pd.DataFrame([dict(key=k, value=values[k], item=ctx.t(f"setting.{k}")) for k in SETTING_KEYS])
    return _sourced(frame, ctx, "source.user_input", ctx.t("asof.input"))


def _iso(day) -> str | None:
    return None if day is None else (day.isoformat() if hasattr(day, "isoformat") else str(day))


def absolute_path(path) -> str:
    """``path`` made absolute against the current folder (the build's), ``""`` for none.

    The Settings sheet stores absolute paths so that a refresh run from any folder (a nightly
    job, Excel's own working folder) finds the same files the build used. Several paths joined
    with :data:`os.pathsep` (a snapshot of several files) are each made absolute.
    """
    if path is None:
        return ""
    return os.pathsep.join(os.path.abspath(os.path.expanduser(p)) for p in str(path).split(os.pathsep) if p)


def watchlist_rows(ctx: Context) -> pd.DataFrame:
    """The watchlist, with each ticker's ``exchange`` and ``benchmark`` override (empty: from
    its suffix, see :mod:`shockbook.data.markets`)."""
    frame = pd.DataFrame({"ticker": ctx.watchlist,  # None: an empty cell for the user to type into
                          "exchange": [ctx.markets.get(t, {}).get("exchange") for t in ctx.watchlist],
                          "benchmark": [ctx.markets.get(t, {}).get("benchmark") for t in ctx.watchlist]},
                         dtype=object)
    return _sourced(frame, ctx, "source.user_input", ctx.t("asof.input"))


def sources(ctx: Context) -> pd.DataFrame:
    """One row per recorded table: its name (:func:`~shockbook.workbook.i18n.table_name`), sheet,
    source, as-of, event and note."""
    rows = [{**r.__dict__, "block": table_name(r.block, ctx.lang)} for r in ctx.records]
    return pd.DataFrame(rows, columns=["block", "sheet", "source", "as_of", "event", "note"])


@functools.cache
def _udf_docs() -> dict[str, str]:
    """``SB_`` function name -> docstring, read from the UDF module's source (the engine does
    not import the xlwings adapter)."""
    import ast
    import importlib.util

    origin = importlib.util.find_spec("shockbook.excel.udfs").origin
    with open(origin, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    return {node.name: ast.get_docstring(node) or "" for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("SB_")}


def examples(ctx: Context) -> pd.DataFrame:
    """One runnable example per ``SB_`` function the UDF module defines, with the result the
    build computed (:mod:`shockbook.workbook.examples`); a function without an example is an
    error naming it, so a new UDF cannot ship without one."""
    from .examples import example_rows

    rows = example_rows(ctx)
    missing = sorted(set(_udf_docs()) - {r["function"] for r in rows})
    if missing:
        raise ContentError(f"no example in workbook/examples.py for {', '.join(missing)}")
    frame = pd.DataFrame(rows)
    return _sourced(frame, ctx, "source.examples", _price_as_of(ctx) or ctx.t("asof.run"))

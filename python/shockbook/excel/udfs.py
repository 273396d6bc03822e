"""shockbook's Excel worksheet functions (xlwings UDFs, Windows).

List this module under "UDF Modules" (``shockbook.excel.udfs``) on the workbook's
``xlwings.conf`` sheet and click "Import Functions" in the xlwings ribbon. Every function
follows the conventions of :mod:`shockbook.excel.convert`: ``SB_`` names, help text from
the docstring, declared argument parsing, errors as ``#SB! ...`` cell texts, tables that
spill with a header row.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..analytics.constants import REBASE_LEVEL
from ..errors import CELL_TEXT_LIMIT, InputError, NoDataError, ShockbookError, shorten
from .convert import (
    DATE,
    error_cell_text,
    NUMBER,
    NUMBERS,
    TABLE,
    TICKERS,
    Arg,
    TickerList,
    excel_error_text,
    parse_date,
    parse_number,
    parse_tickers,
    rows_by_ticker,
    udf,
)


@udf(args={"values": NUMBERS, "base": NUMBER})
def SB_REBASE(values, base=REBASE_LEVEL):
    """Rebase each series so that it starts at base (100 unless given).

    A single row is one series running left to right; otherwise each column is a series
    running down. Every value is divided by the first non-empty value of its series and
    multiplied by base. Empty cells and #N/A are gaps and stay empty.

    Parameters
    ----------
    values : range of numbers
        Prices or index levels, oldest first: one row, one column, or one series per column.
    base : number, optional
        The level every series starts at; 100 if omitted or empty.

    Returns
    -------
    array
        Same shape as values (unitless levels); gaps and all-empty series stay empty.

    Raises
    ------
    InputError
        A series whose first value is 0; text, dates or error cells other than #N/A.
    """
    return _rebased(values, base)


def _rebased(block: np.ndarray, base: float) -> np.ndarray:
    """Pure rebasing of a 2-D float block (NaN = gap); see :func:`SB_REBASE`.

    Unlike ``analytics.paths.rebased_paths`` (base = a dated session), a bare range has no
    dates, so each series is rebased to its first non-empty value.
    """
    series = block.T if block.shape[0] == 1 else block  # one series per column
    out = np.full(series.shape, np.nan)
    for col in range(series.shape[1]):
        column = series[:, col]
        filled = np.flatnonzero(~np.isnan(column))
        if filled.size == 0:
            continue
        first = column[filled[0]]
        if first == 0:
            where = "values" if series.shape[1] == 1 else f"column {col + 1} of values"
            raise InputError(f"{where} starts at 0 and cannot be rebased", column=col + 1)
        out[:, col] = column / first * base
    return out.T if block.shape[0] == 1 else out


# =============================================================================================
# Shared helpers for the event and content functions
# =============================================================================================

def _pointer(block_name: str, lang: str, position: int | None = None) -> str:
    """Where a cut text's full version is: the sheet as the book in ``lang`` calls it and the
    row the full table puts it on (``position``: one-based in that table), from the layout."""
    from ..workbook import layout as L
    from ..workbook.i18n import label

    sheet, block = L.block(block_name)
    title = label(sheet.title_key, lang)
    if position is None:
        return label("pointer.sheet", lang).format(sheet=title)
    return label("pointer.row", lang).format(sheet=title, row=block.origin[0] + position)


def _settings(as_of=None):
    """Settings for a UDF call: the environment (xlwings.conf / Settings sheet set it), and the
    call's own as-of date when it gives one."""
    from ..config import Settings

    return Settings.from_env(as_of=as_of)


def _text(value, name):
    """An optional text cell -> stripped text, or None for an empty cell."""
    error = excel_error_text(value)
    if error:
        raise InputError(f"{name} is an error cell ({error}), not text", argument=name, value=value)
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        raise InputError(f"{name} must be a single cell, not a range", argument=name)
    if isinstance(value, str):
        return value.strip() or None
    raise InputError(f"{name} must be text, not {type(value).__name__} {value!r}", argument=name, value=value)


def _optional(parse):
    def parse_or_none(value, name):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return parse(value, name)

    return parse_or_none


def _one_ticker(value, name):
    """A single ticker cell -> the clean ticker; a range of several tickers is refused."""
    entries = parse_tickers(value, name).entries
    if len(entries) != 1:
        raise InputError(f"{name} must be one ticker, not a range of {len(entries)}", argument=name)
    if entries[0].error is not None:
        raise entries[0].error
    return entries[0].label


def _count(value, name):
    """A whole number from 1 to 500 (e.g. how many names to rank)."""
    number = parse_number(value, name)
    if not number.is_integer() or not 1 <= number <= 500:
        raise InputError(f"{name} must be a whole number from 1 to 500, not {number:g}",
                         argument=name, value=value)
    return int(number)


def _month(value, name):
    from ..tables.earnings import parse_month

    error = excel_error_text(value)
    if error:
        raise InputError(f"{name} is an error cell ({error}), not a month", argument=name)
    if value is None:
        raise InputError(f"{name} is empty; give a month such as 2025-02", argument=name)
    return "%04d-%02d" % parse_month(value)


def _number_or_text(value, name):
    error = excel_error_text(value)
    if error:
        raise InputError(f"{name} is an error cell ({error})", argument=name)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return parse_number(value, name)


def _optional_tickers(value, name):
    """A ticker range that may be left empty (-> None)."""
    if value is None:
        return None
    try:
        return parse_tickers(value, name)
    except InputError:  # raised only when every cell is empty
        return None


TEXT = Arg(xl={"err_to_str": True}, parse=_text)
TICKER = Arg(xl={"err_to_str": True}, parse=_one_ticker)
OPTIONAL_DATE = Arg(xl={"err_to_str": True}, parse=_optional(parse_date))
COUNT = Arg(xl={"err_to_str": True}, parse=_count)
MONTH = Arg(xl={"err_to_str": True}, parse=_month)
OPTIONAL_TICKERS = Arg(xl={"ndim": 2, "err_to_str": True}, parse=_optional_tickers)
NUMBER_OR_TEXT = Arg(xl={"err_to_str": True}, parse=_number_or_text)


class _CellText(ShockbookError):
    """An error already rendered as a cell text by the tables layer."""

    def cell_text(self) -> str:
        return shorten(self.message)


def _fit(frame: pd.DataFrame, pointer=None) -> pd.DataFrame:
    """Every text cell at most 255 characters; a cut text ends with ``… (pointer)``.

    ``pointer(row_position, column)`` gives where the full text is, or None.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype != object and not pd.api.types.is_string_dtype(out[col]):
            continue
        values = []
        for i, v in enumerate(out[col].tolist()):
            if isinstance(v, str) and len(v) > CELL_TEXT_LIMIT:
                v = shorten(v, CELL_TEXT_LIMIT, pointer(i, col) if pointer else "")
            values.append(v)
        out[col] = pd.Series(values, index=out.index, dtype=object)
    return out


def _with_ticker_rows(table: pd.DataFrame, tickers: TickerList) -> pd.DataFrame:
    """Per-ticker rows in the order asked, bad cells and failed tickers with their text."""
    errors = {t: _CellText(error_cell_text(e))
              for t, e in zip(table["ticker"], table["error"]) if isinstance(e, ShockbookError) or e}
    good = table[[not (isinstance(e, ShockbookError) or e) for e in table["error"]]].drop(columns=["error"])
    return _fit(rows_by_ticker(good, tickers, errors))


def _no_good_tickers(tickers: TickerList, columns: list[str]) -> pd.DataFrame:
    return _fit(rows_by_ticker(pd.DataFrame(columns=columns).set_index("ticker"), tickers, {}))


def _session_note(frame: pd.DataFrame, table) -> pd.DataFrame:
    note = table.session_note
    if note and "note" in frame.columns:
        frame["note"] = [("; ".join(x for x in (note, n) if isinstance(x, str) and x)) if t else n
                         for t, n in zip(frame["error"] == "", frame["note"])]
    return frame


# =============================================================================================
# Events
# =============================================================================================


@udf(args={"tickers": TICKERS, "event_date": DATE, "benchmark": TEXT, "as_of": OPTIONAL_DATE}, ret=TABLE)
def SB_EVENT_RETURNS(tickers, event_date, benchmark=None, as_of=None):
    """Event-day return, YTD before/including the event, recovery and beta per ticker.

    One row per ticker in the order given, with a header row. Returns are fractions
    (format the cells as %). A bad or unknown ticker gets its reason in the error column;
    the other rows are filled. A non-session event date maps to the next session (said in
    the note column).

    Parameters
    ----------
    tickers : range of text
        One ticker per cell (row, column or block); empty cells are skipped.
    event_date : date
        The event day: an Excel date, a date serial or ISO text such as 2025-01-27.
    benchmark : text, optional
        Index for beta (default the Settings benchmark, ^GSPC).
    as_of : date, optional
        Where "since the event" and the recovery end (default the latest close), e.g.
        2025-01-30 for the report's figure 5.
    """
    from ..tables.events import EVENT_COLUMNS, event_returns_table

    if not tickers.tickers:
        return _no_good_tickers(tickers, EVENT_COLUMNS)
    table = event_returns_table(tickers.tickers, event_date, _settings(as_of), benchmark)
    return _session_note(_with_ticker_rows(table.frame, tickers), table)


@udf(args={"ticker": TICKER, "start": DATE, "end": OPTIONAL_DATE})
def SB_RETURN(ticker, start, end=None):
    """Return of one ticker from the close on start to the close on end (a fraction).

    Dates that are not sessions use the session before (the last close known then).
    Without end, the latest close (today's price while the market is open).

    Parameters
    ----------
    ticker : text
        One ticker, e.g. NVDA or ^GSPC.
    start : date
        First close: an Excel date, a serial or ISO text (2025-01-24).
    end : date, optional
        Last close; the latest available if omitted or empty.
    """
    from ..tables.events import period_return

    value, _note = period_return(ticker, start, end, _settings())
    return value


@udf(args={"event_date": DATE, "universe_file": TEXT}, ret=TABLE)
def SB_BREADTH(event_date, universe_file=None):
    """Advancers, decliners, unchanged and missing names of a universe on the event day.

    One row: session, up, down, unchanged, missing, total, the index and its return
    (a fraction). 2025-01-27 over the S&P 500 gives 351 up / 152 down.

    Parameters
    ----------
    event_date : date
        The event day (a non-session maps to the next session).
    universe_file : text, optional
        Path of a members CSV (ticker, name, gics_sector); default the Settings universe
        file, else the live S&P 500 list.
    """
    return _breadth(event_date, universe_file).summary


@udf(args={"event_date": DATE, "n": COUNT, "universe_file": TEXT}, ret=TABLE)
def SB_WORST(event_date, n=10, universe_file=None):
    """The n names of the universe that fell most on the event day, worst first.

    Columns: ticker, name, sector, return (a fraction), rank.

    Parameters
    ----------
    event_date : date
        The event day (a non-session maps to the next session).
    n : number, optional
        How many names (1..500, default 10).
    universe_file : text, optional
        Members CSV; default the Settings universe file, else the live S&P 500 list.
    """
    return _fit(_breadth(event_date, universe_file, n).worst)


@udf(args={"event_date": DATE, "n": COUNT, "universe_file": TEXT}, ret=TABLE)
def SB_BEST(event_date, n=10, universe_file=None):
    """The n names of the universe that rose most on the event day, best first.

    Columns: ticker, name, sector, return (a fraction), rank.

    Parameters
    ----------
    event_date : date
        The event day (a non-session maps to the next session).
    n : number, optional
        How many names (1..500, default 10).
    universe_file : text, optional
        Members CSV; default the Settings universe file, else the live S&P 500 list.
    """
    return _fit(_breadth(event_date, universe_file, n).best)


def _breadth(event_date, universe_file, n=10):
    from ..data.universe import universe_members
    from ..tables.events import breadth_table, resolve_event

    settings = _settings()
    event = resolve_event(event_date)
    members = universe_members(settings, universe_file, event.session)
    return breadth_table(members, event, settings, n=n)


@udf(args={"tickers": TICKERS, "event_date": DATE, "base_date": OPTIONAL_DATE, "as_of": OPTIONAL_DATE},
     ret=TABLE)
def SB_REBASED(tickers, event_date, base_date=None, as_of=None):
    """Prices rebased to 100 on a base date, one column per ticker, from the base date on.

    The base defaults to the last session of the year before the event (the report's
    year-start price). A ticker that cannot be served keeps its column, with its reason in
    the first row.

    Parameters
    ----------
    tickers : range of text
        One ticker per cell (row, column or block).
    event_date : date
        The event day; sets the default base date.
    base_date : date, optional
        The base session (a non-session uses the session before).
    as_of : date, optional
        The last date shown (default the latest close).
    """
    from ..tables.events import rebased_paths_table

    good = tickers.tickers
    result = rebased_paths_table(good, event_date, _settings(as_of), base_date) if good else None
    table = result.frame if result is not None else None
    dates = table["date"] if table is not None else pd.Series([pd.NaT])
    out = pd.DataFrame({"date": dates})
    errors = result.errors if result is not None else {}
    for entry in tickers.entries:
        if entry.ok and table is not None and entry.label in table.columns:
            out[entry.label] = table[entry.label].to_numpy()
            continue
        error = entry.error or errors.get(entry.label)
        text = error_cell_text(error if error is not None else NoDataError(f"no prices for {entry.label}",
                                                                           ticker=entry.label))
        column = pd.Series([None] * len(out), dtype=object)
        column.iloc[0] = shorten(text)
        out[entry.label] = column.to_numpy()
    return out


@udf(args={"tickers": TICKERS, "event_date": DATE, "as_of": OPTIONAL_DATE}, ret=TABLE)
def SB_DIP_SCREEN(tickers, event_date, as_of=None):
    """The buy-the-dip screen: per name the event-day drop, abnormal return and t, run-up,
    share of the drop recovered and return since the event (as of as_of), the first earnings
    date after the event, and a weighted score and rank (default weights); worst hit first.

    Returns, shares and the score are fractions; rank 1 is the highest score. Indices (^...)
    are left out. The Dip screen sheet has the same table with weights you can change.

    Parameters
    ----------
    tickers : range of text
        The watchlist.
    event_date : date
        The event (a non-session maps to the next session).
    as_of : date, optional
        Measure the recovery at this date; default the last close.
    """
    from ..tables.dip import DIP_COLUMNS, dip_screen_table

    if not tickers.tickers:
        return _no_good_tickers(tickers, [c for c in DIP_COLUMNS if c not in ("error", "why")])
    table = dip_screen_table(tickers.tickers, event_date, _settings(), as_of=as_of).frame.drop(columns=["why"])
    errors = {t: _CellText(error_cell_text(e))
              for t, e in zip(table["ticker"], table["error"]) if isinstance(e, ShockbookError) or e}
    bad = {e.label: e.error for e in tickers.entries if e.error is not None}
    out = table.drop(columns=["error"])
    out["error"] = [errors[t].cell_text() if t in errors else "" for t in out["ticker"]]  # said above
    for label, error in bad.items():
        out.loc[len(out)] = {**{c: None for c in out.columns}, "ticker": label, "error": error_cell_text(error)}
    return _fit(out)


@udf(args={"tickers": TICKERS, "event_date": DATE, "benchmark": TEXT, "as_of": OPTIONAL_DATE}, ret=TABLE)
def SB_CAR(tickers, event_date, benchmark=None, as_of=None):
    """Market-model abnormal returns: alpha, beta, CAR and t-statistic per window and ticker.

    OLS over the Settings estimation window (default sessions [-250, -11] before the event,
    MacKinlay 1997); CAR windows [0,0], [-1,+1], [0,+5], [0,+20] as fractions. One row per
    ticker in the order given. A window that reaches past the as-of date is empty, with a note.

    Parameters
    ----------
    tickers : range of text
        One ticker per cell (row, column or block).
    event_date : date
        The event day (a non-session maps to the next session).
    benchmark : text, optional
        The market index (default the Settings benchmark, ^GSPC).
    as_of : date, optional
        The last close the CARs may use (default the latest close).
    """
    from ..tables.events import abnormal_returns_table

    if not tickers.tickers:
        return _no_good_tickers(tickers, ["ticker", "alpha", "beta", "note"])
    table = abnormal_returns_table(tickers.tickers, event_date, _settings(as_of), benchmark)
    return _session_note(_with_ticker_rows(table.frame, tickers), table)


@udf(args={"event_date": DATE}, ret=TABLE)
def SB_BASKETS(event_date):
    """Equal-weighted AI-infrastructure and AI-usage basket returns and their spread.

    One row per basket, then the two theme averages and the infrastructure minus usage
    spread: event-day return, YTD before the event, return since (fractions).

    Parameters
    ----------
    event_date : date
        The event day (a non-session maps to the next session).
    """
    from ..tables.events import basket_table

    return _fit(basket_table(event_date, _settings()).frame)


# =============================================================================================
# Content
# =============================================================================================


@udf(args={"stance": TEXT, "source": TEXT, "ticker": TEXT, "lang": TEXT}, ret=TABLE)
def SB_OPINIONS(stance=None, source=None, ticker=None, lang=None):
    """The report's table 1: who said what about DeepSeek, filtered by stance/source/ticker.

    Texts longer than Excel's 255-character limit end with "… (see Opinions row N)" in the
    book's language, N being the opinion's row on the Opinions sheet (the full table).

    Parameters
    ----------
    stance : text, optional
        positive or negative (긍정/부정); all if empty.
    source : text, optional
        Keep sources containing this text (e.g. Nvidia).
    ticker : text, optional
        Keep opinions concerning this ticker.
    lang : text, optional
        ko (as printed) or en; default the Settings language.
    """
    from ..tables.content import opinions_table

    settings = _settings()
    lang = lang or settings.lang
    table = opinions_table(lang, stance, source, ticker, user_file=settings.opinions_file).frame
    full = opinions_table(lang, user_file=settings.opinions_file).frame
    position = {i: n for n, i in enumerate(full["id"], start=1)}
    ids = table["id"].tolist()
    return _fit(table, lambda row, col: _pointer("sb_opinions", lang, position[ids[row]]))


@udf(args={"lang": TEXT}, ret=TABLE)
def SB_SCALING(lang=None):
    """The report's table 2: training-time vs test-time scaling, five aspects.

    Parameters
    ----------
    lang : text, optional
        ko (as printed) or en; default the Settings language.
    """
    from ..tables.content import scaling_table

    lang = lang or _settings().lang
    table = scaling_table(lang).frame
    return _fit(table, lambda row, col: _pointer("sb_scaling", lang, row + 1))


@udf(args={"model": TEXT, "metric": TEXT})
def SB_MODEL_METRIC(model, metric):
    """One sourced model metric (price, quality index, benchmark score, training cost...).

    The latest value in force; where no sourced value exists the text "not published"
    (or "qualitative") is returned instead of a number.

    Parameters
    ----------
    model : text
        A model name, e.g. DeepSeek R1, R1, o1.
    metric : text
        A metric name, e.g. input_price, blended_price_3to1, aime2024_pass1.
    """
    from ..content.metrics import valid_from_key
    from ..errors import UnknownNameError
    from ..tables.content import model_metrics_table

    settings = _settings()
    if model is None or metric is None:
        raise InputError("give both a model and a metric, e.g. =SB_MODEL_METRIC(\"R1\", \"input_price\")")
    rows = model_metrics_table(metric, model, user_file=settings.metrics_file).frame
    if rows.empty:
        have = model_metrics_table(model=model, user_file=settings.metrics_file).frame
        raise UnknownNameError(
            f"{have['model'].iloc[0] if len(have) else model} has no {metric}; it has: "
            f"{', '.join(dict.fromkeys(have['metric']))}", name=metric, kind="metric")
    order = sorted(range(len(rows)), key=lambda i: valid_from_key(rows["valid_from"].iloc[i]))
    best = rows.iloc[order[-1]]
    if pd.isna(best["value"]):
        flags = f" [{best['flags']}]" if best["flags"] else ""
        return shorten(f"{best['qualifier'] or 'not published'}{flags}")
    return float(best["value"])


@udf(args={"model": TEXT, "input_tokens": NUMBER, "output_tokens": NUMBER,
           "cache_hit_share": NUMBER, "reference": TEXT}, ret=TABLE)
def SB_API_COST(model, input_tokens, output_tokens, cache_hit_share=0.0, reference="OpenAI o1"):
    """API cost in USD of a workload on one model, and the ratio to a reference model.

    One row: model, cost_usd, reference, reference_cost_usd, cost_ratio_to_reference
    (cost / reference cost), reference_cost_multiple (reference / cost; R1 vs o1 ≈ 27).

    Parameters
    ----------
    model : text
        The model, e.g. DeepSeek R1.
    input_tokens : number
        Input (prompt) tokens, >= 0.
    output_tokens : number
        Output tokens, >= 0.
    cache_hit_share : number, optional
        Share of input tokens served from the context cache, 0..1 (default 0).
    reference : text, optional
        The model to compare with (default OpenAI o1).
    """
    from ..content import calculators as calc
    from ..tables.content import api_cost_table

    if model is None:
        raise InputError("model is empty; give a model name such as DeepSeek R1", argument="model")
    settings = _settings()
    result = api_cost_table(input_tokens, output_tokens, cache_hit_share, reference or "OpenAI o1",
                            user_file=settings.metrics_file)
    table = result.frame
    priced = table[table["cost_usd"].notna()]
    name = calc.resolve_name(model, list(priced["model"]), "priced model")
    row = priced[priced["model"] == name].iloc[0]
    ref = result.labels["reference"]
    ref_cost = float(priced.loc[priced["model"] == ref, "cost_usd"].iloc[0])
    return pd.DataFrame([{
        "model": name, "cost_usd": row["cost_usd"], "reference": ref,
        "reference_cost_usd": ref_cost,
        "cost_ratio_to_reference": row["cost_ratio_to_reference"],
        "reference_cost_multiple": row["reference_cost_multiple"],
        "cache_hit_priced": bool(row["cache_hit_priced"]), "note": row["note"],
    }])


@udf(args={"k_or_technique": NUMBER_OR_TEXT}, ret=TABLE)
def SB_COMPUTE_SPLIT(k_or_technique):
    """Cost-minimising training/inference compute split (Epoch AI's trade-off model).

    One row: technique, k, training_share, inference_share (fractions of total compute).

    Parameters
    ----------
    k_or_technique : number or text
        k, the OOMs of inference saved per OOM of training (> 0), or a technique name
        such as Monte Carlo tree search.
    """
    from ..content import calculators as calc

    if isinstance(k_or_technique, str):
        split = calc.compute_split(k_or_technique)
    else:
        split = calc.compute_split(k=k_or_technique)
    return pd.DataFrame([{
        "technique": split.technique, "k": split.k, "training_share": split.training_share,
        "inference_share": split.inference_share,
        "training_span_oom": split.training_span_oom if np.isfinite(split.training_span_oom) else None,
    }])


# =============================================================================================
# Earnings calendar
# =============================================================================================


@udf(args={"month": MONTH, "tickers": OPTIONAL_TICKERS}, ret=TABLE)
def SB_EARNINGS_GRID(month, tickers=None):
    """A month of earnings dates as a grid like the report's table 4 (MON..FRI per week).

    Each cell: the day, then "Company (TICKER)" per company reporting; ★ watchlist,
    ◆ AI infrastructure, † corrected from the report. The last row names the source
    (Yahoo, cache or the report's table 4), the legend, unusable watchlist cells and
    companies no source could place.

    Parameters
    ----------
    month : text or date
        The month: 2025-02, or any date in it.
    tickers : range of text, optional
        Watchlist tickers, added to the report's companies and marked ★.
    """
    from ..tables.earnings import earnings_calendar_grid

    settings = _settings()
    watch = tickers.tickers if tickers is not None else None
    grid = earnings_calendar_grid(month, watch, settings, settings.lang)
    out = grid.frame.astype({"week_of": object})
    ignored = [error_cell_text(e.error) for e in tickers.errors] if tickers is not None else []
    unplaced = [f"{t}: {e.one_line()}" for t, e in grid.errors.items()]
    footer = {"week_of": "source", "MON": grid.source_text, "TUE": grid.legend,
              "WED": "; ".join(ignored), "THU": "; ".join(unplaced), "FRI": ""}
    out = pd.concat([out, pd.DataFrame([footer])], ignore_index=True)
    return _fit(out, lambda row, col: _pointer("sb_calendar_grid", settings.lang))


@udf(args={"ticker": TICKER, "as_of": OPTIONAL_DATE})
def SB_NEXT_EARNINGS(ticker, as_of=None):
    """The next earnings date of a ticker (Yahoo, else the cache, else the report's table 4).

    Parameters
    ----------
    ticker : text
        One ticker, e.g. NVDA.
    as_of : date, optional
        The first date on or after this day (e.g. the event date); default today.
    """
    from ..tables.earnings import next_earnings_date

    found = next_earnings_date(ticker, _settings(), as_of=as_of)
    return dt.datetime.combine(found["date"], dt.time())


@udf(args={"ticker": TICKER, "date": OPTIONAL_DATE})
def SB_EPS_SURPRISE(ticker, date=None):
    """EPS surprise of one earnings report: (reported - estimate) / |estimate|, a fraction.

    Parameters
    ----------
    ticker : text
        One ticker, e.g. MSFT.
    date : date, optional
        The report date (or within 7 days of it); the latest report if omitted.
    """
    from ..tables.earnings import eps_surprise

    return eps_surprise(ticker, date, _settings())["surprise"]

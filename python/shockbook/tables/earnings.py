"""Earnings tables: the month grid like the report's table 4 (the "earnings calendar"), the
next earnings date, the EPS surprise and table 3's beat/miss marks.

Where the dates come from, in order:

1. **yahoo**, then its **cache**: each company's earnings dates through the data seam
   (:func:`shockbook.data.earnings.company_earnings`, which keeps every answer in a small JSON
   cache beside the price cache);
2. **report table 4**: the report's own February 2025 calendar (17 company-days), with the
   printed slips corrected and flagged (``Applied Materials (AMT)`` is AMAT, not American
   Tower).

Which companies: the report's table-4 companies plus the caller's ``tickers`` (the watchlist).
Watchlist names are marked ``★``, AI-infrastructure names ``◆`` (table 4's own tag, or a
member of an infrastructure basket in ``content/data/baskets.yaml``), corrected entries ``†``.

Nothing here imports yfinance: only :mod:`shockbook.data.yahoo` does.
"""

from __future__ import annotations

import calendar as _pycal
import datetime as dt
import math
import re
from dataclasses import replace
from typing import Any, Iterable

import pandas as pd

from ..config import Settings
from ..content.report import report_facts
from ..data.earnings import SOURCE_CACHE, SOURCE_YAHOO, EarningsDates, company_earnings, live_allowed
from ..errors import InputError, NoDataError, ShockbookError
from ..notes import error_note
from .result import EarningsTable, TableResult

#: Label of the report's own dates, as shown in the ``source`` column and the result's ``source``
#: (the Yahoo and cache labels come with :func:`shockbook.data.earnings.company_earnings`).
SOURCE_REPORT = "report table 4"
#: The month the report's table 4 covers.
REPORT_MONTH = report_facts().calendar_month
#: The January 2025 earnings season the report's table 3 calls belong to (inclusive).
CALLS_SEASON = (dt.date(2025, 1, 20), dt.date(2025, 2, 10))
#: |surprise| below this (percent) counts as in line, not beat or miss.
INLINE_SURPRISE_PCT = 0.0

WEEKDAY_COLUMNS = ["MON", "TUE", "WED", "THU", "FRI"]
GRID_COLUMNS = ["week_of", *WEEKDAY_COLUMNS]
ROW_COLUMNS = [
    "date", "ticker", "company", "source", "flag", "time_of_day", "eps_estimate",
    "eps_reported", "surprise_pct", "weekday", "ai_infrastructure", "watchlist", "note", "as_of",
]
BEAT_MISS_COLUMNS = [
    "ticker", "company", "report_eps", "report_eps_mark", "yahoo_date", "eps_estimate",
    "eps_reported", "surprise_pct", "recomputed_mark", "agrees", "source", "note",
]

MARK_WATCHLIST, MARK_AI, MARK_FLAGGED = "★", "◆", "†"

_LEGEND = {
    "ko": f"{MARK_WATCHLIST} 관심종목  {MARK_AI} AI 인프라  {MARK_FLAGGED} 보고서 표기 수정",
    "en": f"{MARK_WATCHLIST} watchlist  {MARK_AI} AI infrastructure  {MARK_FLAGGED} corrected from the report",
}
_CLOSED = {"ko": "(휴장)", "en": "(market closed)"}
_SOURCE_TEXT = {
    "ko": {SOURCE_REPORT: "보고서 표4", SOURCE_YAHOO: "Yahoo Finance", SOURCE_CACHE: "캐시"},
    "en": {SOURCE_REPORT: "report table 4", SOURCE_YAHOO: "Yahoo Finance", SOURCE_CACHE: "cache"},
}


# -- inputs --------------------------------------------------------------------------------


def parse_month(month: Any) -> tuple[int, int]:
    """``(year, month)`` from ``"2025-02"``, ``"2025-02-13"``, ``"202502"``, a date/datetime,
    a pandas Timestamp, or an Excel date serial (any day of the month).

    Raises
    ------
    InputError
        Anything else, naming the value and the accepted forms.
    """
    if isinstance(month, bool):
        month = None
    if isinstance(month, (dt.date, pd.Timestamp)):
        return month.year, month.month
    if isinstance(month, (int, float)) and not (isinstance(month, float) and math.isnan(month)):
        if 1 <= month < 2958466:  # an Excel serial (1900 system)
            day = dt.date(1899, 12, 30) + dt.timedelta(days=int(month))
            return day.year, day.month
    if isinstance(month, str):
        text = month.strip()
        m = re.fullmatch(r"(\d{4})[-/.]?(\d{1,2})(?:[-/.]\d{1,2})?", text)
        if m and 1 <= int(m.group(2)) <= 12 and 1900 <= int(m.group(1)) <= 2200:
            return int(m.group(1)), int(m.group(2))
    raise InputError(
        f"month {month!r} is not a month; use YYYY-MM (e.g. 2025-02) or any date in the month",
        month=month,
    )


def _month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _clean(tickers: Iterable | str | None) -> list[str]:
    if tickers is None:
        return []
    if isinstance(tickers, str):
        tickers = re.split(r"[\s,;]+", tickers)
    from ..data.prices import clean_tickers

    return clean_tickers([t for t in tickers if isinstance(t, str)])


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else Settings.from_env()


# -- the report's table 4 and the tags -----------------------------------------------------


def _report_rows() -> pd.DataFrame:
    from .content import report_calendar_table

    return report_calendar_table().frame


def _ai_infrastructure_tickers(report: pd.DataFrame | None = None, baskets=None) -> set[str]:
    from ..content.baskets import load_baskets

    report = _report_rows() if report is None else report
    tagged = set(report.loc[report["ai_infrastructure"].astype(bool), "ticker"])
    for b in (load_baskets() if baskets is None else baskets):
        if b.theme == "infrastructure":
            tagged.update(b.members)
    return tagged


def _company_names(settings: Settings, report: pd.DataFrame | None = None) -> dict[str, str]:
    names: dict[str, str] = {}
    if settings.universe_file is not None:
        try:
            from ..data.universe import load_universe_file

            members = load_universe_file(settings.universe_file)
            col = "name" if "name" in members.columns else None
            if col:
                names.update({str(t): str(n) for t, n in zip(members["ticker"], members[col])})
        except ShockbookError:
            pass  # names are a nicety; a bad universe file is reported by the event tables
    from ..content.calls import load_calls

    names.update({c.ticker: c.company_en for c in load_calls().rows})
    report = _report_rows() if report is None else report
    names.update(dict(zip(report["ticker"], report["company"])))
    return names


# -- company-days ----------------------------------------------------------------------------


def earnings_calendar_rows(
    month: str | dt.date = REPORT_MONTH,
    tickers: list[str] | None = None,
    settings: Settings | None = None,
    *,
    source=None,
    baskets=None,
) -> EarningsTable:
    """One row per company-day of earnings in ``month``, in date then ticker order.

    Parameters
    ----------
    month:
        ``"YYYY-MM"``, any date in the month, or an Excel serial.
    tickers:
        The watchlist: added to the report's table-4 companies and marked. None: the report's
        companies only.
    settings:
        Default ``Settings.from_env()``; offline (or no ``live`` source) never asks Yahoo.
    source:
        An object with ``fetch_earnings(ticker)`` to use instead of the shared Yahoo source
        (tests).
    baskets:
        The curated baskets (:func:`shockbook.content.baskets.load_baskets`), whose
        infrastructure members are marked AI infrastructure; None: loaded here.

    Returns
    -------
    EarningsTable
        ``frame``: :data:`ROW_COLUMNS`: ``date`` (datetime64), ``ticker``, ``company``, ``source``
        (``"yahoo"``, ``"cache"`` or ``"report table 4"``), ``flag`` (``TICKER``/``NAME``/
        ``SPACING`` from table 4, ``DATE`` when Yahoo's date differs from the report's),
        ``time_of_day``, ``eps_estimate``/``eps_reported`` (USD per share, NaN when unknown),
        ``surprise_pct`` (percent, NaN when unknown), ``weekday``, ``ai_infrastructure``,
        ``watchlist`` (bool), ``note``, ``as_of``. Also ``month``, ``source`` (the
        sources used, comma-separated), ``notes`` (one line per corrected or missing entry),
        ``errors`` (ticker -> the :class:`ShockbookError` of a company no source could place).

    Raises
    ------
    InputError
        A malformed month.
    NoDataError
        No source has any earnings date in the month for these companies (e.g. a month other
        than 2025-02 offline with an empty cache).
    """
    settings = _settings(settings)
    year, mon = parse_month(month)
    label = _month_text(year, mon)
    first = dt.date(year, mon, 1)
    last = dt.date(year, mon, _pycal.monthrange(year, mon)[1])
    watch = _clean(tickers)
    report = _report_rows()
    in_month = report[(report["date"].dt.year == year) & (report["date"].dt.month == mon)]
    month_rows: dict[str, list] = {}
    for r in in_month.itertuples(index=False):
        month_rows.setdefault(r.ticker, []).append(r)
    report_by_ticker = set(report["ticker"])
    universe = list(dict.fromkeys([*report["ticker"], *watch]))
    ai = _ai_infrastructure_tickers(report, baskets)
    names = _company_names(settings, report)

    rows: list[dict] = []
    flags: list[str] = []
    errors: dict[str, ShockbookError] = {}
    live = live_allowed(settings)
    for t in universe:
        try:
            dates = company_earnings(t, settings, source=source)
        except ShockbookError as exc:
            dates = None
            if not (not live and isinstance(exc, NoDataError)):
                errors[t] = exc
        report_days = month_rows.get(t, [])
        if dates is not None:
            frame = dates.frame
            days = frame[(frame["date"].dt.date >= first) & (frame["date"].dt.date <= last)]
            if not days.empty or not report_days:
                for r in days.itertuples(index=False):
                    rows.append(_row_from_yahoo(r, t, names, dates, report_days, ai, watch))
                continue
            # Yahoo knows the company but lists no date in this month; the report does.
            flags.append(f"{t}: no {label} earnings date at {dates.source}; "
                         f"the report's date is shown")
        for r in report_days:
            rows.append(_row_from_report(r, ai, watch))
    for r in rows:
        if r["flag"] and r["note"]:
            flags.append(f"{r['ticker']}: {r['note']}")
    placed = {r["ticker"] for r in rows}
    for t in [t for t in errors if t in placed]:  # served by the report after Yahoo failed
        flags.append(f"{t}: Yahoo failed ({errors.pop(t).one_line()}); the report's date is shown")
    for t in watch:
        if not any(r["ticker"] == t for r in rows) and t not in errors:
            if t not in report_by_ticker and not live:
                flags.append(f"{t}: no {label} earnings date offline (not in the report's table 4, "
                             "nothing cached)")
    if not rows:
        where = "Yahoo Finance, the earnings cache" if live else "the earnings cache (offline)"
        raise NoDataError(
            f"no earnings dates in {label} for {', '.join(universe[:8])}"
            f"{'...' if len(universe) > 8 else ''} from {where} or the report's table 4 "
            f"(which covers {REPORT_MONTH} only)",
            month=label, start=first, end=last,
        )
    out = pd.DataFrame(rows, columns=ROW_COLUMNS)
    out["date"] = pd.to_datetime(out["date"])
    for c in ("eps_estimate", "eps_reported", "surprise_pct"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    out = out.sort_values("date", kind="stable").reset_index(drop=True)  # report order within a day
    used = list(dict.fromkeys(out["source"]))
    return EarningsTable(out, errors=errors,
                         notes=tuple(dict.fromkeys(flags)), month=label, source=", ".join(used))


def _row_from_report(r, ai: set[str], watch: list[str]) -> dict:
    return dict(
        date=r.date, ticker=r.ticker, company=r.company, source=SOURCE_REPORT, flag=r.flag,
        time_of_day="", eps_estimate=math.nan, eps_reported=math.nan, surprise_pct=math.nan,
        weekday=r.weekday, ai_infrastructure=bool(r.ai_infrastructure) or r.ticker in ai,
        watchlist=r.ticker in watch, note=r.note, as_of="",
    )


def _row_from_yahoo(r, ticker: str, names: dict, dates: EarningsDates, report_days: list,
                    ai: set[str], watch: list[str]) -> dict:
    """``report_days``: the report's rows (named tuples) for ``ticker`` in the month."""
    day = pd.Timestamp(r.date)
    flag, note = "", ""
    if report_days:
        rep = report_days[0]
        flag, note = rep.flag, rep.note
        printed = pd.Timestamp(rep.date)
        if printed.normalize() != day.normalize():
            flag = " ".join(f for f in (flag, "DATE") if f)
            moved = f"Report date {printed.date()}; Yahoo lists {day.date()}."
            note = f"{note} {moved}".strip()
    as_of = dates.as_of
    return dict(
        date=day.normalize(), ticker=ticker, company=names.get(ticker, ticker),
        source=dates.source, flag=flag, time_of_day=r.time_of_day or "",
        eps_estimate=r.eps_estimate, eps_reported=r.eps_reported, surprise_pct=r.surprise_pct,
        weekday=WEEKDAY_COLUMNS[day.weekday()] if day.weekday() < 5 else day.day_name()[:3].upper(),
        ai_infrastructure=ticker in ai, watchlist=ticker in watch, note=note,
        as_of=as_of.isoformat(timespec="minutes") if isinstance(as_of, dt.datetime) else "",
    )


# -- the grid --------------------------------------------------------------------------------


def company_label(row: dict | pd.Series) -> str:
    """``"★◆ NVIDIA (NVDA)"``: markers, company, ticker (``†`` after a corrected entry)."""
    marks = (MARK_WATCHLIST if row["watchlist"] else "") + (MARK_AI if row["ai_infrastructure"] else "")
    corrected = MARK_FLAGGED if row["flag"] else ""
    text = f"{row['company']} ({row['ticker']}){corrected}"
    return f"{marks} {text}" if marks else text


def earnings_calendar_grid(
    month: str | dt.date = REPORT_MONTH,
    tickers: list[str] | None = None,
    settings: Settings | None = None,
    lang: str = "ko",
    *,
    source=None,
    baskets=None,
) -> EarningsTable:
    """The month as a grid like the report's table 4: one row per week, MON..FRI columns.

    Each cell holds the day number, then one line per company reporting that day
    (``"Company (TICKER)"`` with ``★`` watchlist / ``◆`` AI-infrastructure markers, ``†`` for
    an entry corrected from the report); a market holiday says so; days of other months are
    empty. ``week_of`` is the week's Monday (datetime64).

    Returns an :class:`EarningsTable` whose ``frame`` is the grid; ``month`` ("YYYY-MM"),
    ``source`` (``"report table 4"``, ``"yahoo"``, ``"cache"``, or several comma-separated),
    ``notes`` (one line per correction, moved date or missing company), ``errors`` (ticker ->
    :class:`ShockbookError`), ``legend`` (the markers, in ``lang``) and ``source_text`` (the sources, in ``lang``). The company-days behind the grid are
    :func:`earnings_calendar_rows` with the same arguments.

    Raises
    ------
    InputError
        A malformed month or unknown ``lang``.
    NoDataError
        No company-day in the month from any source.
    """
    lang = str(lang).strip().lower()
    if lang not in _LEGEND:
        raise InputError(f"unknown language {lang!r}; valid: ko, en", name=lang)
    found = earnings_calendar_rows(month, tickers, settings, source=source, baskets=baskets)
    rows = found.frame
    year, mon = parse_month(month)
    last_day = _pycal.monthrange(year, mon)[1]
    first = dt.date(year, mon, 1)
    monday = first - dt.timedelta(days=first.weekday())
    closed = _closed_days(first, dt.date(year, mon, last_day))
    by_day: dict[dt.date, list[str]] = {}
    for r in rows.to_dict("records"):
        by_day.setdefault(pd.Timestamp(r["date"]).date(), []).append(company_label(r))
    weeks = []
    while monday <= dt.date(year, mon, last_day):
        week = {"week_of": pd.Timestamp(monday)}
        for i, col in enumerate(WEEKDAY_COLUMNS):
            day = monday + dt.timedelta(days=i)
            if day.month != mon:
                week[col] = ""
                continue
            lines = [str(day.day)]
            if day in closed:
                lines.append(_CLOSED[lang])
            lines.extend(by_day.get(day, []))
            week[col] = "\n".join(lines)
        if any(week[c] for c in WEEKDAY_COLUMNS):
            weeks.append(week)
        monday += dt.timedelta(days=7)
    grid = pd.DataFrame(weeks, columns=GRID_COLUMNS)
    grid["week_of"] = pd.to_datetime(grid["week_of"])
    return replace(
        found, frame=grid, legend=_LEGEND[lang],
        source_text=source_text(found.source, lang),
    )


def source_text(source: str, lang: str) -> str:
    """An earnings ``source`` (``"report table 4"``, ``"yahoo"``, ``"cache"``, or several
    comma-separated) as the reader sees it in ``lang`` (``ko``: ``"보고서 표4"``)."""
    return ", ".join(_SOURCE_TEXT[lang].get(s, s) for s in source.split(", ")) if source else ""


def _closed_days(first: dt.date, last: dt.date) -> set[dt.date]:
    from ..data import sessions as cal

    try:
        sessions = {d.date() for d in cal.sessions(first, last)}
    except ShockbookError:
        return set()  # outside the exchange calendar's range: do not guess holidays
    return {first + dt.timedelta(days=i) for i in range((last - first).days + 1)
            if (first + dt.timedelta(days=i)).weekday() < 5
            and first + dt.timedelta(days=i) not in sessions}


# -- single-company helpers (for the UDFs) -------------------------------------------------

#: Companies report once a quarter, so a table-4 date more than a quarter after the day asked
#: (e.g. February 2025 for an event in August 2024) is not the first report after it.
REPORT_REACH_DAYS = 92


def next_earnings_date(
    ticker: str,
    settings: Settings | None = None,
    *,
    as_of: str | dt.date | None = None,
    source=None,
) -> dict:
    """The first earnings date of ``ticker`` on or after ``as_of`` (default today).

    Returns
    -------
    dict
        ``ticker``, ``date`` (:class:`datetime.date`), ``time_of_day``, ``eps_estimate``
        (USD per share, NaN when unknown), ``source`` (``yahoo``/``cache``/``report table 4``).
        The report's table 4 is used when no Yahoo data (live or cached) exists, and only
        for a date at most :data:`REPORT_REACH_DAYS` after ``as_of``.

    Raises
    ------
    NoDataError
        No source lists a date on or after ``as_of``.
    """
    from ..data.sessions import to_date

    settings = _settings(settings)
    name = (_clean([ticker]) or [""])[0]
    if not name:
        raise InputError(f"ticker {ticker!r} is empty", ticker=ticker)
    day = to_date(as_of) if as_of is not None else dt.date.today()
    candidates: list[dict] = []
    first_error: ShockbookError | None = None
    try:
        dates = company_earnings(name, settings, source=source)
        for r in dates.frame.itertuples(index=False):
            if pd.Timestamp(r.date).date() >= day:
                candidates.append(dict(ticker=name, date=pd.Timestamp(r.date).date(),
                                       time_of_day=r.time_of_day, eps_estimate=r.eps_estimate,
                                       source=dates.source))
    except ShockbookError as exc:
        first_error = exc
    later = None  # a table-4 date too far after ``day`` to be the first report after it
    if not candidates:
        report = _report_rows()
        for r in report[report["ticker"] == name].itertuples(index=False):
            if r.date.date() >= day and (r.date.date() - day).days > REPORT_REACH_DAYS:
                later = r.date.date()
            elif r.date.date() >= day:
                candidates.append(dict(ticker=name, date=r.date.date(), time_of_day="",
                                       eps_estimate=math.nan, source=SOURCE_REPORT))
    if not candidates:
        why = f" ({first_error.one_line()})" if first_error is not None else ""
        if later is not None:
            why += (f" (the report's table 4 lists {later}, more than a quarter later: "
                    "an earlier report is not listed there)")
        raise NoDataError(f"no earnings date for {name} on or after {day}{why}",
                          ticker=name, start=day, end=None)
    return min(candidates, key=lambda c: c["date"])


def eps_surprise(
    ticker: str,
    date: str | dt.date | None = None,
    settings: Settings | None = None,
    *,
    source=None,
) -> dict:
    """EPS estimate, reported EPS and surprise of one report of ``ticker``.

    Parameters
    ----------
    date:
        The report date (that day, or the nearest report within 7 days); None: the latest
        report with a reported EPS.

    Returns
    -------
    dict
        ``ticker``, ``date``, ``eps_estimate``, ``eps_reported`` (USD per share),
        ``surprise`` (a fraction: +0.05 is 5% above the estimate; Yahoo's figure when given,
        else (reported - estimate) / |estimate|), ``source``.

    Raises
    ------
    NoDataError
        No report with a reported EPS at or near ``date`` (the report's own tables have no
        estimates, so offline this needs the cache).
    """
    from ..data.sessions import to_date

    settings = _settings(settings)
    name = (_clean([ticker]) or [""])[0]
    if not name:
        raise InputError(f"ticker {ticker!r} is empty", ticker=ticker)
    dates = company_earnings(name, settings, source=source)
    done = dates.frame[dates.frame["eps_reported"].notna()]
    if date is not None:
        day = pd.Timestamp(to_date(date))
        gap = (done["date"] - day).abs()
        done = done[gap <= pd.Timedelta(days=7)]
        done = done.assign(_gap=gap[gap <= pd.Timedelta(days=7)]).sort_values("_gap", kind="stable")
    else:
        done = done.sort_values("date", ascending=False, kind="stable")
    if done.empty:
        when = f" near {to_date(date)}" if date is not None else ""
        raise NoDataError(f"no reported EPS for {name}{when} at {dates.source}",
                          ticker=name, start=None, end=None)
    r = done.iloc[0]
    return dict(ticker=name, date=pd.Timestamp(r["date"]).date(), eps_estimate=float(r["eps_estimate"]),
                eps_reported=float(r["eps_reported"]),
                surprise=_surprise_fraction(r["eps_estimate"], r["eps_reported"], r["surprise_pct"]),
                source=dates.source)


def _surprise_fraction(estimate: float, reported: float, surprise_pct: float) -> float:
    if not pd.isna(surprise_pct):
        return float(surprise_pct) / 100.0
    if pd.isna(estimate) or pd.isna(reported) or estimate == 0:
        return math.nan
    return (float(reported) - float(estimate)) / abs(float(estimate))


def beat_or_miss(surprise: float) -> str:
    """``"beat"`` above the estimate, ``"miss"`` below, ``"inline"`` at it, ``""`` for NaN."""
    if surprise is None or pd.isna(surprise):
        return ""
    if surprise > INLINE_SURPRISE_PCT / 100.0:
        return "beat"
    if surprise < -INLINE_SURPRISE_PCT / 100.0:
        return "miss"
    return "inline"


def calls_beat_miss_table(settings: Settings | None = None, *, source=None) -> TableResult:
    """The report's table-3 EPS marks beside a beat/miss recomputed from Yahoo's figures.

    For each call (MSFT, META, TSLA, NOW, IBM, GLW) the Yahoo report inside
    :data:`CALLS_SEASON` is used. ``surprise_pct`` is a fraction here; ``recomputed_mark``
    is beat/miss/inline; ``agrees`` is True/False, or None when Yahoo (live or cached) has no
    figures (``note`` says why, ``source`` is ``"report"``).
    """
    from ..content.calls import load_calls

    settings = _settings(settings)
    out = []
    for c in load_calls().rows:
        row = dict(ticker=c.ticker, company=c.company_en, report_eps=c.eps_usd,
                   report_eps_mark=c.eps_vs_consensus, yahoo_date=pd.NaT, eps_estimate=math.nan,
                   eps_reported=math.nan, surprise_pct=math.nan, recomputed_mark="",
                   agrees=None, source="report", note="")
        try:
            dates = company_earnings(c.ticker, settings, source=source)
            frame = dates.frame
            season = frame[(frame["date"].dt.date >= CALLS_SEASON[0])
                           & (frame["date"].dt.date <= CALLS_SEASON[1])
                           & frame["eps_reported"].notna()]
            if season.empty:
                row["note"] = f"{dates.source} has no reported EPS between " \
                              f"{CALLS_SEASON[0]} and {CALLS_SEASON[1]}"
            else:
                r = season.iloc[0]
                surprise = _surprise_fraction(r["eps_estimate"], r["eps_reported"], r["surprise_pct"])
                mark = beat_or_miss(surprise)
                row.update(yahoo_date=pd.Timestamp(r["date"]), eps_estimate=r["eps_estimate"],
                           eps_reported=r["eps_reported"], surprise_pct=surprise,
                           recomputed_mark=mark, agrees=(mark == c.eps_vs_consensus) if mark else None,
                           source=dates.source)
        except ShockbookError as exc:
            row["note"] = error_note("error", exc)
        out.append(row)
    df = pd.DataFrame(out, columns=BEAT_MISS_COLUMNS)
    df["yahoo_date"] = pd.to_datetime(df["yahoo_date"])
    return TableResult(df)


__all__ = [
    "earnings_calendar_grid", "earnings_calendar_rows", "next_earnings_date",
    "eps_surprise", "calls_beat_miss_table", "beat_or_miss", "parse_month", "company_label",
    "GRID_COLUMNS", "ROW_COLUMNS", "SOURCE_REPORT", "SOURCE_YAHOO", "SOURCE_CACHE",
]

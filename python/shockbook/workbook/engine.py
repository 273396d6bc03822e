"""The refresh engine: run each block of the layout and write its table through a writer.

:func:`refresh_blocks` runs each block's producer (:func:`produce`) and writes the table at its
anchor (:func:`write_block`) through a :class:`BookWriter`. Writers are adapters of this module,
and none imports another:

* ``shockbook.template.writer.OpenpyxlWriter`` -- new books and the headless refresh of a saved
  file (:mod:`shockbook.template.builder`);
* ``shockbook.excel.macros.XlwingsWriter`` -- Excel's refresh buttons (a live workbook).

Only the ranges the layout owns are rewritten (see :mod:`shockbook.workbook.layout`). The
Settings sheet is read back through the same writer (:func:`context_from_sheet`).

This module imports neither openpyxl nor xlwings.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol, Sequence

import numpy as np
import pandas as pd

from ..config import Settings
from ..data.symbols import yahoo_symbol
from ..errors import DataError, InputError, ShockbookError, shorten
from ..notes import has_codes
from ..tables.result import TableResult
from ..userfiles import check_data_file, check_local_path
from . import eventtext
from . import layout as L
from .i18n import error_cell, error_text, label, labels, render_notes, table_name
from .provenance import describe
from .quotes import mark_quotes
from .producers import REPORT, REPORT_EVENT, Context, SourceRecord, make_context

CELL_LIMIT = 32767
#: Per-row number formats named by a block's ``fmt_by`` column (see :class:`layout.Column`).
UNIT_FORMATS = {"pct": L.PCT2, "count": L.THOUSANDS, "one_in": '"1/"0.0', "multiple": '0.0"x"', "text": L.TEXT,
                "date": L.DATE, "number": "0.0##"}


# --- the writer interface ---------------------------------------------------------------------


class BookWriter(Protocol):
    """What the runner needs from a workbook; rows and columns are one-based."""

    def sheet_for(self, block: str, default_title: str) -> str:
        """The title of the sheet holding table ``block`` (found by table name), else ``default_title``."""

    def read(self, sheet: str, top: int, left: int, bottom: int, right: int) -> list[list]:
        """Values of a rectangle, row by row (``None`` for empty cells)."""

    def write(self, sheet: str, top: int, left: int, rows: list[list]) -> None:
        """Write values at ``(top, left)``; ``None`` empties a cell. Text is never a formula."""

    def set_table(self, sheet: str, name: str, ref: str) -> None:
        """Make the Excel table ``name`` cover ``ref`` (header row first), creating it if needed."""

    def set_number_formats(self, sheet: str, ranges: list[tuple[int, int, int, int, str]]) -> None:
        """Give each ``(top, left, bottom, right, format)`` rectangle its Excel number format."""

    # optional: writers without it leave the sheet titles as the build wrote them
    def set_title(self, sheet: str, text: str, ours: Callable[[str], bool]) -> None:
        """Write the sheet's title ``text`` in A1 when A1 is empty or ``ours(A1's text)`` (a
        title shockbook wrote, for any event); a text the user typed there is kept."""


# --- producing a block ------------------------------------------------------------------------


@dataclass
class BlockResult:
    name: str
    rows: int
    note: str = ""
    error: str = ""  # the error's message as raised (the CLI's line)
    said: str = ""  # the error as the book says it: its kind in the book's language, then the message
    as_published: bool = False
    data_error: bool = False  # the error is missing data (DataError), not a bad input
    formats: dict[str, list[str]] = field(default_factory=dict)  # column -> number format per row
    prices: bool = False  # the block needs price data (see :attr:`layout.Block.prices`)
    ticker_errors: dict[str, str] = field(default_factory=dict)  # ticker -> error shown in its row


def _cell(value):
    """A DataFrame value as a plain Python cell value (NaN/NaT -> empty)."""
    kind = type(value)  # fast paths for the plain values most cells hold (same answers as below)
    if kind is float:
        return None if math.isnan(value) or math.isinf(value) else value
    if kind is str:
        return shorten(value, CELL_LIMIT) if len(value) > CELL_LIMIT else value
    if kind is int or kind is bool:
        return value
    if value is None:
        return None
    if isinstance(value, (list, tuple, set)):
        return ", ".join(map(str, value))
    if isinstance(value, ShockbookError):  # a row's error, kept typed until here
        return value.cell_text()
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime().replace(tzinfo=None)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is pd.NaT or (not isinstance(value, (str, bool, int, float, dt.date)) and pd.isna(value)):
        return None
    if isinstance(value, str) and len(value) > CELL_LIMIT:
        return shorten(value, CELL_LIMIT)
    return value


def project(frame: pd.DataFrame, columns: Sequence[L.Column]) -> list[list]:
    """The frame's rows restricted to ``columns`` in order (missing columns are empty)."""
    out = []
    data = {c.key: (frame[c.key].tolist() if c.key in frame.columns else [None] * len(frame)) for c in columns}
    for i in range(len(frame)):
        out.append([_cell(data[c.key][i]) for c in columns])
    return out


def as_result(out: TableResult | pd.DataFrame) -> TableResult:
    """A producer's answer as a :class:`TableResult` (a bare frame has no context)."""
    return out if isinstance(out, TableResult) else TableResult(out)


def _provenance(table: TableResult, ctx: Context) -> tuple[str, str]:
    """(source, as_of) of a producer's table for its Sources row: the source it names (curated
    content, inputs), its price provenance (source, price basis, as-of: see
    :func:`.provenance.describe`; both when it names a source and used prices), or its own
    source column."""
    frame = table.frame
    field = str(getattr(table, "price_field", "") or ctx.settings.price_field)
    prices, as_of = describe(table.provenance, field, ctx.lang) if table.provenance else ("", "")
    if getattr(table, "source", ""):  # a producer that names its source (curated content, inputs)
        named = str(table.source)
        return (f"{named}; {prices}" if prices else named), str(getattr(table, "as_of", "") or "") or as_of
    if prices:
        return prices, as_of
    if "source" in frame.columns:
        values = [str(v) for v in dict.fromkeys(frame["source"].dropna()) if str(v)]
        return shorten("; ".join(values[:3]) + (f"; +{len(values) - 3}" if len(values) > 3 else ""), 250), (
            str(getattr(table, "as_of", "") or "") or _dates(frame))
    return "", ""


def _dates(frame: pd.DataFrame) -> str:
    """The span of a content table's source dates (``2024-04 – 2025-04``), ``""`` without any."""
    if "source_date" not in frame.columns:
        return ""
    dates = sorted({str(d) for d in frame["source_date"].dropna() if str(d).strip()})
    return "" if not dates else dates[0] if len(dates) == 1 else f"{dates[0]} – {dates[-1]}"


def row_errors(frame: pd.DataFrame | None) -> dict[str, str]:
    """``ticker -> error`` of the rows whose ``error`` column is filled (without the ``#SB!`` mark)."""
    if frame is None or "ticker" not in frame.columns or "error" not in frame.columns:
        return {}
    out = {}
    for ticker, error in zip(frame["ticker"], frame["error"]):
        if isinstance(error, ShockbookError):
            out[str(ticker)] = error.one_line()
        elif isinstance(error, str) and error.strip():
            text = error.strip()
            out[str(ticker)] = text[len(ShockbookError.cell_prefix):].strip() if text.startswith(
                ShockbookError.cell_prefix) else text
    return out


def produce(block: L.Block, ctx: Context) -> tuple[TableResult | None, BlockResult]:
    """Run a block's producer; when its data is missing, use its published fallback (report
    event only).

    Never raises for a data problem: the error text is in the result. Only missing data
    (:class:`DataError`) falls back to the published values; a bad input (a malformed ticker,
    a bad setting) shows its error, so it is never mistaken for "no data".
    """
    try:
        table = as_result(block.producer(ctx))
        # a price table's notes (e.g. "YTD not computed: no year-end in the data") go in its heading
        note = render_notes("; ".join(dict.fromkeys(table.notes)), ctx.lang) if block.prices else ""
        return table, BlockResult(block.name, len(table.frame), note=note, prices=block.prices,
                                  ticker_errors=row_errors(table.frame))
    except ShockbookError as exc:
        error, said = exc.one_line(), error_text(exc, ctx.lang)
        missing = isinstance(exc, DataError)
        if missing and block.fallback is not None and ctx.is_report_event:
            try:
                table = as_result(block.fallback(ctx))
                ctx.published.append(block.name)
                return table, BlockResult(block.name, len(table.frame), note=ctx.t("note.as_published"),
                                          error=error, said=said, as_published=True, data_error=missing,
                                          prices=block.prices)
            except ShockbookError:
                pass
        return None, BlockResult(block.name, 0, error=error, said=said, data_error=missing, prices=block.prices)


def refresh_blocks(writer: BookWriter, ctx: Context, *, sheets: Iterable[str] | None = None,
                   inputs: bool = False, progress=None) -> list[BlockResult]:
    """Write every block (of ``sheets``, by key; default all) through ``writer``.

    ``inputs=True`` also writes the input blocks (Settings, watchlist): the build does, a
    refresh does not (their Sources rows are written all the same). Blocks whose producer
    reads the others' provenance (the summary, the Sources table) run last. A refresh of some
    sheets rewrites the Sources rows of their tables and keeps the others' rows.
    """
    wanted = set(sheets) if sheets is not None else None
    todo = [(s, b) for s, b in L.blocks() if wanted is None or s.key in wanted]
    todo.sort(key=lambda sb: sb[1].name in L.LAST)
    results = []
    titled: set[str] = set()
    for sheet, block in todo:
        if block.name == "sb_sources" and wanted is not None:  # merged with the rows kept, below
            continue
        if block.role == "input" and not inputs:  # the user's cells, not rewritten; listed on Sources all the same
            _record_input(writer, ctx, sheet, block)
            continue
        title = writer.sheet_for(block.name, label(sheet.title_key, ctx.lang))
        if sheet.key in eventtext.EVENT_SHEETS and sheet.key not in titled and hasattr(writer, "set_title"):
            # the title names the event; a title the user typed over stays
            writer.set_title(title, eventtext.sheet_title(sheet, ctx), lambda text, key=sheet.key: eventtext.is_title(key, text))
            titled.add(sheet.key)
        table, result = produce(block, ctx)
        write_block(writer, title, block, table.frame if table is not None else None, result, ctx)
        if table is not None and block.name not in L.LAST:
            source, as_of = _provenance(table, ctx)
            if result.as_published:
                source, as_of = label("prov.published", ctx.lang), REPORT_EVENT.isoformat()
            ctx.records.append(SourceRecord(block.name, title, source, as_of,
                                            str(getattr(table, "event", "")),
                                            result.note or getattr(table, "session_note", "")))
        elif table is None:
            ctx.records.append(SourceRecord(block.name, title, label("prov.none", ctx.lang), "-", "",
                                            result.said or result.error))
        results.append(result)
        if progress is not None:
            progress.update(1)
    if wanted is not None and (ctx.records or "sources" in wanted):
        _update_sources(writer, ctx)
    return results


def _update_sources(writer: BookWriter, ctx: Context) -> None:
    """After a refresh of some sheets: the Sources rows of the tables just written, the rows of
    the others kept as they were (matched by table title and sheet), in layout order. A book
    without the Sources table is left alone."""
    sheet, block = L.block("sb_sources")
    title = writer.sheet_for(block.name, "")
    if not title:
        return
    top, left, bottom, right = block.owned()
    kept: dict[tuple[str, str], list] = {}
    for row in writer.read(title, top + 2, left, bottom, right):
        if row[0] not in (None, ""):
            kept.setdefault((str(row[0]), str(row[1] or "")), row)
    fresh = {r.block: r for r in ctx.records}
    records = []
    for s, b in L.blocks():
        if b.name in L.LAST:
            continue
        if b.name in fresh:
            records.append(fresh[b.name])
            continue
        where = writer.sheet_for(b.name, label(s.title_key, ctx.lang))
        # by its name on the Sources sheet (a book built before the name was its title: by that)
        row = kept.get((table_name(b.name, ctx.lang), where)) or kept.get((ctx.t(f"block.{b.name}"), where))
        if row is not None:
            records.append(SourceRecord(b.name, where, *("" if v is None else str(v) for v in row[2:6])))
    ctx.records[:] = records
    table, result = produce(block, ctx)
    write_block(writer, title, block, table.frame if table is not None else None, result, ctx)


def _record_input(writer: BookWriter, ctx: Context, sheet: L.Sheet, block: L.Block) -> None:
    """The Sources row of an input block a refresh leaves as the user typed it (Settings,
    watchlist, dip weights): the row the build gave it, at the same place."""
    title = writer.sheet_for(block.name, label(sheet.title_key, ctx.lang))
    try:
        table = as_result(block.producer(ctx))
    except ShockbookError as exc:
        ctx.records.append(SourceRecord(block.name, title, label("prov.none", ctx.lang), "-", "", exc.one_line()))
        return
    source, as_of = _provenance(table, ctx)
    ctx.records.append(SourceRecord(block.name, title, source, as_of, "", ""))


def write_block(writer: BookWriter, title: str, block: L.Block, frame, result: BlockResult, ctx: Context) -> None:
    """Title row, header, data rows (+ the user's kept rows) and the table range of one block."""
    top, left, bottom, right = block.owned()
    header_row = top + 1
    if frame is not None and "error" in frame.columns:  # a row's error, kept typed until here
        frame = frame.assign(error=[error_cell(e, ctx.lang) if isinstance(e, ShockbookError) else e
                                    for e in frame["error"]])
    rows = project(frame, block.columns) if frame is not None else []
    # the analysis notes are codes (shockbook.notes): said here in the book's language
    rows = [[_cell(render_notes(v, ctx.lang)) if has_codes(v) else v for v in r] for r in rows]
    if ctx.lang == "en":  # the report's Korean words in an English book are marked as quotes
        rows = [[mark_quotes(v, ctx.lang) for v in r] for r in rows]
    if frame is None:
        rows = [[f"#SB! {result.said or result.error}"] + [None] * (block.width - 1)]
    if block.keep_rows is not None:
        key, marker = block.keep_rows
        at = [c.key for c in block.columns].index(key)
        # the marker as either book says it (a book built in one language, refreshed in the other)
        produced = {r[at] for r in rows} | {marker} | set(labels().get(f"{key}.{marker}", {}).values())
        existing = writer.read(title, header_row + 1, left, bottom, right)
        kept = [r for r in existing if any(v not in (None, "") for v in r) and r[at] not in produced]
        rows = rows + [list(r) for r in kept]
    if len(rows) > block.capacity:
        result.note = f"{result.note} {len(rows) - block.capacity} rows not shown (capacity {block.capacity})".strip()
        rows = rows[: block.capacity]
    result.formats = _row_formats(block, frame, len(rows))
    writer.set_number_formats(title, number_format_ranges(block, len(rows), result.formats))
    heading = eventtext.block_heading(block, ctx)
    notes = [n for n in (result.note, f"#SB! {result.said or result.error}" if result.error and not result.as_published
                         else "") if n]
    title_cells = [heading + (f"  |  {' '.join(notes)}" if notes else "")] + [None] * (block.width - 1)
    header = [eventtext.column_header(block, c, ctx) for c in block.columns]
    padded = rows + [[None] * block.width for _ in range(block.capacity - len(rows))]
    writer.write(title, top, left, [title_cells, header] + padded)
    last = header_row + max(1, len(rows))
    writer.set_table(title, block.name, f"{L.column_letter(left)}{header_row}:{L.column_letter(right)}{last}")
    result.rows = len(rows)


def number_format_ranges(block: L.Block, n: int, formats: dict[str, list[str]] | None = None
                         ) -> list[tuple[int, int, int, int, str]]:
    """The ``(top, left, bottom, right, format)`` rectangles that give the block's first ``n``
    data rows their number formats (one-based, inclusive).

    A column's format comes from the layout, or per row from ``formats`` (``{column: [format
    per row]}``, see :func:`_row_formats`). Text (``General``) columns without per-row formats
    are left alone. Runs of rows with one format become one rectangle, and neighbouring columns
    with the same rows and format are merged, so a live writer (xlwings) makes few calls.
    """
    formats = formats or {}
    header_row, left = block.origin
    runs: list[list] = []
    for offset, column in enumerate(block.columns):
        per_row = formats.get(column.key)
        if n <= 0 or (not per_row and column.fmt == L.TEXT):
            continue
        fmts = [per_row[i] if per_row and i < len(per_row) else column.fmt for i in range(n)]
        start = 0
        for i in range(1, n + 1):
            if i == n or fmts[i] != fmts[start]:
                top, bottom, col = header_row + 1 + start, header_row + i, left + offset
                last = runs[-1] if runs else None
                if last and (last[0], last[2], last[3] + 1, last[4]) == (top, bottom, col, fmts[start]):
                    last[3] = col
                else:
                    runs.append([top, col, bottom, col, fmts[start]])
                start = i
    return [tuple(r) for r in runs]


def _row_formats(block: L.Block, frame, n: int) -> dict[str, list[str]]:
    """Number formats per row of the columns whose format follows a unit column (``fmt_by``)."""
    out = {}
    for column in block.columns:
        if column.fmt_by and frame is not None and column.fmt_by in frame.columns:
            units = [str(u) for u in frame[column.fmt_by].tolist()[:n]]
            out[column.key] = [UNIT_FORMATS.get(u, column.fmt) for u in units]
    return out



# --- settings read back from the workbook ---------------------------------------------------------------


def read_settings(writer: BookWriter, lang_hint: str = "ko") -> tuple[dict[str, str], list[str]]:
    """The Settings table (key -> value) and the watchlist, as the user left them."""
    _, block = L.block("sb_settings")
    title = writer.sheet_for(block.name, label("sheet.settings", lang_hint))
    top, left, bottom, right = block.owned()
    values = {}
    for row in writer.read(title, top + 2, left, bottom, right):
        if row[0] not in (None, ""):
            value = row[1]
            if isinstance(value, dt.datetime) and value == dt.datetime.combine(value.date(), dt.time()):
                value = value.date()  # a date typed into the cell: Excel keeps it as a datetime
            values[str(row[0]).strip()] = "" if value is None else (
                value.isoformat() if isinstance(value, dt.date) else str(value).strip())
    _, wl = L.block("sb_watchlist")
    top, left, bottom, right = wl.owned()
    watch = [yahoo_symbol(r[0], strict=False) for r in writer.read(title, top + 2, left, bottom, right)
             if r[0] not in (None, "") and str(r[0]).strip()]
    return values, watch


def setting_date(values: dict[str, str], key: str):
    """The date in Settings ``key`` (``None`` when empty: the latest close).

    Raises
    ------
    InputError
        Not a date (the message names the setting and the form expected).
    """
    from ..config import _parse_date

    text = values.get(key, "")
    if not text:
        return None
    try:
        return _parse_date(key, text)
    except InputError as exc:
        raise InputError(f"Settings {exc}; correct it on the Settings sheet or leave it empty for the latest close",
                         argument=key) from None


def read_watchlist_markets(writer: BookWriter, lang_hint: str = "ko") -> dict[str, dict[str, str]]:
    """The watchlist's ``exchange`` and ``benchmark`` cells, per ticker (filled cells only).

    Raises
    ------
    InputError
        An exchange code shockbook does not know (the message names it and the known ones).
    """
    from ..data.markets import market

    _, wl = L.block("sb_watchlist")
    if wl.width < 3:
        return {}
    title = writer.sheet_for(wl.name, label("sheet.settings", lang_hint))
    top, left, bottom, right = wl.owned()
    out: dict[str, dict[str, str]] = {}
    for row in writer.read(title, top + 2, left, bottom, right):
        if row[0] in (None, "") or not str(row[0]).strip():
            continue
        cells = {k: str(v).strip().upper() for k, v in zip(("exchange", "benchmark"), row[1:3]) if v not in (None, "")}
        if "exchange" in cells:
            try:
                market(cells["exchange"])
            except ShockbookError as exc:
                raise InputError(f"Settings watchlist {row[0]}: {exc.one_line()}", argument="exchange") from None
        if cells:
            out[yahoo_symbol(row[0], strict=False)] = cells
    return out


def setting_path(values: dict[str, str], key: str, folder: Path | None) -> Path | None:
    """The file named by Settings ``key``: relative paths are read from ``folder`` (the
    workbook's own folder), so a refresh finds them from whatever folder it runs in.

    Raises
    ------
    InputError
        The file does not exist, is on a network share or a URL, or is not a data file of the
        kind ``key`` names (:mod:`shockbook.userfiles`; its content is never quoted).
    """
    text = values.get(key, "")
    if not text:
        return None
    parts = text.split(os.pathsep) if key == "snapshot" else [text]  # a snapshot may be several files
    found = []
    for part in (p.strip() for p in parts if p.strip()):
        check_local_path(part, key)  # before any file-system call: a UNC path would reach its host
        path = Path(part).expanduser()
        if not path.is_absolute() and folder is not None:
            path = Path(os.path.normpath(Path(folder) / path))
        if key == "snapshot" and path.is_dir():  # a folder of snapshot files: each checked as data
            from ..data.snapshot import snapshot_files

            found += [check_data_file(f, key, part) for f in snapshot_files(path)]
            continue
        if not path.is_file():
            where = f"; relative paths are read from the workbook's folder {folder}" if folder is not None else ""
            raise InputError(f"Settings {key}={text!r}: file {path} does not exist; correct it on the "
                             f"Settings sheet{where}", argument=key, path=str(path))
        found.append(check_data_file(path, key, part))  # a workbook is untrusted: only a data file of the kind
    return found[0] if len(found) == 1 else Path(os.pathsep.join(map(str, found)))


def context_from_sheet(writer: BookWriter, base: Settings | None = None, lang_hint: str = "ko",
                       folder: str | os.PathLike | None = None, overrides: dict | None = None) -> Context:
    """A :class:`Context` from the workbook's Settings sheet over ``base`` settings.

    ``folder`` is the workbook's folder: relative ``snapshot`` and ``universe_file`` paths are
    read from there (``None``: from the current folder).

    Raises
    ------
    InputError
        A malformed value or a missing file (the message names the setting and what is valid),
        or an as-of date before the event.
    """
    from ..data.markets import parse_benchmarks
    from ..tables.events import as_of_session, resolve_event

    values, watch = read_settings(writer, lang_hint)
    markets = read_watchlist_markets(writer, lang_hint)
    event_text = values.get("event_date") or REPORT_EVENT.isoformat()
    try:
        resolve_event(event_text)
    except ShockbookError as exc:
        raise InputError(f"Settings event_date: {exc.one_line()}", argument="event_date") from None
    folder = Path(folder) if folder is not None else None
    base = base or Settings.from_env()

    def integer(key, default):
        text = values.get(key, "")
        try:
            return int(float(text)) if text else default
        except ValueError:
            raise InputError(f"Settings {key}={text!r} is not a whole number of sessions", argument=key) from None

    mode = values.get("data_mode", "").lower()
    if mode not in ("", "live", "offline"):
        raise InputError(f"Settings data_mode={mode!r}; valid: live, offline", argument="data_mode")
    lang = values.get("lang") or lang_hint
    try:
        parse_benchmarks(values.get("market_benchmarks", ""))
    except ShockbookError as exc:
        raise InputError(f"Settings market_benchmarks: {exc.one_line()}", argument="market_benchmarks") from None
    settings = base.replace(
        benchmark=values.get("benchmark") or None,
        offline=(mode == "offline") if mode else None,
        snapshot=setting_path(values, "snapshot", folder),
        universe_file=setting_path(values, "universe_file", folder),
        price_field=values.get("price_field") or None,
        lang=lang,
        as_of=setting_date(values, "as_of"),
        market_benchmarks=values.get("market_benchmarks") or None,
    )
    if overrides:  # flags given for this run (e.g. a nightly job's --snapshot) beat the sheet
        settings = settings.replace(**overrides)
    try:  # an as-of before the event would turn every event table into one error row: refuse
        as_of_session(settings.as_of, resolve_event(event_text))
    except ShockbookError as exc:
        where = "--as-of" if overrides and overrides.get("as_of") is not None else "Settings as_of"
        raise InputError(f"{where}: {exc.one_line()}; nothing was written", argument="as_of") from None
    window = (integer("estimation_start", settings.estimation_window[0]),
              integer("estimation_end", settings.estimation_window[1]))
    universe, universe_label = load_universe(settings, event_session(event_text))
    from .paths_view import parse_pairs

    return make_context(settings, event=event_text, watchlist=watch or None, markets=markets,
                        universe=universe, lang=lang, estimation_window=window,
                        calendar_month=values.get("calendar_month") or REPORT.calendar_month, universe_label=universe_label,
                        path_pairs=parse_pairs(values.get("path_pairs")), chart_start=setting_date(values, "chart_start"),
                        chart_end=setting_date(values, "chart_end"), chart_sessions=integer("chart_sessions", None))


def load_universe(settings: Settings, as_of=None, notes: list[str] | None = None) -> tuple[pd.DataFrame | None, str]:
    """The universe members on ``as_of`` (the event) and a label; ``(None, "")`` when there is
    none to be had (offline with no file or cached list, the list unreachable): the build goes on,
    and ``notes`` gets why (and what to do), or that a cached copy of the list was used."""
    from ..data.universe import universe_members

    try:
        frame = universe_members(settings, as_of=as_of, warnings=notes)
    except (ShockbookError, OSError) as exc:
        if settings.universe_file is not None:
            raise  # a file the user named must be readable
        if notes is not None:
            why = exc.one_line() if isinstance(exc, ShockbookError) else str(exc)
            notes.append(f"no universe, the breadth tables are left empty: {why}")
        return None, ""
    if settings.universe_file is not None:
        return frame, f"{Path(settings.universe_file).name} ({len(frame)})"
    return frame, f"S&P 500 (Wikipedia, {len(frame)})"


def event_session(text):
    """The event's session for the universe's membership date (None if it cannot be read yet)."""
    from ..tables.events import resolve_event

    try:
        return resolve_event(text).session
    except ShockbookError:
        return None



# --- what a build or refresh reports, and where it may write ------------------------------------


@dataclass
class BuildReport:
    path: Path
    results: list[BlockResult]
    charts: int
    published: list[str] = field(default_factory=list)
    settings: Settings | None = None  # the settings the tables were made with

    @property
    def errors(self) -> dict[str, str]:
        return {r.name: r.error for r in self.results if r.error}

    @property
    def no_data(self) -> bool:
        """No price data at all: every block that needs prices fell back to the published values
        or failed for missing data (a bad input elsewhere does not count)."""
        priced = [r for r in self.results if r.prices]
        return bool(priced) and all(r.as_published or (r.error and r.data_error) for r in priced)

    def failures(self) -> dict[str, str]:
        """Errors worth a line each: all of them, except missing data when there is no data at all."""
        return {r.name: r.error for r in self.results
                if r.error and not (self.no_data and (r.data_error or r.as_published))}

    def ticker_errors(self) -> dict[str, str]:
        """``ticker -> error`` of every row that shows an error (first block's text wins)."""
        out: dict[str, str] = {}
        for r in self.results:
            for ticker, error in r.ticker_errors.items():
                out.setdefault(ticker, error)
        return out



def check_out_path(path: Path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        raise InputError(f"the workbook must be a .xlsm file, not {path.name!r}", path=str(path))
    if path.stem.lower() == "shockbook":
        raise InputError("the workbook must not be named shockbook.xlsm: xlwings' Run main would "
                         "import it as the shockbook package; pick another name", path=str(path))
    if not path.stem.isidentifier():
        raise InputError(f"{path.name!r}: the name must be a Python identifier (letters, digits, _) "
                         "so that xlwings' Run main can import the module beside it", path=str(path))
    return path



def make_folder(path: Path) -> None:
    """Create the folder ``path`` goes into (like ``snapshot --out``)."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder of {path}: {exc.strerror or exc}", path=str(path)) from None



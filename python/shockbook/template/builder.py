"""Write the layout's blocks into a workbook: one runner, two writers (openpyxl, xlwings).

:func:`refresh_blocks` runs each block's producer and writes the table at its anchor through
a :class:`BookWriter`. The headless build (:func:`build_workbook`) and the headless refresh of
a saved file (:func:`refresh_file`) use :class:`OpenpyxlWriter`; Excel's refresh buttons use
``shockbook.excel.macros.XlwingsWriter``. Only the ranges the layout owns are rewritten (see
:mod:`shockbook.template.layout`).

openpyxl drops charts and buttons when it loads a file, so after writing, the openpyxl path
re-creates every chart from the layout (sized to the rows now in each table) and saves through
:func:`shockbook.template.save_xlsm`, which puts the VBA project and the buttons back.
"""

from __future__ import annotations

import datetime as dt
import math
from copy import copy
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import DateAxis
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..config import Settings
from ..errors import DataError, InputError, ShockbookError, shorten
from . import layout as L
from .buttons import ButtonSpec, caption_points, column_points, row_points
from .i18n import label
from .sheets import Context, SourceRecord, make_context
from .xlsm import save_xlsm

FONT_NAME = "Malgun Gothic"  # 맑은 고딕: Windows' Korean UI font; LibreOffice substitutes a CJK font
MAX_WIDTH = 60
RED, GREEN = "C00000", "008000"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
RED_FONT, GREEN_FONT = Font(color=RED), Font(color=GREEN)
CELL_LIMIT = 32767


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


# --- producing a block ------------------------------------------------------------------------


@dataclass
class BlockResult:
    name: str
    rows: int
    note: str = ""
    error: str = ""
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
    # the same data without the attrs, which pandas deep-copies on every column access
    plain = pd.DataFrame(frame)
    plain.attrs = {}
    data = {c.key: (plain[c.key].tolist() if c.key in plain.columns else [None] * len(plain)) for c in columns}
    for i in range(len(frame)):
        out.append([_cell(data[c.key][i]) for c in columns])
    return out


def _provenance(frame: pd.DataFrame) -> tuple[str, str]:
    """(source, as_of) of a producer's frame, from its attrs or its source column."""
    prov = frame.attrs.get("provenance")
    if isinstance(prov, dict) and prov:
        labels = [str(v) for v in prov.values()]
        sources = sorted({v.split(" ")[0] for v in labels})
        stamps = sorted({v.split(" ", 1)[1].replace("(stale) ", "") for v in labels if " " in v and v[-1] == "Z"})
        counts = ", ".join(f"{s} ({sum(v.split(' ')[0] == s for v in labels)})" for s in sources)
        return counts, stamps[-1] if stamps else ""
    if "source" in frame.columns:
        values = [str(v) for v in dict.fromkeys(frame["source"].dropna()) if str(v)]
        return shorten("; ".join(values[:3]) + (f"; +{len(values) - 3}" if len(values) > 3 else ""), 250), "content"
    return str(frame.attrs.get("source", "shockbook")), "content"


def row_errors(frame: pd.DataFrame | None) -> dict[str, str]:
    """``ticker -> error`` of the rows whose ``error`` column is filled (without the ``#SB!`` mark)."""
    if frame is None or "ticker" not in frame.columns or "error" not in frame.columns:
        return {}
    out = {}
    for ticker, error in zip(frame["ticker"], frame["error"]):
        if isinstance(error, str) and error.strip():
            text = error.strip()
            out[str(ticker)] = text[len(ShockbookError.cell_prefix):].strip() if text.startswith(
                ShockbookError.cell_prefix) else text
    return out


def produce(block: L.Block, ctx: Context) -> tuple[pd.DataFrame | None, BlockResult]:
    """Run a block's producer; when its data is missing, use its published fallback (report
    event only).

    Never raises for a data problem: the error text is in the result. Only missing data
    (:class:`DataError`) falls back to the published values; a bad input (a malformed ticker,
    a bad setting) shows its error, so it is never mistaken for "no data".
    """
    try:
        frame = block.producer(ctx)
        return frame, BlockResult(block.name, len(frame), prices=block.prices, ticker_errors=row_errors(frame))
    except ShockbookError as exc:
        error = exc.one_line()
        missing = isinstance(exc, DataError)
        if missing and block.fallback is not None and ctx.is_report_event:
            try:
                frame = block.fallback(ctx)
                ctx.published.append(block.name)
                return frame, BlockResult(block.name, len(frame), note=ctx.t("note.as_published"),
                                          error=error, as_published=True, data_error=missing, prices=block.prices)
            except ShockbookError:
                pass
        return None, BlockResult(block.name, 0, error=error, data_error=missing, prices=block.prices)


def refresh_blocks(writer: BookWriter, ctx: Context, *, sheets: Iterable[str] | None = None,
                   inputs: bool = False, progress=None) -> list[BlockResult]:
    """Write every block (of ``sheets``, by key; default all) through ``writer``.

    ``inputs=True`` also writes the input blocks (Settings, watchlist): the build does, a
    refresh does not. Blocks whose producer reads the others' provenance (the summary, the
    Sources table) run last.
    """
    wanted = set(sheets) if sheets is not None else None
    todo = [(s, b) for s, b in L.blocks() if (wanted is None or s.key in wanted)
            and (inputs or b.role != "input")]
    todo.sort(key=lambda sb: sb[1].name in L.LAST)
    results = []
    for sheet, block in todo:
        title = writer.sheet_for(block.name, label(sheet.title_key, ctx.lang))
        frame, result = produce(block, ctx)
        write_block(writer, title, block, frame, result, ctx)
        if frame is not None and block.name not in L.LAST:
            source, as_of = _provenance(frame)
            if result.as_published:
                source, as_of = "published (report)", "2025-01-27"
            ctx.records.append(SourceRecord(block.name, title, source, as_of,
                                            str(frame.attrs.get("event", "")),
                                            result.note or frame.attrs.get("session_note", "")))
        elif frame is None:
            ctx.records.append(SourceRecord(block.name, title, "", "", "", result.error))
        results.append(result)
        if progress is not None:
            progress.update(1)
    return results


def write_block(writer: BookWriter, title: str, block: L.Block, frame, result: BlockResult, ctx: Context) -> None:
    """Title row, header, data rows (+ the user's kept rows) and the table range of one block."""
    top, left, bottom, right = block.owned()
    header_row = top + 1
    rows = project(frame, block.columns) if frame is not None else []
    if frame is None:
        rows = [[f"#SB! {result.error}"] + [None] * (block.width - 1)]
    if block.keep_rows is not None:
        key, marker = block.keep_rows
        at = [c.key for c in block.columns].index(key)
        produced = {r[at] for r in rows} | {marker}
        existing = writer.read(title, header_row + 1, left, bottom, right)
        kept = [r for r in existing if any(v not in (None, "") for v in r) and r[at] not in produced]
        rows = rows + [list(r) for r in kept]
    if len(rows) > block.capacity:
        result.note = f"{result.note} {len(rows) - block.capacity} rows not shown (capacity {block.capacity})".strip()
        rows = rows[: block.capacity]
    result.formats = _row_formats(block, frame, len(rows))
    writer.set_number_formats(title, number_format_ranges(block, len(rows), result.formats))
    heading = label(block.title_key, ctx.lang)
    notes = [n for n in (result.note, f"#SB! {result.error}" if result.error and not result.as_published else "") if n]
    title_cells = [heading + (f"  |  {' '.join(notes)}" if notes else "")] + [None] * (block.width - 1)
    header = [c.header(ctx.lang) for c in block.columns]
    padded = rows + [[None] * block.width for _ in range(block.capacity - len(rows))]
    writer.write(title, top, left, [title_cells, header] + padded)
    last = header_row + max(1, len(rows))
    writer.set_table(title, block.name, f"{get_column_letter(left)}{header_row}:{get_column_letter(right)}{last}")
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


# --- the openpyxl writer ------------------------------------------------------------------------


class OpenpyxlWriter:
    """:class:`BookWriter` over an openpyxl workbook (the build and the nightly refresh)."""

    def __init__(self, wb: Workbook, *, number_formats: bool = True) -> None:
        self.wb = wb
        #: False when :func:`style_sheet` styles every written data cell afterwards (the build):
        #: it sets each cell's whole style, number format included, so formats set here are
        #: overwritten (a ``General`` cell it leaves alone has the default style either way).
        self.number_formats = number_formats

    def sheet_for(self, block: str, default_title: str) -> str:
        for ws in self.wb.worksheets:
            if block in ws.tables:
                return ws.title
        if default_title and default_title not in self.wb.sheetnames:
            self.wb.create_sheet(default_title)
        return default_title

    def read(self, sheet, top, left, bottom, right):
        ws = self.wb[sheet]
        return [[c.value for c in row] for row in ws.iter_rows(min_row=top, max_row=bottom,
                                                               min_col=left, max_col=right)]

    def write(self, sheet, top, left, rows):
        ws = self.wb[sheet]
        existing = ws._cells  # (row, column) -> cell; an empty cell that does not exist stays absent
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                if value is None and (top + r, left + c) not in existing:
                    continue
                cell = ws.cell(row=top + r, column=left + c)
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # shown as text, never evaluated

    def set_table(self, sheet, name, ref):
        ws = self.wb[sheet]
        if name in ws.tables:
            del ws.tables[name]
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)

    def set_number_formats(self, sheet, ranges):
        if not self.number_formats:
            return
        ws = self.wb[sheet]
        styles = self._styles = getattr(self, "_styles", None) or StyleCache(self.wb)
        for top, left, bottom, right, fmt in ranges:
            array = styles.array(number_format=fmt)
            for row in ws.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right):
                for cell in row:
                    cell._style = copy(array)


# --- presentation (build and headless refresh) -----------------------------------------------------


def _display_width(value, fmt: str) -> float:
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float)):
        if "%" in fmt:
            return len(f"{value * 100:,.2f}%") + 1
        if fmt in (L.THOUSANDS, L.USD, L.NUM2, L.NUM4, L.INT):
            return len(f"{value:,.4f}") if fmt == L.NUM4 else len(f"{value:,.2f}")
        return min(len(repr(value)), 12)
    text = str(value)
    longest = max((len(line), line) for line in text.split("\n"))[1] if text else ""
    if longest.isascii():  # no wide characters
        return len(longest)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


class StyleCache:
    """openpyxl style arrays made once per workbook and copied onto cells.

    Setting ``cell.font`` / ``cell.number_format`` / ``cell.alignment`` looks every object up in
    the workbook's style lists (hashing it) on each call; a sheet of thousands of cells spends
    most of its styling time there. Each distinct combination is set once on a detached cell
    through openpyxl's public setters, and its style array is copied to every cell that wants it.
    """

    def __init__(self, wb: Workbook, *, shared_objects: bool = False) -> None:
        """``shared_objects``: the callers pass the same few style objects (module constants)
        over and over; they are then looked up by identity first (hashing a Font or an
        Alignment walks all its fields), which only pays when the objects repeat."""
        self._scratch = wb.worksheets[0] if wb.worksheets else wb.active
        self._arrays: dict[tuple, StyleArray] = {}
        #: The same arrays keyed by the style objects' identities; each entry keeps its
        #: objects alive, so no id is reused while it is there.
        self._by_id: dict[tuple, tuple[StyleArray, tuple]] | None = {} if shared_objects else None

    def array(self, **attrs) -> StyleArray:
        """The style array of ``attrs`` (made once; copy it onto cells, never share it)."""
        fast = None
        if self._by_id is not None:
            fast = tuple((name, value if isinstance(value, str) else id(value)) for name, value in attrs.items())
            hit = self._by_id.get(fast)
            if hit is not None:
                return hit[0]
        key = tuple(sorted(attrs.items(), key=lambda kv: kv[0]))
        array = self._arrays.get(key)
        if array is None:
            proto = Cell(self._scratch)
            for name, value in attrs.items():
                setattr(proto, name, value)
            array = self._arrays[key] = proto._style
        if fast is not None:
            self._by_id[fast] = (array, tuple(attrs.values()))
        return array

    def apply(self, cell, **attrs) -> None:
        """Give ``cell`` the style ``attrs`` (``font=``, ``number_format=``, ``alignment=``, ``fill=``)."""
        cell._style = copy(self.array(**attrs))


#: Shared style objects (openpyxl styles are immutable values; one object serves every cell).
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14, color="1F4E78")
BLOCK_FONT = Font(name=FONT_NAME, bold=True, size=11, color="1F4E78")
HEADER_FONT = Font(name=FONT_NAME, bold=True, size=10)
NOTE_FONT = Font(name=FONT_NAME, italic=True, size=10, color="595959")
BOLD_FONT = Font(name=FONT_NAME, bold=True, size=10)
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
WRAP_ALIGN = Alignment(wrap_text=True, vertical="top")
TOP_ALIGN = Alignment(vertical="top")
#: Per-row number formats named by a block's ``fmt_by`` column (see :class:`layout.Column`).
UNIT_FORMATS = {"pct": L.PCT2, "count": L.THOUSANDS, "one_in": '"1/"0.0', "multiple": '0.0"x"', "text": L.TEXT}


def style_sheet(ws, sheet: L.Sheet, lang: str, rows_by_block: dict[str, int],
                formats: dict[str, dict[str, list[str]]] | None = None) -> None:
    """Formats, widths, wrap, row heights, conditional formatting, freeze panes, print setup.

    Only the rows each table uses are styled (a refresh through openpyxl styles again);
    ``formats`` gives per-row number formats of columns whose format depends on the row
    (``{block: {column: [format per row]}}``).
    """
    styles = StyleCache(ws.parent, shared_objects=True)  # the fonts and alignments below
    formats = formats or {}
    widths: dict[int, float] = {}
    wrapped: dict[int, float] = {}
    for block in sheet.blocks:
        top, left, bottom, right = block.owned()
        styles.apply(ws.cell(row=top, column=left), font=BLOCK_FONT)
        n = rows_by_block.get(block.name, 0)
        per_row = formats.get(block.name, {})
        top_align = any(c.wrap for c in block.columns)
        for offset, column in enumerate(block.columns):
            col = left + offset
            letter = get_column_letter(col)
            header = ws.cell(row=top + 1, column=col)
            styles.apply(header, font=HEADER_FONT, alignment=HEADER_ALIGN)
            need = _display_width(header.value, "") / 1.6 + 2  # headers may wrap onto two lines
            row_fmts = per_row.get(column.key)
            for i, r in enumerate(range(top + 2, top + 2 + n)):
                cell = ws.cell(row=r, column=col)
                fmt = row_fmts[i] if row_fmts and i < len(row_fmts) else column.fmt
                attrs = {}
                if fmt != L.TEXT:
                    attrs["number_format"] = fmt
                if column.wrap:
                    attrs["alignment"] = WRAP_ALIGN
                elif top_align:
                    attrs["alignment"] = TOP_ALIGN
                if attrs:
                    styles.apply(cell, **attrs)
                if column.fit and not column.wrap:
                    need = max(need, _display_width(cell.value, fmt) + 2)
            if column.wrap:
                wrapped[col] = max(wrapped.get(col, 0), column.width or 40)
            else:
                widths[col] = max(widths.get(col, 0), min(max(need, column.width or 0), MAX_WIDTH))
            if column.signed:
                ref = f"{letter}{top + 2}:{letter}{bottom}"
                ws.conditional_formatting.add(ref, CellIsRule(operator="lessThan", formula=["0"], font=RED_FONT))
                ws.conditional_formatting.add(ref, CellIsRule(operator="greaterThan", formula=["0"], font=GREEN_FONT))
    for col in set(widths) | set(wrapped):
        ws.column_dimensions[get_column_letter(col)].width = max(widths.get(col, 0), wrapped.get(col, 0), 6)
    for letter, width in sheet.widths:
        ws.column_dimensions[letter].width = width
    _row_heights(ws, sheet, rows_by_block)
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = sheet.pages_high
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    if sheet.print_rows is not None:
        ws.print_area = [f"A{a}:{get_column_letter(_last_column(ws, sheet))}{b}" for a, b in sheet.print_rows]
        return
    ws.print_area = f"A1:{get_column_letter(_last_column(ws, sheet))}{_last_row(ws, sheet, rows_by_block)}"


def _last_row(ws, sheet: L.Sheet, rows_by_block: dict[str, int]) -> int:
    chart_rows = [_chart_bottom(ws, c) for b in sheet.blocks for c in b.charts if rows_by_block.get(b.name)]
    return max([b.origin[0] + max(rows_by_block.get(b.name, 1), 1) for b in sheet.blocks]
               + chart_rows + [ws.max_row if not sheet.blocks else 1])


def _last_column(ws, sheet: L.Sheet) -> int:
    last_col = max([b.owned()[3] for b in sheet.blocks] + [2])
    return max([last_col] + [_chart_right(ws, c) - 1 for b in sheet.blocks for c in b.charts])


def _chart_bottom(ws, chart: L.Chart) -> int:
    """The row under a chart's bottom edge."""
    row = range_boundaries(chart.anchor + ":" + chart.anchor)[1]
    points, target = 0.0, chart.height / 2.54 * 72
    while points < target:
        points += row_points(ws, row)
        row += 1
    return row


def _chart_right(ws, chart: L.Chart) -> int:
    """The column under a chart's right edge (charts are in cm; a point is 1/72 inch)."""
    col, _ = range_boundaries(chart.anchor + ":" + chart.anchor)[:2]
    points, target = 0.0, chart.width / 2.54 * 72
    while points < target:
        points += column_points(ws, col)
        col += 1
    return col


def _row_heights(ws, sheet: L.Sheet, rows_by_block: dict[str, int]) -> None:
    for block in sheet.blocks:
        top, left, _, _ = block.owned()
        wraps = [(left + i, c.width or 40) for i, c in enumerate(block.columns) if c.wrap]
        ws.row_dimensions[top + 1].height = 30  # headers on up to two lines
        for r in range(top + 2, top + 2 + rows_by_block.get(block.name, 0)):
            lines = 1
            for col, width in wraps:
                value = ws.cell(row=r, column=col).value
                if isinstance(value, str) and value:
                    lines = max(lines, sum(max(1, math.ceil(_display_width(part, "") / max(width - 1, 1)))
                                           for part in value.split("\n")))
            if lines > 1 or wraps:
                ws.row_dimensions[r].height = min(409, 15 * lines)


def add_charts(ws, sheet: L.Sheet, lang: str, rows_by_block: dict[str, int]) -> int:
    """Create the layout's charts on ``ws`` over the rows each table now has; returns how many."""
    made = 0
    for block in sheet.blocks:
        n = rows_by_block.get(block.name, 0)
        if not block.charts or n == 0:
            continue
        header_row, left = block.origin
        keys = [c.key for c in block.columns]
        for spec in block.charts:
            chart = LineChart() if spec.kind == "line" else BarChart()
            if spec.kind in ("bar", "hbar"):
                chart.type = "bar" if spec.kind == "hbar" else "col"
                chart.gapWidth = 60
                chart.x_axis.tickLblPos = "low"  # category labels below negative bars
            chart.title = label(spec.title, lang)
            chart.width, chart.height = spec.width, spec.height
            chart.display_blanks = "span"
            for key in spec.series:
                col = left + keys.index(key)
                chart.add_data(Reference(ws, min_col=col, min_row=header_row, max_row=header_row + n),
                               titles_from_data=True)
            x = left + keys.index(spec.x)
            categories = Reference(ws, min_col=x, min_row=header_row + 1, max_row=header_row + n)
            if spec.kind == "line":
                chart.x_axis = DateAxis(crossAx=100)
                chart.x_axis.number_format = "yy-mm"
                chart.x_axis.majorTimeUnit = "months"
                chart.x_axis.majorUnit = 1
                values = [v for key in spec.series for (v,) in ws.iter_rows(
                    min_row=header_row + 1, max_row=header_row + n, min_col=left + keys.index(key),
                    max_col=left + keys.index(key), values_only=True) if isinstance(v, (int, float))]
                if values:
                    chart.y_axis.scaling.min = math.floor(min(values) / 20) * 20
                    chart.y_axis.scaling.max = math.ceil(max(values) / 20) * 20
                for series in chart.series:
                    series.smooth = False
                    series.marker.symbol = "none"
                    series.graphicalProperties.line.width = 15000
            chart.set_categories(categories)
            if spec.marker:
                col = left + keys.index(spec.marker)
                chart.add_data(Reference(ws, min_col=col, min_row=header_row, max_row=header_row + n),
                               titles_from_data=True)
                marker = chart.series[-1]
                marker.marker.symbol = "triangle"
                marker.marker.size = 10
                marker.marker.graphicalProperties = GraphicalProperties(solidFill="C00000")
                marker.marker.graphicalProperties.line.solidFill = "C00000"
                marker.graphicalProperties.line.noFill = True
                marker.smooth = False
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            if spec.y_format:
                chart.y_axis.number_format = spec.y_format
                chart.y_axis.numFmt.sourceLinked = False
            chart.legend.position = "b"
            ws.add_chart(chart, spec.anchor)
            made += 1
    return made


def table_rows(ws, name: str) -> int:
    """Data rows of table ``name`` on ``ws`` (its ref minus the header); 0 if absent."""
    if name not in ws.tables:
        return 0
    _, min_row, _, max_row = range_boundaries(ws.tables[name].ref)
    return max_row - min_row


# --- static parts (build only) -----------------------------------------------------------------------


def _korean_default_font(wb: Workbook) -> None:
    """Make the workbook's default font Korean-capable (every cell without its own font uses it)."""
    wb._fonts = IndexedList([Font(name=FONT_NAME, size=10, family=3, charset=129)])


def write_static(wb: Workbook, ctx: Context) -> None:
    """Sheet titles and headings, the calculators, the xlwings.conf sheet (the refresh never
    rewrites these; the calculator inputs are the user's)."""
    for sheet in L.LAYOUT:
        title = label(sheet.title_key, ctx.lang)
        ws = wb[title] if title in wb.sheetnames else wb.create_sheet(title)
        ws["A1"] = label(f"title.{sheet.key}", ctx.lang)
        ws["A1"].font = Font(name=FONT_NAME, bold=True, size=14, color="1F4E78")
        ws.sheet_view.showGridLines = False
    write_calculators(wb[label("sheet.scaling", ctx.lang)], ctx)
    opinions = wb[label("sheet.opinions", ctx.lang)]
    opinions["A3"] = label("note.user_rows", ctx.lang)
    opinions["A3"].font = Font(name=FONT_NAME, italic=True, color="595959")
    write_xlwings_conf(wb)


#: Models in the API cost calculator (looked up by name in the figure 2 table).
CALC_MODELS = ("DeepSeek R1", "DeepSeek V3", "OpenAI o1", "OpenAI o1-mini", "GPT-4o", "Claude 3.5 Sonnet")


def write_calculators(ws, ctx: Context) -> dict[str, str]:
    """Native-formula calculators on the Scaling sheet; returns their named cells (for tests).

    The API calculator looks prices up by model name in the figure 2 table with INDEX/MATCH,
    so it stays right when a refresh reorders that table.
    """
    t = ctx.t
    _, fig2 = L.block("sb_fig2_api_price")
    header, left = fig2.origin
    first, last = header + 1, header + fig2.capacity
    models = f"$A${first}:$A${last}"
    prices_in = f"$B${first}:$B${last}"
    prices_out = f"$C${first}:$C${last}"
    row = int(L.CALCULATOR_ANCHOR[1:])
    ws.cell(row=row, column=1, value=t("calc.title")).font = Font(name=FONT_NAME, bold=True, size=12, color="1F4E78")
    ws.cell(row=row + 1, column=1, value=t("calc.note")).font = Font(name=FONT_NAME, italic=True, color="595959")
    r = row + 3
    ws.cell(row=r, column=1, value=t("calc.api")).font = Font(name=FONT_NAME, bold=True)
    inputs = {"input_tokens": (r + 1, 1_000_000), "output_tokens": (r + 2, 1_000_000)}
    for key, (rr, value) in inputs.items():
        ws.cell(row=rr, column=1, value=t(f"calc.{key}"))
        cell = ws.cell(row=rr, column=2, value=value)
        cell.fill, cell.number_format = INPUT_FILL, L.THOUSANDS
    head = r + 3
    for i, key in enumerate(("model", "input_price", "output_price", "cost", "vs_reference")):
        ws.cell(row=head, column=1 + i, value=t(f"calc.{key}")).font = Font(name=FONT_NAME, bold=True)
    named = {"input_tokens": f"B{r + 1}", "output_tokens": f"B{r + 2}"}
    o1_row = head + 1 + CALC_MODELS.index("OpenAI o1")
    for i, model in enumerate(CALC_MODELS):
        rr = head + 1 + i
        ws.cell(row=rr, column=1, value=model)
        ws.cell(row=rr, column=2, value=f'=IFERROR(INDEX({prices_in},MATCH($A{rr},{models},0)),"")').number_format = L.USD
        ws.cell(row=rr, column=3, value=f'=IFERROR(INDEX({prices_out},MATCH($A{rr},{models},0)),"")').number_format = L.USD
        ws.cell(row=rr, column=4, value=f'=IFERROR(($B${r + 1}*B{rr}+$B${r + 2}*C{rr})/1000000,"")').number_format = L.USD
        ws.cell(row=rr, column=5, value=f'=IFERROR($D${o1_row}/D{rr},"")').number_format = '0.0"x"'
        named[f"cost:{model}"] = f"D{rr}"
        named[f"multiple:{model}"] = f"E{rr}"
    r = head + len(CALC_MODELS) + 2
    ws.cell(row=r, column=1, value=t("calc.training")).font = Font(name=FONT_NAME, bold=True)
    for i, (key, value) in enumerate((("model_cost", 5.576), ("reference_cost", 78.4))):
        ws.cell(row=r + 1 + i, column=1, value=t(f"calc.{key}"))
        cell = ws.cell(row=r + 1 + i, column=2, value=value)
        cell.fill, cell.number_format = INPUT_FILL, L.NUM2
    ws.cell(row=r + 3, column=1, value=t("calc.ratio"))
    ws.cell(row=r + 3, column=2, value=f'=IFERROR(B{r + 2}/B{r + 1},"")').number_format = '"1/"0.0'
    named.update(model_cost=f"B{r + 1}", reference_cost=f"B{r + 2}", training_one_in=f"B{r + 3}")
    r += 5
    ws.cell(row=r, column=1, value=t("calc.split")).font = Font(name=FONT_NAME, bold=True)
    ws.cell(row=r + 1, column=1, value=t("calc.k"))
    cell = ws.cell(row=r + 1, column=2, value=1.0)
    cell.fill, cell.number_format = INPUT_FILL, L.NUM2
    ws.cell(row=r + 2, column=1, value=t("calc.training_share"))
    ws.cell(row=r + 2, column=2, value=f'=IFERROR(B{r + 1}/(1+B{r + 1}),"")').number_format = L.PCT
    ws.cell(row=r + 3, column=1, value=t("calc.inference_share"))
    ws.cell(row=r + 3, column=2, value=f'=IFERROR(1-B{r + 2},"")').number_format = L.PCT
    named.update(k=f"B{r + 1}", training_share=f"B{r + 2}", inference_share=f"B{r + 3}")
    return named


#: The xlwings.conf sheet: keys in column A, values in column B, no blank rows.
XLWINGS_SETTINGS = (
    ("Interpreter_Win", ""),
    ("Interpreter_Mac", ""),
    ("PYTHONPATH", ""),
    ("UDF Modules", "shockbook.excel.udfs"),
    ("Show Console", "False"),
)


def write_xlwings_conf(wb: Workbook) -> None:
    ws = wb[L.XLWINGS_CONF] if L.XLWINGS_CONF in wb.sheetnames else wb.create_sheet(L.XLWINGS_CONF)
    for i, (key, value) in enumerate(XLWINGS_SETTINGS, start=1):
        ws.cell(row=i, column=1, value=key)
        ws.cell(row=i, column=2, value=value or None)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40


#: Refresh buttons: caption size (pt), height (pt), padding around the caption and the gap between them.
BUTTON_FONT, BUTTON_HEIGHT, BUTTON_PADDING, BUTTON_GAP = 10.0, 20.0, 14.0, 8.0


def buttons_for(wb: Workbook, lang: str) -> list[ButtonSpec]:
    """A "refresh all" and a "refresh this sheet" button on every data sheet, in rows 2-3,
    side by side, each sized to its caption."""
    out = []
    for sheet in L.LAYOUT:
        if not sheet.buttons:
            continue
        title = label(sheet.title_key, lang)
        ws = wb[title]
        left = 4.0
        top = row_points(ws, 1) + (row_points(ws, 2) + row_points(ws, 3) - BUTTON_HEIGHT) / 2
        for macro, text in (("RefreshAll", "button.refresh_all"), ("RefreshActiveSheet", "button.refresh_sheet")):
            caption = label(text, lang)
            width = max(72.0, caption_points(caption, BUTTON_FONT) + 2 * BUTTON_PADDING)
            cells = _cells_under(ws, left, top, width, BUTTON_HEIGHT)
            out.append(ButtonSpec(sheet=title, macro=macro, text=caption, cells=cells,
                                  box=(left, top, width, BUTTON_HEIGHT), font_size=BUTTON_FONT))
            left += width + BUTTON_GAP
    return out


def _cells_under(ws, left: float, top: float, width: float, height: float) -> str:
    """The cell range a box (in points) covers."""
    def index(size_of, points):
        i, start = 1, 0.0
        while start + size_of(i) <= points:
            start += size_of(i)
            i += 1
        return i

    first_col = index(lambda c: column_points(ws, c), left)
    last_col = index(lambda c: column_points(ws, c), left + width)
    first_row = index(lambda r: row_points(ws, r), top)
    last_row = index(lambda r: row_points(ws, r), top + height)
    return f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"


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
    watch = [str(r[0]).strip().upper() for r in writer.read(title, top + 2, left, bottom, right)
             if r[0] not in (None, "") and str(r[0]).strip()]
    return values, watch


def setting_path(values: dict[str, str], key: str, folder: Path | None) -> Path | None:
    """The file named by Settings ``key``: relative paths are read from ``folder`` (the
    workbook's own folder), so a refresh finds them from whatever folder it runs in.

    Raises
    ------
    InputError
        The file does not exist (the message names the setting and the path tried).
    """
    text = values.get(key, "")
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.is_absolute() and folder is not None:
        path = Path(os.path.normpath(Path(folder) / path))
    if not path.is_file():
        where = f"; relative paths are read from the workbook's folder {folder}" if folder is not None else ""
        raise InputError(f"Settings {key}={text!r}: file {path} does not exist; correct it on the "
                         f"Settings sheet{where}", key=key, path=str(path))
    return path


def context_from_sheet(writer: BookWriter, base: Settings | None = None, lang_hint: str = "ko",
                       folder: str | os.PathLike | None = None, overrides: dict | None = None) -> Context:
    """A :class:`Context` from the workbook's Settings sheet over ``base`` settings.

    ``folder`` is the workbook's folder: relative ``snapshot`` and ``universe_file`` paths are
    read from there (``None``: from the current folder).

    Raises
    ------
    InputError
        A malformed value or a missing file (the message names the setting and what is valid).
    """
    from ..tables.events import resolve_event

    values, watch = read_settings(writer, lang_hint)
    event_text = values.get("event_date") or "2025-01-27"
    try:
        resolve_event(event_text)
    except ShockbookError as exc:
        raise InputError(f"Settings event_date: {exc.one_line()}", key="event_date") from None
    folder = Path(folder) if folder is not None else None
    base = base or Settings.from_env()

    def integer(key, default):
        text = values.get(key, "")
        try:
            return int(float(text)) if text else default
        except ValueError:
            raise InputError(f"Settings {key}={text!r} is not a whole number of sessions", key=key) from None

    mode = values.get("data_mode", "").lower()
    if mode not in ("", "live", "offline"):
        raise InputError(f"Settings data_mode={mode!r}; valid: live, offline", key="data_mode")
    lang = values.get("lang") or lang_hint
    settings = base.replace(
        benchmark=values.get("benchmark") or None,
        offline=(mode == "offline") if mode else None,
        snapshot=setting_path(values, "snapshot", folder),
        universe_file=setting_path(values, "universe_file", folder),
        price_field=values.get("price_field") or None,
        lang=lang,
    )
    if overrides:  # flags given for this run (e.g. a nightly job's --snapshot) beat the sheet
        settings = settings.replace(**overrides)
    from .sheets import DEFAULT_ESTIMATION_WINDOW

    window = (integer("estimation_start", DEFAULT_ESTIMATION_WINDOW[0]),
              integer("estimation_end", DEFAULT_ESTIMATION_WINDOW[1]))
    universe, universe_label = load_universe(settings, event_session(event_text))
    return make_context(settings, event=event_text, watchlist=watch or None,
                        universe=universe, lang=lang, estimation_window=window,
                        calendar_month=values.get("calendar_month") or "2025-02", universe_label=universe_label)


def load_universe(settings: Settings, as_of=None) -> tuple[pd.DataFrame | None, str]:
    """The universe members on ``as_of`` (the event) and a label; ``(None, "")`` when there is
    none to be had (offline with no file or cached list, the list unreachable): the build goes on."""
    from ..data.universe import universe_members

    try:
        frame = universe_members(settings, as_of=as_of)
    except (ShockbookError, OSError):
        if settings.universe_file is not None:
            raise  # a file the user named must be readable
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


# --- the two headless entry points ----------------------------------------------------------------------


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


def _finish(wb: Workbook, ctx: Context, path: Path, results: list[BlockResult], *,
            stamp: dt.datetime | None) -> int:
    charts = 0
    formats = {r.name: r.formats for r in results if r.formats}
    for sheet in L.LAYOUT:
        title = None
        for s, b in L.blocks():
            if s.key == sheet.key:
                title = OpenpyxlWriter(wb).sheet_for(b.name, label(sheet.title_key, ctx.lang))
                break
        title = title or label(sheet.title_key, ctx.lang)
        ws = wb[title]
        rows = {b.name: table_rows(ws, b.name) for b in sheet.blocks}
        style_sheet(ws, sheet, ctx.lang, rows, formats)
        ws._charts = []
        charts += add_charts(ws, sheet, ctx.lang, rows)
    wb.properties.creator = "shockbook"
    if stamp is not None:
        wb.properties.created = stamp
    save_xlsm(wb, path, buttons=buttons_for(wb, ctx.lang))
    return charts


def _stamp(ctx: Context) -> dt.datetime:
    """The workbook's created time: the data as-of (so a snapshot build is reproducible)."""
    stamps = sorted(r.as_of for r in ctx.records if r.as_of.endswith("Z"))
    if stamps:
        return dt.datetime.strptime(stamps[-1], "%Y-%m-%d %H:%MZ")
    return dt.datetime(2025, 1, 27)


def run_main_module(stem: str) -> str:
    """Source of the module xlwings' "Run main" imports (named after the workbook)."""
    return (
        f'"""xlwings "Run main" for {stem}.xlsm: refresh every table of the workbook.\n\n'
        "xlwings imports the module named after the workbook, from the workbook's folder, and\n"
        "calls main(). The work is done by the shockbook package (installed in the interpreter\n"
        'set on the xlwings.conf sheet); this file only hands over.\n"""\n\n'
        "from shockbook.excel.macros import refresh_all\n\n\n"
        "def main():\n"
        "    refresh_all()\n\n\n"
        'if __name__ == "__main__":\n'
        f'    import xlwings as xw\n\n    xw.Book("{stem}.xlsm").set_mock_caller()\n    main()\n'
    )


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


def build_workbook(ctx: Context, path: str | os.PathLike, *, progress=None) -> BuildReport:
    """Build the whole workbook for ``ctx`` at ``path`` (``.xlsm``), atomically.

    Data failures never stop the build: each failed block shows its error (or, for the report's
    event, the published values, labelled "as published").
    """
    path = check_out_path(Path(path))
    return _build_workbook(ctx, path, progress)


def _build_workbook(ctx: Context, path: Path, progress) -> BuildReport:
    wb = Workbook()
    _korean_default_font(wb)
    wb.remove(wb.active)
    write_static(wb, ctx)
    ctx.share_prices = True  # every block is produced: one price fetch serves the event tables
    # style_sheet (in _finish) gives every data cell its number format
    results = refresh_blocks(OpenpyxlWriter(wb, number_formats=False), ctx, inputs=True, progress=progress)
    for sheet in L.LAYOUT:  # input cells look like input cells
        for block in sheet.blocks:
            if block.role == "input":
                ws = wb[label(sheet.title_key, ctx.lang)]
                top, left, bottom, right = block.owned()
                value_col = left + (1 if block.width > 1 else 0)
                for r in range(top + 2, bottom + 1):
                    ws.cell(row=r, column=value_col).fill = INPUT_FILL
    wb.move_sheet(L.XLWINGS_CONF, offset=len(wb.sheetnames))
    make_folder(path)
    charts = _finish(wb, ctx, path, results, stamp=_stamp(ctx))
    module = path.with_suffix(".py")
    if not module.exists():
        module.write_text(run_main_module(path.stem), encoding="utf-8")
    return BuildReport(path, results, charts, list(ctx.published), ctx.settings)


def make_folder(path: Path) -> None:
    """Create the folder ``path`` goes into (like ``snapshot --out``)."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder of {path}: {exc.strerror or exc}", path=str(path)) from None


#: What ``refresh`` reads: the Excel formats openpyxl opens (an .xlsx is a workbook saved without macros).
READABLE_SUFFIXES = (".xlsm", ".xlsx")


def open_shockbook_workbook(path: Path) -> Workbook:
    """Load a workbook that ``build`` made, or raise one clear :class:`InputError`.

    Refused: a missing file, another format (``.csv``, ``.xls``), a file that is not a valid
    workbook (truncated, text), and a workbook without shockbook's layout (no ``sb_settings``
    table), which a refresh would otherwise fill with a dozen new sheets.
    """
    if not path.exists():
        raise InputError(f"workbook {path} does not exist", path=str(path))
    if not path.is_file():
        raise InputError(f"workbook {path} is a folder, not a file", path=str(path))
    if path.suffix.lower() not in READABLE_SUFFIXES:
        raise InputError(f"{path.name} is not an Excel workbook (.xlsm or .xlsx); pass the .xlsm that "
                         "`python -m shockbook build` wrote", path=str(path))
    try:
        wb = load_workbook(path)
    except Exception as exc:  # noqa: BLE001 - any parser failure means "not a workbook we can read"
        why = shorten(" ".join(str(exc).split()), 80) or type(exc).__name__
        raise InputError(f"{path} cannot be read as an Excel workbook ({why}); is it truncated or "
                         "another kind of file?", path=str(path)) from None
    _, settings = L.block("sb_settings")
    if not any(settings.name in ws.tables for ws in wb.worksheets):
        raise InputError(f"{path} is not a shockbook workbook (it has no {settings.name} Settings table); "
                         "make one with `python -m shockbook build --out FILE`", path=str(path))
    return wb


def refresh_file(path: str | os.PathLike, *, base: Settings | None = None, progress=None,
                 out: str | os.PathLike | None = None, overrides: dict | None = None) -> BuildReport:
    """Refresh a saved workbook headlessly: read its Settings sheet, rewrite the owned ranges,
    keep everything else (user notes, extra columns, own opinion rows), keep the VBA, save
    atomically (to ``out``, default in place)."""
    source = Path(path)
    wb = open_shockbook_workbook(source)
    target = check_out_path(Path(out) if out else source)
    writer = OpenpyxlWriter(wb)
    lang = _lang_of(wb)
    ctx = context_from_sheet(writer, base, lang, folder=source.resolve().parent, overrides=overrides)
    results = refresh_blocks(writer, ctx, progress=progress)
    make_folder(target)
    charts = _finish(wb, ctx, target, results, stamp=_stamp(ctx))
    return BuildReport(target, results, charts, list(ctx.published), ctx.settings)


def _lang_of(wb: Workbook) -> str:
    for lang in ("ko", "en"):
        if label("sheet.settings", lang) in wb.sheetnames:
            return lang
    return "ko"

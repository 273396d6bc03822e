"""How a sheet looks: fonts, number formats, column widths, wrap, row heights, conditional
formatting, freeze panes and print setup (build and headless refresh)."""

from __future__ import annotations

import datetime as dt
import math
from copy import copy

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.indexed_list import IndexedList

from ..text import display_width
from ..workbook import layout as L
from .charts import chart_bottom, chart_right

FONT_NAME = "Malgun Gothic"  # 맑은 고딕: Windows' Korean UI font; LibreOffice substitutes a CJK font
MAX_WIDTH = 60
RED, GREEN = "C00000", "008000"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
RED_FONT, GREEN_FONT = Font(color=RED), Font(color=GREEN)


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
    return display_width(longest)


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
#: A numeric column's header sits over its numbers (Excel right-aligns numbers and dates).
NUMBER_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="right")
#: Tallest data row (points): longer text is cut at this height (the full text is in the cell).
MAX_ROW_POINTS = 15 * 6
WRAP_ALIGN = Alignment(wrap_text=True, vertical="top")
TOP_ALIGN = Alignment(vertical="top")


def is_numeric(column: L.Column) -> bool:
    """A column of numbers or dates (a number format, or a per-row one): right-aligned header."""
    return column.fmt != L.TEXT or bool(column.fmt_by)


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
            styles.apply(header, font=HEADER_FONT, alignment=NUMBER_HEADER_ALIGN if is_numeric(column) else HEADER_ALIGN)
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
    chart_rows = [chart_bottom(ws, c) for b in sheet.blocks for c in b.charts if rows_by_block.get(b.name)]
    return max([b.origin[0] + max(rows_by_block.get(b.name, 1), 1) for b in sheet.blocks]
               + chart_rows + [ws.max_row if not sheet.blocks else 1])


def _last_column(ws, sheet: L.Sheet) -> int:
    last_col = max([b.owned()[3] for b in sheet.blocks] + [2])
    return max([last_col] + [chart_right(ws, c) - 1 for b in sheet.blocks for c in b.charts])



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
                ws.row_dimensions[r].height = min(MAX_ROW_POINTS, 15 * lines)



def korean_default_font(wb: Workbook) -> None:
    """Make the workbook's default font Korean-capable (every cell without its own font uses it)."""
    wb._fonts = IndexedList([Font(name=FONT_NAME, size=10, family=3, charset=129)])

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
from openpyxl.worksheet.pagebreak import Break

from ..text import display_width
from ..workbook.i18n import label
from ..workbook import layout as L
from .buttons import caption_points, column_chars, column_points, row_points
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
#: A numeric column's header sits over its numbers (Excel right-aligns numbers and dates); both
#: keep one character of room on the right (``indent``), so a number never runs into the
#: left-aligned text of the next column ("0.18 2025-02-05" read as one value, "69.6 하회").
NUMBER_INDENT = 1
NUMBER_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="right", indent=NUMBER_INDENT)
#: Room (characters) beside a header's longest word, so LibreOffice's wider bold glyphs keep it on one line.
HEADER_WORD_PAD = 1.5
#: Tallest data row (points): longer text is cut at this height (the full text is in the cell).
LINE_POINTS = 15
MAX_ROW_POINTS = LINE_POINTS * 6
#: Widest a wrapped column grows (characters) so that its longest text fits under the cap.
MAX_WRAP_WIDTH = 150
WRAP_ALIGN = Alignment(wrap_text=True, vertical="top")
TOP_ALIGN = Alignment(vertical="top")
NO_ALIGN = Alignment()
#: A number (or date) in a numeric column: right-aligned with the header's room on the right.
NUMBER_ALIGN = {alignment: Alignment(wrap_text=alignment.wrap_text, vertical=alignment.vertical, horizontal="right",
                                     indent=NUMBER_INDENT)
                for alignment in (WRAP_ALIGN, TOP_ALIGN, NO_ALIGN)}


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
    wrap_cells: dict[str, set[int]] = {}
    for block in sheet.blocks:
        top, left, bottom, right = block.owned()
        styles.apply(ws.cell(row=top, column=left), font=BLOCK_FONT)
        n = rows_by_block.get(block.name, 0)
        per_row = formats.get(block.name, {})
        texts = {c.key: [v for v in (ws.cell(row=r, column=left + i).value for r in range(top + 2, top + 2 + n))
                         if isinstance(v, str) and v] for i, c in enumerate(block.columns)}
        # a column that fits its text but whose longest text is wider than MAX_WIDTH wraps
        # (else its text would be cut by the next column)
        wraps = {c.key for c in block.columns
                 if c.wrap or (c.fit and max((_display_width(v, "") for v in texts[c.key]), default=0) + 2 > MAX_WIDTH)}
        wrap_cells[block.name] = {left + i for i, c in enumerate(block.columns) if c.key in wraps}
        top_align = bool(wraps)
        for offset, column in enumerate(block.columns):
            col = left + offset
            letter = get_column_letter(col)
            header = ws.cell(row=top + 1, column=col)
            numeric = is_numeric(column)
            styles.apply(header, font=HEADER_FONT, alignment=NUMBER_HEADER_ALIGN if numeric else HEADER_ALIGN)
            need = _display_width(header.value, "") / 1.6 + 2  # headers may wrap onto two lines
            # ...between words, never inside one ("Benchmar / k", "t[- / 1,+1]")
            need = max([need] + [display_width(w) + HEADER_WORD_PAD for w in str(header.value or "").split()])
            row_fmts = per_row.get(column.key)
            wrap = column.key in wraps
            for i, r in enumerate(range(top + 2, top + 2 + n)):
                cell = ws.cell(row=r, column=col)
                fmt = row_fmts[i] if row_fmts and i < len(row_fmts) else column.fmt
                attrs = {}
                if fmt != L.TEXT:
                    attrs["number_format"] = fmt
                if wrap:
                    attrs["alignment"] = WRAP_ALIGN
                elif top_align:
                    attrs["alignment"] = TOP_ALIGN
                if isinstance(cell.value, (int, float, dt.date)) and not isinstance(cell.value, bool):
                    attrs["alignment"] = NUMBER_ALIGN[attrs.get("alignment", NO_ALIGN)]
                if attrs:
                    if cell.has_style and cell.fill.fill_type:  # an input cell's fill stays
                        attrs["fill"] = copy(cell.fill)
                    styles.apply(cell, **attrs)
                if column.fit and not wrap:
                    need = max(need, _display_width(cell.value, fmt) + 2)
            if wrap:
                wrapped[col] = max(wrapped.get(col, 0), wrap_width(texts[column.key], column.width or 40))
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
    _row_heights(ws, sheet, rows_by_block, wrap_cells)
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    page_setup(ws, sheet, rows_by_block, lang)


#: A4 in points (portrait width, height) and the print margins in inches (sides, top/bottom).
A4_POINTS = (595.0, 842.0)
SIDE_MARGIN, TOP_MARGIN = 0.4, 0.5
#: Print scales (percent): a sheet whose columns fit one page wide at MIN_SCALE or more prints
#: one page wide; a wider one prints at READABLE_SCALE over several pages wide, its key
#: columns and header row repeated on every page. Text below about half size cannot be read.
MIN_SCALE, READABLE_SCALE = 45, 60
#: Column widths in points are estimated with Excel's Calibri-11 rule (``buttons.column_points``);
#: LibreOffice draws a character of the book's default font (Malgun Gothic 10, substituted)
#: about 1.2x as wide (measured on its PDF of the Settings sheet), and a page is filled to
#: FILL of its width, so the last column never spills onto a page of its own.
RENDER_WIDTH, FILL = 1.2, 0.95


def printable_points(sheet: L.Sheet) -> tuple[float, float]:
    """``(width, height)`` in points inside the margins of the sheet's page (A4)."""
    short, long_ = A4_POINTS
    width, height = (long_, short) if sheet.landscape else (short, long_)
    return width - 2 * SIDE_MARGIN * 72, height - 2 * TOP_MARGIN * 72


def print_scale(sheet: L.Sheet, width: float, height: float) -> int:
    """The print scale (percent, 10-100) of a sheet whose print area is ``width`` x ``height``
    points: the largest that fits it one page wide (and ``pages_high`` pages high when set),
    or :data:`READABLE_SCALE` when that would be below :data:`MIN_SCALE` (several pages wide).

    A fixed scale, not Excel's "fit to N pages": Excel ignores manual page breaks under
    fit-to-page, and the buttons' size depends on the scale (see ``static.buttons_for``).
    """
    page_w, page_h = printable_points(sheet)
    scale = min(1.0, FILL * page_w / max(width * RENDER_WIDTH, 1.0))
    if sheet.pages_high:
        scale = min(scale, FILL * page_h * sheet.pages_high / max(height, 1.0))
    elif scale * 100 < MIN_SCALE:
        scale = READABLE_SCALE / 100
    return max(10, min(100, math.floor(scale * 100)))


#: Refresh buttons: caption size (pt), least height (pt), padding around the caption and the gap
#: between them; the reserved row they sit in (nothing else is written there).
BUTTON_FONT, BUTTON_HEIGHT, BUTTON_PADDING, BUTTON_GAP = 10.0, 20.0, 14.0, 8.0
BUTTON_ROW = 2
#: The buttons' macros and caption labels, left to right.
BUTTONS = (("RefreshAll", "button.refresh_all"), ("RefreshActiveSheet", "button.refresh_sheet"))


def button_box(caption: str, scale: float) -> tuple[float, float]:
    """``(width, height)`` in points of a button captioned ``caption`` on a sheet printed at
    ``scale`` (a fraction, 1.0 = 100%).

    Excel scales a button's caption with the page, but LibreOffice draws a form control's
    caption at its own size on a scaled page: the box, which shrinks with the page, must hold
    the caption at full size, so it is sized from the font metrics divided by the scale (with
    room for LibreOffice's wider glyphs, 1.4x, and padding on each side).
    """
    width = (1.4 * caption_points(caption, BUTTON_FONT) + 2 * BUTTON_PADDING) / scale
    height = max(BUTTON_HEIGHT, (1.3 * BUTTON_FONT + 6) / scale)
    return max(72.0, width), height


def _reserve_button_row(ws, sheet: L.Sheet, lang: str, scale: int) -> None:
    if sheet.buttons:
        tallest = max(button_box(label(key, lang), scale / 100)[1] for _, key in BUTTONS)
        ws.row_dimensions[BUTTON_ROW].height = tallest + 8


def page_setup(ws, sheet: L.Sheet, rows_by_block: dict[str, int], lang: str = "ko") -> None:
    """Orientation, scale, print area, repeated header rows/key columns and page breaks that
    keep each chart (and each table that fits a page) on one page.

    Every rule reads the layout spec: the blocks' and charts' places, the sheet's freeze
    panes (the key columns and header row repeated on each page) and ``pages_high``.
    """
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    ws.page_margins.top = ws.page_margins.bottom = TOP_MARGIN
    ws.print_options.horizontalCentered = True
    ranges = list(sheet.print_rows) if sheet.print_rows is not None else [(1, _last_row(ws, sheet, rows_by_block))]
    last_col = _last_column(ws, sheet, ranges)
    wrap_note(ws, _last_column(ws, sheet, [r for r in ranges if r[0] <= NOTE_ROW <= r[1]] or ranges[:1]))
    width = sum(column_points(ws, c) for c in range(1, last_col + 1))
    scale = 100
    for _ in range(2):  # the button row's height depends on the scale, the scale (pages_high) on the heights
        _reserve_button_row(ws, sheet, lang, scale)
        height = sum(row_points(ws, r) for a, b in ranges for r in range(a, b + 1))
        scale = print_scale(sheet, width, height)
    _reserve_button_row(ws, sheet, lang, scale)
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = scale
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None
    # each printed row range as wide as what it shows (no page of empty columns beside a narrow table)
    ws.print_area = [f"A{a}:{get_column_letter(_last_column(ws, sheet, [(a, b)]))}{b}" for a, b in ranges] \
        if sheet.print_rows is not None else f"A1:{get_column_letter(last_col)}{ranges[0][1]}"
    title_rows, title_cols = print_titles(sheet)
    page_w, page_h = printable_points(sheet)
    if title_rows:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    wide = width * RENDER_WIDTH * scale / 100 > page_w
    if title_cols and wide:
        ws.print_title_cols = f"A:{get_column_letter(title_cols)}"
    # several pages wide: print across first, so a table's right-hand columns (and a chart
    # beside it) come on the page right after its left-hand ones
    ws.page_setup.pageOrder = "overThenDown" if wide else None
    repeated = sum(row_points(ws, r) for r in range(title_rows[0], title_rows[1] + 1)) if title_rows else 0.0
    ws.col_breaks.brk = []
    if wide:
        cols = sum(column_points(ws, c) for c in range(1, title_cols + 1)) if title_cols else 0.0
        for col in column_breaks(ws, sheet, last_col, page_w * 100 / scale / RENDER_WIDTH, cols):
            ws.col_breaks.append(Break(id=col - 1))
    ws.row_breaks.brk = []
    for row in page_breaks(ws, sheet, rows_by_block, ranges, page_h * 100 / scale, repeated):
        ws.row_breaks.append(Break(id=row - 1))


#: The row under the buttons that holds a sheet's note or legend (written by ``static``).
NOTE_ROW = 3


def wrap_note(ws, last_col: int) -> None:
    """Wrap a sheet's note (row :data:`NOTE_ROW`) over the printed columns when it is wider
    than they are: merged from its cell to ``last_col``, its row as tall as its lines (a long
    legend such as Scaling's flags or the calendar's was cut at the page's right edge)."""
    for col in (1, 2):
        cell = ws.cell(row=NOTE_ROW, column=col)
        if isinstance(cell.value, str) and cell.value:
            break
    else:
        return
    room = sum(column_chars(ws, c) for c in range(col, last_col + 1))
    lines = text_lines(cell.value, room / RENDER_WIDTH)
    if lines <= 1 or last_col <= col:
        return
    ws.merge_cells(start_row=NOTE_ROW, start_column=col, end_row=NOTE_ROW, end_column=last_col)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[NOTE_ROW].height = LINE_POINTS * lines


def print_titles(sheet: L.Sheet) -> tuple[tuple[int, int] | None, int]:
    """``((first, last) rows repeated at the top of each printed page or None, key columns
    repeated at the left)``: from the freeze panes (the header row above the frozen row, the
    columns left of it), or the header row of a sheet's single table."""
    if sheet.freeze:
        row, col = L.cell_position(sheet.freeze)
        return ((row - 1, row - 1) if row > 1 else None), col - 1
    if len(sheet.blocks) == 1 and sheet.print_rows is None:
        header = sheet.blocks[0].origin[0]
        return (header, header), 0
    return None, 0


def keep_together(ws, sheet: L.Sheet, rows_by_block: dict[str, int]) -> list[tuple[int, int]]:
    """Row spans ``(first, last)`` that should not be cut by a page break: each chart (with its
    block's title when the chart starts there) and each table from its title to its last row."""
    spans = []
    for block in sheet.blocks:
        n = rows_by_block.get(block.name, 0)
        if not n:
            continue
        title = block.origin[0] - 1
        spans.append((title, block.origin[0] + n))
        for chart in block.charts:
            top = L.cell_position(chart.anchor)[0]
            spans.append((title if top == title else top, chart_bottom(ws, chart) - 1))
    return sorted(spans)


def page_breaks(ws, sheet: L.Sheet, rows_by_block: dict[str, int], ranges: list[tuple[int, int]],
                page_points: float, repeated: float = 0.0) -> list[int]:
    """Rows (one-based) a manual page break goes before, so no span of :func:`keep_together`
    that fits a page is cut (a page holds ``page_points`` of sheet rows, less the repeated
    header rows after the first page)."""
    if sheet.pages_high:
        return []
    spans = keep_together(ws, sheet, rows_by_block)
    breaks = []
    for first, last in ranges:
        breaks += _breaks({r: row_points(ws, r) for r in range(first, last + 1)}, spans, page_points, repeated)
    return breaks


def column_breaks(ws, sheet: L.Sheet, last_col: int, page_points: float, repeated: float = 0.0) -> list[int]:
    """Columns a manual page break goes before on a sheet printed several pages wide, so no
    chart is cut between two pages (``page_points``: the sheet's column points a page holds)."""
    spans = []
    for block in sheet.blocks:
        for chart in block.charts:
            col = L.cell_position(chart.anchor)[1]
            spans.append((col, min(chart_right(ws, chart) - 1, last_col)))
    return _breaks({c: column_points(ws, c) for c in range(1, last_col + 1)}, sorted(spans), page_points, repeated)


def _breaks(sizes: dict[int, float], spans: list[tuple[int, int]], page: float, repeated: float) -> list[int]:
    """Where manual breaks go in a run of rows (or columns) of ``sizes`` (index -> points),
    laid out as a printer does: a page holds ``page`` points (less ``repeated`` after the
    first page); a span ``(first, last)`` that would be cut and fits a page starts a page."""
    first, last = min(sizes), max(sizes)
    breaks, top, used, room = [], first, 0.0, page
    for i in range(first, last + 1):
        ends = [b for a, b in spans if a == i and b <= last]
        need = sum(sizes[x] for x in range(i, max(ends) + 1)) if ends else 0.0
        if ends and i > top and used + need > room and need <= page - repeated:
            breaks.append(i)
            top, used, room = i, 0.0, page - repeated
        elif used + sizes[i] > room and i > top:  # the printer's own break
            top, used, room = i, 0.0, page - repeated
        used += sizes[i]
    return breaks


def _last_row(ws, sheet: L.Sheet, rows_by_block: dict[str, int]) -> int:
    chart_rows = [chart_bottom(ws, c) for b in sheet.blocks for c in b.charts if rows_by_block.get(b.name)]
    return max([b.origin[0] + max(rows_by_block.get(b.name, 1), 1) for b in sheet.blocks]
               + chart_rows + [ws.max_row if not sheet.blocks else 1])


def _last_column(ws, sheet: L.Sheet, ranges: list[tuple[int, int]]) -> int:
    """The last column of the blocks (and their charts) printed in row ``ranges``."""
    def shown(top, bottom):
        return any(top <= last and first <= bottom for first, last in ranges)

    last_col = max([b.owned()[3] for b in sheet.blocks if shown(b.owned()[0], b.owned()[2])] + [2])
    charts = [c for b in sheet.blocks for c in b.charts if shown(*(L.cell_position(c.anchor)[0],) * 2)]
    return max([last_col] + [chart_right(ws, c) - 1 for c in charts])



def text_lines(text: str, width: float) -> int:
    """Lines a wrapped ``text`` takes in a column ``width`` characters wide (each line break
    starts a line; a wide (CJK) character counts two)."""
    return sum(max(1, math.ceil(_display_width(part, "") / max(width - 1, 1))) for part in text.split("\n"))


def wrap_width(texts: list[str], width: float) -> float:
    """The width (characters) of a wrapped column: ``width``, widened -- up to
    :data:`MAX_WRAP_WIDTH` -- until its longest text fits in a row of :data:`MAX_ROW_POINTS`."""
    lines = int(MAX_ROW_POINTS // LINE_POINTS)
    while width < MAX_WRAP_WIDTH and any(text_lines(t, width) > lines for t in texts):
        width += 2
    return min(width, MAX_WRAP_WIDTH)


def _row_heights(ws, sheet: L.Sheet, rows_by_block: dict[str, int], wrap_cells: dict[str, set[int]]) -> None:
    for block in sheet.blocks:
        top, left, _, _ = block.owned()
        wraps = [(col, column_chars(ws, col)) for col in sorted(wrap_cells.get(block.name, ()))]
        ws.row_dimensions[top + 1].height = 30  # headers on up to two lines
        for r in range(top + 2, top + 2 + rows_by_block.get(block.name, 0)):
            lines = 1
            for col, width in wraps:
                value = ws.cell(row=r, column=col).value
                if isinstance(value, str) and value:
                    lines = max(lines, text_lines(value, width))
            if lines > 1 or wraps:
                ws.row_dimensions[r].height = min(MAX_ROW_POINTS, LINE_POINTS * lines)


def korean_default_font(wb: Workbook) -> None:
    """Make the workbook's default font Korean-capable (every cell without its own font uses it)."""
    wb._fonts = IndexedList([Font(name=FONT_NAME, size=10, family=3, charset=129)])

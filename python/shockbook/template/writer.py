"""The openpyxl :class:`~shockbook.workbook.engine.BookWriter`: new books and the headless
refresh of a saved file write their tables through it."""

from __future__ import annotations

from copy import copy

from openpyxl import Workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..safetext import is_formula_text
from .styling import StyleCache


class _Formula(str):
    """A user's formula read from an owned range (written back as a formula, not as text)."""


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
        """Values of a rectangle; a user's formula comes back as :class:`_Formula` so that
        :meth:`write` puts it back as a formula (own Opinions rows kept by a refresh)."""
        ws = self.wb[sheet]
        return [[_Formula(c.value) if c.data_type == "f" and isinstance(c.value, str) else c.value for c in row]
                for row in ws.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right)]

    def write(self, sheet, top, left, rows):
        ws = self.wb[sheet]
        existing = ws._cells  # (row, column) -> cell; an empty cell that does not exist stays absent
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                if value is None and (top + r, left + c) not in existing:
                    continue
                cell = ws.cell(row=top + r, column=left + c)
                if isinstance(value, _Formula):  # the user's own formula, read back: stays a formula
                    cell.value = str(value)
                    continue
                cell.value = value
                if is_formula_text(value):
                    cell.data_type = "s"  # a string cell, never a formula (see shockbook.safetext)

    def set_title(self, sheet, text, ours):
        cell = self.wb[sheet]["A1"]
        if cell.value in (None, "") or ours(cell.value):
            cell.value = text

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



def table_rows(ws, name: str) -> int:
    """Data rows of table ``name`` on ``ws`` (its ref minus the header); 0 if absent."""
    if name not in ws.tables:
        return 0
    _, min_row, _, max_row = range_boundaries(ws.tables[name].ref)
    return max_row - min_row

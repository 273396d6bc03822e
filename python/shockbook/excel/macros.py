"""Refresh macros: what the workbook's buttons run through xlwings ``RunPython``.

``ShockbookMacros.RefreshAll`` sends ``import shockbook.excel.macros as m; m.refresh_all()``.
The functions here take the calling workbook (``xw.Book.caller()``), read its Settings sheet,
and write every block of the layout through :class:`XlwingsWriter`, the xlwings implementation
of :class:`shockbook.workbook.engine.BookWriter`. The headless twin is
``python -m shockbook refresh --workbook FILE`` (same engine, the openpyxl writer). The tests
run these functions end to end with ``xw.Book.caller()`` returning a stand-in Book
(``tests/xlharness.py``) and compare the result with the headless refresh.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from openpyxl.utils.cell import get_column_letter, range_boundaries

from ..errors import InputError
from ..safetext import typed_text
from ..workbook import layout as L
from ..workbook.engine import context_from_sheet, refresh_blocks


class _Formula(str):
    """A user's formula read from an owned range (written back as a formula, not as text)."""


class XlwingsWriter:
    """:class:`BookWriter` over a live workbook (xlwings ``Book``).

    The same ownership rules as the package writer: each block is found by its table's name
    (wherever the user moved it), only its title row, its table and the rows it grows into are
    written, a table that would grow over a user's cell stops with :class:`InputError` before
    the block is written, user formulas read back (own Opinions rows) stay formulas, and shapes
    are never touched.
    """

    def __init__(self, book) -> None:
        self.book = book
        self._shift = (0, 0)
        self._table = None  # (top, left, bottom, right) of the current block's table, as found

    def sheet_for(self, block: str, default_title: str) -> str:
        self._shift, self._table = (0, 0), None
        for sheet in self.book.sheets:
            try:
                tables = list(sheet.tables)
            except Exception:  # noqa: BLE001 - tables are not available on every platform
                continue
            for table in tables:
                if table.name == block:
                    rng = table.range
                    top, left = rng.row, rng.column
                    rows, cols = rng.shape
                    header, first = L.block(block)[1].origin
                    self._shift = (top - header, left - first)
                    self._table = (top, left, top + rows - 1, left + cols - 1)
                    return sheet.name
        return default_title

    def read(self, sheet, top, left, bottom, right):
        dr, dc = self._shift
        rng = self.book.sheets[sheet].range((top + dr, left + dc), (bottom + dr, right + dc))
        values = [list(row) for row in rng.options(ndim=2).value]
        formulas = getattr(rng, "formula", None)
        if isinstance(formulas, (list, tuple)) and formulas and isinstance(formulas[0], (list, tuple)):
            for i, row in enumerate(formulas):
                for j, text in enumerate(row):
                    if isinstance(text, str) and text.startswith("="):
                        values[i][j] = _Formula(text)
        return values

    def write(self, sheet, top, left, rows):
        if not rows:
            return
        dr, dc = self._shift
        top, left = top + dr, left + dc
        target = self.book.sheets[sheet]
        if self._table is not None:
            bottom = self._table[2]
            keep = len(rows)
            while keep > 0 and top + keep - 1 > bottom and all(v is None for v in rows[keep - 1]):
                keep -= 1  # padding below the table: not ours to empty
            rows = rows[:keep]
            grown = [(i, row) for i, row in enumerate(rows) if top + i > bottom]
            if grown:
                first = top + grown[0][0]
                width = len(rows[0])
                existing = target.range((first, left), (top + len(rows) - 1, left + width - 1)).options(ndim=2).value
                for (i, row), old in zip(grown, existing):
                    for j, (new, was) in enumerate(zip(row, old)):
                        if was not in (None, "") and was != new:
                            raise InputError(f"a table would grow over your cell '{sheet}'!"
                                             f"{get_column_letter(left + j)}{top + i} ({str(was)[:40]!r}); move it "
                                             "and refresh again", sheet=sheet)
        if not rows:
            return
        # text Excel would read as a formula (=, +, -, @, a tab, CR) or whose apostrophe it would
        # eat is typed with an apostrophe of its own (shockbook.safetext); a user's formula stays one
        cleaned = [[v if isinstance(v, _Formula) else typed_text(v) if isinstance(v, str)
                    else (dt.datetime(v.year, v.month, v.day) if type(v) is dt.date else v) for v in row]
                   for row in rows]
        target.range((top, left)).value = cleaned

    def set_title(self, sheet, text, ours):
        cell = self.book.sheets[sheet].range((1, 1))
        current = cell.options(ndim=2).value[0][0]
        if current in (None, "") or ours(current):
            cell.value = [[text]]

    def set_number_formats(self, sheet, ranges):
        """One ``Range.number_format`` per rectangle (the layout's formats; rows a refresh adds
        past the built ones would otherwise show raw numbers)."""
        target = self.book.sheets[sheet]
        dr, dc = self._shift
        for top, left, bottom, right, fmt in ranges:
            target.range((top + dr, left + dc), (bottom + dr, right + dc)).number_format = fmt

    @property
    def folder(self) -> Path | None:
        """The workbook's folder (where relative Settings paths are read from); ``None`` unsaved."""
        full = getattr(self.book, "fullname", "") or ""
        return Path(full).parent if os.path.isabs(full) else None

    def set_table(self, sheet, name, ref):
        target = self.book.sheets[sheet]
        dr, dc = self._shift
        if dr or dc:
            c1, r1, c2, r2 = range_boundaries(ref)
            ref = f"{get_column_letter(c1 + dc)}{r1 + dr}:{get_column_letter(c2 + dc)}{r2 + dr}"
        for table in target.tables:
            if table.name == name:
                table.resize(target.range(ref))
                return
        target.tables.add(source=target.range(ref), name=name)


def _caller():
    import xlwings as xw

    return xw.Book.caller()


def _refresh(sheets=None) -> None:
    book = _caller()
    writer = XlwingsWriter(book)
    ctx = context_from_sheet(writer, folder=writer.folder)
    refresh_blocks(writer, ctx, sheets=sheets)


def refresh_all() -> None:
    """Refresh every table of the calling workbook (the "Refresh all" button)."""
    _refresh()


def refresh_active_sheet() -> None:
    """Refresh the tables on the sheet the user is looking at (the "Refresh this sheet" button)."""
    book = _caller()
    active = book.sheets.active.name
    writer = XlwingsWriter(book)
    keys = [s.key for s in L.LAYOUT for b in s.blocks if writer.sheet_for(b.name, "") == active]
    ctx = context_from_sheet(writer, folder=writer.folder)
    refresh_blocks(writer, ctx, sheets=keys or [])

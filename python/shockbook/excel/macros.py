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

from ..workbook import layout as L
from ..workbook.engine import context_from_sheet, refresh_blocks


class XlwingsWriter:
    """:class:`BookWriter` over a live workbook (xlwings ``Book``)."""

    def __init__(self, book) -> None:
        self.book = book

    def sheet_for(self, block: str, default_title: str) -> str:
        for sheet in self.book.sheets:
            try:
                if block in [t.name for t in sheet.tables]:
                    return sheet.name
            except Exception:  # noqa: BLE001 - tables are not available on every platform
                continue
        return default_title

    def read(self, sheet, top, left, bottom, right):
        values = self.book.sheets[sheet].range((top, left), (bottom, right)).options(ndim=2).value
        return [list(row) for row in values]

    def write(self, sheet, top, left, rows):
        if not rows:
            return
        # Excel reads a leading "=" as a formula and eats a leading apostrophe (its text mark):
        # both get an apostrophe of their own, so the cell shows the text as it is
        cleaned = [["'" + v if isinstance(v, str) and v.startswith(("=", "'")) else
                    (dt.datetime(v.year, v.month, v.day) if type(v) is dt.date else v) for v in row] for row in rows]
        self.book.sheets[sheet].range((top, left)).value = cleaned

    def set_number_formats(self, sheet, ranges):
        """One ``Range.number_format`` per rectangle (the layout's formats; rows a refresh adds
        past the built ones would otherwise show raw numbers)."""
        target = self.book.sheets[sheet]
        for top, left, bottom, right, fmt in ranges:
            target.range((top, left), (bottom, right)).number_format = fmt

    @property
    def folder(self) -> Path | None:
        """The workbook's folder (where relative Settings paths are read from); ``None`` unsaved."""
        full = getattr(self.book, "fullname", "") or ""
        return Path(full).parent if os.path.isabs(full) else None

    def set_table(self, sheet, name, ref):
        target = self.book.sheets[sheet]
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

"""Every row a refresh writes gets its column's number format, whichever writer writes it.

The build styles only the rows in use, so rows that a later refresh adds past them would show
raw numbers (0.0523 instead of 5.2%) unless the writer formats them. The shared runner
(:func:`refresh_blocks`) asks the writer for the formats of exactly the rows it wrote; this is
tested with the openpyxl writer on a real workbook and with the xlwings writer on a stand-in
for an xlwings ``Book`` (the attributes ``XlwingsWriter`` uses: ``sheets``, ``range``,
``value``, ``options``, ``number_format``, ``tables``), so no Excel is needed.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.utils.cell import range_boundaries

from shockbook.config import Settings
from shockbook.excel.macros import XlwingsWriter
from shockbook.workbook import layout as L
from shockbook.template.writer import OpenpyxlWriter
from shockbook.workbook.engine import number_format_ranges, refresh_blocks
from shockbook.workbook.i18n import label
from shockbook.workbook.producers import make_context

# --- the ranges ------------------------------------------------------------------------------------

TICKER, PCT_A, PCT_B = L.Column("ticker"), L.Column("a", fmt=L.PCT), L.Column("b", fmt=L.PCT)
BETA = L.Column("beta", fmt=L.NUM2)
VALUE_BY_UNIT = L.Column("value", fmt=L.NUM2, fmt_by="unit")


def _block(*columns, anchor="B5"):
    return L.Block("sb_test", anchor, lambda ctx: None, tuple(columns), 10)


@pytest.mark.parametrize(("columns", "n", "formats", "expected"), [
    # neighbouring columns with one format are one rectangle; text columns are left alone
    ((TICKER, PCT_A, PCT_B, BETA), 3, {}, [(6, 3, 8, 4, L.PCT), (6, 5, 8, 5, L.NUM2)]),
    # no rows: nothing to format
    ((TICKER, PCT_A), 0, {}, []),
    # per-row formats: one rectangle per run of equal formats
    ((TICKER, VALUE_BY_UNIT), 4, {"value": [L.PCT2, L.PCT2, L.THOUSANDS, L.TEXT]},
     [(6, 3, 7, 3, L.PCT2), (8, 3, 8, 3, L.THOUSANDS), (9, 3, 9, 3, L.TEXT)]),
    # fewer per-row formats than rows: the column's own format for the rest
    ((VALUE_BY_UNIT,), 3, {"value": [L.PCT2]}, [(6, 2, 6, 2, L.PCT2), (7, 2, 8, 2, L.NUM2)]),
])
def test_number_format_ranges(columns, n, formats, expected):
    assert number_format_ranges(_block(*columns), n, formats) == expected


# --- a stand-in for an xlwings Book ---------------------------------------------------------------


class FakeRange:
    def __init__(self, sheet, first, last=None):
        self.sheet, self.first, self.last = sheet, first, last or first

    def _cells(self):
        (r1, c1), (r2, c2) = self.first, self.last
        return [[(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @property
    def value(self):
        return [[self.sheet.values.get(rc) for rc in row] for row in self._cells()]

    @value.setter
    def value(self, rows):
        r0, c0 = self.first
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet.values[(r0 + i, c0 + j)] = v

    def options(self, **_):
        return self

    @property
    def number_format(self):
        raise NotImplementedError

    @number_format.setter
    def number_format(self, fmt):
        self.sheet.calls.append((self.first, self.last, fmt))
        for row in self._cells():
            for rc in row:
                self.sheet.formats[rc] = fmt


class FakeTable:
    def __init__(self, name, ref):
        self.name, self.ref = name, ref

    def resize(self, rng):
        self.ref = rng

    @property
    def range(self):
        """The table's range (header row first): its first row, first column and shape."""
        c1, r1, c2, r2 = range_boundaries(self.ref)
        return SimpleNamespace(row=r1, column=c1, shape=(r2 - r1 + 1, c2 - c1 + 1))


class FakeTables(list):
    def add(self, source, name):
        self.append(FakeTable(name, source))


class FakeSheet:
    def __init__(self, name):
        self.name, self.values, self.formats, self.calls, self.tables = name, {}, {}, [], FakeTables()

    def range(self, first, last=None):
        if isinstance(first, str):  # "A5:N8" (table refs)
            return first
        return FakeRange(self, first, last)


class FakeSheets(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return super().__getitem__(key)


class FakeBook:
    def __init__(self, *names):
        self.sheets = FakeSheets(FakeSheet(n) for n in names)
        self.fullname = "Book1"


# --- through the shared runner -----------------------------------------------------------------------


def _returns(n: int) -> pd.DataFrame:
    return pd.DataFrame({"ticker": [f"T{i}" for i in range(n)], "event_return": [-0.05 * (i + 1) for i in range(n)],
                         "beta": [1.0 + i for i in range(n)]})


@pytest.fixture
def one_block_layout(monkeypatch):
    """The layout reduced to the Event returns block, its producer returning ``frames[0]``."""
    sheet, block = L.block("sb_event_returns")
    frames = [_returns(2)]
    fake = dataclasses.replace(block, producer=lambda ctx: frames[0], fallback=None, charts=())
    monkeypatch.setattr(L, "LAYOUT", (dataclasses.replace(sheet, blocks=(fake,)),))
    return fake, frames


def _ctx(tmp_path):
    return make_context(Settings.from_env(environ={}, offline=True, cache_dir=tmp_path), lang="en")


def _pct_columns(block):
    return [block.origin[1] + i for i, c in enumerate(block.columns) if c.fmt == L.PCT]


def test_the_openpyxl_writer_formats_the_rows_it_writes(one_block_layout, tmp_path):
    block, frames = one_block_layout
    wb = Workbook()
    writer = OpenpyxlWriter(wb)
    refresh_blocks(writer, _ctx(tmp_path))
    frames[0] = _returns(5)  # a later refresh with more rows
    refresh_blocks(writer, _ctx(tmp_path))
    ws = wb[label("sheet.event_returns", "en")]
    header, left = block.origin
    event_col = left + [c.key for c in block.columns].index("event_return")
    beta_col = left + [c.key for c in block.columns].index("beta")
    assert [ws.cell(row=header + i, column=event_col).number_format for i in range(1, 6)] == [L.PCT] * 5
    assert [ws.cell(row=header + i, column=beta_col).number_format for i in range(1, 6)] == [L.NUM2] * 5
    assert ws.cell(row=header, column=event_col).number_format == "General"  # the header is text


def test_the_xlwings_writer_formats_rows_added_past_the_built_ones(one_block_layout, tmp_path):
    block, frames = one_block_layout
    title = label("sheet.event_returns", "en")
    book = FakeBook(title)
    writer = XlwingsWriter(book)
    refresh_blocks(writer, _ctx(tmp_path))
    frames[0] = _returns(5)
    refresh_blocks(writer, _ctx(tmp_path))
    sheet = book.sheets[title]
    header, left = block.origin
    for col in _pct_columns(block):
        assert [sheet.formats.get((header + i, col)) for i in range(1, 6)] == [L.PCT] * 5
    assert sheet.values[(header + 5, left)] == "T4"
    assert sheet.formats.get((header + 6, left + 2)) is None  # below the rows written: untouched
    # one call per rectangle (neighbouring percent columns share one)
    last = [c for c in sheet.calls if c[1][0] == header + 5]
    assert len(last) == len(number_format_ranges(block, 5))
    assert [t.name for t in sheet.tables] == ["sb_event_returns"]


def test_the_xlwings_writer_knows_the_workbooks_folder():
    book = FakeBook("x")
    assert XlwingsWriter(book).folder is None  # an unsaved book: relative paths from the current folder
    book.fullname = str(Path(__file__).resolve())
    assert XlwingsWriter(book).folder == Path(__file__).resolve().parent

"""The in-Excel refresh (xlwings writer) follows the package writer's ownership rules.

Run on the stand-in for an xlwings ``Book`` of :mod:`test_number_formats`: the block is found by
its table's name wherever the user moved it, only the title row, the table and the rows it grows
into are written, a table growing over a user's cell stops before the block is written, and
shockbook's text is never turned into a formula.
"""

from __future__ import annotations

import pytest
from test_number_formats import FakeBook, FakeTable, _ctx, _returns, one_block_layout  # noqa: F401

from shockbook.errors import InputError
from shockbook.excel.macros import XlwingsWriter
from shockbook.workbook.engine import refresh_blocks
from shockbook.workbook.i18n import label
from shockbook.workbook import layout as L

TITLE = label("sheet.event_returns", "en")


def _moved_book(block, shift: int, rows: int) -> FakeBook:
    """A book whose table sits ``shift`` rows below the layout's place (rows inserted above it)."""
    book = FakeBook(TITLE)
    sheet = book.sheets[TITLE]
    header, left = block.origin
    last = chr(64 + left + block.width - 1)
    sheet.tables.append(FakeTable(block.name, f"A{header + shift}:{last}{header + shift + rows}"))
    return book


def test_a_moved_table_is_refreshed_where_it_is(one_block_layout, tmp_path):
    block, frames = one_block_layout
    book = _moved_book(block, 3, 2)
    sheet = book.sheets[TITLE]
    header, left = block.origin
    sheet.values[(header, left)] = "my notes where the table was"
    refresh_blocks(XlwingsWriter(book), _ctx(tmp_path))
    assert sheet.values[(header, left)] == "my notes where the table was"
    assert sheet.values[(header + 3 + 1, left)] == "T0"
    assert sheet.tables[0].ref == f"A{header + 3}:{L.column_letter(left + block.width - 1)}{header + 3 + 2}"


def _with_note(block, below: int):
    """A book with the table in place (2 rows) and a user's note ``below`` rows under the header."""
    book = _moved_book(block, 0, 2)
    header, left = block.origin
    book.sheets[TITLE].values[(header + below, left)] = "my note"
    return book, book.sheets[TITLE], header, left


def test_padding_below_the_table_leaves_user_cells_alone(one_block_layout, tmp_path):
    block, frames = one_block_layout
    book, sheet, header, left = _with_note(block, 20)
    refresh_blocks(XlwingsWriter(book), _ctx(tmp_path))
    assert sheet.values[(header + 20, left)] == "my note"


def test_a_table_growing_over_a_user_cell_stops_before_writing_it(one_block_layout, tmp_path):
    block, frames = one_block_layout
    book, sheet, header, left = _with_note(block, 4)
    frames[0] = _returns(6)
    with pytest.raises(InputError, match=f"'{TITLE}'!A{header + 4}"):
        refresh_blocks(XlwingsWriter(book), _ctx(tmp_path))
    assert sheet.values[(header + 4, left)] == "my note"
    assert (header + 1, left) not in sheet.values  # nothing of the block was written


def test_text_that_looks_like_a_formula_is_written_as_text(one_block_layout, tmp_path):
    block, frames = one_block_layout
    frame = _returns(4)
    frame["ticker"] = ["=1+1", "+CALL", "-X", "@A1"]
    frames[0] = frame
    book = _moved_book(block, 0, 4)
    refresh_blocks(XlwingsWriter(book), _ctx(tmp_path))
    header, left = block.origin
    sheet = book.sheets[TITLE]
    assert [sheet.values[(header + i, left)] for i in range(1, 5)] == ["'=1+1", "'+CALL", "'-X", "'@A1"]


# --- end to end, on a built workbook behind the xlwings Book stand-in ---------------------------------


@pytest.fixture
def caller(built, tmp_path, monkeypatch):
    """A copy of the built workbook as the calling Book (see :mod:`test_macros`)."""
    import shutil

    import xlwings as xw
    from xlharness import BookStandIn

    path = tmp_path / "deepseek_shock.xlsm"
    shutil.copy(built, path)
    stand_in = BookStandIn(path)
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: stand_in))
    return stand_in


def test_refresh_all_keeps_a_note_below_a_table_that_shrinks(caller):
    from shockbook.excel import macros

    events = caller.wb[label(L.sheet("event_returns").title_key, "ko")]
    settings = caller.wb[label(L.sheet("settings").title_key, "ko")]
    _, watch = L.block("sb_watchlist")
    header, col = watch.origin
    for r in range(header + 1, header + 1 + watch.capacity):
        settings.cell(row=r, column=col).value = None
    for i, ticker in enumerate(["AAPL", "NVDA"]):
        settings.cell(row=header + 1 + i, column=col, value=ticker)
    _, block = L.block("sb_event_returns")
    top = block.origin[0]
    events.cell(row=top + 40, column=1, value="my note")
    macros.refresh_all()
    assert [events.cell(row=top + i, column=1).value for i in (1, 2, 3)] == ["AAPL", "NVDA", None]
    assert events.cell(row=top + 40, column=1).value == "my note"
    assert events.tables["sb_event_returns"].ref == f"A{top}:{L.column_letter(block.owned()[3])}{top + 2}"

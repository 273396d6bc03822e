"""The refresh buttons' macros, run end to end without Excel.

``shockbook.excel.macros.refresh_all`` and ``refresh_active_sheet`` are what the buttons call
through RunPython. Here ``xw.Book.caller()`` returns :class:`xlharness.BookStandIn`, a built
workbook behind the xlwings attributes the macros use, so the real code path runs: the caller,
the Settings read-back, the engine, the xlwings writer.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import xlwings as xw
from openpyxl import load_workbook
from xlharness import BookStandIn

from shockbook.excel import macros
from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label

JUNK = "stale value"


def _title(key: str) -> str:
    return label(L.sheet(key).title_key, "ko")


def _owned_values(ws, block) -> list[list]:
    top, left, bottom, right = block.owned()
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right)]
    return [[_plain(v) for v in row] for row in rows]


def _plain(value):
    """A cell value as compared: a float to 12 significant digits (the file keeps about 15, and
    the build computes the event tables over the union of their tickers, the refresh per table)."""
    if isinstance(value, float):
        return float(f"{value:.11e}")
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return value


@pytest.fixture
def book(built, tmp_path, monkeypatch):
    """A copy of the built workbook as the calling Book, with stale values in two sheets' tables."""
    path = tmp_path / "deepseek_shock.xlsm"
    shutil.copy(built, path)
    stand_in = BookStandIn(path, active=_title("event_returns"))
    for key, name in (("event_returns", "sb_event_returns"), ("dashboard", "sb_index_moves")):
        _, block = L.block(name)
        header, left = block.origin
        stand_in.wb[_title(key)].cell(row=header + 1, column=left + 1, value=JUNK)
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: stand_in))
    return stand_in


@pytest.fixture
def refreshed_headless(built, tmp_path):
    """The built workbook refreshed by the headless twin (same engine, the openpyxl writer)."""
    from shockbook.template.builder import refresh_file

    path = tmp_path / "headless" / "deepseek_shock.xlsm"
    path.parent.mkdir()
    shutil.copy(built, path)
    refresh_file(path)
    return path


def test_refresh_all_writes_every_table_as_the_headless_refresh_does(book, refreshed_headless):
    macros.refresh_all()
    original = load_workbook(refreshed_headless)
    compared = 0
    for sheet, block in L.blocks():
        if block.role == "input":
            continue
        title = _title(sheet.key)
        got, want = _owned_values(book.wb[title], block), _owned_values(original[title], block)
        diff = [(i, j, a, b) for i, (ra, rb) in enumerate(zip(got, want)) for j, (a, b) in enumerate(zip(ra, rb)) if a != b]
        assert diff == [], block.name
        compared += 1
    assert compared >= 20


def test_refresh_this_sheet_rewrites_only_the_active_sheet(book, built):
    macros.refresh_active_sheet()
    original = load_workbook(built)
    _, returns = L.block("sb_event_returns")
    events = _title("event_returns")
    assert _owned_values(book.wb[events], returns) == _owned_values(original[events], returns)
    _, moves = L.block("sb_index_moves")
    header, left = moves.origin
    assert book.wb[_title("dashboard")].cell(row=header + 1, column=left + 1).value == JUNK


def test_a_bad_setting_stops_the_macro_before_writing(book):
    from shockbook.errors import InputError

    _, block = L.block("sb_settings")
    ws = book.wb[_title("settings")]
    top, left, bottom, _ = block.owned()
    row = next(r for r in range(top + 2, bottom + 1) if ws.cell(row=r, column=left).value == "data_mode")
    ws.cell(row=row, column=left + 1, value="sometimes")
    with pytest.raises(InputError, match="data_mode"):
        macros.refresh_all()
    _, returns = L.block("sb_event_returns")
    header, left = returns.origin
    assert book.wb[_title("event_returns")].cell(row=header + 1, column=left + 1).value == JUNK

"""Owned tables grow and shrink between refreshes; what the user typed around them stays put.

The watchlist on the Settings sheet is edited in the file's XML (as Excel stores typed text),
then the workbook is refreshed through the CLI. A table that would grow over a user's cell
stops the refresh before anything is written, unless ``--force``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from python_calamine import CalamineWorkbook
from workbook_cli import ROOT, run_cli

import corpus
from ooxml_check import problems
from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label

EVENTS = label(L.sheet("event_returns").title_key, "ko")
#: The event table's last column, and the first column right of it (the user's).
LAST = L.column_letter(L.block("sb_event_returns")[1].owned()[3])
BESIDE = L.column_letter(L.block("sb_event_returns")[1].owned()[3] + 1)
SETTINGS = label(L.sheet("settings").title_key, "ko")
OPINIONS = label(L.sheet("opinions").title_key, "ko")
PRICES = str((ROOT / ".." / "shared" / "data" / "prices.csv.gz").resolve())
SIXTY = ["AAPL", "ABBV", "ABNB", "ABT", "ACGL", "ACN", "ADBE", "ADI", "ADM", "ADP", "ADSK", "AEE", "AEP", "AES",
         "AFL", "AIG", "AIZ", "AJG", "AKAM", "ALB", "ALGN", "ALL", "ALLE", "AMAT", "AMCR", "AMD", "AME", "AMGN",
         "AMP", "AMT", "AMZN", "ANET", "AON", "AOS", "APA", "APD", "APH", "APO", "APTV", "ARE", "ATO", "AVB",
         "AVGO", "AVY", "AWK", "AXON", "AXP", "AZO", "BA", "BAC", "BALL", "BAX", "BBY", "BDX", "BEN", "BG",
         "BIIB", "BK", "BKNG", "BKR"]


def _refresh(path: Path, cache: Path, *extra: str) -> tuple[int, str]:
    return run_cli(["refresh", "--workbook", str(path), "--offline", "--snapshot", PRICES, *extra], cwd=ROOT,
                   env={"SHOCKBOOK_CACHE_DIR": str(cache)})


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def set_watchlist(path: Path, tickers: list[str]) -> None:
    """Type ``tickers`` into the watchlist column (and empty the rest of it), in the file's XML."""
    book = corpus.Book.load(path)
    part = book.sheet(SETTINGS)
    _, watch = L.block("sb_watchlist")
    header, col = watch.origin
    letter = chr(64 + col)
    for i in range(watch.capacity):
        ref = f"{letter}{header + 1 + i}"
        book.set_cell(part, ref, _inline(ref, tickers[i]) if i < len(tickers) else f'<c r="{ref}"/>')
    book.save(path)


def _table_ref(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            data = archive.read(member)
            if member.startswith("xl/tables/") and f'displayName="{name}"'.encode() in data:
                return etree.fromstring(data).get("ref")
    raise AssertionError(name)


def _values(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _chart_ranges(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        text = " ".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/"))
    return re.findall(rf"'{EVENTS}'!\$[A-Z]+\$\d+:\$[A-Z]+\$\d+", text)


@pytest.fixture
def book(built, tmp_path) -> Path:
    path = tmp_path / "deepseek_shock.xlsm"
    path.write_bytes(built.read_bytes())
    return path


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


def test_event_table_shrinks_to_3_and_grows_to_60(book, cache):
    b = corpus.Book.load(book)
    part = b.sheet(EVENTS)
    b.set_cell(part, "A95", _inline("A95", "my note far below"))
    b.set_cell(part, f"{BESIDE}6", f'<c r="{BESIDE}6"><f>C6*2</f></c>')
    b.save(book)
    set_watchlist(book, ["AAPL", "NVDA", "VST"])
    code, err = _refresh(book, cache)
    assert code == 0, err
    assert _table_ref(book, "sb_event_returns") == f"A5:{LAST}8"
    rows = _values(book, EVENTS)
    assert [r[0] for r in rows[5:9]] == ["AAPL", "NVDA", "VST", ""]  # the old rows below are emptied
    assert all(r[0] == "" for r in rows[8:85])
    assert rows[94][0] == "my note far below"
    assert set(_chart_ranges(book)) >= {f"'{EVENTS}'!$C$6:$C$8"}
    assert problems(book) == []

    set_watchlist(book, SIXTY)
    code, err = _refresh(book, cache)
    assert code == 0, err
    assert _table_ref(book, "sb_event_returns") == f"A5:{LAST}65"
    rows = _values(book, EVENTS)
    assert [r[0] for r in rows[5:65]] == SIXTY
    assert rows[94][0] == "my note far below"
    assert f"'{EVENTS}'!$C$6:$C$65" in _chart_ranges(book)
    workbook = zipfile.ZipFile(book).read("xl/workbook.xml").decode()
    assert re.search(rf"'{EVENTS}'!\$A\$1:\$[A-Z]+\$65</definedName>", workbook)  # the print area grew too
    cell = corpus.xpath(etree.fromstring(zipfile.ZipFile(book).read(part)), f"//m:c[@r='{BESIDE}6']/m:f")
    assert [c.text for c in cell] == ["C6*2"]
    assert problems(book) == []


def test_a_table_growing_over_a_user_cell_stops_before_writing(book, cache):
    b = corpus.Book.load(book)
    b.set_cell(b.sheet(EVENTS), "A40", _inline("A40", "my note under the table"))
    b.save(book)
    set_watchlist(book, SIXTY)
    before = book.read_bytes()
    code, err = _refresh(book, cache)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert f"'{EVENTS}'!A40" in err and "--force" in err
    assert book.read_bytes() == before

    code, err = _refresh(book, cache, "--force")
    assert code == 0, err
    assert _values(book, EVENTS)[39][0] == SIXTY[34]


def test_own_opinion_row_with_a_formula_joins_the_table_and_stays_a_formula(book, cache):
    b = corpus.Book.load(book)
    part = b.sheet(OPINIONS)
    _, opinions = L.block("sb_opinions")
    header, _ = opinions.origin
    row = header + 15
    b.set_cell(part, f"A{row}", _inline(f"A{row}", "my-view"))
    b.set_cell(part, f"B{row}", f'<c r="B{row}"><f>1+1</f><v>2</v></c>')
    b.set_cell(part, f"J{row}", _inline(f"J{row}", "mine"))
    b.save(book)
    for _ in range(2):
        code, err = _refresh(book, cache)
        assert code == 0, err
    assert _table_ref(book, "sb_opinions").endswith(str(row))
    cell = corpus.xpath(etree.fromstring(zipfile.ZipFile(book).read(part)), f"//m:c[@r='B{row}']/m:f")
    assert [c.text for c in cell] == ["1+1"]
    assert problems(book) == []


def test_refresh_out_writes_the_run_main_module_beside_it(book, cache, tmp_path):
    out = tmp_path / "nightly" / "other.xlsm"
    code, err = _refresh(book, cache, "--out", str(out))
    assert code == 0, err
    assert out.is_file() and "refresh_all" in out.with_suffix(".py").read_text(encoding="utf-8")


def test_a_browser_renamed_copy_refreshes_in_place(book, cache):
    renamed = book.with_name("deepseek_shock (1).xlsm")
    book.rename(renamed)
    code, err = _refresh(renamed, cache)
    assert code == 0, err
    assert problems(renamed) == []

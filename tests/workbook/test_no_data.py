"""No internet, no snapshot, empty cache: the workbook is still built, with published values."""

from __future__ import annotations

import pytest
from workbook_cli import ROOT, run_cli
from python_calamine import CalamineWorkbook

from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label


@pytest.fixture(scope="module")
def no_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nodata")
    out = folder / "offline_book.xlsm"
    code, err = run_cli(["build", "--offline", "--lang", "en", "--out", str(out)], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(folder / "empty-cache")})
    return code, err, out


def test_build_succeeds_and_says_once_how_to_get_data(no_data):
    code, err, out = no_data
    assert code == 0, err
    assert out.exists()
    assert err.count("--snapshot FILE") == 1


def test_every_sheet_exists_and_price_cells_show_published_values(no_data):
    _, _, out = no_data
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == [label(s.title_key, "en") for s in L.LAYOUT] + ["xlwings.conf"]
    dash = book.get_sheet_by_name("Dashboard").to_python()
    _, block = L.block("sb_index_moves")
    header, col = block.origin
    assert "As published" in dash[header - 2][col - 1]
    rows = {r[col - 1]: r[col - 1 + 2] for r in dash[header:header + 3]}
    assert rows == {"^GSPC": -0.015, "^SOX": -0.091, "NVDA": -0.17}
    _, counts = L.block("sb_breadth_summary")
    assert dash[counts.origin[0]][counts.origin[1] - 1:counts.origin[1] + 1] == [351, 152]


def test_curated_sheets_are_complete_without_data(no_data):
    _, _, out = no_data
    book = CalamineWorkbook.from_path(str(out))
    opinions = book.get_sheet_by_name("Opinions").to_python()
    _, block = L.block("sb_opinions")
    header = block.origin[0]
    assert sum(1 for r in opinions[header:header + block.capacity] if r[0]) == 14

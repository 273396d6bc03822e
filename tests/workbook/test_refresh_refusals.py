"""A refresh refuses, before writing anything, what it cannot do without losing something:
one line on stderr, exit status 2, every file as it was.

* a table whose header row the user turned off (the refresh would write the header as a data row);
* a table the user renamed (the line says how to name it back);
* ``--out`` naming another workbook that already exists (it would be replaced), unless ``--force``;
* a read-only workbook (the user protected it from being saved over);
* an ``.xlsx`` refreshed in place (it can only be refreshed into a macro-enabled ``--out`` copy);
* a workbook open in Excel or LibreOffice (its lock file ``~$NAME`` / ``.~lock.NAME#`` is beside
  it): the program holding it open would save over the refresh, or the refresh over its edits;
* an as-of date before the event, from ``--as-of`` or from the Settings sheet (every event table
  would be one error row).
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from workbook_cli import ROOT, run_cli

import corpus

PRICES = str((ROOT / ".." / "shared" / "data" / "prices.csv.gz").resolve())


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


def _refresh(path: Path, cache: Path, *extra: str) -> tuple[int, str]:
    return run_cli(["refresh", "--workbook", str(path), "--offline", "--snapshot", PRICES, *extra], cwd=ROOT,
                   env={"SHOCKBOOK_CACHE_DIR": str(cache)})


def _copy(built: Path, path: Path) -> Path:
    path.write_bytes(built.read_bytes())
    return path


def _refused(cache: Path, source: Path, *words: str, extra: tuple[str, ...] = (), files: tuple[Path, ...] = ()):
    """The refresh of ``source`` exits 2 with one line holding ``words``; ``files`` are unchanged."""
    watched = [source, *files]
    before = {p: p.read_bytes() for p in watched}
    code, err = _refresh(source, cache, *extra)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and all(w in err for w in words), err
    assert "nothing was written" in err
    assert {p: p.read_bytes() for p in watched} == before


def test_a_table_with_its_header_row_turned_off_is_refused(built, tmp_path, cache):
    from shockbook.workbook import layout as L

    last = L.column_letter(L.block("sb_event_returns")[1].owned()[3])  # the table's last column
    book = corpus.Book.load(built)
    book.edit_table("sb_event_returns", f'ref="A5:{last}28" headerRowCount="1"', f'ref="A6:{last}28" headerRowCount="0"')
    book.edit_table("sb_event_returns", f'<autoFilter ref="A5:{last}28"/>', "")
    path = book.save(tmp_path / "deepseek_shock.xlsm")
    _refused(cache, path, "header row", "sb_event_returns")


def test_a_renamed_table_is_refused_with_how_to_name_it_back(built, tmp_path, cache):
    book = corpus.Book.load(built)
    book.edit_table("sb_event_returns", 'displayName="sb_event_returns"', 'displayName="MyEvents"')
    path = book.save(tmp_path / "deepseek_shock.xlsm")
    _refused(cache, path, "sb_event_returns", "Table Name", "build --force")


def test_out_naming_an_existing_workbook_is_refused_unless_forced(built, tmp_path, cache):
    source = _copy(built, tmp_path / "deepseek_shock.xlsm")
    other = tmp_path / "my_model.xlsm"
    other.write_bytes(b"PK my own workbook")
    _refused(cache, source, "my_model.xlsm", "--force", extra=("--out", str(other)), files=(other,))
    code, err = _refresh(source, cache, "--out", str(other), "--force")
    assert code == 0, err
    assert other.read_bytes()[:2] == b"PK" and len(other.read_bytes()) > 10_000


def test_out_naming_the_workbook_itself_is_an_in_place_refresh(built, tmp_path, cache):
    source = _copy(built, tmp_path / "deepseek_shock.xlsm")
    code, err = _refresh(source, cache, "--out", str(source))
    assert code == 0, err


def test_a_read_only_workbook_is_refused(built, tmp_path, cache):
    path = _copy(built, tmp_path / "deepseek_shock.xlsm")
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        _refused(cache, path, "read-only", "deepseek_shock.xlsm")
    finally:
        path.chmod(0o644)


def test_a_read_only_workbook_can_still_be_refreshed_to_another_file(built, tmp_path, cache):
    path = _copy(built, tmp_path / "deepseek_shock.xlsm")
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        code, err = _refresh(path, cache, "--out", str(tmp_path / "copy.xlsm"))
    finally:
        path.chmod(0o644)
    assert code == 0, err
    assert path.read_bytes() == built.read_bytes()


@pytest.mark.parametrize("lock", ["~$deepseek_shock.xlsm", ".~lock.deepseek_shock.xlsm#"])
def test_a_workbook_open_in_excel_or_libreoffice_is_refused(built, tmp_path, cache, lock):
    path = _copy(built, tmp_path / "deepseek_shock.xlsm")
    (tmp_path / lock).write_bytes(b"someone")
    _refused(cache, path, "open", lock)


def test_an_xlsx_refreshed_in_place_is_refused_with_the_way_to_refresh_it(built, tmp_path, cache):
    path = _copy(built, tmp_path / "copy.xlsx")
    _refused(cache, path, "copy.xlsx", "--out NAME.xlsm")


def test_an_as_of_before_the_event_is_refused_from_the_flag_and_from_the_settings_sheet(built, tmp_path, cache):
    """Every event table would be one error row (and the dashboard would say there are no
    prices): refused like the build's ``--as-of``, whether the date comes from the command or
    from the Settings sheet the user edited."""
    from python_calamine import CalamineWorkbook
    from shockbook.workbook import layout as L
    from shockbook.workbook.i18n import label

    flag = _copy(built, tmp_path / "flag.xlsm")
    _refused(cache, flag, "--as-of", "before the event", extra=("--as-of", "2025-01-10"))
    title = label(L.sheet("settings").title_key, "ko")
    rows = CalamineWorkbook.from_path(str(built)).get_sheet_by_name(title).to_python()
    row = next(i for i, r in enumerate(rows, start=1) if r and r[0] == "as_of")
    book = corpus.Book.load(built)
    book.set_cell(book.sheet(title), f"B{row}", f'<c r="B{row}" t="inlineStr"><is><t>2025-01-10</t></is></c>')
    sheet = book.save(tmp_path / "sheet.xlsm")
    _refused(cache, sheet, "Settings as_of", "before the event")

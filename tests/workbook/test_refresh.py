"""A refresh rewrites only what the layout owns: the user's edits survive any number of refreshes.

Runs the refresh code headlessly (``python -m shockbook refresh --workbook FILE``, the openpyxl
writer behind the same runner the Excel buttons use) on a copy of the built workbook that a
user has edited: a note below a table, an extra column beside it, an own opinion row, a
shorter watchlist on the Settings sheet.
"""

from __future__ import annotations

import shutil

import pytest
from workbook_cli import ROOT, run_cli
from openpyxl import load_workbook

from shockbook.workbook import layout as L
from ooxml import buttons_in
from shockbook.workbook.i18n import label
from shockbook.template.package import Package

NOTE = "내 메모: 이 표는 아침마다 확인"
EXTRA = "my column"
MY_OPINION = ["my-view", "긍정", "내 리서치", "own", "추론 수요가 더 커진다", "NVDA", "", "", "", "mine"]


def _sheet(wb, key):
    return wb[label(L.sheet(key).title_key, "ko")]


@pytest.fixture(scope="module")
def edited(built, tmp_path_factory):
    """A copy of the built workbook with a user's edits, refreshed twice."""
    folder = tmp_path_factory.mktemp("refresh")
    path = folder / "deepseek_shock.xlsm"
    shutil.copy(built, path)
    wb = load_workbook(path)
    _, returns = L.block("sb_event_returns")
    top, left, bottom, right = returns.owned()
    events = _sheet(wb, "event_returns")
    events.cell(row=bottom + 3, column=1, value=NOTE)
    events.cell(row=returns.origin[0], column=right + 1, value=EXTRA)
    events.cell(row=returns.origin[0] + 1, column=right + 1, value=42)
    _, opinions = L.block("sb_opinions")
    row = opinions.origin[0] + 1 + 14
    for offset, value in enumerate(MY_OPINION):
        _sheet(wb, "opinions").cell(row=row, column=opinions.origin[1] + offset, value=value or None)
    _, watch = L.block("sb_watchlist")
    settings = _sheet(wb, "settings")
    for r in range(watch.origin[0] + 1, watch.origin[0] + 1 + watch.capacity):
        settings.cell(row=r, column=watch.origin[1]).value = None
    for i, ticker in enumerate(["AAPL", "NVDA", "VST"]):
        settings.cell(row=watch.origin[0] + 1 + i, column=watch.origin[1], value=ticker)
    wb.save(folder / "edited.xlsx")  # openpyxl cannot save VBA: re-save through the refresh
    shutil.move(folder / "edited.xlsx", path.with_name("scratch.xlsx"))
    # Put the edits into the .xlsm the way the nightly job sees it: refresh from the edited copy.
    env = {"SHOCKBOOK_CACHE_DIR": str(folder / "cache")}
    # --force: --out replaces the built copy that is already there (else refused, nothing written).
    code, err = run_cli(["refresh", "--workbook", str(path.with_name("scratch.xlsx")), "--out", str(path),
                         "--offline", "--snapshot", "../shared/data/prices.csv.gz", "--force"], cwd=ROOT, env=env)
    assert code == 0, err
    code, err = run_cli(["refresh", "--workbook", str(path), "--offline"], cwd=ROOT, env=env)
    assert code == 0, err
    return path


def test_note_below_and_extra_column_survive(edited):
    wb = load_workbook(edited)
    _, returns = L.block("sb_event_returns")
    top, left, bottom, right = returns.owned()
    events = _sheet(wb, "event_returns")
    assert events.cell(row=bottom + 3, column=1).value == NOTE
    assert events.cell(row=returns.origin[0], column=right + 1).value == EXTRA
    assert events.cell(row=returns.origin[0] + 1, column=right + 1).value == 42


def test_refresh_reads_the_watchlist_from_the_settings_sheet(edited):
    wb = load_workbook(edited)
    _, returns = L.block("sb_event_returns")
    header, col = returns.origin
    tickers = [_sheet(wb, "event_returns").cell(row=header + i, column=col).value for i in range(1, 6)]
    assert tickers == ["AAPL", "NVDA", "VST", None, None]
    last = L.column_letter(returns.owned()[3])  # the table spans the block's columns, three rows
    assert _sheet(wb, "event_returns").tables["sb_event_returns"].ref == f"A{header}:{last}{header + 3}"


def test_own_opinion_row_survives_below_the_built_in_ones(edited):
    wb = load_workbook(edited)
    _, opinions = L.block("sb_opinions")
    header, col = opinions.origin
    ws = _sheet(wb, "opinions")
    rows = [[ws.cell(row=header + i, column=col + j).value for j in range(opinions.width)] for i in range(1, 17)]
    assert [r[-1] for r in rows[:14]] == [label("origin.built-in", "ko")] * 14  # "기본 제공": the Korean book
    assert rows[14][0] == "my-view" and rows[14][-1] == "mine"
    assert rows[15] == [None] * opinions.width  # kept once, not duplicated by the second refresh
    assert ws.tables["sb_opinions"].ref.endswith(str(header + 15))


def test_refreshed_file_keeps_vba_buttons_and_charts(edited):
    from ooxml_check import problems

    assert problems(edited) == []
    package = Package(edited.read_bytes())
    assert "xl/vbaProject.bin" in package.names()
    assert any(n.startswith("xl/charts/chart") for n in package.names())
    buttons = buttons_in(package)
    assert sorted(m.rpartition("!")[2] for _, m in buttons[label("sheet.dashboard", "ko")]) == [
        "RefreshActiveSheet", "RefreshAll"]


def test_a_bad_setting_is_one_clear_error(built, tmp_path):
    wb = load_workbook(built)
    _, block = L.block("sb_settings")
    ws = _sheet(wb, "settings")
    for r in range(block.origin[0] + 1, block.origin[0] + 1 + block.capacity):
        if ws.cell(row=r, column=1).value == "data_mode":
            ws.cell(row=r, column=2, value="sometimes")
    wb.save(tmp_path / "bad.xlsx")
    code, err = run_cli(["refresh", "--workbook", str(tmp_path / "bad.xlsx"), "--out", str(tmp_path / "x.xlsm")],
                        cwd=ROOT, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 2
    assert "data_mode='sometimes'" in err and "live, offline" in err


def test_flags_given_to_refresh_beat_the_settings_sheet(built, tmp_path, prices_path):
    """A nightly job's --snapshot wins over the snapshot the Settings sheet names."""
    import datetime as dt

    from shockbook.data.snapshot import SnapshotSource, write_snapshot

    small = write_snapshot(
        SnapshotSource(prices_path).fetch(["NVDA", "^GSPC"], dt.date(2024, 1, 2), dt.date(2025, 6, 30)),
        tmp_path / "only_nvda.csv",
    )
    path = tmp_path / "deepseek_shock.xlsm"
    shutil.copy(built, path)
    env = {"SHOCKBOOK_CACHE_DIR": str(tmp_path / "cache")}
    code, err = run_cli(["refresh", "--workbook", str(path), "--offline", "--snapshot", str(small)], cwd=ROOT, env=env)
    assert code == 1  # the other watchlist names are not in the small snapshot
    assert "only_nvda.csv" in err

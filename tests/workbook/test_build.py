"""The built workbook, read back by independent readers (python-calamine, oletools, the zip)."""

from __future__ import annotations

import importlib
import zipfile

import pytest
from openpyxl import load_workbook

from shockbook.config import Settings
from shockbook.tables import events as ev
from shockbook.workbook import layout as L
from shockbook.template.static import XLWINGS_SETTINGS, run_main_module
from ooxml import buttons_in
from shockbook.workbook.i18n import label


def _table(values, block_name, lang="ko"):
    """Header and data rows of a block, located through the layout (rows stop at the first blank)."""
    sheet, block = L.block(block_name)
    rows = values[label(sheet.title_key, lang)]
    header_row, left = block.origin
    width = block.width
    header = rows[header_row - 1][left - 1:left - 1 + width]
    data = []
    for row in rows[header_row:header_row + block.capacity]:
        cells = row[left - 1:left - 1 + width]
        if all(c in ("", None) for c in cells):
            break
        data.append(dict(zip([c.key for c in block.columns], cells)))
    return header, data


def test_every_sheet_is_there_in_order(built_values):
    titles = [label(s.title_key, "ko") for s in L.LAYOUT] + ["xlwings.conf"]
    assert list(built_values) == titles


def test_event_returns_equal_the_engine(built_values, prices_path, tmp_path):
    settings = Settings.from_env(environ={}, cache_dir=tmp_path, offline=True, snapshot=prices_path)
    from shockbook.workbook.producers import DEFAULT_WATCHLIST

    engine = ev.event_returns_table(list(DEFAULT_WATCHLIST), "2025-01-27", settings).frame.set_index("ticker")
    header, rows = _table(built_values, "sb_event_returns")
    assert header[:3] == ["티커", "종목명", "이벤트일 수익률"]
    assert [r["ticker"] for r in rows] == list(DEFAULT_WATCHLIST)
    for row in rows:
        for key in ("event_return", "ytd_before", "since_event", "beta"):
            expected = engine.loc[row["ticker"], key]
            if expected != expected:  # NaN (the benchmark's own beta) is an empty cell
                assert row[key] == "", (row["ticker"], key)
            else:
                assert row[key] == pytest.approx(expected, abs=1e-12), (row["ticker"], key)
    nvda = next(r for r in rows if r["ticker"] == "NVDA")
    assert nvda["event_return"] == pytest.approx(-0.1697, abs=5e-5)
    assert nvda["source"] == "스냅샷 (최신 아님)"  # the snapshot, stale: the recorded data ends 2025-06-30, before today (named in Korean)


def test_breadth_is_the_reports_351_up_152_down(built_values):
    _, counts = _table(built_values, "sb_breadth_counts")
    assert (counts[0]["up"], counts[0]["down"], counts[0]["total"]) == (351, 152, 503)
    _, worst = _table(built_values, "sb_breadth_worst")
    assert [r["ticker"] for r in worst] == ["VST", "ANET", "GEV", "CEG", "PWR", "AVGO", "NVDA", "ETN", "ORCL", "NRG"]


def test_published_vs_recomputed_panel_matches_within_rounding(built_values):
    _, rows = _table(built_values, "sb_key_numbers")
    marks = {r["item"]: r["mark"] for r in rows}
    assert len(rows) == 12
    assert not [item for item, mark in marks.items() if mark.startswith("–")], marks
    exact = [r for r in rows if r["mark"].startswith("✓")]
    assert len(exact) == 10  # every price figure; the two "about 1/20" claims are not within ±10%
    nvda = next(r for r in rows if r["item"] == "엔비디아 1/27 수익률")
    assert (nvda["published"], nvda["recomputed"]) == ("−17%", "−16.97%")
    r1 = next(r for r in rows if r["item"].startswith("R1"))
    assert r1["recomputed"] == "1/27.4" and r1["mark"].startswith("✗")
    v3 = next(r for r in rows if r["item"].startswith("V3"))  # both GPT-4 estimates, as a range
    assert v3["recomputed"] == "1/14.1 ~ 1/17.9+" and v3["mark"].startswith("✗")
    assert "78.4M" in v3["note"] and "100.0M+" in v3["note"]
    assert "(Sam Altman (Wired 보도))" in v3["note"]  # each estimate's source in the book's language


def test_xlwings_conf_sheet_has_keys_in_a_values_in_b_without_blank_rows(built_values):
    rows = built_values["xlwings.conf"]
    keys = [r[0] for r in rows]
    assert keys == [k for k, _ in XLWINGS_SETTINGS]
    assert dict((r[0], r[1]) for r in rows)["UDF Modules"] == "shockbook.excel.udfs"
    assert importlib.import_module("shockbook.excel.udfs")


def test_every_block_is_a_named_excel_table_on_its_sheet(built):
    wb = load_workbook(built)
    for sheet, block in L.blocks():
        ws = wb[label(sheet.title_key, "ko")]
        assert block.name in ws.tables, block.name
        assert ws.tables[block.name].ref.startswith(block.anchor.rstrip("0123456789"))
        assert ws.print_area, sheet.key


def test_examples_are_text_not_formulas(built):
    wb = load_workbook(built)
    _, block = L.block("sb_examples")
    row, col = block.origin
    cell = wb[label("sheet.examples", "ko")].cell(row=row + 1, column=col)
    assert cell.data_type == "s" and cell.value.startswith("=SB_")


def test_macros_listed_by_olevba_call_functions_that_exist(built):
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(built))
    try:
        code = "\n".join(c for *_, c in parser.extract_macros())
        findings = parser.analyze_macros()
    finally:
        parser.close()
    assert "Sub RefreshAll" in code and "Sub RefreshActiveSheet" in code
    from shockbook.template.vba import module_from_source

    calls = module_from_source(code).runpython_calls
    assert {c.function for c in calls} == {"refresh_all", "refresh_active_sheet"}
    for call in calls:
        assert callable(getattr(importlib.import_module(call.module), call.function))
    kinds = {(kind, keyword) for kind, keyword, _ in findings}
    assert not [k for k in kinds if k[0] == "AutoExec"]
    assert not [k for k in kinds if k[0] == "Suspicious" and k[1].lower() in ("shell", "createobject", "kill", "run")]


def test_every_data_sheet_has_both_refresh_buttons(built):
    buttons = buttons_in(built)
    for sheet in L.LAYOUT:
        title = label(sheet.title_key, "ko")
        macros = sorted(m.rpartition("!")[2] for _, m in buttons.get(title, []))
        assert macros == (["RefreshActiveSheet", "RefreshAll"] if sheet.buttons else []), title


def test_charts_are_in_the_package_with_the_workbook_macro_enabled(built):
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
        types = archive.read("[Content_Types].xml").decode()
    expected = sum(len(b.charts) for _, b in L.blocks())
    assert len([n for n in names if n.startswith("xl/charts/chart")]) == expected == 19  # figures 1-16, the Dip screen scatter, Global reaction
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert "xl/vbaProject.bin" in names


def test_run_main_module_is_written_beside_the_workbook(built):
    module = built.with_suffix(".py")
    assert module.read_text(encoding="utf-8") == run_main_module("deepseek_shock")
    namespace: dict = {}
    exec(compile(module.read_text(encoding="utf-8"), str(module), "exec"), namespace)
    assert callable(namespace["main"])

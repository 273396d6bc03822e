"""Formula and DDE injection: text from data and user files never becomes a formula.

A universe whose company names are DDE payloads, opinion and metric files full of formulas,
and a watchlist with formula-looking entries go through every writer: the headless build, the
headless refresh, the refresh macros in (stand-in) Excel, and the CLI's CSV output. Every cell of
the books is read back with lxml (never openpyxl): no formula holds a payload, and the payloads
are there, as text. The stand-in Excel, like Excel, turns text typed with a leading ``=``, ``+``,
``-`` or ``@`` into a formula, so the macro writer must mark it as text.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
import xlwings as xw
from ooxml import cells_in
from workbook_cli import ROOT, run_cli

from shockbook.safetext import FORMULA_LEADS, csv_field, is_formula_text, typed_text

#: Each payload carries a marker no formula of shockbook's own contains.
PAYLOADS = [
    "=cmd|' /C calc'!A0 ZZINJ1",
    "+cmd|' /C calc'!A0 ZZINJ2",
    "-2+3+cmd|' /C calc'!A0 ZZINJ3",
    "@SUM(1+9)*cmd|' /C calc'!A0 ZZINJ4",
    '=HYPERLINK("http://evil.example/ZZINJ5","click")',
    "'=1+1 ZZINJ6",
]
MARKERS = [f"ZZINJ{i}" for i in range(1, 7)]


@pytest.mark.parametrize("text, typed, field", [
    ("=1+1", "'=1+1", "'=1+1"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1", "'\t=1"),
    ("\r=1", "'\r=1", "'\r=1"),
    ("'quoted", "''quoted", "'quoted"),  # Excel eats one apostrophe when typed; a CSV keeps it
    ("NVDA", "NVDA", "NVDA"),
    (-0.05, -0.05, -0.05),  # numbers stay numbers
    (None, None, None),
])
def test_the_one_rule(text, typed, field):
    assert typed_text(text) == typed
    assert csv_field(text) == field
    assert is_formula_text(text) == (isinstance(text, str) and text.startswith(FORMULA_LEADS))


# --- hostile inputs --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, constituents_path) -> dict[str, Path]:
    """A universe with payload names, an opinions file, a metrics file and a watchlist."""
    folder = tmp_path_factory.mktemp("hostile")
    members = pd.read_csv(constituents_path, dtype=str)
    members["name"] = [PAYLOADS[i % len(PAYLOADS)] for i in range(len(members))]
    members["gics_sub_industry"] = [PAYLOADS[(i + 1) % len(PAYLOADS)] for i in range(len(members))]
    members.to_csv(folder / "universe.csv", index=False)
    opinions = ["rows:"]
    for i, p in enumerate(PAYLOADS):
        q = p.replace("\\", "\\\\").replace('"', '\\"')
        opinions += [f"  - id: hostile{i}", "    stance: positive", f'    source: "{q}"',
                     "    source_type: media", f'    points_en: ["{q}"]', f'    points_ko: ["{q}"]',
                     f'    note: "{q}"']
    (folder / "opinions.yaml").write_text("\n".join(opinions) + "\n", encoding="utf-8")
    with open(folder / "metrics.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["model", "variant", "metric", "value", "qualifier", "unit", "source", "source_date",
                    "valid_from", "flags", "note"])
        for i, p in enumerate(PAYLOADS):
            w.writerow([p, p, "output_speed", 10 + i, "", "tokens/s", p, "2025-01", "", "", p])
    (folder / "watchlist.txt").write_text("NVDA\nAMD\n=cmd|' /C calc'!A0\n+MSFT\n@AAPL\n-META\n", encoding="utf-8")
    return {"folder": folder, "universe": folder / "universe.csv", "opinions": folder / "opinions.yaml",
            "metrics": folder / "metrics.csv", "watchlist": folder / "watchlist.txt"}


def _env(hostile) -> dict[str, str]:
    return {"SHOCKBOOK_CACHE_DIR": str(hostile["folder"] / "cache"),
            "SHOCKBOOK_OPINIONS_FILE": str(hostile["opinions"]),
            "SHOCKBOOK_METRICS_FILE": str(hostile["metrics"])}


@pytest.fixture(scope="module")
def hostile_book(hostile, prices_path) -> Path:
    out = hostile["folder"] / "hostile.xlsm"
    code, err = run_cli(["build", "--snapshot", str(prices_path), "--universe-file", str(hostile["universe"]),
                         "--offline", "--watchlist", str(hostile["watchlist"]), "--lang", "en",
                         "--out", str(out)], cwd=ROOT, env=_env(hostile))
    assert code in (0, 1), err  # the formula-looking watchlist entries are not tickers: exit 1
    assert out.exists()
    return out


def assert_no_injected_formula(cells: dict[str, list[tuple]]) -> None:
    """No formula holds a payload, and every payload reached the book as text."""
    formulas = [(sheet, ref, f) for sheet, rows in cells.items() for ref, _, f, _ in rows if f is not None]
    bad = [x for x in formulas if any(m in x[2] for m in MARKERS) or "cmd|" in x[2]]
    assert not bad, bad[:5]
    texts = "\n".join(t for rows in cells.values() for _, _, f, t in rows if f is None and t)
    missing = [p for p in PAYLOADS if p not in texts]
    assert not missing, missing


def test_a_built_book_holds_the_payloads_as_text_only(hostile_book):
    cells = cells_in(hostile_book)
    assert_no_injected_formula(cells)
    # every cell whose text starts with a formula lead is a string cell, never a number or formula
    for rows in cells.values():
        for ref, kind, f, text in rows:
            if f is None and text and text.startswith(FORMULA_LEADS) and kind not in ("n",):
                assert kind in ("s", "inlineStr", "str"), (ref, kind, text)


def test_a_refreshed_book_holds_the_payloads_as_text_only(hostile, hostile_book, tmp_path):
    book = tmp_path / "refreshed.xlsm"
    shutil.copy(hostile_book, book)
    code, err = run_cli(["refresh", "--workbook", str(book)], cwd=ROOT, env=_env(hostile))
    assert code in (0, 1), err
    assert_no_injected_formula(cells_in(book))


def test_the_refresh_macros_type_the_payloads_as_text(hostile, hostile_book, tmp_path, monkeypatch):
    from xlharness import BookStandIn

    from shockbook.excel import macros

    book = tmp_path / "live.xlsm"
    shutil.copy(hostile_book, book)
    stand_in = BookStandIn(book)
    for key, value in _env(hostile).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: stand_in))
    macros.refresh_all()
    formulas, texts = [], []
    for ws in stand_in.wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    formulas.append((ws.title, c.coordinate, str(c.value)))
                elif isinstance(c.value, str):
                    texts.append(c.value)
    assert not [x for x in formulas if any(m in x[2] for m in MARKERS) or "cmd|" in x[2]]
    joined = "\n".join(texts)
    assert [p for p in PAYLOADS if p not in joined] == []


def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


@pytest.mark.parametrize("argv", [
    ["content", "opinions", "--lang", "en"],
    ["content", "opinions", "--lang", "ko"],
    ["content", "models"],
    ["content", "cost", "--reference", "DeepSeek R1"],
])
def test_csv_output_has_no_unquoted_formula_lead(hostile, argv, capsys, monkeypatch):
    from shockbook.cli import main

    for key, value in _env(hostile).items():
        monkeypatch.setenv(key, value)
    code = main(argv + ["--format", "csv"])
    out = capsys.readouterr().out
    cells = _csv_cells(out)
    leading = [c for c in cells if c.startswith(FORMULA_LEADS) and not _is_number(c)]
    assert leading == []
    if argv[1] != "cost":
        assert code in (0, 1)
        assert any(c.startswith("'") and "ZZINJ1" in c for c in cells)  # the payload is there, marked


def test_a_users_formula_in_an_own_row_stays_a_formula_in_an_xlsx_refresh(plain_book, tmp_path):
    """The openpyxl refresh (an .xlsx copy) writes data text as text, but puts the user's own
    formula in a kept Opinions row back as a formula."""
    from openpyxl import load_workbook

    from shockbook.workbook import layout as L

    wb = load_workbook(plain_book)
    _, opinions = L.block("sb_opinions")
    ws = next(w for w in wb.worksheets if "sb_opinions" in w.tables)
    row = opinions.origin[0] + 1 + 14
    keys = [c.key for c in opinions.columns]
    mine = {"id": "mine", "stance": "positive", "source": "=CONCAT(\"my\",\" desk\")", "origin": "mine",
            "points": "+ my own view"}
    for key, value in mine.items():
        if key in keys:
            ws.cell(row=row, column=opinions.origin[1] + keys.index(key), value=value)
    book = tmp_path / "mine.xlsx"
    wb.save(book)
    out = tmp_path / "mine.xlsm"
    code, err = run_cli(["refresh", "--workbook", str(book), "--out", str(out), "--offline", "--snapshot",
                         "../shared/data/prices.csv.gz"], cwd=ROOT, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 0, err
    cells = cells_in(out)
    formulas = [f for rows in cells.values() for _, _, f, _ in rows if f is not None]
    assert 'CONCAT("my"," desk")' in formulas  # the user's formula is still a formula
    texts = [t for rows in cells.values() for _, _, f, t in rows if f is None and t]
    assert "+ my own view" in texts  # the user's text that looks like a formula stays text

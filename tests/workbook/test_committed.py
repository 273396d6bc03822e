"""The committed workbook is what the generator makes today (semantic comparison, not bytes).

Regenerate it from the project root with:

    python -m shockbook build --snapshot ../shared/data/prices.csv.gz \
        --universe-file ../shared/data/sp500_constituents_2025-01-27.csv --offline \
        --out workbook/deepseek_shock.xlsm --force

The Settings sheet stores the snapshot and universe paths absolute (so a refresh finds them
from any folder); they name the machine that built the file, so only their file names are
compared.
"""

from __future__ import annotations

from pathlib import PurePath

from workbook_cli import COMMITTED
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from shockbook.workbook import layout as L
from shockbook.template.static import run_main_module

#: Settings whose values are absolute paths of the building machine.
PATH_SETTINGS = ("snapshot", "universe_file")

REGENERATE = ("python -m shockbook build --snapshot ../shared/data/prices.csv.gz --universe-file "
              "../shared/data/sp500_constituents_2025-01-27.csv --offline --out workbook/deepseek_shock.xlsm --force")


def semantic(path) -> dict:
    """Cell values and formulas, tables, defined names, print areas and VBA source of a workbook."""
    from oletools.olevba import VBA_Parser

    wb = load_workbook(path)
    out: dict = {"sheets": wb.sheetnames, "names": sorted(wb.defined_names)}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None},
            "tables": dict(ws.tables.items()),  # name -> ref
            "print_area": ws.print_area,
        }
        if "sb_settings" in ws.tables:
            _file_names_only(out[ws.title]["cells"])
    parser = VBA_Parser(str(path))
    try:
        out["vba"] = sorted(code.replace("\r\n", "\n") for *_, code in parser.extract_macros())
    finally:
        parser.close()
    return out


def _file_names_only(cells: dict) -> None:
    """Replace the path settings' values by their file names (the folders are the machine's)."""
    _, block = L.block("sb_settings")
    header, left = block.origin
    key_col, value_col = get_column_letter(left), get_column_letter(left + 1)
    for row in range(header + 1, header + 1 + block.capacity):
        if cells.get(f"{key_col}{row}") in PATH_SETTINGS and cells.get(f"{value_col}{row}"):
            cells[f"{value_col}{row}"] = PurePath(cells[f"{value_col}{row}"].replace("\\", "/")).name


def test_path_settings_are_absolute_and_compared_by_name(built):
    wb = load_workbook(built)
    ws = next(ws for ws in wb.worksheets if "sb_settings" in ws.tables)
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=2, max_col=2, values_only=True) if r[0]}
    assert PurePath(values["snapshot"]).is_absolute()
    assert values["snapshot"].endswith("prices.csv.gz")
    cells = {"A6": "snapshot", "B6": values["snapshot"], "A7": "benchmark", "B7": "^GSPC"}
    _file_names_only(cells)
    assert cells == {"A6": "snapshot", "B6": "prices.csv.gz", "A7": "benchmark", "B7": "^GSPC"}


def test_committed_workbook_matches_the_generator(built):
    assert COMMITTED.exists(), f"missing {COMMITTED}; regenerate: {REGENERATE}"
    committed, fresh = semantic(COMMITTED), semantic(built)
    assert committed.keys() == fresh.keys()
    for key in fresh:
        assert committed[key] == fresh[key], f"{key} drifted from the generator; regenerate: {REGENERATE}"


def test_committed_run_main_module_matches_the_generator():
    assert COMMITTED.with_suffix(".py").read_text(encoding="utf-8") == run_main_module("deepseek_shock")

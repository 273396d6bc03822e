"""The committed workbook is what the generator makes today (semantic comparison, not bytes).

Regenerate it from the project root with:

    python -m shockbook build --snapshot ../shared/data/prices.csv.gz \
        --universe-file ../shared/data/sp500_constituents_2025-01-27.csv --offline \
        --out workbook/deepseek_shock.xlsm
"""

from __future__ import annotations

from workbook_cli import COMMITTED
from openpyxl import load_workbook

from shockbook.template.builder import run_main_module

REGENERATE = ("python -m shockbook build --snapshot ../shared/data/prices.csv.gz --universe-file "
              "../shared/data/sp500_constituents_2025-01-27.csv --offline --out workbook/deepseek_shock.xlsm")


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
    parser = VBA_Parser(str(path))
    try:
        out["vba"] = sorted(code.replace("\r\n", "\n") for *_, code in parser.extract_macros())
    finally:
        parser.close()
    return out


def test_committed_workbook_matches_the_generator(built):
    assert COMMITTED.exists(), f"missing {COMMITTED}; regenerate: {REGENERATE}"
    committed, fresh = semantic(COMMITTED), semantic(built)
    assert committed.keys() == fresh.keys()
    for key in fresh:
        assert committed[key] == fresh[key], f"{key} drifted from the generator; regenerate: {REGENERATE}"


def test_committed_run_main_module_matches_the_generator():
    assert COMMITTED.with_suffix(".py").read_text(encoding="utf-8") == run_main_module("deepseek_shock")

"""Workbook build speed: the full build from a warm cache vs openpyxl alone (the floor).

The floor writes the very cells and charts of the built workbook with openpyxl and saves it,
with no data fetching, no analytics, no styling, no VBA and no buttons: what any build of this
workbook must at least cost. The ratio is full build / floor, measured in the same run.
"""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path
from typing import Sequence


def _floor(values: dict[str, dict[str, object]], lang: str, rows: dict[str, int]) -> float:
    from openpyxl import Workbook

    from ..template import layout as L
    from ..template.builder import add_charts
    from ..template.i18n import label

    started = time.perf_counter()
    wb = Workbook()
    wb.remove(wb.active)
    for title, cells in values.items():
        ws = wb.create_sheet(title)
        for coordinate, value in cells.items():
            ws[coordinate].value = value
    for sheet in L.LAYOUT:
        add_charts(wb[label(sheet.title_key, lang)], sheet, lang, rows)
    wb.save(io.BytesIO())
    return time.perf_counter() - started


def bench_workbook(prices_path: str | Path, universe: Sequence[str] | None = None, *, repeat: int = 3) -> dict:
    """Seconds for the full build (warm cache, best of ``repeat``) and for the openpyxl floor.

    ``universe``: tickers of the breadth universe (default: the members file beside the prices).
    Returns ``{"build_s", "floor_s", "ratio", "cells", "charts"}``.
    """
    import pandas as pd
    from openpyxl import load_workbook

    from ..config import Settings
    from ..data.universe import load_universe_file
    from ..template import layout as L
    from ..template.builder import build_workbook, table_rows
    from ..template.sheets import make_context

    prices_path = Path(prices_path)
    members_file = prices_path.with_name("sp500_constituents_2025-01-27.csv")
    members = load_universe_file(members_file) if members_file.exists() else None
    if universe is not None:
        members = (members[members["ticker"].isin(list(universe))] if members is not None
                   else pd.DataFrame({"ticker": list(universe), "name": "", "gics_sector": ""}))
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env(cache_dir=Path(folder) / "cache", offline=True, snapshot=prices_path)
        out = Path(folder) / "bench_book.xlsm"

        def build() -> float:
            ctx = make_context(settings, universe=members, universe_label="bench")
            started = time.perf_counter()
            build_workbook(ctx, out)
            return time.perf_counter() - started

        build()  # warms the cache
        build_s = min(build() for _ in range(repeat))
        wb = load_workbook(out)
        values = {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
                  for ws in wb.worksheets}
        rows = {b.name: table_rows(wb[ws_title], b.name) for ws_title in wb.sheetnames
                for _, b in L.blocks() if b.name in wb[ws_title].tables}
        floor_s = min(_floor(values, settings.lang, rows) for _ in range(repeat))
    return {"build_s": round(build_s, 3), "floor_s": round(floor_s, 3),
            "ratio": round(build_s / floor_s, 2), "cells": sum(len(v) for v in values.values()),
            "charts": sum(len(b.charts) for _, b in L.blocks())}

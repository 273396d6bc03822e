"""Workbook build speed: the full build from a warm price cache vs openpyxl alone (the floor).

**The build** is :func:`shockbook.template.builder.build_workbook` as the CLI runs it, with
the price cache warm: the cache folder is filled from the snapshot once, the sources are the
cache only (offline, no snapshot), and one untimed build loads the cache into the service's
memory, as a second build in the same process would find it. Everything else (content files,
analytics, styling, charts, the VBA project, the buttons) is done by every timed build, and
nothing is kept from one build to the next but the service's in-memory cache.

**The floor** writes the very cells of the built workbook with openpyxl -- values, number
formats, fonts, fills, alignment, column widths, row heights, tables, conditional formats,
freeze panes, print setup -- and the same charts, and saves it: what any build of this
workbook must at least cost. It fetches no data, computes nothing, adds no VBA and no buttons.
The cells' styles are set the cheap way (one style array per distinct style, copied), as the
build does. The ratio is full build / floor, both best of ``repeat``, measured in the same run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence


@dataclass
class _SheetCopy:
    """What the floor writes for one sheet (extracted from the built workbook before timing)."""

    title: str
    cells: list[tuple[int, int, object, dict]]  # row, column, value, style attributes
    widths: dict[str, float]
    heights: dict[int, float]
    tables: list[tuple[str, str]]  # (name, ref)
    conditional: list  # (range, rule)
    freeze: str | None
    print_area: str | None


def _extract(path: Path) -> list[_SheetCopy]:
    from copy import copy

    from openpyxl import load_workbook

    wb = load_workbook(path)
    out = []
    for ws in wb.worksheets:
        cells = []
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                style = {}
                if c.has_style:
                    style = {"font": copy(c.font), "fill": copy(c.fill), "alignment": copy(c.alignment),
                             "number_format": c.number_format}
                cells.append((c.row, c.column, c.value, style))
        conditional = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
        out.append(_SheetCopy(
            ws.title, cells,
            {k: d.width for k, d in ws.column_dimensions.items() if d.width},
            {k: d.height for k, d in ws.row_dimensions.items() if d.height},
            [(t.displayName, t.ref) for t in ws.tables.values()], conditional,
            ws.freeze_panes, ws.print_area,
        ))
    return out


def _floor(sheets: list[_SheetCopy], lang: str, rows: dict[str, int]) -> float:
    from openpyxl import Workbook
    from openpyxl.worksheet.table import Table, TableStyleInfo

    from ..template.charts import add_charts
    from ..template.styling import StyleCache
    from ..workbook import layout as L
    from ..workbook.i18n import label

    started = time.perf_counter()
    wb = Workbook()
    wb.remove(wb.active)
    for copy_ in sheets:
        ws = wb.create_sheet(copy_.title)
    styles = StyleCache(wb)
    for copy_ in sheets:
        ws = wb[copy_.title]
        for row, column, value, style in copy_.cells:
            cell = ws.cell(row=row, column=column)
            cell.value = value
            if style:
                styles.apply(cell, **style)
        for letter, width in copy_.widths.items():
            ws.column_dimensions[letter].width = width
        for number, height in copy_.heights.items():
            ws.row_dimensions[number].height = height
        for name, ref in copy_.tables:
            table = Table(displayName=name, ref=ref)
            table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            ws.add_table(table)
        for ref, rule in copy_.conditional:
            ws.conditional_formatting.add(ref, rule)
        if copy_.freeze:
            ws.freeze_panes = copy_.freeze
        if copy_.print_area:
            ws.print_area = copy_.print_area.split("!", 1)[-1].replace("$", "") if "," not in copy_.print_area \
                else [p.split("!", 1)[-1].replace("$", "") for p in copy_.print_area.split(",")]
        ws.page_setup.orientation = "landscape"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    for sheet in L.LAYOUT:
        add_charts(wb[label(sheet.title_key, lang)], sheet, lang, rows)
    wb.save(io.BytesIO())
    return time.perf_counter() - started


def fill_price_cache(cache_dir: Path, prices_path: Path, now: "dt.datetime") -> int:
    """Store every series of the snapshot in the price cache at ``cache_dir``; returns how many.

    The coverage is recorded as fetched at ``now`` up to ``now``'s date, as a live fetch at
    ``now`` would record it; a service with sources ``cache`` and that clock then serves them
    as a warm cache: complete, nothing to fetch, no other source consulted.
    """
    from ..data.cache import PriceCache, Span
    from ..data.snapshot import SnapshotSource

    source = SnapshotSource(prices_path)
    tickers = source.known()
    loaded = source._load()
    first, last = loaded.close.index[0].date(), loaded.close.index[-1].date()
    table = source.fetch(tickers, first, last)
    cache = PriceCache(cache_dir)
    # Coverage from a year before the data: the build asks for history from up to a year before
    # the event, and a cache filled by live fetches records the range it asked for.
    covered_from = first - dt.timedelta(days=400)
    cache.store(table, {t: Span(covered_from, now.date(), now, "snapshot") for t in table.provenance})
    cache.close()
    return len(table.provenance)


@contextlib.contextmanager
def warm_prices(folder: Path, prices_path: str | Path, universe: Sequence[str] | None = None):
    """``(settings, members)`` reading a warm price cache in ``folder`` (filled from the snapshot)
    through the service the build and the refresh find for ``settings``; closed on exit.

    ``members``: the universe members (the members file beside the prices, restricted to
    ``universe`` if given), or ``None``.
    """
    import pandas as pd

    from ..config import Settings
    from ..data import prices as price_module
    from ..data.universe import load_universe_file
    from .data import _clock_after_data

    prices_path = Path(prices_path)
    members_file = prices_path.with_name("sp500_constituents_2025-01-27.csv")
    members = load_universe_file(members_file) if members_file.exists() else None
    if universe is not None:
        members = (members[members["ticker"].isin(list(universe))] if members is not None
                   else pd.DataFrame({"ticker": list(universe), "name": "", "gics_sector": ""}))
    cache_dir = folder / "cache"
    settings = Settings.from_env(environ={}, cache_dir=cache_dir, offline=True, sources=("cache",))
    # The service the build finds for these settings, with "now" just after the data ends
    # (as the data bench does), so the cached bars are complete and final, as a cache
    # filled by live fetches up to today is.
    clock = _clock_after_data()
    fill_price_cache(cache_dir, prices_path, clock())
    price_module._services[settings] = price_module.PriceService(settings, clock=clock)
    try:
        yield settings, members
    finally:
        price_module._services.pop(settings, None).cache.close()


def bench_workbook(prices_path: str | Path, universe: Sequence[str] | None = None, *, repeat: int = 3) -> dict:
    """Seconds for the full build (warm price cache, best of ``repeat``) and for the openpyxl floor.

    ``universe``: tickers of the breadth universe (default: the members file beside the prices).
    Returns ``{"build_s", "floor_s", "ratio", "cells", "charts", "stages_ms"}``; ``stages_ms``
    splits the best build into producing the tables, styling and charts, and saving with VBA.
    """
    from ..template import builder as B
    from ..template.writer import table_rows
    from ..workbook import engine as E
    from ..workbook import layout as L
    from ..workbook.producers import make_context

    with tempfile.TemporaryDirectory() as folder, warm_prices(Path(folder), prices_path, universe) as (
            settings, members):
        out = Path(folder) / "bench_book.xlsm"
        stages: dict[str, float] = {}

        def build() -> tuple[float, dict[str, float]]:
            ctx = make_context(settings, universe=members, universe_label="bench")
            timer = _StageTimer()
            started = time.perf_counter()
            with timer.patch(B, E):
                B.build_workbook(ctx, out)
            return time.perf_counter() - started, timer.ms

        build()  # loads the price cache into the service's memory: the warm state
        best = None
        for _ in range(repeat):
            seconds, split = build()
            if best is None or seconds < best:
                best, stages = seconds, split
        build_s = best
        sheets = _extract(out)
        from openpyxl import load_workbook

        wb = load_workbook(out)
        rows = {b.name: table_rows(wb[title], b.name) for title in wb.sheetnames
                for _, b in L.blocks() if b.name in wb[title].tables}
        floor_s = min(_floor(sheets, settings.lang, rows) for _ in range(repeat))
    return {"build_s": round(build_s, 3), "floor_s": round(floor_s, 3),
            "ratio": round(build_s / floor_s, 2), "cells": sum(len(s.cells) for s in sheets),
            "charts": sum(len(b.charts) for _, b in L.blocks()),
            "stages_ms": {k: round(v, 1) for k, v in stages.items()}}


class _StageTimer:
    """Milliseconds spent in the build's stages (producers, styling + charts, saving)."""

    STAGES = {"produce": "tables", "style_sheet": "styling", "add_charts": "charts", "save_xlsm": "save+vba"}

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    def patch(self, *modules):
        """Time each stage function where it is looked up: the first of ``modules`` that has it."""
        import contextlib

        @contextlib.contextmanager
        def patched():
            owners = {name: next(m for m in modules if hasattr(m, name)) for name in self.STAGES}
            saved = {name: getattr(owners[name], name) for name in self.STAGES}
            for name, stage in self.STAGES.items():
                setattr(owners[name], name, self._timed(saved[name], stage))
            try:
                yield
            finally:
                for name, fn in saved.items():
                    setattr(owners[name], name, fn)

        return patched()

    def _timed(self, fn, stage):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.ms[stage] = self.ms.get(stage, 0.0) + (time.perf_counter() - started) * 1000

        return wrapper

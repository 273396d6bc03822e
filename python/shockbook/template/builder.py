"""The headless entry points: build a new workbook, refresh a saved one (openpyxl).

:func:`build_workbook` and :func:`refresh_file` run the engine (:mod:`shockbook.workbook.engine`)
through :class:`~shockbook.template.writer.OpenpyxlWriter`. openpyxl drops charts and buttons
when it loads a file, so after writing, every chart is re-created from the layout (sized to the
rows now in each table) and the book is saved through :func:`shockbook.template.save_xlsm`,
which puts the VBA project and the buttons back.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from openpyxl import Workbook, load_workbook

from ..config import Settings
from ..errors import InputError, shorten
from ..limits import check_package
from ..workbook import layout as L
from ..workbook.engine import (BlockResult, BuildReport, check_out_path, context_from_sheet, make_folder,
                               refresh_blocks)
from ..workbook.i18n import label
from ..workbook.producers import REPORT_EVENT, Context, shared_prices
from ..workbook.paths_view import chart_titles
from .charts import add_charts
from .static import buttons_for, run_main_module, write_static
from .styling import INPUT_FILL, korean_default_font, style_sheet
from .writer import OpenpyxlWriter, table_rows
from .xlsm import save_xlsm


def _finish(wb: Workbook, ctx: Context, path: Path, results: list[BlockResult], *,
            stamp: dt.datetime | None) -> int:
    charts = 0
    formats = {r.name: r.formats for r in results if r.formats}
    for sheet in L.LAYOUT:
        title = None
        for s, b in L.blocks():
            if s.key == sheet.key:
                title = OpenpyxlWriter(wb).sheet_for(b.name, label(sheet.title_key, ctx.lang))
                break
        title = title or label(sheet.title_key, ctx.lang)
        ws = wb[title]
        rows = {b.name: table_rows(ws, b.name) for b in sheet.blocks}
        style_sheet(ws, sheet, ctx.lang, rows, formats)
        ws._charts = []
        charts += add_charts(ws, sheet, ctx.lang, rows, titles=chart_titles(ctx, ctx.lang))
    wb.properties.creator = "shockbook"
    if stamp is not None:
        wb.properties.created = stamp
    save_xlsm(wb, path, buttons=buttons_for(wb, ctx.lang))
    return charts


def _stamp(ctx: Context) -> dt.datetime:
    """The workbook's created time: the data as-of (so a snapshot build is reproducible)."""
    stamps = sorted(r.as_of for r in ctx.records if r.as_of.endswith("Z"))
    if stamps:
        return dt.datetime.strptime(stamps[-1], "%Y-%m-%d %H:%MZ")
    return dt.datetime.combine(REPORT_EVENT, dt.time())



def build_workbook(ctx: Context, path: str | os.PathLike, *, progress=None) -> BuildReport:
    """Build the whole workbook for ``ctx`` at ``path`` (``.xlsm``), atomically.

    Data failures never stop the build: each failed block shows its error (or, for the report's
    event, the published values, labelled "as published").
    """
    path = check_out_path(Path(path))
    return _build_workbook(ctx, path, progress)


def _build_workbook(ctx: Context, path: Path, progress) -> BuildReport:
    wb = Workbook()
    korean_default_font(wb)
    wb.remove(wb.active)
    write_static(wb, ctx)
    # every block is produced: one price fetch, pinned on the price service, serves the event
    # tables; style_sheet (in _finish) gives every data cell its number format
    with shared_prices(ctx):
        results = refresh_blocks(OpenpyxlWriter(wb, number_formats=False), ctx, inputs=True, progress=progress)
    for sheet in L.LAYOUT:  # input cells look like input cells
        for block in sheet.blocks:
            if block.role == "input":
                ws = wb[label(sheet.title_key, ctx.lang)]
                top, left, bottom, right = block.owned()
                typed = [left + i for i, c in enumerate(block.columns) if c.key not in ("key", "item")]
                for r in range(top + 2, bottom + 1):  # Settings: the value; the watchlist: all three
                    for col in typed:
                        ws.cell(row=r, column=col).fill = INPUT_FILL
    wb.move_sheet(L.XLWINGS_CONF, offset=len(wb.sheetnames))
    make_folder(path)
    charts = _finish(wb, ctx, path, results, stamp=_stamp(ctx))
    module = path.with_suffix(".py")
    if not module.exists():
        module.write_text(run_main_module(path.stem), encoding="utf-8")
    return BuildReport(path, results, charts, list(ctx.published), ctx.settings)



#: What ``refresh`` reads: the Excel formats openpyxl opens (an .xlsx is a workbook saved without macros).
READABLE_SUFFIXES = (".xlsm", ".xlsx")


def open_shockbook_workbook(path: Path, settings: Settings | None = None) -> Workbook:
    """Load a workbook that ``build`` made, or raise one clear :class:`InputError`.

    Refused: a missing file, another format (``.csv``, ``.xls``), a file that is not a valid
    workbook (truncated, text), and a workbook without shockbook's layout (no ``sb_settings``
    table), which a refresh would otherwise fill with a dozen new sheets. The package's size
    limits (:func:`shockbook.limits.check_package`) are checked before openpyxl reads a part.
    """
    if not path.exists():
        raise InputError(f"workbook {path} does not exist", path=str(path))
    if not path.is_file():
        raise InputError(f"workbook {path} is a folder, not a file", path=str(path))
    if path.suffix.lower() not in READABLE_SUFFIXES:
        raise InputError(f"{path.name} is not an Excel workbook (.xlsm or .xlsx); pass the .xlsm that "
                         "`python -m shockbook build` wrote", path=str(path))
    check_package(path, settings)
    try:
        wb = load_workbook(path)
    except Exception as exc:  # noqa: BLE001 - any parser failure means "not a workbook we can read"
        why = shorten(" ".join(str(exc).split()), 80) or type(exc).__name__
        raise InputError(f"{path} cannot be read as an Excel workbook ({why}); is it truncated or "
                         "another kind of file?", path=str(path)) from None
    _, settings = L.block("sb_settings")
    if not any(settings.name in ws.tables for ws in wb.worksheets):
        raise InputError(f"{path} is not a shockbook workbook (it has no {settings.name} Settings table); "
                         "make one with `python -m shockbook build --out FILE`", path=str(path))
    return wb


def refresh_file(path: str | os.PathLike, *, base: Settings | None = None, progress=None,
                 out: str | os.PathLike | None = None, overrides: dict | None = None) -> BuildReport:
    """Refresh a saved workbook headlessly: read its Settings sheet, rewrite the owned ranges,
    keep everything else (user notes, extra columns, own opinion rows), keep the VBA, save
    atomically (to ``out``, default in place)."""
    source = Path(path)
    wb = open_shockbook_workbook(source, base)
    target = check_out_path(Path(out) if out else source)
    writer = OpenpyxlWriter(wb)
    lang = _lang_of(wb)
    ctx = context_from_sheet(writer, base, lang, folder=source.resolve().parent, overrides=overrides)
    results = refresh_blocks(writer, ctx, progress=progress)
    make_folder(target)
    charts = _finish(wb, ctx, target, results, stamp=_stamp(ctx))
    return BuildReport(target, results, charts, list(ctx.published), ctx.settings)


def _lang_of(wb: Workbook) -> str:
    for lang in ("ko", "en"):
        if label("sheet.settings", lang) in wb.sheetnames:
            return lang
    return "ko"

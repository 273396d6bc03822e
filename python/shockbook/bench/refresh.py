"""Headless refresh speed: patching the saved package vs openpyxl's load + save of it.

**The refresh** is :func:`shockbook.patch.writer.refresh_package` as ``python -m shockbook
refresh --workbook FILE.xlsm`` runs it on the default workbook (built once, untimed), with the price
cache warm (:func:`shockbook.bench.workbook.warm_prices`) and one untimed refresh before the
timed ones: it reads the Settings sheet, produces every table and patches the package.

**The reference** is what any refresh through openpyxl must at least cost:
``load_workbook(path, keep_vba=True)`` and ``save`` of the same file, with no table produced.
The ratio is refresh / reference, both best of ``repeat``, measured in the same run; the
refresh used to be a load + save plus the tables, so above 1.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Sequence


def bench_refresh(prices_path: str | Path, universe: Sequence[str] | None = None, *, repeat: int = 3) -> dict:
    """Seconds for the headless refresh (best of ``repeat``) and for openpyxl's load + save.

    Returns ``{"refresh_s", "load_save_s", "ratio", "tables_s", "patch_s", "patch_ratio",
    "openpyxl_refresh_s", "errors"}``: ``tables_s`` is the time spent producing the tables (the same work a build
    does), ``patch_s`` the rest (reading the Settings, patching, writing the file) and
    ``patch_ratio`` = patch / reference; ``openpyxl_refresh_s`` is the refresh as it was
    before the patch (openpyxl load, tables, charts and re-save); ``errors`` counts the blocks whose refresh reported an
    error (0 when the cache served every table).
    """
    from openpyxl import load_workbook

    from ..patch.writer import refresh_package
    from ..template import builder as B
    from ..workbook import engine as E
    from ..workbook.producers import make_context
    from .workbook import warm_prices

    with tempfile.TemporaryDirectory() as folder, warm_prices(Path(folder), prices_path, universe) as (
            settings, members):
        built = Path(folder) / "deepseek_shock.xlsm"
        B.build_workbook(make_context(settings, universe=members, universe_label="bench"), built)
        work = Path(folder) / "refreshed.xlsm"
        members_file = Path(prices_path).with_name("sp500_constituents_2025-01-27.csv")
        overrides = {"universe_file": members_file} if members_file.exists() else None

        producing = [0.0]
        produce = E.produce

        def timed_produce(*args, **kwargs):
            started = time.perf_counter()
            try:
                return produce(*args, **kwargs)
            finally:
                producing[0] += time.perf_counter() - started

        def refresh() -> tuple[float, float, int]:
            shutil.copyfile(built, work)
            producing[0] = 0.0
            E.produce = timed_produce
            started = time.perf_counter()
            try:
                report = refresh_package(work, base=settings, overrides=overrides)
            finally:
                E.produce = produce
            return time.perf_counter() - started, producing[0], len(report.errors)

        refresh()
        # The refresh reads its settings from the Settings sheet (plus the universe file):
        # give those settings the same warm, clocked service as the build's, then warm it.
        from ..data import prices as price_module
        from .data import _clock_after_data

        extra = [key for key in price_module._services if key != settings]
        for key in extra:
            price_module._services.pop(key).cache.close()
            price_module._services[key] = price_module.PriceService(key, clock=_clock_after_data())
        refresh()  # the warm state: the price cache in the service's memory
        runs = [refresh() for _ in range(repeat)]
        refresh_s, tables_s, errors = min(runs)

        def load_save() -> float:
            started = time.perf_counter()
            wb = load_workbook(built, keep_vba=True)
            wb.save(Path(folder) / "load_save.xlsm")
            return time.perf_counter() - started

        load_save_s = min(load_save() for _ in range(repeat))

        def rebuild() -> float:  # the refresh before the patch: load, write the tables, re-save
            shutil.copyfile(built, work)
            started = time.perf_counter()
            B.refresh_file(work, base=settings, overrides=overrides)
            return time.perf_counter() - started

        rebuild_s = min(rebuild() for _ in range(repeat))
        for key in extra:
            price_module._services.pop(key).cache.close()
    return {"refresh_s": round(refresh_s, 3), "load_save_s": round(load_save_s, 3),
            "ratio": round(refresh_s / load_save_s, 2),
            "tables_s": round(tables_s, 3), "patch_s": round(refresh_s - tables_s, 3),
            "patch_ratio": round((refresh_s - tables_s) / load_save_s, 2),
            "openpyxl_refresh_s": round(rebuild_s, 3), "errors": errors}

"""``python -m shockbook refresh``: rewrite the tables of a saved workbook headlessly (the
nightly job), keeping the user's edits. Flags given here beat the workbook's Settings sheet."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import add_as_of_option, add_data_options, progress, settings_from, snapshot_option
from .outcome import report_outcome

SUMMARY = "refresh the tables of a saved workbook headlessly (keeps your edits)"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workbook", type=Path, required=True, metavar="FILE", help="the .xlsm to refresh in place")
    p.add_argument("--out", type=Path, metavar="PATH", help="write the refreshed workbook here instead")
    p.add_argument("--force", action="store_true",
                   help="let a table that grows overwrite your cells below it, and --out replace an existing "
                   "file (default: stop, nothing written)")
    add_data_options(p)
    add_as_of_option(p)


def run(args: argparse.Namespace) -> int:
    from ..workbook import layout as L

    base = settings_from(args)
    flags = {k: getattr(args, k, None) for k in ("offline", "price_field", "as_of")}
    flags["snapshot"] = snapshot_option(args)
    flags = {k: v for k, v in flags.items() if v is not None}  # only what this run was told
    with progress(len(L.blocks()), "refresh", unit="table") as bar:
        report = refresh_workbook(args.workbook, base=base, progress=bar, out=args.out, overrides=flags,
                                  force=args.force)
    return report_outcome(report)


def refresh_workbook(path: Path, *, out: Path | None = None, force: bool = False, **options):
    """The headless refresh: an ``.xlsm`` is patched (:func:`shockbook.patch.writer.refresh_package`,
    ``force`` lets a growing table overwrite user cells), an ``.xlsx`` (a copy saved without
    macros) is rebuilt through openpyxl (:func:`shockbook.template.builder.refresh_file`).
    ``out`` also gets its xlwings "Run main" module (``X.py`` beside ``X.xlsm``) unless one is there.
    """
    if Path(path).suffix.lower() == ".xlsm":
        from ..patch.writer import refresh_package

        report = refresh_package(path, out=out, force=force, **options)
    else:
        from ..patch.target import check_target
        from ..template.builder import refresh_file

        if out is None and Path(path).suffix.lower() == ".xlsx":
            from ..errors import InputError

            raise InputError(f"{Path(path).name} is an .xlsx (saved without macros) and cannot be refreshed in "
                             "place; refresh it into a macro-enabled workbook with --out NAME.xlsm; nothing was "
                             "written", path=str(path))
        check_target(Path(path), Path(out) if out else Path(path), force=force)
        report = refresh_file(path, out=out, **options)
    if out is not None:
        from ..template.static import run_main_module

        module = report.path.with_suffix(".py")
        if not module.exists():
            module.write_text(run_main_module(report.path.stem), encoding="utf-8")
    return report

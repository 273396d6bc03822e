"""``python -m shockbook refresh``: rewrite the tables of a saved workbook headlessly (the
nightly job), keeping the user's edits. Flags given here beat the workbook's Settings sheet."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import add_data_options, progress, settings_from
from .outcome import report_outcome

SUMMARY = "refresh the tables of a saved workbook headlessly (keeps your edits)"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workbook", type=Path, required=True, metavar="FILE", help="the .xlsm to refresh in place")
    p.add_argument("--out", type=Path, metavar="PATH", help="write the refreshed workbook here instead")
    add_data_options(p)


def run(args: argparse.Namespace) -> int:
    from ..template.builder import refresh_file
    from ..workbook import layout as L

    base = settings_from(args)
    flags = {k: getattr(args, k, None) for k in ("offline", "snapshot", "price_field")}
    flags = {k: v for k, v in flags.items() if v is not None}  # only what this run was told
    with progress(len(L.blocks()), "refresh", unit="table") as bar:
        report = refresh_file(args.workbook, base=base, progress=bar, out=args.out, overrides=flags)
    return report_outcome(report)

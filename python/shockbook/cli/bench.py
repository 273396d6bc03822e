"""``python -m shockbook bench [--json] [--prices FILE] [--latency MS] [--only SECTION]``.

Runs every benchmark section in one process and prints its figures; ``--json`` prints one
object with a key per section. Sections measure shockbook against a naive baseline in the same
run and report ratios; nothing here is a pass/fail threshold.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import InputError

DEFAULT_PRICES = Path("..") / "shared" / "data" / "prices.csv.gz"
SECTIONS = ("data", "engine", "workbook", "refresh")
SUMMARY = "speed benchmark: shockbook vs a naive baseline, measured in the same run"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--prices", type=Path, default=None, metavar="FILE",
                   help=f"recorded long-format prices served by the fake Yahoo (default: {DEFAULT_PRICES})")
    p.add_argument("--universe-file", type=Path, default=None, metavar="FILE",
                   help="members CSV for the universe case (default: the prices file's S&P 500 members)")
    p.add_argument("--latency", type=float, default=50.0, metavar="MS", help="injected latency per request")
    p.add_argument("--only", choices=SECTIONS, action="append", help="run only these sections")


def _universe(args, prices: Path) -> list[str]:
    from ..data.universe import load_universe_file

    path = args.universe_file or prices.with_name("sp500_constituents_2025-01-27.csv")
    if not path.exists():
        raise InputError(f"universe file {path} not found; pass --universe-file FILE", path=str(path))
    return load_universe_file(path)["ticker"].tolist()


def run(args: argparse.Namespace) -> int:
    prices = args.prices or DEFAULT_PRICES
    if not prices.exists():
        raise InputError(
            f"recorded prices {prices} not found; pass --prices FILE (a long-format price file)",
            path=str(prices),
        )
    wanted = args.only or list(SECTIONS)
    result: dict = {"prices": str(prices)}
    universe = _universe(args, prices)
    if "data" in wanted:
        from ..bench.data import bench_data

        _say(args, "data: naive UDF vs shockbook against the fake Yahoo ...")
        result["data"] = bench_data(prices, universe, latency=args.latency / 1000.0)
    if "engine" in wanted:
        import datetime as dt

        from ..bench.engine import bench_engine
        from ..content.report import report_facts
        from ..data.snapshot import SnapshotSource

        _say(args, "engine: breadth and market model vs per-ticker loops ...")
        table = SnapshotSource(prices).fetch(universe + ["^GSPC"], dt.date(2024, 1, 2), dt.date(2025, 6, 30))
        result["engine"] = bench_engine(table.close, "^GSPC", report_facts().event.isoformat())
    if "workbook" in wanted:
        from ..bench.workbook import bench_workbook

        _say(args, "workbook: full build vs openpyxl alone ...")
        result["workbook"] = bench_workbook(prices, universe)
    if "refresh" in wanted:
        from ..bench.refresh import bench_refresh

        _say(args, "refresh: patching the saved workbook vs openpyxl load + save ...")
        result["refresh"] = bench_refresh(prices, universe)
    if args.json:
        json.dump(result, sys.stdout, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        _print(result)
    return 0


def _say(args, text: str) -> None:
    if not args.json:
        sys.stderr.write(text + "\n")


def _print(result: dict, indent: int = 0) -> None:
    for key, value in result.items():
        if isinstance(value, dict):
            print(" " * indent + f"{key}:")
            _print(value, indent + 2)
        elif isinstance(value, float):
            print(" " * indent + f"{key}: {value:.4g}")
        else:
            print(" " * indent + f"{key}: {value}")

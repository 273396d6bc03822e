"""Fixtures of the security tests: hostile files written at test time (all small on disk)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "workbook"))  # workbook_cli: run the CLI in-process
sys.path.insert(0, str(HERE.parent))  # ooxml, xlharness

"""Fixtures of the template tests: the sample workbook saved once as .xlsm."""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_book import BUTTONS, event_book

from shockbook.template import save_xlsm


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The event workbook saved with :func:`save_xlsm` and both buttons (built once per module)."""
    return save_xlsm(event_book(), tmp_path_factory.mktemp("xlsm") / "event.xlsm", buttons=BUTTONS)

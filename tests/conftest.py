"""Shared fixtures: where the recorded real data lives, and isolated settings.

The recorded data is read from ``../shared/data`` beside the project root (never copied into
the project). Tests that need it skip with a reason when it is missing, except under CI
(``CI=true``), where a missing folder stops the session with an error: CI must not pass with a
third of the suite skipped.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# test helpers (xlharness, render) import by name from any folder
sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
SHARED_DATA = SHARED / "data"
PRICES = SHARED_DATA / "prices.csv.gz"
CONSTITUENTS = SHARED_DATA / "sp500_constituents_2025-01-27.csv"
INTL_PRICES = SHARED_DATA / "intl_prices.csv.gz"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def pytest_configure(config):
    if in_ci() and not (PRICES.exists() and CONSTITUENTS.exists()):
        raise pytest.UsageError(f"CI=true but the recorded data is missing: {SHARED_DATA} must hold "
                                f"{PRICES.name} and {CONSTITUENTS.name} (the integration tests read them)")
    # yfinance 1.7 and exchange_calendars 4.13 call pandas APIs that pandas 3.1 deprecates
    for message in ("The inplace keyword in", "Series.values returning an ndarray"):
        config.addinivalue_line("filterwarnings", f"ignore:{message}:DeprecationWarning")


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"recorded data {path} is not beside the project (../shared/data)")
    return path


@pytest.fixture(scope="session")
def prices_path() -> Path:
    """``../shared/data/prices.csv.gz``: real daily prices 2024-01-02 .. 2025-06-30."""
    return _need(PRICES)


@pytest.fixture(scope="session")
def intl_prices_path() -> Path:
    """``../shared/data/intl_prices.csv.gz``: real Korean, Japanese and European bars, their
    indices and KRW=X, JPY=X, EURUSD=X (2024-01-02 .. 2025-06-30, each on its own calendar)."""
    return _need(INTL_PRICES)


@pytest.fixture
def global_settings(tmp_path, prices_path, intl_prices_path):
    """Offline settings over both recorded files as one snapshot."""
    import os

    from shockbook.config import Settings

    return Settings.from_env(environ={}, cache_dir=tmp_path / "cache", offline=True,
                             snapshot=os.pathsep.join([str(prices_path), str(intl_prices_path)]))


@pytest.fixture(scope="session")
def constituents_path() -> Path:
    """``../shared/data/sp500_constituents_2025-01-27.csv``: the 503 members on the event day."""
    return _need(CONSTITUENTS)


@pytest.fixture
def offline_settings(tmp_path, prices_path):
    """Settings that never touch the network: a private cache and the recorded snapshot."""
    from shockbook.config import Settings

    return Settings.from_env(environ={}, cache_dir=tmp_path / "cache", offline=True, snapshot=prices_path)


@pytest.fixture(autouse=True)
def _no_user_env(monkeypatch, tmp_path):
    """No test reads the developer's SHOCKBOOK_* variables or writes their cache folder."""
    import os

    for key in list(os.environ):
        if key.startswith("SHOCKBOOK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("SHOCKBOOK_CACHE_DIR", str(tmp_path / "default-cache"))

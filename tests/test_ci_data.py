"""Under CI the recorded data is required: its absence fails the session instead of skipping a
third of the suite. Checked by running pytest on a copy of this conftest in a folder with no
``../shared/data`` beside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def run_pytest_without_data(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    shutil.copy(HERE / "conftest.py", project / "tests" / "conftest.py")
    (project / "tests" / "test_needs_data.py").write_text(
        "def test_reads_prices(prices_path):\n    assert prices_path.exists()\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=120)


def test_ci_fails_the_session_when_the_data_is_missing(tmp_path):
    done = run_pytest_without_data(tmp_path, "true")
    assert done.returncode != 0
    assert "CI=true but the recorded data is missing" in done.stdout + done.stderr


@pytest.mark.parametrize("ci", [None, "false"])
def test_outside_ci_the_tests_that_need_it_skip(tmp_path, ci):
    done = run_pytest_without_data(tmp_path, ci)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout

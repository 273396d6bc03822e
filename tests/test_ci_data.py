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


def test_ci_does_not_install_what_the_machine_already_has(tmp_path):
    # fc-list | grep -q under pipefail: grep stops at the first match, fc-list dies of SIGPIPE
    # (141) and the font counted as missing, so every run called apt-get (root and network)
    fake = tmp_path / "bin"
    fake.mkdir()
    scripts = {
        "fc-list": 'echo "/usr/share/fonts/NotoSansCJK-Regular.ttc: Noto Sans CJK KR:style=Regular"\n'
                   'yes "/usr/share/fonts/filler.ttf: Filler:style=Regular" | head -n 20000\n',
        "soffice": "exit 0\n", "pdftoppm": "exit 0\n",
        "apt-get": f'echo called >> "{tmp_path}/apt-called"; exit 1\n',
        "python-stop": "exit 7\n",  # stops the run right after the system check
    }
    for name, body in scripts.items():
        (fake / name).write_text("#!/usr/bin/env bash\n" + body, encoding="utf-8")
        (fake / name).chmod(0o755)
    env = dict(os.environ, PATH=f"{fake}{os.pathsep}{os.environ['PATH']}", PYTHON=str(fake / "python-stop"))
    done = subprocess.run(["bash", str(HERE.parent / ".ci" / "run")], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 7, done.stdout + done.stderr
    assert "== apt" not in done.stdout and not (tmp_path / "apt-called").exists()

"""The CLI at the edges of the live source, run in a subprocess exactly as a user runs it.

* Ctrl-C stops the work: SIGINT during a Yahoo fetch ends ``snapshot`` and ``build`` within a
  couple of seconds, with exit status 130 and the files from before untouched.
* A dead source is noticed once: with Yahoo answering 500 to everything, a build sends a few
  dozen requests (not thousands), says so in one line, and builds from the snapshot.

The CLI runs in a subprocess exactly as a user runs it; it reaches the fake Yahoo through a
loopback CONNECT proxy (``HTTPS_PROXY``) and trusts it through ``SHOCKBOOK_CA_BUNDLE``, the
same settings an office network needs. The fake holds every chart request open, so the
signal always lands mid-fetch.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import shockbook

from shockbook.testing import ConnectProxy, FakeYahoo

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture
def slow_yahoo(prices_path):
    with FakeYahoo(prices_path, hang_seconds=5.0) as fake:
        fake.fail(None, "timeout")  # chart requests hang; the probe and the crumb answer
        with ConnectProxy(fake.port) as proxy:
            yield fake, proxy


def _cli_env(fake, proxy, tmp_path) -> dict:
    """The environment of an office user whose proxy and CA lead to the fake Yahoo."""
    env = {**os.environ, "HTTPS_PROXY": proxy.url, "SHOCKBOOK_CA_BUNDLE": str(fake.ca_path),
           "SHOCKBOOK_CACHE_DIR": str(tmp_path / "cache"), "SHOCKBOOK_YAHOO_TIMEOUT": "30"}
    package_root = str(Path(shockbook.__file__).resolve().parents[1])  # this shockbook, not another install
    env["PYTHONPATH"] = os.pathsep.join([package_root, env.get("PYTHONPATH", "")])
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    return env


def _build_args(book, prices_path) -> list[str]:
    return ["build", "--out", str(book), "--force", "--snapshot", str(prices_path),
            "--universe-file", str(prices_path.parent / "sp500_constituents_2025-01-27.csv")]


def _interrupt(args: list[str], fake, proxy, tmp_path) -> tuple[int, float, str]:
    proc = subprocess.Popen([sys.executable, "-m", "shockbook", *args], env=_cli_env(fake, proxy, tmp_path),
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while fake.count(kind=("history", "tz")) == 0:  # the fetch has begun
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline, "the fetch never started"
            time.sleep(0.05)
        time.sleep(0.3)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        return proc.returncode, time.monotonic() - sent, err.decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sigint_during_a_snapshot_fetch_exits_130_and_keeps_the_old_file(slow_yahoo, tmp_path):
    fake, proxy = slow_yahoo
    old = tmp_path / "frozen.csv"
    old.write_bytes(b"date,ticker,close,adj_close\n2025-01-27,NVDA,118.42,118.39\n")
    before = old.read_bytes()

    code, seconds, err = _interrupt(["snapshot", "NVDA", "AMD", "AVGO", "--start", "2025-01-02",
                                     "--end", "2025-01-31", "--out", str(old), "--force"], fake, proxy, tmp_path)

    assert code == 130, err
    assert seconds < 3, f"took {seconds:.1f}s to stop"
    assert "interrupted" in err and "Traceback" not in err
    assert old.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("frozen")] == ["frozen.csv"]


def test_sigint_during_a_build_exits_130_and_keeps_the_old_workbook(slow_yahoo, tmp_path, prices_path):
    fake, proxy = slow_yahoo
    book = tmp_path / "book.xlsm"
    book.write_bytes(b"the user's workbook from yesterday")

    code, seconds, err = _interrupt(_build_args(book, prices_path), fake, proxy, tmp_path)

    assert code == 130, err
    assert seconds < 3, f"took {seconds:.1f}s to stop"
    assert book.read_bytes() == b"the user's workbook from yesterday"
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".xlsm", ".tmp") or "book" in p.name] == ["book.xlsm"]


def test_a_build_against_a_dead_yahoo_asks_a_few_times_says_so_once_and_uses_the_snapshot(tmp_path, prices_path):
    with FakeYahoo(prices_path) as fake, ConnectProxy(fake.port) as proxy:
        fake.fail(None, "500")
        book = tmp_path / "book.xlsm"

        done = subprocess.run([sys.executable, "-m", "shockbook", *_build_args(book, prices_path)],
                              env=_cli_env(fake, proxy, tmp_path), cwd=tmp_path, capture_output=True,
                              text=True, timeout=600)
        requests = len(fake.requests)

    assert done.returncode == 0, done.stderr
    assert requests < 100  # it was 4,304 before the circuit breaker
    said = [line for line in done.stderr.splitlines() if "in a row" in line]
    assert len(said) == 1 and "HTTP 500" in said[0] and "--offline --snapshot" in said[0]
    assert book.exists()

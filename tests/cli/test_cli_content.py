"""``python -m shockbook calendar`` and ``python -m shockbook content ...``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shockbook.cli import EXIT_INPUT, EXIT_NODATA, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(capsys, tmp_path):
    def go(*args):
        code = main([*args, "--cache-dir", str(tmp_path / "cache")])
        out, err = capsys.readouterr()
        return code, out, err

    return go


# --- calendar ------------------------------------------------------------------------------


def test_calendar_offline_prints_the_reports_grid(run):
    code, out, err = run("calendar", "--month", "2025-02", "--offline", "--lang", "en")
    assert code == EXIT_OK, err
    assert "earnings calendar 2025-02 — source: report table 4" in out
    assert "Applied Materials (AMAT)†" in out and "(AMT)" not in out
    assert "AMAT: Printed ticker AMT belongs to American Tower" in out
    for header in ("MON", "TUE", "WED", "THU", "FRI"):
        assert header in out


def test_calendar_json_is_one_object_per_company_day(run):
    code, out, _ = run("calendar", "--month", "2025-02", "--offline", "--format", "json")
    rows = json.loads(out)
    assert code == EXIT_OK and len(rows) == 17
    assert {"date", "ticker", "company", "source", "flag"} <= set(rows[0])
    amat = next(r for r in rows if r["ticker"] == "AMAT")
    assert (amat["date"], amat["company"], amat["source"], amat["flag"]) == (
        "2025-02-13", "Applied Materials", "report table 4", "TICKER")


def test_calendar_watchlist_csv(run):
    code, out, _ = run("calendar", "--offline", "--tickers", "NVDA", "--format", "csv")
    lines = out.strip().splitlines()
    assert code == EXIT_OK and lines[0].startswith("date,ticker,company,source,flag")
    assert any(line.startswith("2025-02-26,NVDA,NVIDIA,report table 4") and ",True," in line for line in lines)


@pytest.mark.parametrize(
    "month, code, message",
    [
        ("2025-03", EXIT_NODATA, "no earnings dates in 2025-03"),
        ("March", EXIT_INPUT, "month 'March' is not a month"),
    ],
)
def test_calendar_bad_month(run, month, code, message):
    got, out, err = run("calendar", "--month", month, "--offline")
    assert got == code and out == ""
    assert err.startswith("shockbook: error:") and message in err


def test_calendar_through_the_entry_point(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python"), "SHOCKBOOK_CACHE_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "shockbook", "calendar", "--month", "2025-02", "--offline"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Applied Materials (AMAT)†" in proc.stdout and "보고서 표4" in proc.stdout


# --- content -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "table, rows",
    [("opinions", 14), ("scaling", 5), ("calls", 6)],
)
def test_content_tables_as_json(run, table, rows):
    code, out, _ = run("content", table, "--lang", "en", "--format", "json")
    assert code == EXIT_OK
    assert len(json.loads(out)) == rows


def test_content_opinions_korean_by_stance(run):
    code, out, _ = run("content", "opinions", "--stance", "부정", "--format", "json")
    rows = json.loads(out)
    assert code == EXIT_OK and len(rows) == 7 and {r["stance"] for r in rows} == {"부정"}


def test_content_models_one_metric(run):
    code, out, _ = run("content", "models", "--model", "R1", "--metric", "input_price", "--format", "csv")
    assert code == EXIT_OK
    assert out.splitlines()[1].startswith("DeepSeek R1,,input_price,0.55")


def test_content_cost_reproduces_27x(run):
    code, out, _ = run("content", "cost", "--input-tokens", "3000000", "--output-tokens", "1000000",
                       "--format", "json")
    r1 = next(r for r in json.loads(out) if r["model"] == "DeepSeek R1")
    assert code == EXIT_OK and r1["reference_cost_multiple"] == pytest.approx(27.34, abs=0.01)


@pytest.mark.parametrize(
    "args, message",
    [
        (("content", "models", "--model", "GPT-9"), "unknown model 'GPT-9'; valid:"),
        (("content", "models", "--metric", "charisma"), "unknown metric 'charisma'; valid:"),
        (("content", "cost", "--input-tokens", "-5"), "input_tokens must be a finite number >= 0, not -5.0"),
        (("content", "cost", "--reference", "HAL 9000"), "unknown priced model 'HAL 9000'"),
        (("content", "opinions", "--stance", "neutral"), "unknown stance 'neutral'"),
    ],
)
def test_content_bad_input(run, args, message):
    code, out, err = run(*args)
    assert code == EXIT_INPUT and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_content_beatmiss_offline_keeps_the_reports_marks(run):
    code, out, _ = run("content", "beatmiss", "--offline", "--format", "json")
    rows = json.loads(out)
    assert code == EXIT_OK and [r["ticker"] for r in rows] == ["MSFT", "META", "TSLA", "NOW", "IBM", "GLW"]
    assert all(r["report_eps_mark"] in ("beat", "miss") and r["agrees"] is None for r in rows)


def test_a_missing_value_prints_blank_not_nan(run):
    # Gemini 2.0 Flash has no cache-hit price: the table showed "NaN" under it
    code, out, err = run("content", "cost", "--lang", "en")
    assert code == EXIT_OK, err
    gemini = next(line for line in out.splitlines() if "Gemini 2.0 Flash" in line)
    assert "NaN" not in out and "nan" not in gemini and "NaT" not in out

"""No surprise overwrites: what each writing command may replace, with and without --force.

The refusals (an existing text file, another workbook, an existing snapshot, an existing build
target) are rows of the hostile-input table; here: what stays allowed.
"""

from __future__ import annotations

import hashlib
import shutil

from workbook_cli import ROOT, run_cli

OFFLINE = ["--offline", "--snapshot", "../shared/data/prices.csv.gz"]


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_refresh_in_place_is_its_job(plain_book, tmp_path):
    book = tmp_path / "book.xlsm"
    shutil.copy(plain_book, book)
    code, err = run_cli(["refresh", "--workbook", str(book), *OFFLINE], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 0, err


def test_refresh_out_naming_its_own_workbook_is_in_place(plain_book, tmp_path):
    book = tmp_path / "book.xlsm"
    shutil.copy(plain_book, book)
    code, err = run_cli(["refresh", "--workbook", str(book), "--out", str(tmp_path / "." / "book.xlsm"), *OFFLINE],
                        cwd=ROOT, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 0, err


def test_refresh_out_replaces_another_file_only_with_force(plain_book, tmp_path):
    other = tmp_path / "other.xlsm"
    other.write_text("someone's notes\n")
    argv = ["refresh", "--workbook", str(plain_book), "--out", str(other), *OFFLINE]
    code, err = run_cli(argv, cwd=ROOT, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 2 and "already exists" in err and "--force" in err
    assert other.read_text() == "someone's notes\n"
    code, err = run_cli(argv + ["--force"], cwd=ROOT, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 0, err
    assert other.read_bytes()[:2] == b"PK"


def test_refresh_out_to_a_new_file_leaves_the_source_alone(plain_book, tmp_path):
    before = _digest(plain_book)
    code, err = run_cli(["refresh", "--workbook", str(plain_book), "--out", str(tmp_path / "new.xlsm"), *OFFLINE],
                        cwd=ROOT, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 0, err
    assert (tmp_path / "new.xlsm").exists() and _digest(plain_book) == before


def test_snapshot_replaces_an_existing_file_only_with_force(tmp_path):
    out = tmp_path / "frozen.csv"
    argv = ["snapshot", "NVDA", "--start", "2025-01-02", "--end", "2025-01-31", *OFFLINE, "--out", str(out)]
    env = {"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")}
    assert run_cli(argv, cwd=ROOT, env=env)[0] == 0
    first = out.read_text()
    code, err = run_cli(argv, cwd=ROOT, env=env)
    assert code == 2 and "already exists" in err and out.read_text() == first
    out.write_text("date,ticker,close\n")
    assert run_cli(argv + ["--force"], cwd=ROOT, env=env)[0] == 0
    assert out.read_text() == first

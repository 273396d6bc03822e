"""Hostile and broken inputs: one table, each row an input, its exit status and its one line.

Every row runs the real command line (in-process; the file-size limit in a child process). For
each: the exit status the README lists, the words the message must hold, one line on stderr
(never a traceback), and, where the command would write, nothing written. Workbook bombs must
be refused before a part is read: opening the package (the patch writer's ``ZipPackage``, or
openpyxl's ``load_workbook`` for an ``.xlsx``) fails the test.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from hostile import (ALIAS_BOMB, DEEP_VALUE, LAUGHS, MB, PYTHON_TAG, XXE, lying_zip, sparse, with_part,
                     zeros_zip)
from workbook_cli import ROOT, run_cli, with_settings

OFFLINE = ["--offline", "--snapshot", "../shared/data/prices.csv.gz"]
UNIVERSE = ["--universe-file", "../shared/data/sp500_constituents_2025-01-27.csv"]


@dataclass
class Case:
    """One hostile input: ``argv(files)`` and ``env(files)`` from the crafted files."""

    argv: Callable[[dict], list[str]]
    code: int
    says: str
    env: Callable[[dict], dict] = lambda f: {}
    lines: int | None = 1  # stderr lines (None: any number, none a traceback)
    writes: str | None = "out.xlsm"  # a file that must not appear (None: no check)
    never_says: tuple[str, ...] = ()
    parse: bool = True  # False: openpyxl must not be called
    extra: list = field(default_factory=list)


def _build(f, *more):
    return ["build", *OFFLINE, *UNIVERSE, "--out", str(f["out"]), *more]


CASES: dict[str, Case] = {
    # --- command-line files -------------------------------------------------------------------
    "binary watchlist": Case(lambda f: _build(f, "--watchlist", str(f["binary"])), 2, "watchlist file"),
    "watchlist is /dev/zero": Case(lambda f: _build(f, "--watchlist", "/dev/zero"), 2, "not a regular file"),
    "sparse 20 GB watchlist": Case(lambda f: _build(f, "--watchlist", str(f["huge"])), 2, "over the limit"),
    "binary universe file": Case(lambda f: ["build", *OFFLINE, "--universe-file", str(f["binary_csv"]), "--out",
                                            str(f["out"])], 2, "cannot be read as a CSV file"),
    "universe file is /etc/passwd": Case(lambda f: ["build", *OFFLINE, "--universe-file", "/etc/passwd", "--out",
                                                    str(f["out"])], 2, "universe file /etc/passwd",
                                         never_says=("root:",)),
    "event over a binary universe": Case(lambda f: ["event", "--date", "2025-01-27", "--universe", "sp500",
                                                    "--universe-file", str(f["binary_csv"]), *OFFLINE], 2,
                                         "cannot be read as a CSV file", writes=None),
    # --- user files: build reports them as content does (exit 1, the book still written) -------
    "alias-bomb opinions (build)": Case(lambda f: _build(f), 1, "anchor or alias",
                                        env=lambda f: {"SHOCKBOOK_OPINIONS_FILE": str(f["bomb"])}, lines=2,
                                        writes=None),
    "binary opinions (build)": Case(lambda f: _build(f), 1, "cannot be read as UTF-8",
                                    env=lambda f: {"SHOCKBOOK_OPINIONS_FILE": str(f["binary"])}, lines=2, writes=None),
    "binary metrics (build)": Case(lambda f: _build(f), 1, "cannot be read as UTF-8",
                                   env=lambda f: {"SHOCKBOOK_METRICS_FILE": str(f["binary_csv"])}, lines=2,
                                   writes=None),
    "alias-bomb opinions (content)": Case(lambda f: ["content", "opinions"], 1, "anchor or alias",
                                          env=lambda f: {"SHOCKBOOK_OPINIONS_FILE": str(f["bomb"])}, writes=None),
    "python tag in opinions": Case(lambda f: ["content", "opinions"], 1, "opinions_tag.yaml",
                                   env=lambda f: {"SHOCKBOOK_OPINIONS_FILE": str(f["tag"])}, writes="pwned.txt"),
    "200-deep value in opinions": Case(lambda f: ["content", "opinions"], 1, "deep.yaml",
                                       env=lambda f: {"SHOCKBOOK_OPINIONS_FILE": str(f["deep"])}, lines=None,
                                       writes=None),
    "sparse 20 GB opinions file": Case(lambda f: ["content", "opinions"], 1, "over the limit",
                                       env=lambda f: {"SHOCKBOOK_OPINIONS_FILE": str(f["huge_yaml"])}, writes=None),
    "opinions file is /dev/zero": Case(lambda f: ["content", "opinions"], 1, "not a regular file",
                                       env=lambda f: {"SHOCKBOOK_OPINIONS_FILE": "/dev/zero"}, writes=None),
    # --- workbooks given to refresh: refused before any part is parsed ---------------------------
    "60 MB shared strings (zip bomb)": Case(lambda f: ["refresh", "--workbook", str(f["part_bomb"])], 2,
                                            "SHOCKBOOK_MAX_PART_MB", parse=False, writes=None),
    "part expanding 1000x": Case(lambda f: ["refresh", "--workbook", str(f["ratio_bomb"])], 2,
                                 "SHOCKBOOK_MAX_ZIP_RATIO", parse=False, writes=None),
    "120 MB in three parts": Case(lambda f: ["refresh", "--workbook", str(f["total_bomb"])], 2,
                                  "SHOCKBOOK_MAX_WORKBOOK_MB", parse=False, writes=None,
                                  env=lambda f: {"SHOCKBOOK_MAX_ZIP_RATIO": "100000"}),
    "1,500 parts": Case(lambda f: ["refresh", "--workbook", str(f["many_parts"])], 2, "SHOCKBOOK_MAX_PARTS",
                        parse=False, writes=None),
    "part bigger than its directory says": Case(lambda f: ["refresh", "--workbook", str(f["lying"])], 2,
                                                "cannot be read as an Excel workbook", writes=None),
    "billion laughs in workbook.xml": Case(lambda f: ["refresh", "--workbook", str(f["laughs"])], 2,
                                           "cannot be read as an Excel workbook", writes=None),
    "external entity (XXE) in workbook.xml": Case(lambda f: ["refresh", "--workbook", str(f["xxe"])], 2,
                                                  "cannot be read as an Excel workbook", never_says=("root:",),
                                                  writes=None),
    "text file named .xlsm": Case(lambda f: ["refresh", "--workbook", str(f["text_xlsm"])], 2,
                                  "cannot be read as an Excel workbook", writes=None),
    "lower limit by setting": Case(lambda f: ["refresh", "--workbook", str(f["book"])], 2, "SHOCKBOOK_MAX_PARTS",
                                   env=lambda f: {"SHOCKBOOK_MAX_PARTS": "10"}, parse=False, writes=None),
    # --- paths named by a workbook's Settings sheet -----------------------------------------------
    "Settings universe_file=/etc/passwd": Case(lambda f: ["refresh", "--workbook", str(f["passwd_book"]), "--out",
                                                          str(f["out"])], 2, "is not a data file",
                                               never_says=("root:",)),
    "Settings universe_file=passwd.csv": Case(lambda f: ["refresh", "--workbook", str(f["passwd_csv_book"]),
                                                         "--out", str(f["out"])], 2,
                                              "content is not shown", never_says=("root:",)),
    "Settings snapshot=a text .csv": Case(lambda f: ["refresh", "--workbook", str(f["text_snapshot_book"]),
                                                     "--out", str(f["out"])], 2,
                                          "is not a price snapshot"),
    "Settings snapshot=a UNC path": Case(lambda f: ["refresh", "--workbook", str(f["unc_book"]), "--out",
                                                    str(f["out"])], 2, "names a network location"),
    "Settings universe_file=a URL": Case(lambda f: ["refresh", "--workbook", str(f["url_book"]), "--out",
                                                    str(f["out"])], 2, "names a network location"),
    "Settings snapshot=a .parquet of other data": Case(lambda f: ["refresh", "--workbook",
                                                                  str(f["parquet_snapshot_book"]), "--out",
                                                                  str(f["out"])], 2, "is not a price snapshot"),
    # --- overwrites ------------------------------------------------------------------------------
    "refresh --out over a text file": Case(lambda f: ["refresh", "--workbook", str(f["book"]), "--out",
                                                      str(f["notes"])], 2, "already exists", writes=None),
    "refresh --out over another workbook": Case(lambda f: ["refresh", "--workbook", str(f["book"]), "--out",
                                                           str(f["other_book"])], 2, "already exists", writes=None),
    "snapshot --out over an existing file": Case(lambda f: ["snapshot", "NVDA", "--start", "2025-01-02", "--end",
                                                            "2025-01-31", *OFFLINE, "--out", str(f["notes_csv"])],
                                                 2, "already exists", writes=None),
    "build --out over an existing file": Case(lambda f: ["build", *OFFLINE, "--out", str(f["other_book"])], 2,
                                              "already exists", writes=None),
    # --- the environment ---------------------------------------------------------------------------
    "--out in a folder that cannot exist": Case(lambda f: ["build", *OFFLINE, *UNIVERSE, "--out",
                                                           "/proc/1/nowhere/out.xlsm"], 2, "/proc/1/nowhere",
                                                writes=None),
    "--out under /proc": Case(lambda f: ["build", *OFFLINE, *UNIVERSE, "--out", "/proc/1/out.xlsm"], 2,
                              "/proc/1/out.xlsm", writes=None),
    # --- messages ----------------------------------------------------------------------------------
    "--start in the future, no --end": Case(lambda f: ["prices", "NVDA", "--start", "2999-01-01", *OFFLINE], 2,
                                            "in the future", never_says=("swap",), writes=None),
    "unknown --benchmark": Case(lambda f: ["event", "--date", "2025-01-27", "--tickers", "NVDA", "--benchmark",
                                           "ZZZZQ", *OFFLINE], 1, "benchmark ZZZZQ", writes=None),
    "weekend --event": Case(lambda f: _build(f, "--event", "2025-01-25"), 0, "using 2025-01-27", lines=2,
                            writes=None),
    "SHOCKBOOK_YAHOO_TIMEOUT=-1": Case(lambda f: ["content", "scaling"], 2, "SHOCKBOOK_YAHOO_TIMEOUT must be > 0",
                                       env=lambda f: {"SHOCKBOOK_YAHOO_TIMEOUT": "-1"}, writes=None),
    "SHOCKBOOK_YAHOO_RETRIES=many": Case(lambda f: ["content", "scaling"], 2, "is not a number",
                                         env=lambda f: {"SHOCKBOOK_YAHOO_RETRIES": "many"}, writes=None),
    "SHOCKBOOK_COALESCE_MS=nan": Case(lambda f: ["content", "scaling"], 2, "SHOCKBOOK_COALESCE_MS must be",
                                      env=lambda f: {"SHOCKBOOK_COALESCE_MS": "nan"}, writes=None),
    "SHOCKBOOK_MAX_PARTS=0": Case(lambda f: ["content", "scaling"], 2, "SHOCKBOOK_MAX_PARTS",
                                  env=lambda f: {"SHOCKBOOK_MAX_PARTS": "0"}, writes=None),
    "2,000 unknown tickers": Case(lambda f: ["prices", "NVDA", *f["unknown"], "--start", "2025-01-24", "--end",
                                             "2025-01-27", *OFFLINE], 1, "2,000 tickers", writes=None),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory, plain_book) -> dict:
    d = tmp_path_factory.mktemp("hostile_inputs")
    f: dict = {"dir": d, "book": plain_book}
    f["binary"] = d / "binary.yaml"
    f["binary"].write_bytes(bytes(range(256)) * 8)
    f["binary_csv"] = d / "binary.csv"
    f["binary_csv"].write_bytes(bytes(range(255, -1, -1)) * 8)
    f["huge"] = sparse(d / "huge.txt", 20 * 1024 * MB)
    f["huge_yaml"] = sparse(d / "huge.yaml", 20 * 1024 * MB)
    f["bomb"] = d / "bomb.yaml"
    f["bomb"].write_text(ALIAS_BOMB)
    f["tag"] = d / "opinions_tag.yaml"
    f["tag"].write_text(PYTHON_TAG)
    f["deep"] = d / "deep.yaml"
    f["deep"].write_text(DEEP_VALUE)
    f["part_bomb"] = zeros_zip(d / "part_bomb.xlsm", {"xl/sharedStrings.xml": 60})
    f["ratio_bomb"] = zeros_zip(d / "ratio_bomb.xlsm", {"xl/worksheets/sheet1.xml": 5})
    f["total_bomb"] = zeros_zip(d / "total_bomb.xlsm", {f"xl/worksheets/sheet{i}.xml": 40 for i in (1, 2, 3)})
    f["many_parts"] = zeros_zip(d / "many_parts.xlsm", {}, extra_parts=1500)
    f["lying"] = lying_zip(d / "lying.xlsm")
    f["laughs"] = with_part(plain_book, d / "laughs.xlsm", "xl/workbook.xml", LAUGHS)
    f["xxe"] = with_part(plain_book, d / "xxe.xlsm", "xl/workbook.xml", XXE)
    f["text_xlsm"] = d / "text.xlsm"
    f["text_xlsm"].write_text("not a workbook\n")
    shutil.copy("/etc/passwd", d / "passwd.csv")
    (d / "text_snapshot.csv").write_text("root:x:0:0:root:/root:/bin/bash\n")
    import pandas as pd

    pd.DataFrame({"user": ["root"], "shell": ["/bin/bash"]}).to_parquet(d / "other.parquet")
    f["parquet_snapshot_book"] = with_settings(plain_book, d / "parquet_snapshot", snapshot=str(d / "other.parquet"))
    f["unc_book"] = with_settings(plain_book, d / "unc", snapshot="\\\\attacker.example\\share\\prices.csv")
    f["url_book"] = with_settings(plain_book, d / "url", universe_file="https://attacker.example/members.csv")
    f["passwd_book"] = with_settings(plain_book, d / "passwd", universe_file="/etc/passwd")
    f["passwd_csv_book"] = with_settings(plain_book, d / "passwd_csv", universe_file=str(d / "passwd.csv"))
    f["text_snapshot_book"] = with_settings(plain_book, d / "text_snapshot", snapshot=str(d / "text_snapshot.csv"))
    f["notes"] = d / "notes.xlsm"
    f["notes"].write_text("my notes\n")
    f["notes_csv"] = d / "notes.csv"
    f["notes_csv"].write_text("my,notes\n")
    f["other_book"] = d / "other.xlsm"
    shutil.copy(plain_book, f["other_book"])
    f["unknown"] = [f"Q{i:04d}X" for i in range(2000)]
    return f


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.stat().st_size < 10 * MB}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input(name, files, tmp_path, monkeypatch):
    case = CASES[name]
    if not case.parse:
        import shockbook.patch.writer as patcher
        import shockbook.template.builder as builder

        def refuse(*a, **k):
            raise AssertionError("a workbook that should have been refused first was opened")

        monkeypatch.setattr(builder, "load_workbook", refuse)  # .xlsx: openpyxl
        monkeypatch.setattr(patcher, "ZipPackage", refuse)  # .xlsm: the package patch
    before = _snapshot(files["dir"])
    env = {"SHOCKBOOK_CACHE_DIR": str(tmp_path / "cache"), **case.env(files)}
    code, err = run_cli(case.argv({**files, "out": tmp_path / "out.xlsm"}), cwd=tmp_path if name == "python tag in opinions" else ROOT, env=env)
    lines = err.strip().splitlines()
    assert code == case.code, err
    assert case.says in err, err
    assert "Traceback" not in err and all(line.startswith("shockbook:") for line in lines), err
    if case.lines is not None:
        assert len(lines) == case.lines, err
    for secret in case.never_says:
        assert secret not in err, err
    if case.writes:
        assert not (files["dir"] / case.writes).exists() and not (tmp_path / case.writes).exists()
    after = _snapshot(files["dir"])
    assert {k: v for k, v in after.items() if k in before} == before  # no crafted file was changed


def test_an_error_quotes_a_short_excerpt_of_a_deep_value(files, tmp_path):
    code, err = run_cli(["content", "opinions"], cwd=ROOT, env={"SHOCKBOOK_OPINIONS_FILE": str(files["deep"]),
                                                               "SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 1
    assert max(len(line) for line in err.splitlines()) < 300, err


def test_the_alias_bomb_fails_fast(files, tmp_path):
    """Refused from the event stream: well under a second of work, not 30 s and 3 GB."""
    import time

    from shockbook.content.opinions import load_opinions

    started = time.process_time()
    loaded = load_opinions(files["bomb"], builtin=False)
    assert time.process_time() - started < 1.0
    assert len(loaded.errors) == 1 and "anchor or alias" in loaded.errors[0].message


def test_openpyxl_reads_through_defusedxml():
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


def test_a_udf_over_a_binary_universe_file_says_why(files):
    import xlharness as xh

    udfs = xh.udf_module("shockbook.excel.udfs")
    text = xh.call_like_excel(udfs.SB_BREADTH, "2025-01-27", str(files["binary_csv"]))[0][0]
    assert text.startswith("#SB!") and "internal error" not in text and "cannot be read as a CSV file" in text


# --- the environment: a file-size limit, a full disk, a read-only folder ----------------------------


def _child(argv: list[str], cwd: Path, limit: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "python"), *sys.path])}
    env = {k: v for k, v in env.items() if not k.startswith("SHOCKBOOK_")} | {"SHOCKBOOK_CACHE_DIR": str(cwd / "c")}

    def limited():
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "shockbook", *argv], cwd=cwd, env=env, capture_output=True,
                          text=True, preexec_fn=limited, timeout=300)


def test_a_file_size_limit_is_one_line(tmp_path, prices_path, constituents_path):
    done = _child(["build", "--offline", "--snapshot", str(prices_path), "--universe-file", str(constituents_path),
                   "--out", str(tmp_path / "out.xlsm")], tmp_path, limit=64 * 1024)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and "file-size limit" in done.stderr
    assert not (tmp_path / "out.xlsm").exists()


@pytest.fixture
def tmpfs(tmp_path):
    """``tmpfs(size)``: a small mounted tmpfs (needs the right to mount: skipped without it)."""
    mounted = []

    def make(size: str) -> Path:
        mount = tmp_path / f"disk{len(mounted)}"
        mount.mkdir()
        if shutil.which("mount") is None or os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs needs root")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(mount)
        return mount

    yield make
    for mount in mounted:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_one_line_and_nothing_is_left(tmpfs):
    small_disk = tmpfs("96k")
    code, err = run_cli(["build", *OFFLINE, *UNIVERSE, "--out", str(small_disk / "out.xlsm")], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(small_disk.parent / "c")})
    assert code == 2 and err.count("\n") == 1 and "the disk is full" in err, err
    assert list(small_disk.iterdir()) == []  # no half-written file, no temporary file


def test_a_read_only_folder_is_one_line_and_the_workbook_is_kept(tmpfs, plain_book):
    small_disk = tmpfs("2m")
    book = small_disk / "book.xlsm"
    shutil.copy(plain_book, book)
    before = book.read_bytes()
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)]).returncode == 0
    code, err = run_cli(["refresh", "--workbook", str(book), *OFFLINE], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(small_disk.parent / "c")})
    assert code == 2 and err.count("\n") == 1 and "read-only" in err, err
    assert book.read_bytes() == before


def test_a_benchmark_in_the_watchlist_gets_its_row_and_a_note(offline_settings):
    from shockbook.tables import events as ev

    event = ev.resolve_event("2025-01-27")
    frame = ev.event_returns_table(["NVDA", "^GSPC"], event, offline_settings).frame.set_index("ticker")
    assert frame.loc["^GSPC", "event_return"] < 0  # its row is there, with its own returns
    assert ev.BENCHMARK_ROW_NOTE in frame.loc["^GSPC", "note"] and frame.loc["NVDA", "note"] == ""
    rows = ev.event_rows(["NVDA", "^GSPC"], event, offline_settings).frame.set_index("ticker")
    assert rows.loc["^GSPC", "note"].count(ev.BENCHMARK_ROW_NOTE) == 1


def test_a_settings_path_to_a_real_data_file_is_accepted(prices_path, constituents_path, tmp_path):
    import pandas as pd

    from shockbook.userfiles import check_data_file

    frozen = tmp_path / "frozen.parquet"
    pd.read_csv(prices_path, nrows=50).to_parquet(frozen)
    for key, path in (("snapshot", prices_path), ("snapshot", frozen), ("universe_file", constituents_path)):
        assert check_data_file(Path(path), key, str(path)) == Path(path)

"""A refresh patches the package: every user addition survives two refreshes, byte for byte.

Each case is the built workbook plus ONE user addition stored the way Excel stores it
(:mod:`corpus`), with one owned cell made stale; it is refreshed twice through the CLI and then
checked with independent readers: zipfile/lxml (the user's parts and elements unchanged, the
package structurally sound: :func:`ooxml_check.problems`) and python-calamine (the owned cell
holds the fresh value again).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from python_calamine import CalamineWorkbook
from workbook_cli import ROOT, run_cli

import corpus
from ooxml_check import problems
from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label

EVENTS = label(L.sheet("event_returns").title_key, "ko")
SETTINGS_TITLE = label(L.sheet("settings").title_key, "ko")
STALE = 999.0
PRICES = str((ROOT / ".." / "shared" / "data" / "prices.csv.gz").resolve())


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _refresh(path: Path, cache: Path, *extra: str) -> tuple[int, str]:
    return run_cli(["refresh", "--workbook", str(path), "--offline", "--snapshot", PRICES, *extra], cwd=ROOT,
                   env={"SHOCKBOOK_CACHE_DIR": str(cache)})


def _stale(book: corpus.Book) -> None:
    """Make the event table's first event-day return stale (what a refresh must replace)."""
    part = book.sheet(EVENTS)
    text, n = re.subn(r'(<c r="C6"[^>]*>)<v>[^<]*</v>', rf"\g<1><v>{STALE}</v>", book.text(part))
    assert n == 1
    book.put(part, text)


def _table(parts: dict[str, bytes], name: str) -> tuple[int, int, int]:
    """(header row, first column, last row) of table ``name``."""
    for part, data in parts.items():
        if part.startswith("xl/tables/") and f'displayName="{name}"'.encode() in data:
            ref = etree.fromstring(data).get("ref")
            m = re.fullmatch(r"([A-Z]+)(\d+):[A-Z]+(\d+)", ref)
            return int(m.group(2)), ord(m.group(1)) - 64, int(m.group(3))
    raise AssertionError(f"no table {name}")


def _event_value(path: Path, sheet: str, parts: dict[str, bytes]):
    header, left, _ = _table(parts, "sb_event_returns")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return rows[header][left + 1]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def owned_parts(built, tmp_path_factory, cache) -> set[str]:
    """The parts a refresh of the untouched build rewrites (the rest must never change)."""
    path = tmp_path_factory.mktemp("pristine") / "deepseek_shock.xlsm"
    path.write_bytes(built.read_bytes())
    code, err = _refresh(path, cache)
    assert code == 0, err
    before, after = _parts(built), _parts(path)
    return {p for p in before if after.get(p) != before[p]}


@pytest.fixture(scope="module")
def corpus_results(built, tmp_path_factory, cache, owned_parts):
    made = {}

    def make(kind: str):
        if kind not in made:
            folder = tmp_path_factory.mktemp(kind)
            book = corpus.Book.load(built)
            _stale(book)
            expect = corpus.KINDS[kind](book, EVENTS)
            path = book.save(folder / "deepseek_shock.xlsm")
            injected = _parts(path)
            for _ in range(2):
                code, err = _refresh(path, cache)
                assert code == 0, f"{kind}: {err}"
            made[kind] = (path, expect, injected)
        return made[kind]
    return make


@pytest.mark.parametrize("kind", list(corpus.KINDS))
def test_user_addition_survives_two_refreshes(kind, built, corpus_results, owned_parts):
    path, expect, injected = corpus_results(kind)
    after = _parts(path)
    assert problems(path) == []
    original = _parts(built)
    user_parts = [p for p, data in injected.items() if original.get(p) != data and p not in owned_parts]
    assert user_parts or expect.elements  # the kind really added something
    for part in user_parts:
        assert after.get(part) == injected[part], f"{kind}: {part} changed"
    for part, xp in expect.elements:
        wanted = corpus.canonical(injected[part], xp)
        assert wanted, f"{kind}: nothing at {xp} in {part}"
        assert corpus.canonical(after[part], xp) == wanted, f"{kind}: {xp} in {part} changed"
    for sheet, ref, formula in expect.formulas:
        part = corpus.Book(path.read_bytes()).sheet(sheet)
        cell = corpus.xpath(etree.fromstring(after[part]), f"//m:c[@r='{ref}']/m:f")
        assert [c.text for c in cell] == [formula]
    sheet = expect.events_sheet or EVENTS
    fresh = _event_value(path, sheet, after)
    assert fresh != STALE and fresh == pytest.approx(_event_value(built, EVENTS, original))


def test_user_formula_text_stays_text(corpus_results):
    path, _, _ = corpus_results("own_formula_row")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(EVENTS).to_python()
    assert rows[99][1] == "=not a formula, my text"


def test_user_macros_are_still_listed_by_oletools(corpus_results):
    from oletools.olevba import VBA_Parser

    path, _, _ = corpus_results("vba_module")
    parser = VBA_Parser(str(path))
    try:
        code = "\n".join(c for *_, c in parser.extract_macros())
    finally:
        parser.close()
    assert "hello from my module" in code and "Workbook_Open" in code and "RefreshAll" in code


@pytest.mark.parametrize("kind", ["own_chart_on_owned_sheet", "own_chart_sheet", "picture", "legacy_comment",
                                  "rows_above_table"])
def test_libreoffice_still_renders_the_refreshed_book(kind, corpus_results, tmp_path):
    from render import render_pdf

    path, _, _ = corpus_results(kind)
    pdf = render_pdf(path, tmp_path)
    assert pdf.stat().st_size > 10_000


def test_a_pivot_cache_over_an_owned_table_is_refused_and_nothing_is_written(built, tmp_path, cache):
    book = corpus.Book.load(built)
    corpus.pivot_over_events(book, EVENTS)
    path = book.save(tmp_path / "deepseek_shock.xlsm")
    before = path.read_bytes()
    code, err = _refresh(path, cache)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "pivot" in err and "sb_event_returns" in err
    assert path.read_bytes() == before


def _refused(path: Path, cache: Path, *words: str) -> None:
    before = path.read_bytes()
    code, err = _refresh(path, cache)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and all(w in err for w in words), err
    assert path.read_bytes() == before


def test_merged_cells_across_an_owned_table_are_refused(built, tmp_path, cache):
    book = corpus.Book.load(built)
    book.insert_in_sheet(book.sheet(EVENTS), '<mergeCells count="1"><mergeCell ref="A7:B8"/></mergeCells>')
    _refused(book.save(tmp_path / "deepseek_shock.xlsm"), cache, "merged", "A7:B8", "sb_event_returns")


def test_a_totals_row_on_an_owned_table_is_refused(built, tmp_path, cache):
    book = corpus.Book.load(built)
    book.edit_table("sb_event_returns", 'headerRowCount="1"', 'headerRowCount="1" totalsRowCount="1"')
    _refused(book.save(tmp_path / "deepseek_shock.xlsm"), cache, "totals row", "sb_event_returns")


def test_a_failed_write_leaves_the_old_file(built, tmp_path, cache, monkeypatch):
    """The disk fills up half-way through writing: the old workbook stays, no temporary file is left."""
    from shockbook.config import Settings
    from shockbook.patch.writer import refresh_package

    path = tmp_path / "deepseek_shock.xlsm"
    path.write_bytes(built.read_bytes())
    write = Path.write_bytes

    def half(self, data):
        if self.name.endswith(".tmp.xlsm"):
            write(self, data[: len(data) // 2])
            raise OSError("disk full")
        return write(self, data)
    monkeypatch.setattr(Path, "write_bytes", half)
    base = Settings.from_env(environ={}, cache_dir=cache)
    with pytest.raises(OSError, match="disk full"):
        refresh_package(path, base=base, overrides={"offline": True, "snapshot": Path(PRICES)})
    monkeypatch.undo()
    assert path.read_bytes() == built.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["deepseek_shock.xlsm"]


def test_a_book_saved_by_excel_shared_strings_and_calc_chain(built, tmp_path, cache):
    """Text in the shared-string table is read (the Settings, the watchlist) and that table is
    left as it was; the calculation chain goes, with its relationship and content type."""
    book = corpus.Book.load(built)
    _stale(book)
    corpus.saved_by_excel(book)
    path = book.save(tmp_path / "deepseek_shock.xlsm")
    strings = _parts(path)["xl/sharedStrings.xml"]
    assert strings.count(b"<si>") > 1000 and b'inlineStr' not in _parts(path)[book.sheet(SETTINGS_TITLE)]
    for _ in range(2):
        code, err = _refresh(path, cache)
        assert code == 0, err
    after = _parts(path)
    assert problems(path) == []
    assert after["xl/sharedStrings.xml"] == strings
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["[Content_Types].xml"] + after["xl/_rels/workbook.xml.rels"]
    header, left, last = _table(after, "sb_event_returns")
    assert (header, left, last) == _table(_parts(built), "sb_event_returns")  # the same watchlist was read
    fresh = _event_value(path, EVENTS, after)
    assert fresh != STALE and fresh == pytest.approx(_event_value(built, EVENTS, _parts(built)))


def test_a_deleted_owned_table_is_refused(built, tmp_path, cache):
    book = corpus.Book.load(built)
    book.edit_table("sb_calls", '"sb_calls"', '"my_calls"')
    _refused(book.save(tmp_path / "deepseek_shock.xlsm"), cache, "sb_calls", "build --force")


def test_a_formula_filled_from_an_owned_cell_into_user_cells_stays_valid(built, tmp_path, cache):
    """The user typed a formula in the table's last column (owned) and filled it right into their
    own cells: Excel stores one shared formula led by the owned cell. The refresh writes that
    cell; the user's cells keep the formula, each its own, moved as Excel moves it."""
    last = L.block("sb_event_returns")[1].owned()[3]  # the table's last column, then two of the user's
    n, o, p = (L.column_letter(last + i) for i in range(3))
    book = corpus.Book.load(built)
    part = book.sheet(EVENTS)
    book.set_cell(part, f"{n}6", f'<c r="{n}6"><f t="shared" ref="{n}6:{p}6" si="0">C6*100</f><v>-16.9</v></c>')
    book.set_cell(part, f"{o}6", f'<c r="{o}6"><f t="shared" si="0"/><v>6.2</v></c>')
    book.set_cell(part, f"{p}6", f'<c r="{p}6"><f t="shared" si="0"/><v>-11.8</v></c>')
    path = book.save(tmp_path / "deepseek_shock.xlsm")
    assert problems(path) == []
    for _ in range(2):
        code, err = _refresh(path, cache)
        assert code == 0, err
    assert problems(path) == []
    sheet = etree.fromstring(_parts(path)[part])
    formulas = {ref: corpus.xpath(sheet, f"//m:c[@r='{ref}']/m:f") for ref in (f"{n}6", f"{o}6", f"{p}6")}
    assert formulas[f"{n}6"] == []
    assert [(f.text, f.get("t")) for ref in (f"{o}6", f"{p}6") for f in formulas[ref]] == [("D6*100", None),
                                                                                           ("E6*100", None)]


def test_a_book_saved_by_libreoffice_refreshes(built, tmp_path, cache):
    """The workbook opened and saved by LibreOffice (its own XML: shared strings, markup-
    compatibility blocks, renumbered parts), with a stale owned cell and the user's SUM over the
    table's column: refreshed twice, it is sound, the cell is fresh, the note stays, and the SUM
    recalculated by LibreOffice adds the fresh values."""
    from render import convert, recalc_values

    book = corpus.Book.load(built)
    _stale(book)
    part = book.sheet(EVENTS)
    book.set_cell(part, "P30", '<c r="P30"><f>SUM(C6:C8)</f><v>0</v></c>')
    book.set_cell(part, "P31", '<c r="P31" t="inlineStr"><is><t>내 메모</t></is></c>')
    edited = book.save(tmp_path / "edited.xlsm")
    saved = convert(edited, "xlsm:Calc MS Excel 2007 VBA XML", tmp_path / "lo").output
    path = tmp_path / "deepseek_shock.xlsm"
    path.write_bytes(saved.read_bytes())
    for _ in range(2):
        code, err = _refresh(path, cache)
        assert code == 0, err
    assert problems(path) == []
    after = _parts(path)
    fresh = _event_value(path, EVENTS, after)
    assert fresh != STALE and fresh == pytest.approx(_event_value(built, EVENTS, _parts(built)))
    values = recalc_values(path, tmp_path)[EVENTS]
    assert values[30][15] == "내 메모"
    assert values[29][15] == pytest.approx(sum(values[r][2] for r in (5, 6, 7)))
    assert values[29][15] != pytest.approx(STALE + values[6][2] + values[7][2])

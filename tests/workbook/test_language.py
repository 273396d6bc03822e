"""One language per book: every cell of the Korean and the English book, read with
python-calamine, is in the book's language outside marked quotes (「…」: the report's own
words) and outside the cells that hold names (tickers, companies, models, sources, formulas)."""

from __future__ import annotations

import re

import pytest

from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label

from workbook_cli import BUILD_ARGS, ROOT, run_cli

HANGUL = re.compile(r"[\uac00-\ud7a3]")
QUOTE = re.compile(r"「[^」]*」")
#: A raw metric or setting ID (aime2024_pass1): never shown as a name.
METRIC_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
#: English prose: three lower-case words in a row (names are capitalised, tickers upper-case).
PROSE = re.compile(r"\b[a-z]{2,}\b[ ,;:'-]+\b[a-z]{2,}\b[ ,;:'-]+\b[a-z]{2,}\b")


@pytest.fixture(scope="session")
def built_en(tmp_path_factory, prices_path, constituents_path):
    folder = tmp_path_factory.mktemp("built_en")
    out = folder / "deepseek_shock_en.xlsm"
    code, err = run_cli(BUILD_ARGS + ["--lang", "en", "--out", str(out)], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(folder / "cache")})
    assert code == 0, err
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(out))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _cells(values):
    for sheet, rows in values.items():
        if sheet == L.XLWINGS_CONF:
            continue
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str) and value:
                    yield sheet, r, c, value


def test_the_english_book_has_no_korean_outside_marked_quotes(built_en):
    leaks = [(s, r, c, v[:80]) for s, r, c, v in _cells(built_en) if HANGUL.search(QUOTE.sub("", v))]
    assert not leaks, leaks[:20]


def test_the_english_book_marks_the_reports_words_as_quotes(built_en):
    quoted = [v for _, _, _, v in _cells(built_en) if QUOTE.search(v)]
    assert any("「약 1/20」" in v for v in quoted)
    assert any("「696억」" in v for v in quoted)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_raw_metric_ids_are_shown_as_names(built_values, built_en, lang):
    values = built_values if lang == "ko" else built_en
    settings = label(L.sheet("settings").title_key, lang)
    examples = label(L.sheet("examples").title_key, lang)
    shown = [(s, r, c, v) for s, r, c, v in _cells(values)
             if METRIC_ID.match(v) and not (s == settings and c == 1) and s != examples]
    assert not shown, shown[:10]


def test_every_title_header_and_label_cell_of_the_korean_book_is_korean(built_values):
    """Sheet titles, block titles and column headers come from the translation table: none is
    English prose in the Korean book."""
    leaks = []
    for sheet, block in L.blocks():
        rows = built_values[label(sheet.title_key, "ko")]
        header_row, left = block.origin
        for r in (header_row - 1, header_row):
            for value in rows[r - 1][left - 1:left - 1 + block.width]:
                if isinstance(value, str) and PROSE.search(QUOTE.sub("", value)):
                    leaks.append((block.name, value[:80]))
    assert not leaks, leaks


def test_units_and_metric_names_of_the_metrics_table_follow_the_book(built_values, built_en):
    from test_build import _table

    _, ko = _table(built_values, "sb_model_metrics", "ko")
    _, en = _table(built_en, "sb_model_metrics", "en")
    assert {r["unit_text"] for r in ko} >= {"초당 토큰", "지수 포인트", "100만 토큰당 달러"}
    assert not {r["unit_text"] for r in ko} & {"tokens per second", "index points", "seconds"}
    assert {r["unit_text"] for r in en} >= {"tokens per second", "index points"}
    assert {r["metric_name"] for r in ko} >= {"출력 속도", "첫 토큰까지 지연"}

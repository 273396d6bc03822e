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
#: A title in single quotes ('Trading off compute in training and inference'): a paper's or
#: an article's name is kept as published, in the language it was published in.
TITLE = re.compile(r"(?<![A-Za-z])'[^']*'(?![A-Za-z])")
#: The columns that hold identifiers, not text a reader reads as prose (block, column key):
#: the Opinions ``id`` (a slug such as ``wsj-cnbc-reuters`` that user rows refer to), the
#: Settings ``key`` (the setting's name that ``SHOCKBOOK_<KEY>`` and xlwings.conf use) and the
#: UDF examples' ``formula`` (an Excel formula, typed as it must be typed).
IDENTIFIER_COLUMNS = {("sb_opinions", "id"), ("sb_settings", "key"), ("sb_examples", "formula")}


@pytest.fixture(scope="session")
def built_en(built_english):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(built_english))
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


def _identifier_cells(lang: str) -> set[tuple[str, int, int]]:
    """(sheet, row, column) of every cell in an :data:`IDENTIFIER_COLUMNS` column."""
    out = set()
    for sheet, block in L.blocks():
        top, left, bottom, _ = block.owned()
        for i, column in enumerate(block.columns):
            if (block.name, column.key) in IDENTIFIER_COLUMNS:
                out.update((label(sheet.title_key, lang), r, left + i) for r in range(top + 2, bottom + 1))
    return out


#: An error cell starts with ``#SB!``.
ERROR_CELL = "#SB!"


def error_kinds(lang: str = "ko") -> list[str]:
    """The error kinds (``error.*`` of the translation table) as the book in ``lang`` names
    them, longest first: "데이터 없음", "입력 오류", ..."""
    from shockbook.workbook.i18n import labels

    return sorted((t[lang] for k, t in labels().items() if k.startswith("error.")), key=len, reverse=True)


def said_error(lang: str = "ko") -> re.Pattern:
    """An error as a book in ``lang`` says it: its kind in the book's language, a colon, and
    the message as raised up to the end of its note (``데이터 없음: no prices for XYZ``), with
    the ``#SB!`` mark in an error cell or a heading."""
    return re.compile(r"(?:#SB! )?(?:" + "|".join(map(re.escape, error_kinds(lang))) + r"): [^;|]*")


def english_prose(values, lang: str = "ko") -> list[tuple[str, int, int, str]]:
    """Every cell of ``values`` (sheet -> rows, as calamine reads them) with English prose
    outside 「report quotes」, '…'-quoted titles and an error's message after its Korean kind,
    except the identifier columns; and every error cell that does not start with its kind in
    Korean (``#SB! 데이터 없음: ...``)."""
    skip = _identifier_cells(lang)
    errors = said_error(lang)
    return [(s, r, c, v[:90]) for s, r, c, v in _cells(values)
            if (s, r, c) not in skip
            and ((v.startswith(ERROR_CELL) and not errors.match(v))
                 or PROSE.search(errors.sub("", TITLE.sub("", QUOTE.sub("", v)))))]


def test_the_korean_book_has_no_english_prose_in_any_cell(built_values):
    """Every cell of every sheet of the default (Korean) book, read with calamine, is free of
    English prose (three lower-case words in a row) outside 「report quotes」 and '…'-quoted
    titles of papers and articles.

    Exempt, and only these: the xlwings.conf sheet (xlwings' own settings, read by the add-in),
    the identifier columns of :data:`IDENTIFIER_COLUMNS` (an opinion's id, a setting's key, an
    example's formula: text a user types, not prose) and an error's *message*: an error cell
    must start with the error's kind in Korean (``#SB! 데이터 없음: ...``, from the ``error.*``
    labels), and only the message after the kind is exempt, as is the message after the kind
    of an error said inside a note or a heading (``CAR 없음 (데이터 없음: no prices ...)``). The
    message names what failed (tickers, dates, paths, URLs) as raised, in English, the same
    text the CLI and the log show. Notes, sources, model names, units and analysis notes all
    come from the translation table or from the ``_ko`` fields of the curated data, so none is
    exempt.
    """
    leaks = english_prose(built_values)
    assert not leaks, f"{len(leaks)} cells of English prose, e.g. {leaks[:15]}"


def test_the_prose_check_catches_an_english_note():
    """The check above can fail: a Korean book with one English note in a notes column, a
    source in English, an English analysis note, an error cell without its Korean kind, an
    internal error and English prose after a said error's note is caught six times; quotes,
    titles, identifiers and an error's message after its Korean kind are not."""
    opinions, scaling = label("sheet.opinions", "ko"), label("sheet.scaling", "ko")
    values = {opinions: [[None] * 10 for _ in range(8)], scaling: [["자료: Villalobos & Atkinson, "
                                                                    "'Trading off compute in training and inference'"]]}
    values[opinions][5][0] = "wsj-cnbc-reuters"                      # the id column: an identifier
    values[opinions][5][8] = "Printed as 'WSJ' - three outlets in the report."  # a note in English
    values[opinions][6][2] = "「the report's own words stay as printed」"
    values[opinions][6][8] = "pre-event close not regained by 2025-06-30"
    values[opinions][7][2] = "report p.3 (ANET in the bottom 10)"
    values[opinions][2][2] = "#SB! no prices for XYZ between 2025-01-01 and 2025-01-31"  # no Korean kind
    values[opinions][3][2] = "#SB! 데이터 없음: no prices for XYZ between 2025-01-01 and 2025-01-31"
    values[opinions][4][8] = "CAR 없음 (데이터 없음: no prices for the benchmark); the rest is english prose here"
    values[opinions][4][2] = "#SB! internal error: KeyError: 'close'"  # a bug, not an error of a kind
    found = {(r, c) for _, r, c, _ in english_prose(values)}
    assert found == {(6, 9), (7, 9), (8, 3), (3, 3), (5, 9), (5, 3)}


def test_a_refresh_of_the_korean_book_writes_korean_notes(built, tmp_path):
    """``python -m shockbook refresh`` on a built Korean book (the package patcher, the same
    engine as the Excel buttons) says the analysis notes, the curated notes and the sources
    in Korean again: no cell of English prose after the refresh either."""
    import shutil

    from python_calamine import CalamineWorkbook

    path = tmp_path / "deepseek_shock.xlsm"
    shutil.copy(built, path)
    code, err = run_cli(["refresh", "--workbook", str(path), "--offline",
                         "--snapshot", "../shared/data/prices.csv.gz"],
                        cwd=ROOT, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "cache")})
    assert code == 0, err
    book = CalamineWorkbook.from_path(str(path))
    values = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    assert not english_prose(values), english_prose(values)[:10]
    texts = {v for _, _, _, v in _cells(values)}
    assert any(label("analysis.did_not_fall", "ko") in t for t in texts)  # an analysis note
    assert any(t.startswith("「") is False and "보고서 표기" in t for t in texts)  # a curated note

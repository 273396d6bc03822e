"""Report table 1 (opinions) and user rows: the spec of the opinions loader."""

from __future__ import annotations

import textwrap

import pytest

from shockbook.content import load_opinions
from shockbook.content.opinions import OPINIONS_ENV, SOURCE_TYPES
from shockbook.errors import ContentError

REPORT_SOURCES = {
    "positive": ["Mega Research", "Pat Gelsinger", "Nvidia", "BofA", "Jefferies", "Wedbush",
                 "Trendforce"],
    "negative": ["OpenAI", "David Sacks (미 트럼프 행정부 AI 담당관)", "WSJ, CNBC Reuters",
                 "Citigroup", "국태증권리서치본부", "Oracle", "포춘지"],
}

GOOD_USER_ROW = """\
  - id: my-view
    stance: positive
    source: My desk
    source_type: research
    points_ko: [추론 수요 증가]
    points_en: [Inference demand rises]
    tickers: [NVDA, AVGO]
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def user_yaml(tmp_path, rows_text):
    return write(tmp_path, "mine.yaml", "rows:\n" + rows_text)


# --- the built-in table --------------------------------------------------------------------


def test_all_fourteen_rows_seven_per_stance_in_report_order():
    rows = load_opinions().rows
    assert len(rows) == 14
    for stance, sources in REPORT_SOURCES.items():
        assert [r.source for r in rows if r.stance == stance] == sources


def test_every_row_has_a_source_type_points_in_both_languages_and_table_reference():
    for row in load_opinions().rows:
        assert row.source and row.source_type in SOURCE_TYPES
        assert row.points_ko and row.points_en
        assert len(row.points_ko) == len(row.points_en), row.id
        # table 1 is printed on p.4 (the section '1/27 이후 주가 회복 흐름의 배경과 제기되는 쟁점')
        assert row.report_table == 1 and row.report_page == 4
        assert row.origin == "built-in"


def test_fortune_row_is_negative_and_the_decision_is_recorded():
    fortune = next(r for r in load_opinions().rows if r.source == "포춘지")
    assert fortune.stance == "negative"
    assert "no 구분" in fortune.note and "negative" in fortune.note
    assert "83%" in fortune.points_ko[0] and "83%" in fortune.points_en[0]


@pytest.mark.parametrize(
    "source, tickers",
    [("BofA", ("NVDA", "AVGO", "MRVL")), ("Nvidia", ("NVDA",)), ("Jefferies", ())],
)
def test_tickers_concerned(source, tickers):
    row = next(r for r in load_opinions().rows if r.source == source)
    assert row.tickers == tickers


def test_ids_are_unique():
    ids = [r.id for r in load_opinions().rows]
    assert len(ids) == len(set(ids))


# --- user rows -----------------------------------------------------------------------------


def test_user_rows_are_merged_after_the_built_in_rows(tmp_path):
    loaded = load_opinions(user_yaml(tmp_path, GOOD_USER_ROW))
    assert loaded.errors == ()
    assert len(loaded.rows) == 15
    mine = loaded.rows[-1]
    assert (mine.id, mine.stance, mine.tickers) == ("my-view", "positive", ("NVDA", "AVGO"))
    assert mine.origin.endswith("mine.yaml")


def test_user_file_from_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(OPINIONS_ENV, str(user_yaml(tmp_path, GOOD_USER_ROW)))
    assert load_opinions().rows[-1].id == "my-view"


def test_explicit_user_file_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(OPINIONS_ENV, str(tmp_path / "does-not-exist.yaml"))
    loaded = load_opinions(user_yaml(tmp_path, GOOD_USER_ROW))
    assert loaded.errors == () and loaded.rows[-1].id == "my-view"


def test_user_csv_with_lists_separated_by_bars(tmp_path):
    path = write(tmp_path, "mine.csv", """\
        id,stance,source,source_type,points_ko,points_en,tickers,note
        csv-view,부정,Some broker,sell-side,첫째 | 둘째,First | Second,"TSM, ASML",
        """)
    loaded = load_opinions(path)
    assert loaded.errors == ()
    row = loaded.rows[-1]
    assert (row.stance, row.points_en, row.tickers) == ("negative", ("First", "Second"), ("TSM", "ASML"))


def test_korean_stance_labels_are_accepted(tmp_path):
    loaded = load_opinions(user_yaml(tmp_path, GOOD_USER_ROW.replace("positive", "긍정")))
    assert loaded.rows[-1].stance == "positive"


# --- malformed user rows: clear messages, valid rows still load -----------------------------

BAD_ROWS = [
    # (what is wrong, the row text, field named, words expected in the message)
    ("missing stance", GOOD_USER_ROW.replace("    stance: positive\n", ""), "stance", "missing"),
    ("unknown stance", GOOD_USER_ROW.replace("stance: positive", "stance: neutral"), "stance",
     "'neutral' is not one of positive, negative"),
    ("bad number", GOOD_USER_ROW + "    report_page: twelve\n", "report_page", "not a number"),
    ("unknown source type", GOOD_USER_ROW.replace("research", "blog"), "source_type", "'blog'"),
    ("ticker read as yes/no", GOOD_USER_ROW.replace("[NVDA, AVGO]", "[ON]"), "tickers", "quote"),
    ("misspelt field", GOOD_USER_ROW.replace("tickers:", "tikers:"), "tikers", "not a known field"),
    ("duplicate id", GOOD_USER_ROW.replace("my-view", "nvidia"), "id", "already used"),
    ("no points in either language",
     GOOD_USER_ROW.replace("[Inference demand rises]", "[]").replace("[추론 수요 증가]", "[]"),
     "points_ko", "both missing"),
]


@pytest.mark.parametrize("what, row_text, field, words", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_malformed_user_row_is_reported_and_other_rows_still_load(tmp_path, what, row_text, field, words):
    second_good = GOOD_USER_ROW.replace("my-view", "second-view")
    path = user_yaml(tmp_path, row_text + second_good)
    loaded = load_opinions(path)
    assert [r.id for r in loaded.rows][-1] == "second-view"
    assert len(loaded.rows) == 15  # 14 built-in + the good user row
    assert len(loaded.errors) == 1
    error = loaded.errors[0]
    assert isinstance(error, ContentError)
    assert (error.file, error.row, error.field) == (str(path), 1, field)
    assert error.line == 2  # the row's first line in the file
    assert "mine.yaml row 1 (line 2)" in error.message and f"field '{field}'" in error.message
    assert words in error.message


def test_a_user_row_in_one_language_is_shown_in_both(tmp_path):
    english_only = GOOD_USER_ROW.replace("    points_ko: [추론 수요 증가]\n", "")
    loaded = load_opinions(user_yaml(tmp_path, english_only))
    assert not loaded.errors
    mine = loaded.rows[-1]
    assert mine.points_ko == mine.points_en == ("Inference demand rises",)


def test_user_csv_tickers_may_be_separated_by_bars(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("id,stance,source,source_type,points_en,tickers\n"
                    "desk-1,positive,My desk,research,More inference,NVDA | amd\n", encoding="utf-8")
    loaded = load_opinions(path)
    assert not loaded.errors and loaded.rows[-1].tickers == ("NVDA", "AMD")


def test_strict_mode_raises_the_first_error_and_counts_the_others(tmp_path):
    bad = GOOD_USER_ROW.replace("stance: positive", "stance: neutral")
    worse = bad.replace("my-view", "other").replace("source_type: research", "source_type: blog")
    path = user_yaml(tmp_path, bad + worse)
    with pytest.raises(ContentError, match=r"row 1 .*'neutral'.*\(and 2 more content error"):
        load_opinions(path, strict=True)


def test_missing_user_file_is_one_error_and_the_report_rows_still_load(tmp_path):
    loaded = load_opinions(tmp_path / "nope.yaml")
    assert len(loaded.rows) == 14
    assert len(loaded.errors) == 1 and "nope.yaml: file not found" in loaded.errors[0].message


def test_user_file_that_is_not_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "broken.yaml", "rows:\n  - id: x\n   stance: [unclosed\n")
    loaded = load_opinions(path)
    assert len(loaded.rows) == 14
    assert "broken.yaml: is not valid YAML at line" in loaded.errors[0].message


def test_user_csv_bad_row_names_the_physical_line(tmp_path):
    path = write(tmp_path, "mine.csv", """\
        # my opinions
        id,stance,source,source_type,points_ko,points_en
        a,positive,X,research,가,A
        b,maybe,Y,research,나,B
        """)
    loaded = load_opinions(path)
    assert [r.id for r in loaded.rows][-1] == "a"
    (error,) = loaded.errors
    assert (error.row, error.line, error.field) == (2, 4, "stance")
    assert error.cell_text().startswith("#SB! mine.csv row 2 (line 4), field 'stance'")


def test_user_csv_cells_may_span_lines_as_excel_writes_them(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        'id,stance,source,source_type,points_ko,points_en\n'
        'multi,positive,Desk,research,"첫째\n둘째","First\nSecond"\n'
        'bad,positive,Desk,blog,가,A\n',
        encoding="utf-8",
    )
    loaded = load_opinions(path)
    assert loaded.rows[-1].points_en == ("First", "Second")
    (error,) = loaded.errors
    assert (error.row, error.line, error.field) == (2, 5, "source_type")  # the first record spans lines 2-4

"""The layout spec is consistent: unique names, no overlaps, every label in both languages."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from shockbook.workbook import layout as L
from shockbook.workbook.engine import check_out_path, project
from shockbook.workbook.i18n import LANGS, has_label, label, labels
from shockbook.errors import InputError, UnknownNameError


def test_block_names_are_unique_table_names():
    names = [b.name for _, b in L.blocks()]
    assert len(names) == len(set(names))
    assert all(n.startswith("sb_") and n.isidentifier() for n in names)


def test_no_two_blocks_on_a_sheet_overlap():
    assert L.overlaps() == []


def test_overlap_check_finds_a_planted_overlap():
    a = L.Block("sb_a", "A5", lambda ctx: None, (L.Column("x"), L.Column("y")), 10)
    b = L.Block("sb_b", "B10", lambda ctx: None, (L.Column("x"),), 3)
    saved = L.LAYOUT
    try:
        L.LAYOUT = (L.Sheet("t", blocks=(a, b)),)
        assert L.overlaps() == [("sb_a", "sb_b")]
    finally:
        L.LAYOUT = saved


@pytest.mark.parametrize("lang", LANGS)
def test_every_label_the_layout_uses_exists(lang):
    for sheet in L.LAYOUT:
        assert label(sheet.title_key, lang)
        assert len(label(sheet.title_key, lang)) <= 31
        assert not set("[]:*?/\\") & set(label(sheet.title_key, lang))
        for block in sheet.blocks:
            assert label(block.title_key, lang)
            headers = [c.header(lang) for c in block.columns]
            assert len(headers) == len(set(headers)), (block.name, headers)
            for chart in block.charts:
                assert label(chart.title, lang)
                assert chart.x in [c.key for c in block.columns]
                assert set(chart.series) <= {c.key for c in block.columns}


def test_every_label_has_both_languages():
    assert all(texts["ko"] and texts["en"] for texts in labels().values())


def test_an_unknown_label_names_the_key():
    with pytest.raises(UnknownNameError, match="no.such.key"):
        label("no.such.key", "ko")
    assert not has_label("no.such.key")


def test_owned_range_is_title_row_header_and_capacity():
    block = L.Block("sb_x", "B5", lambda ctx: None, (L.Column("a"), L.Column("b"), L.Column("c")), 10)
    assert block.owned() == (4, 2, 15, 4)
    assert block.owned_ref() == "B4:D15"


def test_project_turns_frames_into_plain_cells():
    frame = pd.DataFrame({"a": [1.5, math.nan], "d": pd.to_datetime(["2025-01-27", None]),
                          "n": pd.array([3, 4], dtype="int64")})
    rows = project(frame, [L.Column("a"), L.Column("d"), L.Column("missing"), L.Column("n")])
    assert rows == [[1.5, dt.datetime(2025, 1, 27), None, 3], [None, None, None, 4]]
    assert type(rows[0][3]) is int


@pytest.mark.parametrize(("name", "problem"), [
    ("book.xlsx", ".xlsm"),
    ("shockbook.xlsm", "must not be named shockbook"),
    ("my-book.xlsm", "identifier"),
])
def test_bad_workbook_names_are_refused(name, problem, tmp_path):
    with pytest.raises(InputError, match=problem):
        check_out_path(tmp_path / name)

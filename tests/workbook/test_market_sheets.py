"""The market sheets as a Seoul strategist reads them, from the built files (python-calamine):
every word of the Korean book's market tables is Korean, the English book's English."""

from __future__ import annotations

import re

import pytest
from python_calamine import CalamineWorkbook

from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label

HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: The eleven GICS sectors as the S&P 500 members file names them.
GICS = {"Information Technology", "Health Care", "Financials", "Consumer Discretionary", "Consumer Staples",
        "Industrials", "Energy", "Materials", "Utilities", "Real Estate", "Communication Services"}


def _column(path, block_name: str, key: str, lang: str) -> list:
    """The values of one column of a block, below its header, read by calamine."""
    sheet, block = L.block(block_name)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(label(sheet.title_key, lang)).to_python()
    top, left = block.origin
    col = left - 1 + [c.key for c in block.columns].index(key)
    assert rows[top - 1][col] == block.column(key).header(lang)
    return [row[col] for row in rows[top:top + 10] if len(row) > col and row[col] != ""]


@pytest.mark.parametrize("block_name", ["sb_breadth_worst", "sb_breadth_best"])
def test_the_korean_breadth_lists_name_each_sector_in_korean(built, block_name):
    sectors = _column(built, block_name, "sector", "ko")
    assert len(sectors) == 10
    assert all(HANGUL.search(s) for s in sectors), sectors
    assert not GICS & set(sectors)


@pytest.mark.parametrize("block_name", ["sb_breadth_worst", "sb_breadth_best"])
def test_the_english_breadth_lists_keep_the_gics_names(built_english, block_name):
    sectors = _column(built_english, block_name, "sector", "en")
    assert len(sectors) == 10 and set(sectors) <= GICS, sectors


@pytest.mark.parametrize("block_name", ["sb_event_returns", "sb_global_reaction"])
def test_the_price_source_of_each_row_is_named_in_the_books_language(built, built_english, block_name):
    ko, en = _column(built, block_name, "source", "ko"), _column(built_english, block_name, "source", "en")
    assert ko and all(s.startswith("스냅샷") for s in ko), ko  # not "snapshot (최신 아님)"
    assert en and all(s.startswith("snapshot") for s in en), en


def _column_widths(path) -> dict[str, dict[int, float]]:
    """Sheet title -> {column: width in characters} from the worksheet parts (lxml)."""
    import zipfile

    from lxml import etree
    from ooxml import NS, sheet_parts

    out = {}
    with zipfile.ZipFile(path) as z:
        for title, part in sheet_parts(path).items():
            root = etree.fromstring(z.read(part))
            out[title] = {c: float(col.get("width")) for col in root.iterfind("main:cols/main:col", NS)
                          for c in range(int(col.get("min")), int(col.get("max")) + 1)}
    return out


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_header_word_is_broken_across_two_lines(built, built_english, lang):
    """A header may wrap between its words, never inside one ('Benchmar / k', 't[- / 1,+1]'):
    each word fits its column with HEADER_WORD_PAD characters to spare (LibreOffice draws bold
    glyphs wider than the estimate: 'Benchmark' broke in a column of 10)."""
    from shockbook.template.styling import HEADER_WORD_PAD
    from shockbook.text import display_width

    path = built if lang == "ko" else built_english
    widths = _column_widths(path)
    book = CalamineWorkbook.from_path(str(path))
    broken = []
    for sheet in L.LAYOUT:
        title = label(sheet.title_key, lang)
        rows = book.get_sheet_by_name(title).to_python()
        for block in sheet.blocks:
            top, left = block.origin
            for i, column in enumerate(block.columns):
                header = str(rows[top - 1][left - 1 + i]) if len(rows[top - 1]) > left - 1 + i else ""
                width = widths[title].get(left + i, 8.43)
                broken += [(title, header, word, width) for word in header.split()
                           if display_width(word) + HEADER_WORD_PAD > width]
    assert not broken, broken

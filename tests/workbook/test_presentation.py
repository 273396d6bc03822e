"""Presentation rules of the built book, read as a file (zipfile + lxml, python-calamine):
numeric headers over their numbers, capped row heights, legends for every symbol, no "nan"."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree
from ooxml import NS, sheet_parts

from shockbook.template.styling import MAX_ROW_POINTS, is_numeric
from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label


@pytest.fixture(scope="module")
def package(built):
    parts = sheet_parts(built)
    with zipfile.ZipFile(built) as z:
        styles = etree.fromstring(z.read("xl/styles.xml"))
        sheets = {title: etree.fromstring(z.read(part)) for title, part in parts.items()}
    xfs = styles.findall("main:cellXfs/main:xf", NS)
    return sheets, xfs


def _cell(root, ref):
    return root.find(f".//main:c[@r='{ref}']", NS)


def _horizontal(xfs, cell) -> str:
    if cell is None:
        return ""
    align = xfs[int(cell.get("s", 0))].find("main:alignment", NS)
    return "" if align is None else align.get("horizontal", "")


@pytest.mark.parametrize("name", [b.name for _, b in L.blocks() if any(is_numeric(c) for c in b.columns)])
def test_numeric_headers_are_aligned_with_their_numbers(package, name):
    sheets, xfs = package
    sheet, block = L.block(name)
    root = sheets[label(sheet.title_key, "ko")]
    row, left = block.origin
    for i, column in enumerate(block.columns):
        ref = f"{L.column_letter(left + i)}{row}"
        want = "right" if is_numeric(column) else ""
        assert _horizontal(xfs, _cell(root, ref)) == want, (name, column.key)


def test_no_data_row_is_taller_than_the_cap(package):
    sheets, _ = package
    tall = [(t, r.get("r"), r.get("ht")) for t, root in sheets.items() for r in root.iterfind(".//main:row", NS)
            if r.get("ht") and float(r.get("ht")) > MAX_ROW_POINTS]
    assert not tall, tall[:10]


def test_no_cell_reads_nan_or_hashes(built_values):
    bad = [(s, v) for s, rows in built_values.items() for row in rows for v in row
           if isinstance(v, str) and (v.strip().lower() in ("nan", "nat", "none") or v.startswith("###"))]
    assert not bad, bad[:10]


@pytest.mark.parametrize(("sheet", "symbols"), [("calendar", "★◆†"), ("scaling", ("EST", "DISP", "CALC", "WEAK", "DATE")),
                                                  ("dashboard", "✓≈✗")])
def test_every_symbol_used_is_explained_on_its_sheet(built_values, sheet, symbols):
    text = " ".join(str(v) for row in built_values[label(L.sheet(sheet).title_key, "ko")][:3] for v in row)
    for symbol in symbols:
        assert symbol in text, (sheet, symbol)


def _alignment(xfs, cell):
    """``(horizontal, indent)`` of a cell's style ("" and 0 when none is set)."""
    if cell is None:
        return "", 0
    align = xfs[int(cell.get("s", 0))].find("main:alignment", NS)
    return ("", 0) if align is None else (align.get("horizontal", ""), int(align.get("indent", "0")))


def _is_number(cell) -> bool:
    return cell is not None and cell.get("t") in (None, "n") and cell.find("main:v", NS) is not None


@pytest.mark.parametrize("name", [b.name for _, b in L.blocks() if any(is_numeric(c) for c in b.columns)])
def test_a_number_and_its_header_keep_room_before_the_next_column(package, name):
    """A right-aligned number ran into the next column's left-aligned text: figure 2's "0.18
    2025-02-05", table 3's "69.6 하회", the calendar's "2025-02-03 3". Numbers and numeric
    headers are right-aligned with one character of indent."""
    sheets, xfs = package
    sheet, block = L.block(name)
    root = sheets[label(sheet.title_key, "ko")]
    row, left = block.origin
    for i, column in enumerate(block.columns):
        if not is_numeric(column):
            continue
        letter = L.column_letter(left + i)
        assert _alignment(xfs, _cell(root, f"{letter}{row}")) == ("right", 1), (name, column.key)
        numbers = [c for c in (_cell(root, f"{letter}{r}") for r in range(row + 1, row + 1 + block.capacity))
                   if _is_number(c)]
        assert all(_alignment(xfs, c)[0] == "right" and _alignment(xfs, c)[1] >= 1 for c in numbers), (name, column.key)


def test_the_api_cost_calculators_headers_sit_over_their_numbers(package):
    """The calculator's headers were left-aligned over right-aligned prices and costs (the issue's
    "the API cost calculator slides one column")."""
    sheets, xfs = package
    root = sheets[label("sheet.scaling", "ko")]
    start = int(L.CALCULATOR_ANCHOR[1:])
    head = next(r for r in range(start, start + 12)
                if _cell(root, f"E{r}") is not None and _cell(root, f"E{r}").get("t") in ("s", "inlineStr", "str"))
    for letter in "BCDE":
        assert _alignment(xfs, _cell(root, f"{letter}{head}")) == ("right", 1), letter
        assert _alignment(xfs, _cell(root, f"{letter}{head + 1}"))[0] == "right", letter
    assert _alignment(xfs, _cell(root, f"A{head}"))[0] in ("", "left")


def test_every_flag_of_the_calendar_list_is_explained_on_its_sheet(built_values):
    """The Korean book's calendar list showed NAME, TICKER and SPACING with no word of what they mean."""
    from test_build import _table

    _, rows = _table(built_values, "sb_calendar_list")
    flags = {f for r in rows for f in str(r["flag"]).split()}
    assert flags >= {"NAME", "TICKER", "SPACING"}
    legend = " ".join(str(v) for row in built_values[label("sheet.calendar", "ko")][:3] for v in row)
    assert all(flag in legend for flag in flags | {"DATE"}), (flags, legend)


#: LibreOffice draws the book's text about 1.2x as wide as Excel's column-width characters.
RENDERED = 1.2


def _printed_note(path, sheet_key):
    """``(text, room, merged_to_last, wrapped, row_points)`` of a sheet's row-3 note: ``room`` is the
    width (characters) of the printed columns from the note's cell to the print area's right edge."""
    import re

    from python_calamine import CalamineWorkbook

    reader = CalamineWorkbook.from_path(str(path))
    title = next(label(L.sheet(sheet_key).title_key, lang) for lang in ("ko", "en")
                 if label(L.sheet(sheet_key).title_key, lang) in reader.sheet_names)
    rows = reader.get_sheet_by_name(title).to_python()
    col = next((i for i in (0, 1) if len(rows) > 2 and len(rows[2]) > i and rows[2][i]), None)
    if col is None:
        return None
    parts = sheet_parts(path)
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(parts[title]))
        book = etree.fromstring(z.read("xl/workbook.xml"))
        xfs = etree.fromstring(z.read("xl/styles.xml")).findall("main:cellXfs/main:xf", NS)
    index = [s.get("name") for s in book.iterfind("main:sheets/main:sheet", NS)].index(title)
    area = next(d.text for d in book.iterfind("main:definedNames/main:definedName", NS)
                if d.get("name") == "_xlnm.Print_Area" and d.get("localSheetId") == str(index))
    last = None
    for first_col, top, last_col, bottom in re.findall(r"\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)", area):
        if int(top) <= 3 <= int(bottom):
            last = L.cell_position(f"{last_col}1")[1]
    widths = {}
    for c in root.iterfind("main:cols/main:col", NS):
        for i in range(int(c.get("min")), int(c.get("max")) + 1):
            widths[i] = float(c.get("width"))
    room = sum(widths.get(i, 8.43) for i in range(col + 1, last + 1))
    start = f"{L.column_letter(col + 1)}3"
    merged = any(m.get("ref") == f"{start}:{L.column_letter(last)}3" for m in root.iterfind(".//main:mergeCell", NS))
    row = root.find(".//main:row[@r='3']", NS)
    align = xfs[int(_cell(root, start).get("s", 0))].find("main:alignment", NS)
    wrapped = align is not None and align.get("wrapText") in ("1", "true")
    return rows[2][col], room, merged, wrapped, float(row.get("ht")) if row.get("ht") else 15.0


@pytest.mark.parametrize("book", ["built", "built_english"])
@pytest.mark.parametrize("sheet_key", ["opinions", "scaling", "calendar"])
def test_a_sheets_note_is_printed_whole(request, book, sheet_key):
    """The English Scaling legend ("... not published = n") and the calendar's legend ran past the
    page's right edge: a note wider than the printed columns wraps over them, its row tall enough."""
    import math

    from shockbook.text import display_width

    text, room, merged, wrapped, points = _printed_note(request.getfixturevalue(book), sheet_key)
    need = display_width(text) * RENDERED
    if need > room:
        assert merged and wrapped, (sheet_key, need, room)
        assert points >= 15 * math.ceil(need / room), (sheet_key, points)


def test_table_3s_eps_header_is_not_broken_inside_its_unit(package):
    """Table 3's "EPS (달러)" printed as "EPS (" over "달러)" in a column sized for half its width."""
    from shockbook.text import display_width

    sheets, _ = package
    sheet, block = L.block("sb_calls")
    root = sheets[label(sheet.title_key, "ko")]
    col = block.origin[1] + [c.key for c in block.columns].index("eps_usd")
    width = next(float(c.get("width")) for c in root.iterfind("main:cols/main:col", NS)
                 if int(c.get("min")) <= col <= int(c.get("max")))
    assert width >= display_width(block.column("eps_usd").header("ko")), width


def test_the_sources_sheet_names_the_dip_screen_not_its_score_formula(built_values):
    """The Sources sheet's table column read "낙폭 큰 순서 · 점수 = w낙폭×(−이벤트일 수익률) + ..." for the
    dip screen: its heading on the Dip screen sheet is the score formula, not a name."""
    from test_build import _table

    _, rows = _table(built_values, "sb_sources")
    dip = [r["block"] for r in rows if r["sheet"] == label("sheet.dip", "ko")]
    assert "저가매수 스크린 (낙폭 큰 순서)" in dip and not any("×" in name or "=" in name for name in dip), dip


def test_the_sources_sheets_table_names_print_on_one_line(package, built_values):
    """The Sources sheet's table column wrapped "그림16 레이턴시 (첫 토큰까지 초)" before its last ")":
    every table name but the two long report headings fits its column."""
    from shockbook.text import display_width

    from test_build import _table

    sheets, _ = package
    sheet, block = L.block("sb_sources")
    root = sheets[label(sheet.title_key, "ko")]
    col = block.origin[1]
    width = next(float(c.get("width")) for c in root.iterfind("main:cols/main:col", NS)
                 if int(c.get("min")) <= col <= int(c.get("max")))
    names = [r["block"] for r in _table(built_values, "sb_sources")[1]]
    short = [n for n in names if display_width(n) <= 40]
    assert len(short) >= len(names) - 2 and all(display_width(n) <= width for n in short), (width, short)


def _fill(styles, xfs, cell) -> str:
    """The solid fill colour (ARGB) of a cell's style, "" when none."""
    fills = styles.findall("main:fills/main:fill", NS)
    fill = fills[int(xfs[int(cell.get("s", 0))].get("fillId", 0))].find("main:patternFill", NS)
    color = None if fill is None else fill.find("main:fgColor", NS)
    return "" if color is None or fill.get("patternType") != "solid" else color.get("rgb", "")


@pytest.mark.parametrize("name", [b.name for _, b in L.blocks() if b.role == "input"])
def test_every_input_cell_is_yellow_whatever_its_number_format(built, package, name):
    """The sheets say "change the yellow cells": the dip screen's weights (numbers, so styled
    again for their format) had lost their fill."""
    sheets, xfs = package
    with zipfile.ZipFile(built) as z:
        styles = etree.fromstring(z.read("xl/styles.xml"))
    sheet, block = L.block(name)
    root = sheets[label(sheet.title_key, "ko")]
    row, left = block.origin
    value = left + [i for i, c in enumerate(block.columns) if c.key not in ("key", "item")][0]  # what is typed
    cells = [_cell(root, f"{L.column_letter(value)}{r}") for r in range(row + 1, row + 1 + block.capacity)]
    cells = [c for c in cells if c is not None and (c.find("main:v", NS) is not None or c.find("main:is", NS) is not None)]
    assert cells and all(_fill(styles, xfs, c).endswith("FFF2CC") for c in cells), name


def test_the_dip_screens_score_and_rank_keep_room_before_the_ticker(package):
    """"+34.7%VST": the score formulas (written beside the table) are numbers like the others."""
    sheets, xfs = package
    sheet, block = L.block("sb_dip_screen")
    root = sheets[label(sheet.title_key, "ko")]
    row, _ = block.origin
    for letter in "AB":
        cell = _cell(root, f"{letter}{row + 1}")
        assert _alignment(xfs, cell) == ("right", 1), letter

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

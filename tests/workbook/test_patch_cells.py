"""Cells written into a worksheet part by the package writer (``shockbook.patch.sheetxml``).

Read back with lxml: text is an inline string (never a formula, whatever it starts with), rows
and cells stay sorted, a cell's style stays, and a cell that already holds the value keeps its
bytes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from shockbook.patch.sheetxml import SheetData

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         '<row r="2"><c r="B2" s="3"><v>1</v></c><c r="D2" t="inlineStr"><is><t>keep</t></is></c></row>'
         '<row r="5"><c r="A5"><f>SUM(B2:B3)</f><v>1</v></c></row></sheetData></worksheet>')


def _data():
    root = etree.fromstring(SHEET)
    return root, SheetData(root)


@pytest.mark.parametrize("text", ["=1+1", "+CALL", "-X", "@A1", "plain", " padded "])
def test_text_is_an_inline_string_never_a_formula(text):
    root, data = _data()
    data.set(3, 2, text)
    cell = root.xpath("//m:c[@r='B3']", namespaces=NS)[0]
    assert cell.get("t") == "inlineStr" and cell.find("m:f", NS) is None
    assert "".join(cell.xpath(".//m:t/text()", namespaces=NS)) == text


@pytest.mark.parametrize(("value", "t", "v"), [
    (0.25, None, "0.25"), (7, None, "7"), (True, "b", "1"), (dt.date(2025, 1, 27), None, "45684.0"),
])
def test_numbers_booleans_and_dates(value, t, v):
    root, data = _data()
    data.set(2, 2, value)
    cell = root.xpath("//m:c[@r='B2']", namespaces=NS)[0]
    assert (cell.get("t"), cell.findtext("m:v", namespaces=NS), cell.get("s")) == (t, v, "3")  # style kept


def test_new_rows_and_cells_are_inserted_in_order():
    root, data = _data()
    data.set(3, 1, "x")
    data.set(2, 3, "y")
    data.set(1, 1, "z")
    data.set(9, 1, "w")
    assert root.xpath("//m:row/@r", namespaces=NS) == ["1", "2", "3", "5", "9"]
    assert root.xpath("//m:row[@r='2']/m:c/@r", namespaces=NS) == ["B2", "C2", "D2"]


def test_a_cell_that_holds_the_value_is_left_as_it_was():
    root, data = _data()
    data.set(2, 4, "keep")
    data.set(2, 2, 1)
    assert not data.changed
    assert etree.tostring(root) == etree.tostring(etree.fromstring(SHEET))


def test_clearing_keeps_the_style_and_drops_the_value():
    root, data = _data()
    data.clear(2, 2)
    cell = root.xpath("//m:c[@r='B2']", namespaces=NS)[0]
    assert cell.get("s") == "3" and len(cell) == 0


def test_a_moved_formula_stays_a_formula_and_shared_formulas_are_unshared():
    from shockbook.patch.sheetxml import KeptFormula

    root = etree.fromstring(SHEET.replace(
        '<row r="5">', '<row r="4"><c r="A4"><f t="shared" ref="A4:B4" si="0">B2*2</f><v>2</v></c>'
                       '<c r="B4"><f t="shared" si="0"/><v>6</v></c></row><row r="5">'))
    data = SheetData(root)
    cells = {ref: root.xpath(f"//m:c[@r='{ref}']", namespaces=NS)[0] for ref in ("A5", "A4", "B4")}
    data.set(7, 1, KeptFormula("=SUM(B2:B3)", cells["A5"]))
    data.set(8, 1, KeptFormula("=B2*2", cells["A4"]))
    data.set(8, 2, KeptFormula("=", cells["B4"]))
    moved = {ref: root.xpath(f"//m:c[@r='{ref}']", namespaces=NS)[0] for ref in ("A7", "A8", "B8")}
    assert moved["A7"].findtext("m:f", namespaces=NS) == "SUM(B2:B3)" and moved["A7"].find("m:v", NS) is None
    assert moved["A8"].find("m:f", NS).attrib == {} and moved["A8"].findtext("m:f", namespaces=NS) == "B2*2"
    assert moved["B8"].find("m:f", NS) is None and moved["B8"].findtext("m:v", namespaces=NS) == "6"


SHARED = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
          '<row r="6"><c r="N6"><f t="shared" ref="N6:P7" si="0">C6*100</f><v>1</v></c>'
          '<c r="O6"><f t="shared" si="0"/><v>2</v></c><c r="P6"><f t="shared" si="0"/><v>3</v></c></row>'
          '<row r="7"><c r="N7"><f t="shared" si="0"/><v>4</v></c><c r="O7"><f t="shared" si="0"/><v>5</v></c>'
          '</row></sheetData></worksheet>')


def _formulas(root) -> dict[str, tuple]:
    return {c.get("r"): (f.text, f.get("t"), f.get("ref"), f.get("si"))
            for c in root.iter("{%s}c" % NS["m"]) for f in c.findall("m:f", NS)}


@pytest.mark.parametrize("write", [lambda data: data.set(6, 14, 0.5), lambda data: data.clear(6, 14)])
def test_overwriting_a_shared_formula_leader_gives_the_rest_of_the_fill_their_own_formulas(write):
    """A user filled a formula from an owned cell (N6) into their own cells: the refresh writes
    N6, and every other cell of the fill gets the formula of its own, moved to its position as
    Excel moves it (a shared-formula follower without its leader is a broken file to Excel)."""
    root = etree.fromstring(SHARED)
    data = SheetData(root)
    write(data)
    assert _formulas(root) == {
        "O6": ("D6*100", None, None, None), "P6": ("E6*100", None, None, None),
        "N7": ("C7*100", None, None, None), "O7": ("D7*100", None, None, None),
    }
    assert root.xpath("//m:c[@r='O7']/m:v/text()", namespaces=NS) == ["5"]  # the last value stays


def test_overwriting_the_whole_fill_leaves_no_shared_formula():
    root = etree.fromstring(SHARED)
    data = SheetData(root)
    for r, col in ((6, 14), (6, 15), (6, 16), (7, 14), (7, 15)):
        data.set(r, col, 1)
    assert _formulas(root) == {}

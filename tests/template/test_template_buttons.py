"""Form Control buttons: the spec, the VML, and the sheet XML splice."""

from __future__ import annotations

from xml.etree import ElementTree

import openpyxl
import pytest

from shockbook.errors import InputError
from shockbook.template.buttons import (
    ButtonSpec,
    column_points,
    row_points,
    vml_drawing,
    with_legacy_drawing,
)

V = "{urn:schemas-microsoft-com:vml}"
X = "{urn:schemas-microsoft-com:office:excel}"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# --- the spec --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "anchor"),
    [
        ("A1:A1", (0, 0, 1, 1)),
        ("A1:B2", (0, 0, 2, 2)),
        ("F2:G3", (5, 1, 7, 3)),
        ("AA10:AB12", (26, 9, 28, 12)),
    ],
)
def test_anchor_is_zero_based_edges_with_the_far_corner_after_the_range(cells, anchor):
    assert ButtonSpec("S", "RefreshAll", "Go", cells).anchor() == anchor


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("macro", {"macro": "Refresh All"}),
        ("macro", {"macro": "1Refresh"}),
        ("macro", {"macro": "[0]!RefreshAll"}),
        ("macro", {"macro": "a.b.c"}),
        ("cells", {"cells": "A"}),
        ("cells", {"cells": "not a range"}),
        ("cells", {"cells": "A:B"}),
    ],
)
def test_invalid_spec_names_the_bad_field(field, kwargs):
    arguments = {"sheet": "S", "macro": "RefreshAll", "text": "Go", "cells": "A1:B2", **kwargs}
    with pytest.raises(InputError) as caught:
        ButtonSpec(**arguments)
    assert caught.value.field == field


@pytest.mark.parametrize(("macro", "procedure"), [("RefreshAll", "RefreshAll"),
                                                  ("ShockbookMacros.RefreshAll", "RefreshAll")])
def test_procedure_drops_the_module(macro, procedure):
    assert ButtonSpec("S", macro, "Go").procedure == procedure


# --- geometry --------------------------------------------------------------------------------


def test_default_column_is_64_px_and_default_row_15_pt():
    sheet = openpyxl.Workbook().active
    assert column_points(sheet, 1) == 48.0  # 64 px * 0.75
    assert row_points(sheet, 1) == 15.0


def test_set_and_hidden_dimensions():
    sheet = openpyxl.Workbook().active
    sheet.column_dimensions["B"].width = 10  # trunc(10 * 7 + 5) = 75 px
    sheet.column_dimensions["C"].hidden = True
    sheet.row_dimensions[2].height = 30
    sheet.row_dimensions[3].hidden = True
    assert column_points(sheet, 2) == 56.25
    assert column_points(sheet, 3) == 0.0
    assert row_points(sheet, 2) == 30.0
    assert row_points(sheet, 3) == 0.0


# --- the VML ---------------------------------------------------------------------------------


def test_vml_is_ascii_xml_with_one_bound_button_per_spec():
    sheet = openpyxl.Workbook().active
    buttons = [ButtonSpec("S", "RefreshAll", "새로고침 & <go>", "B2:C3"),
               ButtonSpec("S", "ShockbookMacros.RefreshActiveSheet", "Sheet", "E2:F3", printed=False)]
    vml = vml_drawing(sheet, buttons, block=3)
    assert vml.isascii()
    root = ElementTree.fromstring(vml)
    shapes = root.findall(f"{V}shape")
    assert [s.get("{urn:schemas-microsoft-com:office:office}spid") for s in shapes] == [
        "_x0000_s3073", "_x0000_s3074"]
    data = [s.find(f"{X}ClientData") for s in shapes]
    assert [d.get("ObjectType") for d in data] == ["Button", "Button"]
    assert [d.findtext(f"{X}FmlaMacro") for d in data] == [
        "[0]!RefreshAll", "[0]!ShockbookMacros.RefreshActiveSheet"]
    assert [d.findtext(f"{X}Anchor") for d in data] == ["1, 0, 1, 0, 3, 0, 3, 0", "4, 0, 1, 0, 6, 0, 3, 0"]
    assert [d.findtext(f"{X}PrintObject") for d in data] == [None, "False"]
    assert "".join(shapes[0].find(f"{V}textbox").itertext()) == "새로고침 & <go>"
    assert "margin-left:48pt;margin-top:15pt;width:96pt;height:30pt" in shapes[0].get("style")


# --- the sheet XML splice --------------------------------------------------------------------

R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
HEAD = f'<worksheet xmlns="{MAIN}"><sheetData/><pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/>'


def _children(xml: str) -> list[str]:
    return [child.tag.rpartition("}")[2] for child in ElementTree.fromstring(xml)]


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("", ["sheetData", "pageMargins", "legacyDrawing"]),
        (f'<drawing {R} r:id="rId1"/>', ["sheetData", "pageMargins", "drawing", "legacyDrawing"]),
        (f'<drawing {R} r:id="rId1"/><tableParts count="1"><tablePart {R} r:id="rId2"/></tableParts>',
         ["sheetData", "pageMargins", "drawing", "legacyDrawing", "tableParts"]),
        ("<extLst><ext uri='x'/></extLst>", ["sheetData", "pageMargins", "legacyDrawing", "extLst"]),
    ],
    ids=["nothing-after", "after-chart-drawing", "before-tables", "before-extlst"],
)
def test_legacy_drawing_goes_to_its_schema_place(tail, expected):
    xml = with_legacy_drawing(HEAD + tail + "</worksheet>", "rId9")
    assert _children(xml) == expected
    assert 'r:id="rId9"' in xml


def test_sheet_with_comments_is_refused_by_name():
    xml = HEAD + f'<legacyDrawing {R} r:id="rId1"/></worksheet>'
    with pytest.raises(InputError, match="'Notes' has cell comments"):
        with_legacy_drawing(xml, "rId2", sheet="Notes")

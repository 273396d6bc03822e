"""The saved .xlsm as a file: package structure, VBA read by oletools, values by calamine."""

from __future__ import annotations

import io
import warnings
import zipfile
from xml.etree import ElementTree

import pytest
from sample_book import BUTTON_TEXT, PATH_ROWS, PATHS, ROWS, SUMMARY, TITLE, event_book
from pyopenvba import ExcelFile
from python_calamine import CalamineWorkbook

from shockbook.errors import InputError
from shockbook.template import ButtonSpec, module_from_source, save_xlsm
from shockbook.template import xlsm as xlsm_module
from ooxml import buttons_in
from shockbook.template.package import XLSM_WORKBOOK, Package
from shockbook.template.vba import parse_runpython

with warnings.catch_warnings():  # oletools 0.60 uses pyparsing names deprecated in pyparsing 3.3
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, VBA_Scanner

VBA_PROJECT_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
#: olevba flags the GUID in every Excel document module's ``VB_Base`` header as "hex strings".
DOCUMENT_CLSID_PARTS = {"00020819", "00020820", "000000000046"}


@pytest.fixture(scope="module")
def package(built) -> Package:
    return Package(built.read_bytes())


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Package:
    """The same workbook as openpyxl alone writes it, for comparison."""
    buffer = io.BytesIO()
    event_book().save(buffer)
    return Package(buffer.getvalue())


# --- the package -----------------------------------------------------------------------------


def test_workbook_part_has_the_macro_enabled_content_type(package):
    assert package.content_type("xl/workbook.xml") == XLSM_WORKBOOK == (
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml")


def test_vba_project_is_related_from_the_workbook(package):
    assert package.related("xl/workbook.xml", VBA_PROJECT_REL) == ["xl/vbaProject.bin"]
    assert package.content_type("xl/vbaProject.bin") == "application/vnd.ms-office.vbaProject"


def test_charts_tables_and_drawings_are_what_openpyxl_wrote(package, plain):
    kept = [n for n in plain.names() if n.startswith(("xl/charts/", "xl/drawings/", "xl/tables/"))]
    assert len([n for n in kept if n.startswith("xl/charts/chart")]) == 2
    for name in kept:
        assert package.read(name) == plain.read(name), name


def test_each_sheet_keeps_its_chart_drawing_and_gains_one_legacy_drawing(package):
    for title, part in package.sheet_parts().items():
        children = [c.tag.rpartition("}")[2] for c in ElementTree.fromstring(package.read(part))]
        assert children.count("drawing") == 1, title
        assert children.count("legacyDrawing") == 1, title
        assert children.index("drawing") < children.index("legacyDrawing"), title


def test_buttons_are_bound_to_their_macros(package):
    assert buttons_in(package) == {
        SUMMARY: [(BUTTON_TEXT, "[0]!RefreshAll")],
        PATHS: [("Refresh sheet", "[0]!ShockbookMacros.RefreshActiveSheet")],
    }


def test_every_part_is_well_formed_xml(package):
    for name in package.names():
        if name.endswith((".xml", ".rels", ".vml")):
            ElementTree.fromstring(package.read(name))


def test_zip_has_no_duplicate_entries(built):
    names = zipfile.ZipFile(built).namelist()
    assert len(names) == len(set(names))


# --- the VBA, read by oletools ---------------------------------------------------------------


@pytest.fixture(scope="module")
def olevba(built):
    parser = VBA_Parser(str(built))
    yield parser
    parser.close()


@pytest.fixture(scope="module")
def macros(olevba) -> dict[str, str]:
    return {name: code for _, _, name, code in olevba.extract_macros()}


def test_olevba_finds_the_module_beside_the_document_modules(olevba, macros):
    assert olevba.detect_vba_macros()
    assert set(macros) == {"ThisWorkbook.cls", "Sheet1.cls", "Sheet2.cls", "ShockbookMacros.bas"}


def test_olevba_lists_both_refresh_macros(macros):
    code = macros["ShockbookMacros.bas"]
    assert "Public Sub RefreshAll()" in code
    assert "Public Sub RefreshActiveSheet()" in code


def test_no_autoexec_and_nothing_suspicious_beyond_excels_own_headers(olevba):
    findings = olevba.analyze_macros(show_decoded_strings=True)
    kinds = {kind for kind, _, _ in findings}
    assert "AutoExec" not in kinds
    assert {k for k in kinds} <= {"Suspicious", "Hex String"}
    suspicious = {keyword for kind, keyword, _ in findings if kind == "Suspicious"}
    assert suspicious <= {"Hex Strings"}
    hex_strings = {found for kind, _, found in findings if kind == "Hex String"}
    assert hex_strings <= DOCUMENT_CLSID_PARTS


def test_our_module_alone_scans_clean(macros):
    assert VBA_Scanner(macros["ShockbookMacros.bas"]).scan(include_decoded_strings=True) == []


def test_every_runpython_string_names_module_and_function(macros):
    import re

    commands = re.findall(r'RunPython\s+"([^"]*)"', macros["ShockbookMacros.bas"])
    parsed = [parse_runpython(c) for c in commands]
    assert [(p.module, p.function) for p in parsed] == [
        ("shockbook.excel.macros", "refresh_all"), ("shockbook.excel.macros", "refresh_active_sheet")]


def test_project_references_the_xlwings_addin(built):
    with ExcelFile(built) as book:
        references = {r.name: r for r in book.references()}
        assert book.validate() == []
    assert references["xlwings"].kind == "project"
    assert references["xlwings"].libid.endswith(r"\xlwings.xlam")


def test_sheets_get_excel_code_names(package):
    assert '<workbookPr codeName="ThisWorkbook"' in package.text("xl/workbook.xml")
    assert 'codeName="Sheet1"' in package.text(package.sheet_parts()[SUMMARY])


# --- the values, read by python-calamine ------------------------------------------------------


def test_calamine_reads_back_what_was_written(built):
    book = CalamineWorkbook.from_path(str(built))
    assert book.sheet_names == [SUMMARY, PATHS]
    summary = book.get_sheet_by_name(SUMMARY).to_python()
    assert summary[0][0] == TITLE
    assert summary[2] == ["티커", "종목", "수익률", "비중"]
    assert [tuple(row) for row in summary[3:8]] == ROWS
    paths = book.get_sheet_by_name(PATHS).to_python()
    assert [tuple(row) for row in paths[1:]] == [tuple(float(v) for v in row) for row in PATH_ROWS]


# --- writing ---------------------------------------------------------------------------------


def test_default_modules_are_the_shipped_macros(tmp_path):
    path = save_xlsm(event_book(), tmp_path / "plain.xlsm")
    with ExcelFile(path) as book:
        assert "ShockbookMacros" in book.module_names()


def test_custom_modules_are_embedded(tmp_path):
    tools = module_from_source('Attribute VB_Name = "Tools"\nSub Go()\nEnd Sub\n')
    path = save_xlsm(event_book(), tmp_path / "tools.xlsm", modules=[tools],
                     buttons=[ButtonSpec(SUMMARY, "Go", "Go", "F2:G3")])
    with ExcelFile(path) as book:
        assert book.module_names()[-1] == "Tools"


def test_existing_file_is_replaced_whole(tmp_path):
    path = tmp_path / "event.xlsm"
    path.write_bytes(b"old")
    save_xlsm(event_book(), path)
    assert zipfile.is_zipfile(path)
    assert [p.name for p in tmp_path.iterdir()] == ["event.xlsm"]


def test_failure_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "event.xlsm"
    path.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise RuntimeError("VBA writer failed")

    monkeypatch.setattr(xlsm_module, "add_vba", broken)
    with pytest.raises(RuntimeError, match="VBA writer failed"):
        save_xlsm(event_book(), path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["event.xlsm"]


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("book.xlsx", {}, "must be saved as .xlsm"),
        ("missing/book.xlsm", {}, "does not exist"),
        ("book.xlsm", {"buttons": [ButtonSpec("Nope", "RefreshAll", "Go")]}, "sheet 'Nope'"),
        ("book.xlsm", {"buttons": [ButtonSpec(SUMMARY, "Refresh", "Go")]}, "no VBA module defines"),
        ("book.xlsm", {"buttons": [ButtonSpec(SUMMARY, "Other.RefreshAll", "Go")]}, "no VBA module defines"),
    ],
    ids=["xlsx", "no-folder", "unknown-sheet", "unknown-macro", "macro-in-other-module"],
)
def test_bad_input_is_refused_by_name_and_nothing_is_written(tmp_path, name, kwargs, message):
    with pytest.raises(InputError, match=message):
        save_xlsm(event_book(), tmp_path / name, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_unknown_sheet_error_lists_the_valid_sheets(tmp_path):
    with pytest.raises(InputError) as caught:
        save_xlsm(event_book(), tmp_path / "b.xlsm", buttons=[ButtonSpec("Nope", "RefreshAll", "Go")])
    assert caught.value.valid == [SUMMARY, PATHS]


# --- other openpyxl content beside the buttons -------------------------------------------------


def _book_with_comments_and_chartsheet():
    import openpyxl
    from openpyxl.chart import LineChart, Reference
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "Data"
    for i in range(5):
        data.append([i, i * i])
    data["A1"].comment = Comment("메모", "shockbook")
    chart = LineChart()
    chart.add_data(Reference(data, min_col=2, min_row=1, max_row=5))
    wb.create_chartsheet("Chart").add_chart(chart)
    wb.create_sheet("Buttons")
    return wb


def test_comment_vml_and_button_vml_use_different_shape_blocks(tmp_path):
    from shockbook.template.buttons import used_shape_blocks

    path = save_xlsm(_book_with_comments_and_chartsheet(), tmp_path / "c.xlsm",
                     buttons=[ButtonSpec("Buttons", "RefreshAll", "Go", "B2:C3")])
    package = Package(path.read_bytes())
    vml = sorted(n for n in package.names() if n.endswith(".vml"))
    assert vml == ["xl/drawings/commentsDrawing1.vml", "xl/drawings/vmlDrawing1.vml"]
    assert used_shape_blocks(package) == {1, 2}
    assert buttons_in(package) == {"Buttons": [("Go", "[0]!RefreshAll")]}
    with ExcelFile(path) as book:  # Excel names a chart sheet's module Chart<n>, in sheet order
        assert book.module_names()[:4] == ["ThisWorkbook", "Sheet1", "Chart2", "Sheet3"]


def test_button_on_a_sheet_with_comments_is_refused(tmp_path):
    with pytest.raises(InputError, match="'Data' has cell comments"):
        save_xlsm(_book_with_comments_and_chartsheet(), tmp_path / "c.xlsm",
                  buttons=[ButtonSpec("Data", "RefreshAll", "Go", "B2:C3")])


def test_button_on_a_chartsheet_is_refused_with_the_worksheets(tmp_path):
    with pytest.raises(InputError, match="valid: Data, Buttons"):
        save_xlsm(_book_with_comments_and_chartsheet(), tmp_path / "c.xlsm",
                  buttons=[ButtonSpec("Chart", "RefreshAll", "Go", "B2:C3")])

"""The worksheet functions of shockbook.excel.udfs, called as Excel calls them."""

import pytest
import xlharness as xh
from xlharness import call_like_excel, excel_column, excel_error, excel_range, excel_ref, excel_row

udfs = xh.udf_module("shockbook.excel.udfs")


def approx_cells(expected):
    """Compare numbers approximately, everything else exactly."""
    return [[pytest.approx(v) if isinstance(v, float) else v for v in row] for row in expected]


# --- SB_REBASE -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, base, expected",
    [
        (excel_column([50, 55, 60]), 100.0, [[100.0], [110.0], [120.0]]),
        (excel_row([50, 55, 60]), 100.0, [[100.0, 110.0, 120.0]]),  # a row is one series
        (excel_ref([[50], [40]]), 1.0, [[1.0], [0.8]]),
        (excel_range([[10, 200], [11, 100]]), 100.0, [[100.0, 100.0], [110.0, 50.0]]),
        (excel_column([None, 50, None, 75]), 100.0, [[""], [100.0], [""], [150.0]]),  # gaps stay
        (excel_column([50, excel_error("#N/A"), 25]), 100.0, [[100.0], [""], [50.0]]),
        (excel_range([[None, 4], [None, 5]]), 100.0, [["", 100.0], ["", 125.0]]),  # empty series
        (excel_column([-2, -1]), 100.0, [[100.0], [50.0]]),
        (8.0, 100.0, [[100.0]]),  # a single cell
    ],
    ids=["column", "row", "ref", "block", "gaps", "na", "empty-series", "negative", "one-cell"],
)
def test_sb_rebase(values, base, expected):
    assert call_like_excel(udfs.SB_REBASE, values, base) == approx_cells(expected)


@pytest.mark.parametrize("base", [xh.MISSING, None], ids=["omitted", "empty-cell"])
def test_sb_rebase_defaults_to_100(base):
    assert call_like_excel(udfs.SB_REBASE, excel_column([4, 5]), base) == [[100.0], [125.0]]


@pytest.mark.parametrize(
    "values, base, text",
    [
        (excel_column([0, 1]), 100.0, "#SB! 입력 오류: values starts at 0 and cannot be rebased"),
        (excel_range([[1, 0], [2, 3]]), 100.0, "#SB! 입력 오류: column 2 of values starts at 0 and cannot be rebased"),
        (excel_column(["NVDA", 1]), 100.0, "#SB! 입력 오류: cell 1 of values is text 'NVDA', not a number"),
        (excel_column([1, excel_error("#DIV/0!")]), 100.0,
         "#SB! 입력 오류: cell 2 of values is an error cell (#DIV/0!); only #N/A counts as a missing value"),
        (excel_column([1, 2]), "abc", "#SB! 입력 오류: base must be a number, not text 'abc'"),
        (excel_column([1, 2]), excel_error("#N/A"), "#SB! 입력 오류: base is an error cell (#N/A), not a number"),
    ],
)
def test_sb_rebase_errors_are_cell_texts(values, base, text):
    assert call_like_excel(udfs.SB_REBASE, values, base) == [[text]]


def test_sb_rebase_help_text():
    meta = xh.udf_metadata(udfs.SB_REBASE)
    assert meta.description == "Rebase each series so that it starts at base (100 unless given)."
    assert meta.category == "shockbook"
    assert [(a.name, a.optional) for a in meta.args] == [("values", False), ("base", True)]
    assert meta.args[1].doc == "The level every series starts at; 100 if omitted or empty."


# --- the module as "Import Functions" sees it ----------------------------------------------


def test_every_udf_is_named_sb_and_documented():
    functions = [v for v in vars(udfs).values() if hasattr(v, "__xlfunc__")]
    assert functions, "no UDF found"
    for function in functions:
        meta = xh.udf_metadata(function)
        assert meta.name.startswith("SB_")
        assert meta.description and not meta.description.startswith("Python function")
        assert all(not a.doc.startswith("Positional argument") for a in meta.args)


def test_the_vba_wrapper_that_import_functions_writes():
    vba = xh.vba_wrappers(udfs, "shockbook.excel.udfs")
    assert "Function SB_REBASE(values, Optional base)" in vba
    assert 'XLPy.CallUDF("shockbook.excel.udfs", "SB_REBASE", Array(values, base)' in vba
    assert "Application.Volatile" not in vba

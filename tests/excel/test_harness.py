"""The harness hands functions exactly what xlwings' Windows UDF path hands them."""

import datetime as dt

import pytest
import xlharness as xh
from xlharness import (
    MISSING,
    call_like_excel,
    excel_column,
    excel_date,
    excel_date_cell,
    excel_error,
    excel_range,
    excel_ref,
    excel_row,
)

xh.windows_udf_runtime()
import xlwings as xw  # noqa: E402  (after the runtime: xw.func is the Windows decorator)


@xw.func
def echo_raw(x):
    """Returns what xlwings passed in, as text."""
    return repr(x)


@xw.func
@xw.arg("x", ndim=2, err_to_str=True)
def echo_2d(x):
    """Returns what xlwings passed in with ndim=2, err_to_str=True, as text."""
    return repr(x)


@xw.func
def with_default(x, y=7.0):
    """Returns y."""
    return y


def test_the_decorators_are_the_windows_ones():
    assert xw.func.__module__ == "xlwings.udfs"
    assert echo_raw.__xlfunc__["name"] == "echo_raw"


@pytest.mark.parametrize(
    "day, serial",
    [
        (dt.date(2025, 1, 27), 45684.0),
        (dt.date(1900, 3, 1), 61.0),
        (dt.datetime(2025, 1, 27, 18, 0), 45684.75),
    ],
)
def test_excel_date_is_the_1900_serial(day, serial):
    assert excel_date(day) == serial


@pytest.mark.parametrize(
    "text, code", [("#N/A", -2146826246), ("#DIV/0!", -2146826281), ("#VALUE!", -2146826273)]
)
def test_excel_error_is_the_pywin32_scode(text, code):
    assert excel_error(text) == code


def test_excel_range_makes_numbers_floats_and_keeps_errors_ints():
    block = excel_range([[1, None, excel_error("#N/A"), True]])
    assert block == ((1.0, None, -2146826246, True),)
    assert isinstance(block[0][0], float) and isinstance(block[0][2], int)


def test_a_ragged_range_is_refused():
    with pytest.raises(ValueError):
        excel_range([[1, 2], [3]])


@pytest.mark.parametrize(
    "arg, seen",
    [
        (5.0, "5.0"),
        (excel_column([1, 2]), "[1.0, 2.0]"),  # default ndim squeezes a column to a list
        (excel_row([1, 2]), "[1.0, 2.0]"),
        (excel_range([[1, 2], [3, 4]]), "[[1.0, 2.0], [3.0, 4.0]]"),
        (excel_column([None, "a"]), "[None, 'a']"),
        (excel_error("#N/A"), "None"),  # without err_to_str an error cell is None
        (excel_date_cell(dt.date(2025, 1, 27)), "datetime.datetime(2025, 1, 27, 0, 0)"),
    ],
)
def test_default_conversion_of_excel_values(arg, seen):
    assert call_like_excel(echo_raw, arg) == [[seen]]


@pytest.mark.parametrize("make", [excel_range, excel_ref], ids=["array", "reference"])
def test_array_and_reference_arguments_convert_alike(make):
    arg = make([["NVDA"], [None], [excel_error("#N/A")]])
    assert call_like_excel(echo_2d, arg) == [["[['NVDA'], [None], ['#N/A']]"]]


def test_a_single_cell_reference_arrives_as_a_scalar_then_ndim_2():
    assert call_like_excel(echo_2d, excel_ref([["NVDA"]])) == [["[['NVDA']]"]]


def test_an_omitted_optional_argument_gets_the_python_default():
    assert call_like_excel(with_default, 1.0) == [[7.0]]
    assert call_like_excel(with_default, 1.0, MISSING) == [[7.0]]
    assert call_like_excel(with_default, 1.0, 2.0) == [[2.0]]


def test_functions_without_xlwings_metadata_are_refused():
    def plain(x):
        return x

    with pytest.raises(TypeError, match="no xlwings metadata"):
        call_like_excel(plain, 1.0)


def test_udfs_defined_in_tests_and_modules_are_both_callable():
    @xw.func
    def local(x):
        """Doubles."""
        return 2 * x

    assert call_like_excel(local, 2.0) == [[4.0]]
    assert call_like_excel(echo_raw, "a") == [["'a'"]]

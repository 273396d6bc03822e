"""Every convention of shockbook.excel.convert, called the way Excel on Windows calls it.

The sample UDFs below are built with ``udf`` after the Windows runtime is in place, so
their arguments go through xlwings' real ``call_udf`` -> ``conversion.read`` and their
results through ``conversion.write``, with Excel-shaped inputs.
"""

import datetime as dt

import pandas as pd
import pytest
import xlharness as xh
from xlharness import (
    call_like_excel,
    cells,
    excel_column,
    excel_date,
    excel_date_cell,
    excel_error,
    excel_range,
    excel_ref,
    excel_row,
    udf_metadata,
)

xh.windows_udf_runtime()

from shockbook.errors import InputError, NoDataError  # noqa: E402
from shockbook.excel.convert import DATE, TABLE, TICKERS, rows_by_ticker, udf  # noqa: E402

# A tiny stand-in for the tables layer: day-0 returns of the DeepSeek shock (2025-01-27).
EVENT_RETURNS = pd.DataFrame(
    {
        "return": [-0.1697, -0.0637, float("nan")],
        "session": pd.to_datetime(["2025-01-27", "2025-01-27", "2025-01-27"]),
    },
    index=pd.Index(["NVDA", "AMD", "AAPL"], name="ticker"),
)


@udf(args={"tickers": TICKERS, "event_date": DATE}, ret=TABLE)
def SB_TEST_EVENT(tickers, event_date="2025-01-27"):
    """Day-0 return of each ticker (test fixture).

    Parameters
    ----------
    tickers : range of text
        One ticker per cell.
    event_date : date, optional
        The event session, default 2025-01-27.
    """
    if event_date != dt.date(2025, 1, 27):
        raise NoDataError(f"no event table for {event_date}", date=event_date)
    known = [t for t in tickers.tickers if t in EVENT_RETURNS.index]
    missing = {
        t: NoDataError(f"no prices for {t}", ticker=t)
        for t in tickers.tickers
        if t not in EVENT_RETURNS.index
    }
    return rows_by_ticker(EVENT_RETURNS.loc[known], tickers, missing)


@udf(args={"day": DATE})
def SB_TEST_DAY(day):
    """ISO text of a date (test fixture).

    Parameters
    ----------
    day : date
        Any date.
    """
    return day.isoformat()


@udf
def SB_TEST_FAIL(length):
    """Raises an InputError of the given length (test fixture).

    Parameters
    ----------
    length : number
        Characters in the message.
    """
    raise InputError("z" * int(length))


@udf
def SB_TEST_BUG():
    """Raises an unexpected exception (test fixture)."""
    return {}["close"]


@udf(volatile=True, async_mode="threading", category="shockbook data")
def SB_TEST_FLAGS():
    """Declares func options (test fixture)."""
    return 1.0


# --- dates ---------------------------------------------------------------------------------

EVENT = dt.date(2025, 1, 27)


@pytest.mark.parametrize(
    "arg",
    [
        excel_date(EVENT),  # a serial number in a General cell
        excel_date_cell(EVENT),  # a date-formatted cell
        excel_date_cell(dt.datetime(2025, 1, 27, 16, 0)),
        "2025-01-27",
        excel_ref([[excel_date(EVENT)]]),  # a reference to one cell
        excel_ref([["2025-01-27"]]),
    ],
    ids=["serial", "date-cell", "datetime-cell", "iso-text", "ref-serial", "ref-text"],
)
def test_a_date_arrives_as_a_date_however_excel_holds_it(arg):
    assert call_like_excel(SB_TEST_DAY, arg) == [["2025-01-27"]]


@pytest.mark.parametrize(
    "arg, text",
    [
        ("27/01/2025", "#SB! 입력 오류: day '27/01/2025' is not a date; use an ISO date like 2025-01-27 or an Excel date"),
        ("2025-13-01", "#SB! 입력 오류: day '2025-13-01' is not a calendar date"),
        (excel_error("#N/A"), "#SB! 입력 오류: day is an error cell (#N/A), not a date"),
        (excel_ref([[excel_error("#VALUE!")]]), "#SB! 입력 오류: day is an error cell (#VALUE!), not a date"),
        (None, "#SB! 입력 오류: day is empty; give a date such as 2025-01-27"),
        (excel_column([45684, 45685]), "#SB! 입력 오류: day must be a single cell holding a date, not a range of 2 cells"),
        (True, "#SB! 입력 오류: day must be a date, not bool TRUE"),
    ],
)
def test_junk_dates_give_a_cell_text(arg, text):
    assert call_like_excel(SB_TEST_DAY, arg) == [[text]]


def test_an_empty_optional_date_cell_means_the_default():
    by_empty_cell = call_like_excel(SB_TEST_EVENT, "NVDA", excel_ref([[None]]))
    by_omission = call_like_excel(SB_TEST_EVENT, "NVDA")
    assert by_empty_cell == by_omission
    assert by_omission[1][:2] == ["NVDA", -0.1697]


# --- tickers and tables --------------------------------------------------------------------

HEADER = ["ticker", "return", "session", "error"]
SESSION = dt.datetime(2025, 1, 27, tzinfo=dt.timezone.utc)  # what pywin32 turns into a date


@pytest.mark.parametrize(
    "arg",
    [
        excel_column(["NVDA", "AMD"]),
        excel_row(["NVDA", "AMD"]),
        excel_range([["NVDA", None], [None, "AMD"]]),
        excel_ref([["NVDA"], ["AMD"]]),
        excel_ref([["NVDA", "AMD"]]),
        excel_column(["nvda", " AMD ", "NVDA", None]),
    ],
    ids=["column", "row", "block", "ref-column", "ref-row", "messy"],
)
def test_tickers_as_row_column_or_block_give_the_same_table(arg):
    assert call_like_excel(SB_TEST_EVENT, arg, "2025-01-27") == [
        HEADER,
        ["NVDA", -0.1697, SESSION, ""],
        ["AMD", -0.0637, SESSION, ""],
    ]


def test_a_single_ticker_cell():
    assert call_like_excel(SB_TEST_EVENT, excel_ref([["NVDA"]]))[1:] == [
        ["NVDA", -0.1697, SESSION, ""]
    ]


def test_a_bad_ticker_fills_only_its_own_row():
    result = call_like_excel(
        SB_TEST_EVENT,
        excel_ref([["NVDA"], [excel_error("#N/A")], [5930], ["XYZ"], ["AMD"]]),
    )
    assert result == [
        HEADER,
        ["NVDA", -0.1697, SESSION, ""],
        ["#N/A", "", "", "#SB! 입력 오류: cell 2 of tickers is an error cell (#N/A), not a ticker"],
        ["5930", "", "", "#SB! 입력 오류: cell 3 of tickers is float 5930, not a ticker; type the ticker as text, e.g. '005930.KS'"],
        ["XYZ", "", "", "#SB! 데이터 없음: no prices for XYZ"],
        ["AMD", -0.0637, SESSION, ""],
    ]


def test_nan_in_the_table_becomes_an_empty_cell():
    assert call_like_excel(SB_TEST_EVENT, "AAPL")[1] == ["AAPL", "", SESSION, ""]


def test_every_error_text_fits_a_cell():
    result = call_like_excel(SB_TEST_EVENT, excel_column(["#N/A", "x" * 300, "NVDA"]))
    assert all(len(v) <= 255 for v in cells(result) if isinstance(v, str))


def test_an_all_empty_ticker_range_is_one_error_cell():
    assert call_like_excel(SB_TEST_EVENT, excel_ref([[None], [None]])) == [
        ["#SB! 입력 오류: tickers is empty; give at least one ticker, e.g. NVDA"]
    ]


def test_a_whole_call_error_is_one_cell_even_with_table_return_options():
    assert call_like_excel(SB_TEST_EVENT, "NVDA", "2025-01-28") == [
        ["#SB! 데이터 없음: no event table for 2025-01-28"]
    ]


# --- the error boundary --------------------------------------------------------------------


def test_a_300_character_error_is_cut_to_255():
    [[text]] = call_like_excel(SB_TEST_FAIL, 300.0)
    assert len(text) == 255 and text.startswith("#SB! 입력 오류: zzz") and text.endswith("…")


def test_a_short_error_is_left_alone():
    assert call_like_excel(SB_TEST_FAIL, 3.0) == [["#SB! 입력 오류: zzz"]]


def test_an_unexpected_exception_is_a_short_internal_error():
    assert call_like_excel(SB_TEST_BUG) == [["#SB! internal error: KeyError: 'close'"]]


# --- metadata (what the function wizard shows) ---------------------------------------------


def test_metadata_comes_from_the_docstring():
    meta = udf_metadata(SB_TEST_EVENT)
    assert meta.name == "SB_TEST_EVENT"
    assert meta.description == "Day-0 return of each ticker (test fixture)."
    assert meta.category == "shockbook"
    assert meta.arg_names == ["tickers", "event_date"]
    assert [a.doc for a in meta.args] == [
        "One ticker per cell.",
        "The event session, default 2025-01-27.",
    ]
    assert [a.optional for a in meta.args] == [False, True]
    assert meta.args[1].default == "2025-01-27"


def test_argument_and_return_options_are_declared_for_xlwings():
    meta = udf_metadata(SB_TEST_EVENT)
    assert meta.args[0].options == {"ndim": 2, "err_to_str": True}
    assert meta.args[1].options == {"err_to_str": True}
    assert meta.ret_options == {"index": False, "header": True}


def test_func_options_survive_the_arg_and_ret_decorators():
    meta = udf_metadata(SB_TEST_FLAGS)
    assert (meta.volatile, meta.async_mode, meta.category) == (True, "threading", "shockbook data")
    plain = udf_metadata(SB_TEST_DAY)
    assert (plain.volatile, plain.async_mode) == (False, None)

"""The argument parsers and table shaping of shockbook.excel.convert, in plain Python.

Values here are what xlwings hands over after its own conversion (e.g. a date cell is a
naive datetime, an error cell with err_to_str=True is "#N/A"); the same conventions are
exercised through the Windows call path in test_conventions_through_excel.py.
"""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from shockbook.errors import InputError, NoDataError
from shockbook.excel.convert import (
    TickerEntry,
    TickerList,
    argument_help,
    cell_safe,
    excel_error_text,
    function_help,
    internal_error_text,
    parse_date,
    parse_number,
    parse_number_block,
    parse_tickers,
    rows_by_ticker,
    udf,
)

EVENT = dt.date(2025, 1, 27)
NA_CODE = -2146826246  # pywin32's #N/A
SPILL_CODE = -2146826243  # an error xlwings does not name (0x800A0000 + 2045)

# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        45684.0,
        45684,
        45684.75,  # 18:00 on the day
        np.float64(45684.0),
        dt.datetime(2025, 1, 27),
        dt.datetime(2025, 1, 27, 16, 30),
        pd.Timestamp("2025-01-27"),
        EVENT,
        "2025-01-27",
        " 2025-01-27 ",
        "2025-01-27T16:00:00",
        "2025-01-27 16:00",
    ],
)
def test_parse_date_accepts_serials_dates_and_iso_text(value):
    assert parse_date(value) == EVENT


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "empty"),
        ("", "empty"),
        ("01/27/2025", "ISO date like 2025-01-27"),
        ("27.01.2025", "ISO date like 2025-01-27"),
        ("2025-1-27", "ISO date like 2025-01-27"),
        ("yesterday", "'yesterday' is not a date"),
        ("2025-02-30", "not a calendar date"),
        ("#N/A", r"error cell \(#N/A\)"),
        (NA_CODE, r"error cell \(#ERROR 2042\)"),
        (True, "must be a date, not bool TRUE"),
        (float("nan"), "not an Excel date serial"),
        (0.0, "not an Excel date serial"),
        (60.0, "not an Excel date serial"),  # Excel's phantom 1900-02-29
        (3e6, "not an Excel date serial"),
        ([[45684.0], [45685.0]], "single cell .* range of 2 cells"),
    ],
)
def test_parse_date_rejects_junk_naming_the_argument(value, message):
    with pytest.raises(InputError, match=message) as caught:
        parse_date(value, "event_date")
    assert caught.value.message.startswith("event_date")
    assert caught.value.argument == "event_date"


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [(100.0, 100.0), (7, 7.0), (np.float64(-1.5), -1.5)])
def test_parse_number(value, expected):
    assert parse_number(value, "base") == expected


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "base is empty"),
        ("100", "not text '100'"),
        (True, "not a boolean TRUE"),
        (dt.datetime(2025, 1, 27), "not a date 2025-01-27"),
        ("#DIV/0!", r"error cell \(#DIV/0!\)"),
        (float("inf"), "finite"),
        ([1.0, 2.0], "range of 2 cells"),
    ],
)
def test_parse_number_rejects(value, message):
    with pytest.raises(InputError, match=message):
        parse_number(value, "base")


def test_parse_number_block_turns_empty_and_na_into_nan():
    block = parse_number_block([[1.0, None], ["#N/A", 4], ["  ", 5.5]], "values")
    assert block.dtype == np.float64 and block.shape == (3, 2)
    assert block[0, 0] == 1.0 and block[1, 1] == 4.0 and block[2, 1] == 5.5
    assert all(math.isnan(block[r, c]) for r, c in [(0, 1), (1, 0), (2, 0)])


@pytest.mark.parametrize(
    "value, message",
    [
        ([[1.0, "NVDA"]], "cell 2 of values is text 'NVDA'"),
        ([[1.0], ["#REF!"]], r"cell 2 of values is an error cell \(#REF!\)"),
        ([[1.0, 2.0], [3.0, SPILL_CODE]], r"row 2, column 2 of values is an error cell"),
        ([[1.0, True]], "boolean TRUE"),
    ],
)
def test_parse_number_block_names_the_bad_cell(value, message):
    with pytest.raises(InputError, match=message):
        parse_number_block(value, "values")


def test_parse_number_block_of_a_single_cell():
    assert parse_number_block(3.0, "values").tolist() == [[3.0]]


# --- tickers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, tickers",
    [
        ("NVDA", ["NVDA"]),
        ([["NVDA"], ["AMD"], ["TSM"]], ["NVDA", "AMD", "TSM"]),  # column
        ([["NVDA", "AMD", "TSM"]], ["NVDA", "AMD", "TSM"]),  # row
        ([["NVDA", "AMD"], ["TSM", "AVGO"]], ["NVDA", "AMD", "TSM", "AVGO"]),  # reading order
        ([[" nvda "], [None], [""], ["AMD"]], ["NVDA", "AMD"]),  # trimmed, empties dropped
        ([["NVDA"], ["AMD"], ["nvda"], ["AMD"]], ["NVDA", "AMD"]),  # first occurrence kept
        # BRK.B is BRK-B in Yahoo form, so it is a duplicate of the third cell
        ([["^GSPC", "005930.KS", "BRK-B", "KRW=X", "BRK.B"]], ["^GSPC", "005930.KS", "BRK-B", "KRW=X"]),
    ],
)
def test_parse_tickers_in_order(value, tickers):
    parsed = parse_tickers(value)
    assert parsed.tickers == tickers
    assert parsed.errors == []


def test_parse_tickers_keeps_bad_cells_as_entries_in_place():
    parsed = parse_tickers([["NVDA"], ["#N/A"], [5930.0], ["NVDA AMD"], [True], ["AMD"]])
    assert [e.label for e in parsed.entries] == ["NVDA", "#N/A", "5930", "NVDA AMD", "TRUE", "AMD"]
    assert parsed.tickers == ["NVDA", "AMD"]
    messages = [e.error.message for e in parsed.errors]
    assert messages == [
        "cell 2 of tickers is an error cell (#N/A), not a ticker",
        "cell 3 of tickers is float 5930, not a ticker; type the ticker as text, e.g. '005930.KS'",
        "cell 4 of tickers 'NVDA AMD' is not a ticker (letters, digits and . - = ^ only, "
        "e.g. NVDA, 005930.KS, ^GSPC); put one ticker per cell",
        "cell 5 of tickers is a boolean TRUE, not a ticker",
    ]


def test_parse_tickers_names_block_cells_by_row_and_column():
    parsed = parse_tickers([["NVDA", "AMD"], ["TSM", "#VALUE!"]])
    assert parsed.errors[0].error.message.startswith("row 2, column 2 of tickers")


def test_bad_cells_are_not_deduplicated():
    parsed = parse_tickers([["#N/A"], ["#N/A"]])
    assert len(parsed) == 2 and parsed.tickers == []


@pytest.mark.parametrize("value", [None, [[None], [""]], [["  "]]])
def test_an_empty_ticker_range_is_an_input_error(value):
    with pytest.raises(InputError, match="tickers is empty"):
        parse_tickers(value, "tickers")


# --- error boundary ------------------------------------------------------------------------


def test_cell_safe_returns_the_cell_text_of_our_errors():
    @cell_safe
    def fails():
        raise NoDataError("no prices for XYZ between 2025-01-01 and 2025-01-31", ticker="XYZ")

    assert fails() == "#SB! 데이터 없음: no prices for XYZ between 2025-01-01 and 2025-01-31"


@pytest.mark.parametrize("lang, text", [
    (None, "#SB! 기간 오류: end 2025-01-24 is before start 2025-01-27"),  # the default: Korean
    ("ko", "#SB! 기간 오류: end 2025-01-24 is before start 2025-01-27"),
    ("en", "#SB! date range: end 2025-01-24 is before start 2025-01-27"),
])
def test_an_error_cell_names_its_kind_in_the_settings_language(monkeypatch, lang, text):
    """``#SB! <kind>: <message>``: the kind in the language of the settings, the message as
    raised (the core raises typed errors; only the cell says them)."""
    from shockbook.errors import DateRangeError

    if lang is None:
        monkeypatch.delenv("SHOCKBOOK_LANG", raising=False)
    else:
        monkeypatch.setenv("SHOCKBOOK_LANG", lang)

    @cell_safe
    def fails():
        raise DateRangeError("end 2025-01-24 is before start 2025-01-27", start="2025-01-27", end="2025-01-24")

    assert fails() == text


def _kinds(cls):
    yield cls
    for sub in cls.__subclasses__():
        yield from _kinds(sub)


def test_every_error_kind_has_a_name_in_both_languages():
    """Each error class of errors.py (and any subclass) names a kind of the translation table,
    with a Korean and an English name; the kinds are told apart (no two share a name)."""
    import shockbook.data.markets  # noqa: F401 - defines a subclass
    from shockbook.errors import ShockbookError
    from shockbook.workbook.i18n import has_label, label

    kinds = {cls.error_kind for cls in _kinds(ShockbookError) if not cls.__name__.startswith("_")}
    assert {"input", "unknown_ticker", "date_range", "not_a_session", "no_data", "source_unavailable", "offline",
            "rate_limit", "source_format", "cache_corrupt"} <= kinds
    for lang in ("ko", "en"):
        names = [label(f"error.{k}", lang) for k in sorted(kinds) if has_label(f"error.{k}")]
        assert len(names) == len(kinds) and len(set(names)) == len(names), lang


def test_cell_safe_caps_a_300_character_error_at_255():
    @cell_safe
    def fails():
        raise InputError("x" * 300)

    text = fails()
    assert len(text) <= 255 and text.startswith("#SB! 입력 오류: xxx") and text.endswith("…")


def test_cell_safe_turns_anything_else_into_a_short_internal_error(caplog):
    @cell_safe
    def boom():
        raise KeyError("close")

    assert boom() == "#SB! internal error: KeyError: 'close'"
    assert "internal error in boom" in caplog.text  # the traceback goes to the log


def test_internal_error_text_is_one_line_and_capped():
    text = internal_error_text(ValueError("line one\nline two " + "y" * 400))
    assert "\n" not in text and len(text) <= 255
    assert text.startswith("#SB! internal error: ValueError: line one line two")


def test_cell_safe_refuses_a_ragged_result():
    @cell_safe
    def ragged():
        return [[1, 2], [3]]

    assert ragged().startswith("#SB! internal error: ValueError")


def test_cell_safe_passes_good_results_through():
    assert cell_safe(lambda: [[1.0]])() == [[1.0]]


@pytest.mark.parametrize(
    "value, text",
    [("#N/A", "#N/A"), (" #REF! ", "#REF!"), (NA_CODE, "#ERROR 2042"), ("N/A", None), (5.0, None), (7, None), (True, None)],
)
def test_excel_error_text(value, text):
    assert excel_error_text(value) == text


# --- per-row errors ------------------------------------------------------------------------

RESULTS = pd.DataFrame(
    {"return": [-0.1697, -0.0637], "date": pd.to_datetime(["2025-01-27", "2025-01-27"])},
    index=pd.Index(["NVDA", "AMD"], name="ticker"),
)


def test_rows_by_ticker_keeps_the_requested_order_and_fills_the_good_rows():
    asked = parse_tickers([["AMD"], ["#N/A"], ["NVDA"], ["XYZ"]])
    table = rows_by_ticker(RESULTS, asked, {"XYZ": NoDataError("no prices for XYZ", ticker="XYZ")})
    assert list(table.columns) == ["ticker", "return", "date", "error"]
    assert table["ticker"].tolist() == ["AMD", "#N/A", "NVDA", "XYZ"]
    assert table["return"].tolist()[0] == -0.0637 and table["return"].tolist()[2] == -0.1697
    assert table["error"].tolist() == [
        "",
        "#SB! 입력 오류: cell 2 of tickers is an error cell (#N/A), not a ticker",
        "",
        "#SB! 데이터 없음: no prices for XYZ",
    ]
    assert table["return"].isna().tolist() == [False, True, False, True]
    assert table["date"].dtype == RESULTS["date"].dtype


def test_rows_by_ticker_reports_a_ticker_the_engine_forgot():
    table = rows_by_ticker(RESULTS, ["NVDA", "MSFT"])
    assert table["error"].tolist() == ["", "#SB! 입력 오류: no result for MSFT"]


def test_rows_by_ticker_accepts_a_ticker_column():
    table = rows_by_ticker(RESULTS.reset_index(), ["NVDA"])
    assert table.to_dict("records")[0]["return"] == -0.1697


def test_rows_by_ticker_keeps_its_shape_when_everything_failed():
    asked = TickerList((TickerEntry("#N/A", InputError("bad")),))
    table = rows_by_ticker(RESULTS, asked)
    assert list(table.columns) == ["ticker", "return", "date", "error"] and len(table) == 1


# --- help text -----------------------------------------------------------------------------

DOC = """Close-to-close return of each ticker on the event day.

    Longer explanation that Excel does not show.

    Parameters
    ----------
    tickers : range of text
        One ticker per cell;
        empty cells are skipped.
    event_date : date, optional
        The event session.

    Returns
    -------
    table
        Not an argument.
    """


def test_function_help_is_the_summary():
    assert function_help(DOC) == "Close-to-close return of each ticker on the event day."


def test_function_help_is_capped_at_255():
    assert len(function_help("word " * 100)) <= 255


def test_argument_help_comes_from_the_parameters_section():
    assert argument_help(DOC) == {
        "tickers": "One ticker per cell; empty cells are skipped.",
        "event_date": "The event session.",
    }


# --- the udf decorator's checks ------------------------------------------------------------


def test_udf_requires_the_sb_prefix():
    with pytest.raises(ValueError, match="SB_UPPER_CASE"):

        @udf
        def rebase(x):
            """Doc.

            Parameters
            ----------
            x : number
                X.
            """


def test_udf_requires_every_argument_documented():
    with pytest.raises(TypeError, match=r"document \['y'\]"):

        @udf
        def SB_X(x, y):
            """Doc.

            Parameters
            ----------
            x : number
                X.
            """


def test_udf_refuses_a_converter_type_hint_on_the_return():
    with pytest.raises(TypeError, match="return value"):

        @udf
        def SB_X(x) -> pd.DataFrame:
            """Doc.

            Parameters
            ----------
            x : number
                X.
            """


def test_udf_refuses_args_for_unknown_arguments():
    from shockbook.excel.convert import DATE

    with pytest.raises(TypeError, match="unknown arguments"):

        @udf(args={"day": DATE})
        def SB_X(x):
            """Doc.

            Parameters
            ----------
            x : number
                X.
            """


def test_a_udf_is_still_a_python_function():
    from shockbook.excel.convert import DATE

    @udf(args={"day": DATE})
    def SB_ISO(day="2025-01-27"):
        """ISO text of a date.

        Parameters
        ----------
        day : date
            Any date.
        """
        return day.isoformat()

    assert SB_ISO() == "2025-01-27"
    assert SB_ISO(day=45685.0) == "2025-01-28"
    assert SB_ISO("junk").startswith("#SB! 입력 오류: day 'junk' is not a date")
    assert "Parameters" in SB_ISO.__doc__  # Python's help keeps the full docstring

"""Argument and return conventions shared by every shockbook Excel function (UDF).

A shockbook UDF is a thin adapter: it *declares* how each argument arrives from Excel, gets
clean Python values, calls the tables layer and returns a table. Nothing here does maths.

The conventions
---------------
* **Names** start with ``SB_`` (:data:`UDF_PREFIX`) and sit in the "shockbook" category of
  Excel's function wizard.
* **Help text comes from the docstring** (numpydoc): the summary (first paragraph) is the
  function description, each ``Parameters`` entry the help for that argument. Excel shows
  at most 255 characters of each, so keep the summary short.
* **Arguments are declared, not hand-converted**: ``@udf(args={"tickers": TICKERS,
  "event_date": DATE})``. An :class:`Arg` pairs the xlwings read options (``ndim``,
  ``err_to_str``...) with a parser that turns the Excel value into a clean one (a list of
  tickers, a :class:`datetime.date`, a float array) or raises :class:`InputError` naming the
  argument and the cell. Parsing runs *inside* the error boundary, which is why parsers are
  not xlwings converters (a converter that raises would put a traceback in the cell).
* **An empty cell passed to an optional argument means its default**, exactly like leaving
  the argument out.
* **Nothing raises into Excel**: a :class:`ShockbookError` becomes its cell text
  (:func:`error_cell_text`: ``"#SB! <kind>: <message>"``, the kind in the Settings language,
  at most 255 characters); anything unexpected becomes ``"#SB! internal
  error: ..."`` and is logged with its traceback (logger ``shockbook.excel``).
* **Tables spill with a header row**: return a DataFrame with the return options
  :data:`TABLE` (``index=False, header=True``). xlwings writes NaN/NaT/None as empty cells
  and Timestamps as Excel dates. Modern Excel spills the array by itself; do not use the
  legacy ``expand="table"`` option.
* **One bad ticker spoils one row, not the table**: :func:`rows_by_ticker` lays out one
  row per requested entry, in the order asked, with the error text of a bad entry in the
  last column (:data:`ERROR_COLUMN`), so the table's shape never depends on errors.

Example::

    @udf(args={"tickers": TICKERS, "event_date": DATE}, ret=TABLE)
    def SB_EVENT_RETURNS(tickers, event_date="2025-01-27"):
        '''Close-to-close return of each ticker on the event day.

        Parameters
        ----------
        tickers : range of text
            One ticker per cell (row, column or block); empty cells are skipped.
        event_date : date, optional
            The event session, default 2025-01-27.
        '''
        table, errors = tables.event_day_returns(tickers.tickers, event_date)
        return rows_by_ticker(table, tickers, errors)
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
import math
import re
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import xlwings as xw

from ..errors import InputError, ShockbookError, shorten
from ..data.symbols import yahoo_symbol

log = logging.getLogger("shockbook.excel")

#: Every shockbook worksheet function is called ``SB_SOMETHING``.
UDF_PREFIX = "SB_"
#: Category shown in Excel's function wizard.
UDF_CATEGORY = "shockbook"
#: Start of the cell text for an unexpected failure.
INTERNAL_ERROR_PREFIX = "#SB! internal error:"
#: Name of the last column of a per-ticker table: the row's error text, or empty.
ERROR_COLUMN = "error"

#: Return options for a DataFrame that spills as a table with its header row.
TABLE: Mapping[str, Any] = {"index": False, "header": True}
#: Return options for a DataFrame that spills as bare values (no header, no index).
VALUES: Mapping[str, Any] = {"index": False, "header": False}

# Excel's error values as xlwings' err_to_str=True renders them, and pywin32's raw codes
# (VT_ERROR SCODE 0x800A0000 + code) for errors xlwings does not name (#SPILL!, #CALC!...).
EXCEL_ERROR_TEXTS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
)
_SCODE_BASE = -2146828288
_XL_SERIAL_MIN, _XL_SERIAL_MAX = 61, 2958465  # 1900-03-01 .. 9999-12-31

_NUMBER_TYPES = (int, float, np.integer, np.floating)


# --- cell inspection -----------------------------------------------------------------------


def excel_error_text(value: Any) -> str | None:
    """The error text (``"#N/A"``...) if ``value`` is an Excel error cell, else None.

    Recognises the strings xlwings produces with ``err_to_str=True`` and the raw integer
    codes pywin32 delivers for errors that xlwings leaves unnamed.
    """
    if isinstance(value, str):
        text = value.strip()
        return text if text in EXCEL_ERROR_TEXTS else None
    if isinstance(value, int) and not isinstance(value, bool):
        code = value - _SCODE_BASE
        if 2000 <= code < 2100:
            return f"#ERROR {code}"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, _NUMBER_TYPES) and not isinstance(value, (bool, np.bool_))


def _shown(value: Any, limit: int = 40) -> str:
    """How a cell value reads in a message: text quoted, numbers as Excel shows them."""
    if isinstance(value, str):
        return repr(shorten(value.strip(), limit))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return shorten(str(value), limit)


def _cells(value: Any) -> list[list[Any]]:
    """Any argument value as a 2-D list of cells (scalar -> 1x1, flat list -> one row)."""
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (list, tuple)):
            return [list(row) for row in value]
        return [list(value)]
    return [[value]]


def _where(name: str, shape: tuple[int, int], row: int, col: int) -> str:
    """'cell 3 of tickers' for a row or column, 'row 2, column 1 of tickers' for a block."""
    rows, cols = shape
    if rows == 1 and cols == 1:
        return name
    if rows == 1 or cols == 1:
        return f"cell {max(row, col) + 1} of {name}"
    return f"row {row + 1}, column {col + 1} of {name}"


# --- dates ---------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?")


def parse_date(value: Any, name: str = "date") -> dt.date:
    """A date given as an Excel date, a date serial number or ISO text -> ``date``.

    Parameters
    ----------
    value:
        A date-formatted cell (xlwings passes a ``datetime``; the time of day is dropped),
        a serial number (``45684`` or ``45684.75`` is 2025-01-27, 1900 date system), or text
        ``"2025-01-27"`` (optionally followed by a time).
    name:
        The argument's name, used in the error message.

    Raises
    ------
    InputError
        For an empty cell, a range of several cells, an error cell, text that is not an
        ISO date (``"01/27/2025"`` is ambiguous and refused), a non-calendar date
        (``"2025-02-30"``), a serial outside 1900-03-01..9999-12-31, NaN or a boolean.
    """
    if isinstance(value, (list, tuple)):
        count = sum(len(row) for row in _cells(value))
        raise InputError(
            f"{name} must be a single cell holding a date, not a range of {count} cells",
            argument=name,
            value=value,
        )
    error = excel_error_text(value)
    if error:
        raise InputError(f"{name} is an error cell ({error}), not a date", argument=name, value=value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError(f"{name} is empty; give a date such as 2025-01-27", argument=name, value=value)
    if isinstance(value, dt.datetime):  # includes pandas.Timestamp
        if value is pd.NaT:
            raise InputError(f"{name} is empty; give a date such as 2025-01-27", argument=name)
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return value
    if _is_number(value):
        serial = float(value)
        if not math.isfinite(serial) or not _XL_SERIAL_MIN <= serial < _XL_SERIAL_MAX + 1:
            raise InputError(
                f"{name} {_shown(value)} is not an Excel date serial "
                f"(valid: {_XL_SERIAL_MIN}..{_XL_SERIAL_MAX}, 1900-03-01..9999-12-31)",
                argument=name,
                value=value,
            )
        return xw.to_datetime(serial).date()
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.fullmatch(text):
            try:
                return dt.datetime.fromisoformat(text).date()
            except ValueError:
                raise InputError(
                    f"{name} {_shown(value)} is not a calendar date", argument=name, value=value
                ) from None
        raise InputError(
            f"{name} {_shown(value)} is not a date; use an ISO date like 2025-01-27 "
            "or an Excel date",
            argument=name,
            value=value,
        )
    raise InputError(
        f"{name} must be a date, not {type(value).__name__} {_shown(value)}",
        argument=name,
        value=value,
    )


# --- numbers -------------------------------------------------------------------------------


def parse_number(value: Any, name: str = "value") -> float:
    """A single numeric cell -> ``float``.

    Raises :class:`InputError` for an empty cell, text (even ``"100"``: type it as a
    number), a boolean, a date, an error cell, a range of several cells, NaN or infinity.
    """
    if isinstance(value, (list, tuple)):
        count = sum(len(row) for row in _cells(value))
        raise InputError(
            f"{name} must be a single number, not a range of {count} cells", argument=name, value=value
        )
    error = excel_error_text(value)
    if error:
        raise InputError(f"{name} is an error cell ({error}), not a number", argument=name, value=value)
    if value is None:
        raise InputError(f"{name} is empty; give a number", argument=name, value=value)
    if not _is_number(value):
        raise InputError(
            f"{name} must be a number, not {_kind(value)} {_shown(value)}", argument=name, value=value
        )
    number = float(value)
    if not math.isfinite(number):
        raise InputError(f"{name} must be a finite number, not {number}", argument=name, value=value)
    return number


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    return type(value).__name__


def parse_number_block(value: Any, name: str = "values") -> np.ndarray:
    """A range of numeric cells -> 2-D ``float64`` array of the same shape.

    Empty cells and ``#N/A`` (Excel's usual "no data" marker) become NaN. Text, booleans,
    dates and other error cells raise :class:`InputError` naming the first offending cell.
    """
    rows = _cells(value)
    shape = (len(rows), len(rows[0]) if rows else 0)
    out = np.full(shape, np.nan)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            error = excel_error_text(cell)
            if cell is None or error == "#N/A" or (isinstance(cell, str) and not cell.strip()):
                continue
            where = _where(name, shape, r, c)
            if error:
                raise InputError(
                    f"{where} is an error cell ({error}); only #N/A counts as a missing value",
                    argument=name,
                    row=r + 1,
                    column=c + 1,
                )
            if not _is_number(cell):
                raise InputError(
                    f"{where} is {_kind(cell)} {_shown(cell)}, not a number",
                    argument=name,
                    row=r + 1,
                    column=c + 1,
                )
            out[r, c] = float(cell)
    return out


# --- tickers -------------------------------------------------------------------------------

_TICKER = re.compile(r"\^?[A-Z0-9][A-Z0-9.\-=]{0,19}")


@dataclass(frozen=True)
class TickerEntry:
    """One requested entry: a clean ticker, or the cell as shown plus why it is unusable."""

    label: str
    error: InputError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class TickerList:
    """The entries of a ticker range in reading order (row by row), empty cells dropped.

    A ticker that appears again is dropped after its first occurrence; bad cells are kept
    as entries with an :class:`InputError`, so that each can get its own row.
    """

    entries: tuple[TickerEntry, ...]

    @property
    def tickers(self) -> list[str]:
        """The valid tickers, in order."""
        return [e.label for e in self.entries if e.ok]

    @property
    def errors(self) -> list[TickerEntry]:
        """The unusable entries, in order."""
        return [e for e in self.entries if not e.ok]

    def __len__(self) -> int:
        return len(self.entries)


def _ticker_entry(cell: Any, where: str) -> TickerEntry:
    error = excel_error_text(cell)
    if error:
        return TickerEntry(
            error,
            InputError(f"{where} is an error cell ({error}), not a ticker", cell=where),
        )
    if isinstance(cell, str):
        text = cell.strip().upper()
        if _TICKER.fullmatch(text):
            try:  # Yahoo's form, as every table keys its rows: BRK.B -> BRK-B
                return TickerEntry(yahoo_symbol(text))
            except InputError:
                pass
        hint = "; put one ticker per cell" if re.search(r"[\s,;/]", text) else ""
        return TickerEntry(
            shorten(cell.strip(), 40),
            InputError(
                f"{where} {_shown(cell)} is not a ticker (letters, digits and . - = ^ only, "
                f"e.g. NVDA, 005930.KS, ^GSPC){hint}",
                cell=where,
                ticker=cell,
            ),
        )
    label = _shown(cell)
    advice = "; type the ticker as text, e.g. '005930.KS'" if _is_number(cell) else ""
    return TickerEntry(
        label,
        InputError(f"{where} is {_kind(cell)} {label}, not a ticker{advice}", cell=where),
    )


def parse_tickers(value: Any, name: str = "tickers") -> TickerList:
    """A ticker range (row, column, block or single cell) -> :class:`TickerList`.

    Tickers are trimmed and upper-cased (``" nvda "`` -> ``"NVDA"``); empty cells are
    skipped; duplicates keep their first position. Error cells, numbers, booleans, dates
    and malformed text become entries carrying an :class:`InputError` that names the cell.

    Raises
    ------
    InputError
        When the range holds no entry at all (every cell empty).
    """
    rows = _cells(value)
    shape = (len(rows), len(rows[0]) if rows else 0)
    entries: list[TickerEntry] = []
    seen: set[str] = set()
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            entry = _ticker_entry(cell, _where(name, shape, r, c))
            if entry.ok:
                if entry.label in seen:
                    continue
                seen.add(entry.label)
            entries.append(entry)
    if not entries:
        raise InputError(f"{name} is empty; give at least one ticker, e.g. NVDA", argument=name)
    return TickerList(tuple(entries))


# --- argument declarations -----------------------------------------------------------------


@dataclass(frozen=True)
class Arg:
    """How one UDF argument arrives from Excel and becomes a clean Python value.

    Attributes
    ----------
    xl:
        Read options handed to ``@xw.arg`` (``ndim``, ``err_to_str``, ``empty``...).
    parse:
        ``parse(value, name) -> clean value``; raises :class:`InputError`. Runs inside the
        UDF's error boundary.
    """

    xl: Mapping[str, Any] = field(default_factory=dict)
    parse: Callable[[Any, str], Any] | None = None


#: A single date: Excel date, serial number or ISO text -> ``datetime.date``.
DATE = Arg(xl={"err_to_str": True}, parse=parse_date)
#: A single number -> ``float``.
NUMBER = Arg(xl={"err_to_str": True}, parse=parse_number)
#: A block of numbers -> 2-D ``float64`` array (empty and #N/A -> NaN).
NUMBERS = Arg(xl={"ndim": 2, "err_to_str": True}, parse=parse_number_block)
#: A ticker range -> :class:`TickerList`.
TICKERS = Arg(xl={"ndim": 2, "err_to_str": True}, parse=parse_tickers)


# --- the error boundary --------------------------------------------------------------------


def internal_error_text(exc: BaseException) -> str:
    """``"#SB! internal error: KeyError: 'x'"``, on one line, at most 255 characters."""
    detail = " ".join(str(exc).split())
    text = f"{INTERNAL_ERROR_PREFIX} {type(exc).__name__}" + (f": {detail}" if detail else "")
    return shorten(text)


def _check_returnable(result: Any) -> None:
    if isinstance(result, (list, tuple)) and result and isinstance(result[0], (list, tuple)):
        if len({len(row) for row in result}) > 1:
            raise ValueError("the UDF returned rows of different lengths")


def _said(result: Any) -> Any:
    """A returned table with its coded analysis notes (:mod:`shockbook.notes`) said in the
    language of the settings (``SHOCKBOOK_LANG`` / xlwings.conf ``lang``, default Korean)."""
    if not isinstance(result, pd.DataFrame):
        return result
    from ..workbook.i18n import coded_columns, render_frame_notes

    columns = coded_columns(result)
    if not columns:
        return result
    from ..config import Settings

    return render_frame_notes(result, Settings.from_env().lang, columns)


def error_cell_text(error: Any) -> str:
    """An error as its cell shows it: ``#SB! <kind>: <message>``, the kind in the language of
    the settings (``SHOCKBOOK_LANG`` / xlwings.conf ``lang``, default Korean: "#SB! 데이터 없음:
    no prices for XYZ ..."), the message as raised; at most 255 characters. A text already said
    as a cell (``#SB! ...``) is kept."""
    from ..config import Settings
    from ..workbook.i18n import error_cell

    return error_cell(error, Settings.from_env().lang)


def cell_safe(func: Callable) -> Callable:
    """Decorator: never raise into Excel.

    A :class:`ShockbookError` is returned as its :func:`error_cell_text`; any other exception is
    logged with its traceback and returned as :func:`internal_error_text`.
    """

    @functools.wraps(func)
    def boundary(*args: Any, **kwargs: Any) -> Any:
        try:
            result = _said(func(*args, **kwargs))
            _check_returnable(result)
            return result
        except ShockbookError as exc:
            return error_cell_text(exc)
        except Exception as exc:  # noqa: BLE001 - this is the boundary
            log.exception("internal error in %s", getattr(func, "__name__", func))
            return internal_error_text(exc)

    return boundary


# --- help text from docstrings -------------------------------------------------------------

_SECTION = re.compile(r"^(\S.*)\n-{3,}\s*$", re.MULTILINE)


def _sections(doc: str | None) -> tuple[str, dict[str, str]]:
    """Split a numpydoc docstring into its preamble and ``{section title: body}``."""
    text = inspect.cleandoc(doc or "")
    matches = list(_SECTION.finditer(text))
    preamble = text[: matches[0].start()] if matches else text
    sections = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        sections[match.group(1).strip()] = text[match.end() : end]
    return preamble, sections


def function_help(doc: str | None) -> str:
    """Excel's function description: the docstring's summary (its first paragraph)."""
    preamble, _ = _sections(doc)
    summary = preamble.strip().split("\n\n")[0]
    return shorten(" ".join(summary.split()))


def argument_help(doc: str | None) -> dict[str, str]:
    """``{argument: help}`` from the docstring's numpydoc ``Parameters`` section."""
    _, sections = _sections(doc)
    helps: dict[str, list[str]] = {}
    current = None
    for line in sections.get("Parameters", "").splitlines():
        if line.strip() and not line[:1].isspace():
            current = line.split(":")[0].strip()
            helps[current] = []
        elif current is not None and line.strip():
            helps[current].append(line.strip())
    return {name: shorten(" ".join(words)) for name, words in helps.items()}


# --- the UDF decorator ---------------------------------------------------------------------

_UDF_NAME = re.compile(rf"{UDF_PREFIX}[A-Z][A-Z0-9_]*")


def _check_annotations(func: Callable) -> None:
    """Refuse type hints that would make xlwings convert before shockbook parses.

    xlwings turns annotations into converters: ``-> pd.DataFrame`` would force every
    return through the DataFrame converter, so an error text could not be returned.
    """
    from xlwings.conversion import ValueAccessor, accessors

    for name, hint in typing.get_type_hints(func).items():
        top = typing.get_origin(hint) or hint
        if top is typing.Annotated:
            top = typing.get_origin(typing.get_args(hint)[0]) or typing.get_args(hint)[0]
        if top in (dt.date, dt.datetime):
            continue
        accessor = accessors.get(top)
        if accessor is not None and accessor is not ValueAccessor:
            where = "return value" if name == "return" else f"argument {name!r}"
            raise TypeError(
                f"{func.__name__}: the type hint {hint!r} on the {where} makes xlwings "
                "convert it; declare conversions with udf(args=..., ret=...) instead"
            )


def udf(
    func: Callable | None = None,
    *,
    args: Mapping[str, Arg] | None = None,
    ret: Mapping[str, Any] | None = None,
    volatile: bool = False,
    async_mode: str | None = None,
    category: str = UDF_CATEGORY,
) -> Callable:
    """Declare a shockbook worksheet function (wraps ``@xw.func``, ``@xw.arg``, ``@xw.ret``).

    Parameters
    ----------
    args:
        ``{argument name: Arg}``. Arguments without an entry arrive as xlwings reads them.
    ret:
        Return options for ``@xw.ret``, usually :data:`TABLE`.
    volatile, async_mode, category:
        Passed to ``@xw.func``; ``async_mode`` only if given (xlwings accepts
        ``"threading"`` only).

    The function name must be ``SB_UPPER_CASE`` and every argument must be documented in
    the docstring's ``Parameters`` section; both are checked when the module is imported.
    Declare everything here rather than stacking ``@xw.arg``/``@xw.ret``/``@xw.func``
    around ``@udf``: xlwings resets ``category``, ``volatile`` and ``async_mode`` to its
    defaults each time one of its decorators touches the function.
    """

    def decorate(f: Callable) -> Callable:
        if not _UDF_NAME.fullmatch(f.__name__):
            raise ValueError(f"UDF name {f.__name__!r} must look like {UDF_PREFIX}UPPER_CASE")
        signature = inspect.signature(f)
        names = list(signature.parameters)
        odd = [p.name for p in signature.parameters.values() if p.kind is not p.POSITIONAL_OR_KEYWORD]
        if odd:
            raise TypeError(f"{f.__name__}: UDF arguments must be plain positional ones, not {odd}")
        specs = dict(args or {})
        unknown = sorted(set(specs) - set(names))
        if unknown:
            raise TypeError(f"{f.__name__}: args= names unknown arguments {unknown}")
        helps = argument_help(f.__doc__)
        undocumented = [n for n in names if n not in helps]
        if undocumented:
            raise TypeError(
                f"{f.__name__}: document {undocumented} in the docstring's Parameters section"
            )
        _check_annotations(f)
        defaults = {
            n: p.default
            for n, p in signature.parameters.items()
            if p.default is not inspect.Parameter.empty
        }

        @functools.wraps(f)
        def parsed(*values: Any, **named: Any) -> Any:
            given = signature.bind(*values, **named).arguments
            clean = []
            for arg_name in names:
                value = given.get(arg_name, defaults.get(arg_name))
                if value is None and arg_name in defaults:
                    value = defaults[arg_name]  # an empty cell means "use the default"
                spec = specs.get(arg_name)
                clean.append(spec.parse(value, arg_name) if spec and spec.parse else value)
            return f(*clean)

        boundary = cell_safe(parsed)
        # xlwings takes the wizard's description from __doc__ when xw.func first sees the
        # function; show the summary there, keep the full docstring for Python's help().
        boundary.__doc__ = function_help(f.__doc__)
        for arg_name in names:
            spec = specs.get(arg_name, Arg())
            boundary = xw.arg(arg_name, doc=helps[arg_name], **dict(spec.xl))(boundary)
        if ret:
            boundary = xw.ret(**dict(ret))(boundary)
        # xw.func last: xw.arg/xw.ret reset category, volatile and async_mode to defaults.
        options: dict[str, Any] = {"category": category, "volatile": volatile}
        if async_mode is not None:
            options["async_mode"] = async_mode
        boundary = xw.func(**options)(boundary)
        boundary.__doc__ = f.__doc__
        return boundary

    return decorate if func is None else decorate(func)


# --- tables --------------------------------------------------------------------------------


def rows_by_ticker(
    table: pd.DataFrame,
    tickers: TickerList | Sequence[str],
    errors: Mapping[str, ShockbookError] | None = None,
    *,
    key: str = "ticker",
    error_column: str = ERROR_COLUMN,
) -> pd.DataFrame:
    """One row per requested entry, in the order asked, errors in the last column.

    Parameters
    ----------
    table:
        Results indexed by ticker (or with a ``key`` column), one row per good ticker.
    tickers:
        What was asked: a :class:`TickerList` (bad cells included) or plain tickers.
    errors:
        ``{ticker: error}`` for tickers the engine could not serve.
    key, error_column:
        Names of the first (ticker) and last (error text) columns.

    Returns
    -------
    DataFrame
        Columns ``key``, the table's columns, ``error_column``. A good row has an empty
        error; a bad row has its :func:`error_cell_text` there and NaN (-> empty cells) elsewhere.
        A ticker found neither in ``table`` nor in ``errors`` gets a "no result" error.
    """
    errors = dict(errors or {})
    if key in table.columns:
        table = table.set_index(key)
    entries = tickers.entries if isinstance(tickers, TickerList) else [
        TickerEntry(t) for t in tickers
    ]
    columns = [c for c in table.columns if c not in (key, error_column)]
    rows = []
    for entry in entries:
        row: dict[str, Any] = {key: entry.label}
        if entry.error is not None:
            row[error_column] = error_cell_text(entry.error)
        elif entry.label in errors:
            row[error_column] = error_cell_text(errors[entry.label])
        elif entry.label in table.index:
            found = table.loc[entry.label]
            if isinstance(found, pd.DataFrame):  # duplicated index: first row wins
                found = found.iloc[0]
            row.update(found[columns].to_dict())
            row[error_column] = ""
        else:
            row[error_column] = error_cell_text(InputError(
                f"no result for {entry.label}", ticker=entry.label
            ))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[key, *columns, error_column])
    for column in columns:  # keep the engine's dtypes (bad rows are NaN/NaT)
        if column in table.columns and len(frame):
            try:
                frame[column] = frame[column].astype(table[column].dtype)
            except (TypeError, ValueError):
                pass
    return frame

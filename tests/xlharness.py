"""Call xlwings UDFs the way Excel on Windows does, on any operating system.

On Windows, a formula ``=SB_X(A1:A3, "2025-01-27")`` runs a VBA wrapper (written by
"Import Functions") that calls ``XLPython.CallUDF``, which calls
:func:`xlwings.udfs.call_udf`: it replaces omitted optional arguments by their Python
defaults, converts every argument with ``xlwings.conversion.read`` and the options that
``@xw.func/@xw.arg`` stored in ``func.__xlfunc__``, calls the function and converts the
result with ``xlwings.conversion.write`` and the ``@xw.ret`` options. The element-level
conversions (empty cells, dates, error codes, NaN) live in ``xlwings._xlwindows.Engine``.

This harness runs exactly that code: the real ``xlwings.udfs.call_udf``, the real
decorators and the real ``_xlwindows`` engine. Only the Windows-only libraries underneath
are replaced by inert stand-ins (pywin32's modules, and the two ``ctypes`` DLL loaders that
``_xlwindows`` touches while it is imported). Nothing in xlwings is re-implemented.

Typical use in a test::

    from xlharness import call_like_excel, excel_column, excel_error, udf_module

    udfs = udf_module("shockbook.excel.udfs")
    call_like_excel(udfs.SB_REBASE, excel_column([50.0, None, 55.0]))
    # -> [[100.0], [''], [110.0]]

Excel-shaped inputs are what pywin32 hands to Python: numbers are ``float``, an empty cell
is ``None``, a range is a tuple of row tuples (a single cell is a scalar), a date-formatted
cell is a ``pywintypes`` time (a tz-aware datetime), and an error cell is an ``int`` SCODE
(``#N/A`` is -2146826246). ``excel_ref`` builds a fake COM ``Range`` so that the
reference path of ``call_udf`` (``=SB_X(A1:A3)``) runs too.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import importlib
import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

# --- pywin32 stand-ins -------------------------------------------------------------------

#: What VBA passes for an omitted ``Optional`` argument (DISP_E_PARAMNOTFOUND).
MISSING = -2147352572

#: COM's interface id of Excel's ``Range`` (what ``_xlwindows.is_range_instance`` checks).
_RANGE_IID = "{00020846-0000-0000-C000-000000000046}"
_IDISPATCH_IID = "{00020400-0000-0000-C000-000000000046}"

# Excel cell errors as pywin32 delivers them: VT_ERROR -> int SCODE (0x800A0000 + code).
_ERROR_CODES = {
    "#NULL!": 2000,
    "#DIV/0!": 2007,
    "#VALUE!": 2015,
    "#REF!": 2023,
    "#NAME?": 2029,
    "#NUM!": 2036,
    "#N/A": 2042,
}
_SCODE_BASE = -2146828288  # 0x800A0000 as a signed 32-bit int


class _WindowsOnly:
    """Placeholder for any pywin32 attribute the UDF call path never uses."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"xlharness: {self._name} needs real Windows/pywin32")

    def __getattr__(self, attr: str) -> "_WindowsOnly":
        return _WindowsOnly(f"{self._name}.{attr}")


def _stub_module(name: str, **attrs: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    module.__file__ = f"<xlharness stub {name}>"
    module.__getattr__ = lambda attr: _WindowsOnly(f"{name}.{attr}")  # PEP 562
    module.__xlharness_stub__ = True
    return module


class _PyTime(dt.datetime):
    """pywintypes.TimeType: pywin32's date type, a datetime subclass (tz-aware UTC)."""


class _ComError(Exception):
    """pywintypes.com_error."""


class _PyIDispatch:
    """pythoncom.TypeIIDs[IID_IDispatch]; never instantiated here."""


class _TimeZoneInfo:
    @staticmethod
    def utc() -> dt.tzinfo:
        return dt.timezone.utc


def _pywin32_stubs() -> dict[str, types.ModuleType]:
    win32com = _stub_module("win32com")
    win32com.__path__ = []  # a package, so that "import win32com.client" works
    server = _stub_module("win32com.server")
    server.__path__ = []
    stubs = {
        "pywintypes": _stub_module(
            "pywintypes",
            TimeType=_PyTime,
            com_error=_ComError,
            error=_ComError,
            IID=lambda text: text,
        ),
        "pythoncom": _stub_module(
            "pythoncom",
            CoInitialize=lambda: None,
            IID_IDispatch=_IDISPATCH_IID,
            TypeIIDs={_IDISPATCH_IID: _PyIDispatch},
            ole_error=_ComError,
        ),
        "win32api": _stub_module("win32api"),
        "win32con": _stub_module("win32con"),
        "win32event": _stub_module("win32event"),
        "win32gui": _stub_module("win32gui"),
        "win32process": _stub_module(
            "win32process", GetWindowThreadProcessId=lambda hwnd: (0, 4242)
        ),
        "win32timezone": _stub_module("win32timezone", TimeZoneInfo=_TimeZoneInfo),
        "win32com": win32com,
        "win32com.client": _stub_module("win32com.client"),
        "win32com.client.gencache": _stub_module("win32com.client.gencache"),
        "win32com.server": server,
        "win32com.server.dispatcher": _stub_module("win32com.server.dispatcher"),
        "win32com.server.policy": _stub_module("win32com.server.policy"),
        "win32com.server.util": _stub_module("win32com.server.util"),
        "win32com.server.exception": _stub_module("win32com.server.exception"),
    }
    win32com.client = stubs["win32com.client"]
    win32com.server = server
    for sub in ("dispatcher", "policy", "util", "exception"):
        setattr(server, sub, stubs[f"win32com.server.{sub}"])
    return stubs


class _FakeDLL:
    """Stand-in for ``ctypes.PyDLL``/``windll``/``oledll`` while ``_xlwindows`` imports."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return _FakeDLL()

    def __call__(self, *args: Any, **kwargs: Any) -> int:
        return 0


def _import_xlwindows() -> types.ModuleType:
    """Import the real ``xlwings._xlwindows`` with the Windows DLL loaders stubbed."""
    saved = {name: getattr(ctypes, name, None) for name in ("PyDLL", "windll", "oledll")}
    ctypes.PyDLL, ctypes.windll, ctypes.oledll = _FakeDLL, _FakeDLL(), _FakeDLL()
    try:
        return importlib.import_module("xlwings._xlwindows")
    finally:
        for name, value in saved.items():
            if value is None:
                delattr(ctypes, name)
            else:
                setattr(ctypes, name, value)


_RUNTIME: dict[str, types.ModuleType] = {}


def windows_udf_runtime() -> types.ModuleType:
    """Make ``import xlwings`` behave as on Windows for UDFs; return ``xlwings.udfs``.

    Idempotent. After this call ``xw.func/xw.arg/xw.ret/xw.script`` are the real
    ``xlwings.udfs`` decorators (as ``xlwings/__init__.py`` binds them on Windows) and
    ``xlwings.engines["excel"]`` is the real Windows engine.
    """
    if "udfs" in _RUNTIME:
        return _RUNTIME["udfs"]
    for name, module in _pywin32_stubs().items():
        existing = sys.modules.get(name)
        if existing is not None and not getattr(existing, "__xlharness_stub__", False):
            raise RuntimeError(f"a real {name} is installed; run these tests without it")
        sys.modules[name] = module

    import xlwings

    xlwindows = _import_xlwindows()
    if "excel" not in [engine.name for engine in xlwings.engines]:
        xlwings.engines.add(xlwings.Engine(impl=xlwindows.engine))
    udfs = importlib.import_module("xlwings.udfs")
    importlib.import_module("xlwings.com_server")  # call_udf imports its event loop
    xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
    xlwings.script = xlwings.sub = udfs.xlsub
    _RUNTIME["udfs"] = udfs
    return udfs


def udf_module(name: str) -> types.ModuleType:
    """Import (or re-import) a UDF module so that its decorators are the Windows ones.

    A module imported before :func:`windows_udf_runtime` ran was decorated by the no-op
    decorators xlwings binds on Linux/macOS; it is reloaded so that every UDF carries its
    ``__xlfunc__`` metadata.
    """
    windows_udf_runtime()
    module = sys.modules.get(name)
    if module is None:
        return importlib.import_module(name)
    if not any(hasattr(value, "__xlfunc__") for value in vars(module).values()):
        module = importlib.reload(module)
    return module


# --- calling -------------------------------------------------------------------------------

_harness_modules: dict[int, str] = {}


def _module_name_for(func: Callable) -> str:
    """Register ``func`` in xlwings' own UDF module registry and return the module name.

    ``call_udf`` looks functions up as ``getattr(module, name)``; registering a one-function
    module (not reloadable: ``filetime`` None) works for UDFs defined inside tests too.
    """
    udfs = windows_udf_runtime()
    name = _harness_modules.get(id(func))
    if name is None:
        name = f"_xlharness_udfs_{len(_harness_modules)}"
        _harness_modules[id(func)] = name
    module = types.ModuleType(name)
    setattr(module, func.__xlfunc__["name"], func)
    udfs.udf_modules[name] = {"filename": name, "filetime": None, "module": module}
    return name


def call_like_excel(func: Callable, *excel_args: Any) -> list[list[Any]]:
    """Run ``func`` through ``xlwings.udfs.call_udf`` with Excel-shaped arguments.

    Arguments that are not given are passed as :data:`MISSING`, as the VBA wrapper does for
    omitted ``Optional`` parameters. Returns the 2-D list that xlwings hands back to Excel
    (before pywin32 turns it into a VARIANT array: a ``datetime`` there becomes a date
    cell, ``""`` an empty-looking cell).
    """
    if not hasattr(func, "__xlfunc__"):
        raise TypeError(
            f"{getattr(func, '__name__', func)!r} has no xlwings metadata; decorate it with "
            "xw.func after windows_udf_runtime() (use udf_module() for package modules)"
        )
    udfs = windows_udf_runtime()
    declared = [a for a in func.__xlfunc__["args"] if not a["vba"] and not a["vararg"]]
    args = list(excel_args) + [MISSING] * (len(declared) - len(excel_args))
    return udfs.call_udf(_module_name_for(func), func.__xlfunc__["name"], tuple(args))


# --- Excel-shaped inputs ------------------------------------------------------------------


class _ExcelErrorCode(int):
    """An int SCODE that :func:`excel_range` must not turn into a float."""


def excel_error(text: str) -> int:
    """The value pywin32 delivers for an error cell, e.g. ``excel_error("#N/A")``."""
    return _ExcelErrorCode(_SCODE_BASE + _ERROR_CODES[text])


def _cell(value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, _ExcelErrorCode):
        return value
    if isinstance(value, int):
        return float(value)  # Excel numbers are doubles
    if isinstance(value, dt.datetime) and not isinstance(value, _PyTime):
        return excel_date_cell(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return excel_date_cell(value)
    return value


def excel_range(rows: Iterable[Iterable[Any]]) -> tuple[tuple[Any, ...], ...]:
    """A block of cells as Excel passes it: a tuple of row tuples.

    ``int`` becomes ``float`` and ``date``/``datetime`` a date-formatted cell, as in Excel.
    """
    block = tuple(tuple(_cell(v) for v in row) for row in rows)
    if len({len(row) for row in block}) > 1:
        raise ValueError("an Excel range is rectangular: all rows need the same length")
    return block


def excel_row(values: Iterable[Any]) -> tuple[tuple[Any, ...], ...]:
    """One row of cells (1 x n)."""
    return excel_range([list(values)])


def excel_column(values: Iterable[Any]) -> tuple[tuple[Any, ...], ...]:
    """One column of cells (n x 1)."""
    return excel_range([[v] for v in values])


def excel_date(day: dt.date | dt.datetime) -> float:
    """Excel's serial number for ``day`` (1900 date system): what a General cell holds."""
    if not isinstance(day, dt.datetime):
        day = dt.datetime(day.year, day.month, day.day)
    return (day - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)


def excel_date_cell(day: dt.date | dt.datetime) -> dt.datetime:
    """What pywin32 delivers for a date-formatted cell: a tz-aware (UTC) pywintypes time."""
    windows_udf_runtime()
    if not isinstance(day, dt.datetime):
        day = dt.datetime(day.year, day.month, day.day)
    return _PyTime(*day.timetuple()[:6], day.microsecond, tzinfo=dt.timezone.utc)


@dataclass
class _Count:
    Count: int


@dataclass
class _FakeApp:
    Hwnd: int = 1
    Version: str = "16.0"


@dataclass
class _FakeBook:
    Name: str = "shockbook.xlsm"
    Application: _FakeApp = field(default_factory=_FakeApp)


@dataclass
class _FakeSheet:
    Name: str = "Sheet1"
    Parent: _FakeBook = field(default_factory=_FakeBook)


class _FakeTypeInfo:
    def GetTypeAttr(self) -> Any:
        return types.SimpleNamespace(iid=_RANGE_IID)


class _FakeOleObj:
    def GetTypeInfo(self) -> _FakeTypeInfo:
        return _FakeTypeInfo()


class _FakeComRange:
    """Just enough of Excel's COM ``Range`` for ``call_udf``'s reference path."""

    def __init__(self, block: tuple[tuple[Any, ...], ...]) -> None:
        self._block = block
        self._oleobj_ = _FakeOleObj()
        self.Worksheet = _FakeSheet()
        self.Row, self.Column = 1, 1
        self.Rows, self.Columns = _Count(len(block)), _Count(len(block[0]) if block else 0)

    @property
    def Value(self) -> Any:
        if len(self._block) == 1 and len(self._block[0]) == 1:
            return self._block[0][0]  # COM returns a scalar for a single cell
        return self._block


def excel_ref(rows: Iterable[Iterable[Any]]) -> Any:
    """A reference argument (``=SB_X(A1:B3)``): a fake COM Range whose ``Value`` is ``rows``.

    ``call_udf`` detects it as a Range and reads it through ``xlwings.Range.raw_value``.
    """
    windows_udf_runtime()
    return _FakeComRange(excel_range(rows))


# --- metadata ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArgMeta:
    """One argument as Excel's function wizard shows it."""

    name: str
    doc: str
    optional: bool
    default: Any
    options: dict


@dataclass(frozen=True)
class UdfMeta:
    """What "Import Functions" registers for one UDF (see ``xlwings.udfs.import_udfs``)."""

    name: str
    description: str
    category: Any
    volatile: bool
    async_mode: str | None
    call_in_wizard: bool
    args: tuple[ArgMeta, ...]
    ret_options: dict

    @property
    def arg_names(self) -> list[str]:
        return [a.name for a in self.args]


def udf_metadata(func: Callable) -> UdfMeta:
    """The name, description and argument docs that Excel receives for ``func``.

    The texts are cut to 255 characters as ``import_udfs`` does before
    ``Application.MacroOptions``; ``vba=`` and ``caller`` arguments (hidden in Excel) are
    left out.
    """
    info = func.__xlfunc__
    args = tuple(
        ArgMeta(
            name=a["name"],
            doc=a["doc"][:255],
            optional="optional" in a,
            default=a.get("optional"),
            options=dict(a["options"]),
        )
        for a in info["args"]
        if not a["vba"] and a["name"] != "caller"
    )
    return UdfMeta(
        name=info["name"],
        description=info["ret"]["doc"][:255],
        category=info["category"],
        volatile=info["volatile"],
        async_mode=info["async_mode"],
        call_in_wizard=info["call_in_wizard"],
        args=args,
        ret_options=dict(info["ret"]["options"]),
    )


def vba_wrappers(
    module: types.ModuleType, module_name: str | None = None, workbook: str = "shockbook.xlsm"
) -> str:
    """The VBA that "Import Functions" writes into the ``xlwings_udfs`` module for ``module``.

    Produced by xlwings' own ``generate_vba_wrapper``; ``module_name`` is the name the
    wrappers pass to ``XLPy.CallUDF`` (the "UDF Modules" entry), default ``module.__name__``.
    """
    import io

    udfs = windows_udf_runtime()
    out = io.StringIO()
    book = types.SimpleNamespace(Name=workbook)
    udfs.generate_vba_wrapper(module_name or module.__name__, module, out, book)
    return out.getvalue()


def cells(result: Sequence[Sequence[Any]]) -> list[Any]:
    """All cells of a 2-D result in reading order (handy for assertions)."""
    return [value for row in result for value in row]


# --- a workbook as the refresh macros see it (xlwings Book) -------------------------------------


class _BookRange:
    """``sheet.range((top, left), (bottom, right))``: values in and out, number format."""

    def __init__(self, ws, first, last=None) -> None:
        self.ws, self.first, self.last = ws, first, last or first

    def options(self, ndim=None, **_):
        return self

    @property
    def row(self) -> int:
        return self.first[0]

    @property
    def column(self) -> int:
        return self.first[1]

    @property
    def shape(self) -> tuple[int, int]:
        return self.last[0] - self.first[0] + 1, self.last[1] - self.first[1] + 1

    @property
    def value(self):
        (r1, c1), (r2, c2) = self.first, self.last
        return [[self.ws.cell(row=r, column=c).value for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @value.setter
    def value(self, rows):
        r0, c0 = self.first
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                typed_formula = False
                if isinstance(v, str) and v.startswith("'"):  # Excel: a leading apostrophe means text
                    v = v[1:]
                elif v == "":  # Excel: an empty string empties the cell
                    v = None
                elif isinstance(v, str) and len(v) > 1 and v.startswith(("=", "+", "-", "@")):
                    # Excel: text typed with a leading =, +, - or @ is a formula (a number stays a number)
                    try:
                        v = float(v)
                    except ValueError:
                        v, typed_formula = ("=" + v.lstrip("@") if not v.startswith("=") else v), True
                cell = self.ws.cell(row=r0 + i, column=c0 + j)
                cell.value = v
                if isinstance(v, str) and v.startswith("=") and not typed_formula:
                    cell.data_type = "s"

    @property
    def number_format(self):
        return self.ws.cell(row=self.first[0], column=self.first[1]).number_format

    @number_format.setter
    def number_format(self, fmt):
        (r1, c1), (r2, c2) = self.first, self.last
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.ws.cell(row=r, column=c).number_format = fmt


class _BookTable:
    def __init__(self, ws, name) -> None:
        self.ws, self.name = ws, name

    def resize(self, ref) -> None:
        self.ws.tables[self.name].ref = ref

    @property
    def range(self) -> _BookRange:
        """The table's whole range, header row first (xlwings ``Table.range``)."""
        from openpyxl.utils.cell import range_boundaries

        c1, r1, c2, r2 = range_boundaries(self.ws.tables[self.name].ref)
        return _BookRange(self.ws, (r1, c1), (r2, c2))


class _BookTables(list):
    def __init__(self, ws) -> None:
        super().__init__(_BookTable(ws, name) for name in ws.tables)
        self.ws = ws

    def add(self, source, name):
        from openpyxl.worksheet.table import Table

        self.ws.add_table(Table(displayName=name, ref=source))
        return _BookTable(self.ws, name)


class _BookSheet:
    def __init__(self, ws) -> None:
        self.ws = ws

    @property
    def name(self) -> str:
        return self.ws.title

    @property
    def tables(self) -> _BookTables:
        return _BookTables(self.ws)

    def range(self, first, last=None):
        if isinstance(first, str):  # "A5:N8": a table's new extent
            return first
        return _BookRange(self.ws, first, last)


class _BookSheets(list):
    def __init__(self, book) -> None:
        super().__init__(_BookSheet(ws) for ws in book.wb.worksheets)
        self.book = book

    def __getitem__(self, key):
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return super().__getitem__(key)

    @property
    def active(self) -> _BookSheet:
        return self[self.book.active]


class BookStandIn:
    """What ``shockbook.excel.macros`` uses of an ``xlwings.Book`` (``sheets``, ``sheets.active``,
    ``range(...).value/.options/.number_format``, ``tables``, ``fullname``), over an openpyxl
    workbook loaded from a real file. Pass it as ``xw.Book.caller()`` to run a macro end to end.
    """

    def __init__(self, path, active: str | None = None) -> None:
        from openpyxl import load_workbook

        self.wb = load_workbook(path)
        self.fullname = str(path)
        self.active = active or self.wb.worksheets[0].title

    @property
    def sheets(self) -> _BookSheets:
        return _BookSheets(self)

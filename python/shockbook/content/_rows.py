"""Reading curated rows: file parsing with row/line numbers, field checks, the ``Loaded`` result.

Every content loader works the same way:

1. :func:`read_yaml_rows` or :func:`read_csv_rows` turns a file into raw rows (plain dicts),
   each with the 1-based row number and the line it starts on;
2. a :class:`RowReader` reads the fields of one raw row, recording one
   :class:`~shockbook.errors.ContentError` per bad field (file, row, line, field, value, valid);
3. a row with any bad field is left out, the others are kept, and the loader returns
   ``Loaded(rows, errors)``; ``strict=True`` raises the first error instead.

Nothing here prints or logs: errors are values the caller shows or raises.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Iterable, Iterator, Sequence, TypeVar

import yaml

from ..errors import ContentError
from ..data.symbols import yahoo_symbol
from ..userfiles import excerpt, yaml_alias_problem

T = TypeVar("T")

#: Folder of the built-in data files.
DATA_DIR = Path(__file__).resolve().parent / "data"

_LINE_KEY = "__line__"


@dataclass(frozen=True)
class RawRow:
    """One unparsed row: its fields, where it came from (file, 1-based row, line)."""

    file: str
    row: int
    line: int | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """Valid rows plus one :class:`ContentError` per rejected field, in file order.

    ``rows`` never contains a row that had an error; ``errors`` is empty when every row was
    valid. ``bool(loaded.errors)`` tells whether anything was rejected.
    """

    rows: tuple[T, ...]
    errors: tuple[ContentError, ...] = ()

    def __iter__(self) -> Iterator[T]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def raise_if_errors(self) -> "Loaded[T]":
        """Raise the first error (mentioning how many more there are); else return self."""
        if self.errors:
            raise_first(self.errors)
        return self

    def error_lines(self) -> list[str]:
        """One line per error, for a status cell or stderr."""
        return [e.one_line() for e in self.errors]


def raise_first(errors: Sequence[ContentError]) -> None:
    """Raise ``errors[0]``, with the count of further errors appended to its message."""
    first = errors[0]
    if len(errors) == 1:
        raise first
    message = f"{first.message} (and {len(errors) - 1} more content error(s))"
    raise ContentError(message, **first.context)


def merge(*parts: Loaded[T]) -> Loaded[T]:
    """Concatenate several results (built-in rows first, then user rows)."""
    rows: list[T] = []
    errors: list[ContentError] = []
    for part in parts:
        rows.extend(part.rows)
        errors.extend(part.errors)
    return Loaded(tuple(rows), tuple(errors))


def file_error(path: Path | str, message: str, **context: Any) -> ContentError:
    """An error about a whole file (missing, unreadable, wrong top-level shape)."""
    name = Path(path).name
    return ContentError(f"{name}: {message}", file=str(path), row=None, field=None, **context)


# --- reading files ---------------------------------------------------------------------------


#: libyaml's C parser when PyYAML has it (about 10x faster on the content files), else Python's.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):
    """Safe loader that records the line each mapping starts on (under ``__line__``)."""


def _construct_mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = _SafeBase.construct_mapping(loader, node, deep=True)
    mapping[_LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_with_line
)


def _read_text(path: Path, encoding: str) -> str:
    """The text of a user file, refused over ``SHOCKBOOK_MAX_USER_FILE_MB`` before it is read."""
    from ..limits import file_size_problem

    problem = file_size_problem(path)
    if problem:
        raise file_error(path, problem)
    return path.read_text(encoding=encoding)


def read_yaml(path: Path | str) -> Any:
    """Parse a YAML file (safe loader); mappings carry their starting line under ``__line__``.

    Anchors and aliases (``&name`` / ``*name``) are refused before anything is built (see
    :mod:`shockbook.userfiles`), and so is a file over ``SHOCKBOOK_MAX_USER_FILE_MB``.

    Raises
    ------
    ContentError
        The file is missing, too large, uses anchors or aliases, or is not valid YAML (the
        message gives the line).
    """
    path = Path(path)
    try:
        text = _read_text(path, "utf-8")
    except FileNotFoundError:
        raise file_error(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise file_error(path, f"cannot be read as UTF-8 text ({exc})") from None
    problem = yaml_alias_problem(text, _SafeBase)
    if problem:
        raise file_error(path, problem)
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise file_error(path, f"is not valid YAML{where}: {problem}") from None


def read_yaml_rows(path: Path | str, key: str = "rows") -> list[RawRow]:
    """The list of mappings under ``key`` in a YAML file, as :class:`RawRow` objects.

    A list item that is not a mapping is still returned (with ``data={"__item__": item}``)
    so that the loader can report it as a bad row instead of crashing.
    """
    path = Path(path)
    doc = read_yaml(path)
    if doc is None:
        return []
    items = doc.get(key) if isinstance(doc, dict) else doc
    if items is None:
        return []
    if not isinstance(items, list):
        raise file_error(path, f"expected a list of rows under '{key}:'")
    rows = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            data = dict(item)
            line = data.pop(_LINE_KEY, None)
        else:
            data, line = {"__item__": item}, None
        rows.append(RawRow(str(path), number, line, data))
    return rows


def read_csv_rows(path: Path | str, required_columns: Iterable[str] = ()) -> list[RawRow]:
    """Rows of a UTF-8 CSV file (BOM tolerated; lines starting with ``#`` are comments).

    Each row's ``line`` is the physical line it starts on (quoted cells may span lines, as
    Excel writes Alt+Enter) and ``row`` its 1-based data-row number. Empty cells become
    ``None``; surrounding spaces are stripped; trailing empty extra cells are ignored.

    Raises
    ------
    ContentError
        The file is missing, or its header lacks one of ``required_columns``.
    """
    path = Path(path)
    try:
        text = _read_text(path, "utf-8-sig")
    except FileNotFoundError:
        raise file_error(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise file_error(path, f"cannot be read as UTF-8 text ({exc})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    line_before = 0
    for cells in reader:
        first_line = line_before + 1
        line_before = reader.line_num
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue  # blank line or comment
        records.append((first_line, cells))
    if not records:
        return []
    header = [cell.strip() for cell in records[0][1]]
    missing = [c for c in required_columns if c not in header]
    if missing:
        raise file_error(
            path, f"header lacks column(s) {', '.join(missing)}", valid=list(required_columns)
        )
    rows = []
    for index, (line, cells) in enumerate(records[1:], start=1):
        data = {
            name: (cells[i].strip() or None) if i < len(cells) else None
            for i, name in enumerate(header)
        }
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            data["__extra__"] = cells[len(header):]
        rows.append(RawRow(str(path), index, line, data))
    return rows


# --- reading fields ------------------------------------------------------------------------

_TICKER = re.compile(r"^[A-Z][A-Z0-9.\-]{0,9}$")
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Bilingual:
    """A curated row whose texts have a Korean twin: ``note`` and ``note_ko``, ``source`` and
    ``source_ko``... The built-in loaders require both (:meth:`RowReader.korean`); a user's row
    may give English only and then shows it in both books."""

    def text_in(self, field: str, lang: str) -> str:
        """``field`` in ``lang``: the ``<field>_ko`` twin in Korean when there is one, else
        the field as written."""
        english = getattr(self, field)
        return (getattr(self, f"{field}_ko", "") or english) if lang == "ko" else english


class RowReader:
    """Reads the fields of one :class:`RawRow`, collecting a :class:`ContentError` per bad field.

    Each accessor returns the parsed value, or ``None`` after recording an error; check
    :attr:`errors` once all fields are read.
    """

    def __init__(self, raw: RawRow) -> None:
        self.raw = raw
        self.errors: list[ContentError] = []
        if "__item__" in raw.data:
            self.fail(None, raw.data["__item__"], "is not a mapping of field: value")
        if "__extra__" in raw.data:
            self.fail(None, raw.data["__extra__"], "has more cells than the header")

    # where + how to fail

    def where(self, field: str | None) -> str:
        name = Path(self.raw.file).name
        line = f" (line {self.raw.line})" if self.raw.line else ""
        field_text = f", field '{field}'" if field else ""
        return f"{name} row {self.raw.row}{line}{field_text}"

    def fail(self, field: str | None, value: Any, problem: str, valid: Any = None) -> None:
        shown = excerpt(value)  # a short quotation: never a whole (possibly huge) structure
        message = f"{self.where(field)}: {shown} {problem}"
        self.errors.append(
            ContentError(
                message,
                file=self.raw.file,
                row=self.raw.row,
                line=self.raw.line,
                field=field,
                value=value,
                valid=valid,
            )
        )

    def get(self, field: str) -> Any:
        return self.raw.data.get(field)

    # accessors

    def text(self, field: str, *, required: bool = True, default: str = "") -> str | None:
        """A non-empty string (numbers are accepted and turned into text)."""
        value = self.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(field, value if value is not None else "", "is missing (required)")
                return None
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(field, value, "must be text")
            return None
        return str(value).strip()

    def korean(self, field: str, english: str | None, *, bilingual: bool = True) -> str | None:
        """The Korean text of the English ``field``, read from ``<field>_ko``.

        Curated text has one shape everywhere: the English text in ``field``, the Korean in
        ``field + "_ko"``. With ``bilingual`` (the built-in files) an English text without its
        Korean, or a Korean text without its English, is an error naming ``<field>_ko``; for
        a user's own rows a missing ``_ko`` falls back to the English text (shown as typed).
        ``english`` is the already-read English value (``None`` after an error).
        """
        name = f"{field}_ko"
        ko = self.text(name, required=False, default="")
        if ko is None or english is None:
            return None
        if english and not ko:
            if bilingual:
                self.fail(name, "", f"is missing: every {field} needs its Korean text")
                return None
            return english
        if ko and not english and bilingual:
            self.fail(field, "", f"is missing: {name} is given, so {field} needs its English text")
            return None
        return ko

    def choice(self, field: str, valid: Sequence[str], *, required: bool = True,
               aliases: dict[str, str] | None = None, default: str | None = None) -> str | None:
        """One of ``valid`` (case-insensitive; ``aliases`` maps other spellings)."""
        value = self.text(field, required=required, default="")
        if value is None:
            return None
        if value == "":
            return default
        lookup = {v.lower(): v for v in valid}
        lookup.update({k.lower(): v for k, v in (aliases or {}).items()})
        found = lookup.get(value.lower())
        if found is None:
            self.fail(field, value, f"is not one of {', '.join(valid)}", valid=list(valid))
        return found

    def number(self, field: str, *, required: bool = True, minimum: float | None = None,
               allow_blank: bool = False) -> float | None:
        """A finite number (``1,234.5`` and ``1_000`` accepted); NaN if blank and allowed."""
        value = self.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if allow_blank or not required:
                return math.nan
            self.fail(field, "", "is missing (a number is required)")
            return None
        if isinstance(value, bool):
            self.fail(field, value, "must be a number")
            return None
        try:
            number = float(str(value).replace(",", "").replace("_", "").strip())
        except ValueError:
            self.fail(field, value, "is not a number")
            return None
        if not math.isfinite(number):
            self.fail(field, value, "must be a finite number")
            return None
        if minimum is not None and number < minimum:
            self.fail(field, value, f"must be at least {minimum:g}")
            return None
        return number

    def text_list(self, field: str, *, required: bool = True,
                  separators: str = r"\n|\s\|\s") -> tuple[str, ...] | None:
        """A non-empty list of strings (YAML list, or text split on newlines / ' | ')."""
        value = self.get(field)
        if isinstance(value, str):
            value = [part for part in re.split(separators, value) if part.strip()]
        if value is None or value == []:
            if required:
                self.fail(field, "", "is missing (at least one item is required)")
                return None
            return ()
        if not isinstance(value, list):
            self.fail(field, value, "must be a list of texts")
            return None
        items = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
                self.fail(field, item, "contains an item that is not a non-empty text")
                return None
            items.append(str(item).strip())
        return tuple(items)

    def _items(self, field: str, kind: str) -> list | tuple | None:
        """The field as a list: a YAML list, or text split on commas, spaces, ';' or '|'.
        ``()`` when empty; ``None`` (and an error recorded) when it is neither."""
        value = self.get(field)
        if value is None or value == "" or value == []:
            return ()
        if isinstance(value, str):
            value = [part for part in re.split(r"[,\s;|]+", value) if part]
        if not isinstance(value, list):
            self.fail(field, value, f"must be a list of {kind}")
            return None
        return value

    def tickers(self, field: str = "tickers") -> tuple[str, ...] | None:
        """Zero or more upper-case tickers (list, or text split on commas, spaces, ';' or '|')."""
        value = self._items(field, "tickers")
        if not value:
            return value
        out = []
        for item in value:
            if isinstance(item, bool):
                # YAML 1.1 reads ON, YES, NO... as booleans.
                self.fail(field, item, "was read as a yes/no value: quote the ticker, e.g. 'ON'")
                return None
            text = yahoo_symbol(str(item), strict=False)
            if not _TICKER.match(text):
                self.fail(field, item, "is not a ticker (letters, digits, '.' or '-')")
                return None
            out.append(text)
        return tuple(out)

    def partial_date(self, field: str, *, required: bool = False) -> str | None:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as text ('' when blank and optional)."""
        value = self.get(field)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.strftime("%Y-%m-%d")
        text = self.text(field, required=required, default="")
        if not text:
            return text
        if not _PARTIAL_DATE.match(text):
            self.fail(field, text, "is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
            return None
        try:
            partial_date_start(text)
        except ValueError:
            self.fail(field, text, "is not a calendar date")
            return None
        return text

    def date(self, field: str) -> dt.date | None:
        """A full ``YYYY-MM-DD`` date."""
        text = self.partial_date(field, required=True)
        if text is None:
            return None
        if len(text) != 10:
            self.fail(field, text, "must be a full date YYYY-MM-DD")
            return None
        return dt.date.fromisoformat(text)

    def flags(self, field: str, valid: Sequence[str]) -> tuple[str, ...] | None:
        """Zero or more of ``valid`` (list, or text split on commas, spaces, ';' or '|')."""
        value = self._items(field, "flags")
        if not value:
            return value
        out = []
        for item in value:
            flag = str(item).strip().upper()
            if flag not in valid:
                self.fail(field, item, f"is not one of {', '.join(valid)}", valid=list(valid))
                return None
            out.append(flag)
        return tuple(out)

    def boolean(self, field: str, *, default: bool = False) -> bool | None:
        """yes/no, true/false, 1/0 (case-insensitive); ``default`` when blank."""
        value = self.get(field)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"yes", "true", "1", "y"}:
            return True
        if text in {"no", "false", "0", "n"}:
            return False
        self.fail(field, value, "must be yes or no")
        return None

    def unknown_fields(self, known: Iterable[str]) -> None:
        """Record an error for each field that is not in ``known`` (catches typos)."""
        known = set(known)
        for name in self.raw.data:
            if name.startswith("__"):
                continue
            if name not in known:
                self.fail(name, name, "is not a known field", valid=sorted(known))


def partial_date_start(text: str) -> dt.date:
    """The first day covered by a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` text."""
    parts = [int(p) for p in text.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.date(*parts)


def collect(raws: Iterable[RawRow], parse) -> Loaded:
    """Apply ``parse(reader) -> row`` to each raw row; keep valid rows, gather errors."""
    rows, errors = [], []
    for raw in raws:
        reader = RowReader(raw)
        row = parse(reader)
        if reader.errors:
            errors.extend(reader.errors)
        elif row is not None:
            rows.append(row)
    return Loaded(tuple(rows), tuple(errors))

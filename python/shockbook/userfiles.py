"""User files are data: read safely, quoted briefly, checked by every command that uses them.

The user's own files (opinion rows, model metrics, a watchlist, a universe list) and the paths a
workbook's Settings sheet names are untrusted input. The rules, in one place:

* **YAML without anchors or aliases.** ``&name`` / ``*name`` are refused before anything is
  built (a 466-byte "billion laughs" file expands to gigabytes when anything walks it); the
  loader is PyYAML's safe loader, so no tag constructs a Python object.
* **Sizes capped** (``SHOCKBOOK_MAX_USER_FILE_MB``, see :mod:`shockbook.limits`).
* **Short excerpts.** An error message quotes at most :data:`EXCERPT` characters of a value
  (:func:`excerpt`), never a whole nested structure, and never another file's content.
* **One report for every command.** :func:`user_file_problems` gives the errors of the opinions
  and metrics files, so ``build`` and ``refresh`` report them as ``content`` does (one line
  each, exit 1, the rest of the book still built).
* **Paths from a workbook are data files of the expected kind** (:func:`check_data_file`).
"""

from __future__ import annotations

import re
import reprlib
from pathlib import Path
from typing import Any

from .errors import InputError, ShockbookError

#: The most characters of a user value an error message quotes.
EXCERPT = 60

_repr = reprlib.Repr()
_repr.maxlevel, _repr.maxlist, _repr.maxdict, _repr.maxtuple, _repr.maxset = 2, 4, 4, 4, 4
_repr.maxstring, _repr.maxother, _repr.maxlong = EXCERPT, EXCERPT, 40


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """A short quotation of ``value`` for an error message: text in quotes, anything else as a
    bounded ``repr`` (nested lists and mappings are cut at two levels and four items, so the cost
    never depends on the value's size); at most ``limit`` characters, ending in ``…`` when cut."""
    if isinstance(value, str):
        one = " ".join(value[: limit * 4].split())
        text = f"'{one}'"
    else:
        try:
            text = _repr.repr(value)
        except Exception:  # noqa: BLE001 - a value whose repr fails is shown by its type
            text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def yaml_alias_problem(text: str, loader: type) -> str | None:
    """Why ``text`` is refused as a user YAML file, or ``None``: an anchor or alias (``&name``,
    ``*name``). Only the event stream is read (no node is built), and it stops at the first one."""
    import yaml

    try:
        for event in yaml.parse(text, Loader=loader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor is not None:
                line = event.start_mark.line + 1 if event.start_mark is not None else "?"
                return (f"uses a YAML anchor or alias (&{anchor or '…'} / *{anchor or '…'}) at line {line}; "
                        "write each value out in full")
    except yaml.YAMLError:
        return None  # the loader reports the syntax error with its line
    return None


def user_file_problems(settings) -> list[ShockbookError]:
    """The errors of the user's opinions and metrics files (a file that cannot be read is one
    error; a bad row one per field), as ``content opinions`` / ``content models`` report them."""
    from .content.metrics import load_metrics
    from .content.opinions import load_opinions

    problems: list[ShockbookError] = []
    if settings is None:
        return problems
    if settings.opinions_file is not None:
        problems += load_opinions(settings.opinions_file, builtin=False).errors
    if settings.metrics_file is not None:
        problems += [e for e in load_metrics(settings.metrics_file).errors]
    return problems


#: What a Settings path may name: the kinds of file and the columns each must have.
DATA_FILES = {
    "snapshot": ((".csv", ".csv.gz", ".parquet"), ("date", "ticker")),
    "universe_file": ((".csv", ".csv.gz"), ()),
}
#: One of these names the ticker column of a universe list.
UNIVERSE_TICKER_COLUMNS = ("yahoo_ticker", "ticker", "symbol")


def check_local_path(text: str, key: str) -> None:
    """Refuse a Settings path that names a network location: a UNC path (``\\\\host\\share\\f.csv``,
    ``//host/share``) or a URL. On Windows, merely looking at a UNC path sends the user's sign-in
    (NTLM) to that host, so the check comes before any file-system call.

    Raises
    ------
    InputError
        The path is a network location; copy the file beside the workbook instead.
    """
    plain = text.strip()
    if plain.startswith(("\\\\", "//")) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]+://", plain):
        raise InputError(f"Settings {key}={excerpt(plain)} names a network location; a workbook may only name "
                         "a local data file: copy it beside the workbook and give its name", argument=key)


def check_data_file(path: Path, key: str, shown: str) -> Path:
    """``path`` if it is a data file of the kind Settings ``key`` names, else one clear error.

    The checks read the file's name and its header line only (at most 64 KB; a Parquet file's
    schema); the message names the setting and what is valid, and never quotes the file's
    content (a workbook may name ``/etc/passwd``).

    Raises
    ------
    InputError
        Another kind of file, unreadable, or without the expected columns.
    """
    suffixes, columns = DATA_FILES[key]
    name = path.name.lower()
    if not name.endswith(suffixes):
        raise InputError(f"Settings {key}={shown!r} is not a data file; valid: a {', '.join(suffixes)} file "
                         f"({'date, ticker, close' if key == 'snapshot' else 'ticker, name, gics_sector'} columns)",
                         argument=key, path=str(path))
    try:
        if name.endswith(".parquet"):  # the schema only (the file's footer)
            import pyarrow.parquet as pq

            head = ",".join(pq.read_schema(path).names).encode()
        elif name.endswith(".gz"):
            import gzip

            with gzip.open(path, "rb") as fh:
                head = fh.read(65536)
        else:
            with open(path, "rb") as fh:
                head = fh.read(65536)
        header = head.split(b"\n", 1)[0].decode("utf-8-sig").strip().lower()
    except Exception:  # noqa: BLE001 - unreadable (not gzip, not Parquet, not text): no header
        header = None
    names = [c.strip().strip('"') for c in header.split(",")] if header else []
    wanted = columns or UNIVERSE_TICKER_COLUMNS
    ok = all(c in names for c in columns) if columns else any(c in names for c in wanted)
    if not ok:
        raise InputError(f"Settings {key}={shown!r} is not a {'price snapshot' if key == 'snapshot' else 'universe list'}: "
                         f"its first line has no {' and '.join(wanted) if columns else ' or '.join(wanted)} column "
                         "(the file's content is not shown)", argument=key, path=str(path))
    return path


__all__ = ["excerpt", "yaml_alias_problem", "user_file_problems", "check_data_file", "EXCERPT"]

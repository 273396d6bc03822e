"""Opinions on DeepSeek after the shock (report table 1), plus the user's own rows.

The built-in rows live in ``data/opinions.yaml``. A user file (YAML with a ``rows:`` list,
or CSV with the same column names and lists separated by ``" | "``) is merged after them;
its path comes from the ``user_file`` argument, else from the environment variable
``SHOCKBOOK_OPINIONS_FILE``, else there is none.

A malformed user row is left out and reported (file, row, line, field); the other rows still
load. The built-in file is part of the package and is always read strictly: an error there is
a packaging bug and raises :class:`~shockbook.errors.ContentError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from ._rows import (
    DATA_DIR,
    Bilingual,
    Loaded,
    RowReader,
    collect,
    merge,
    raise_first,
    read_csv_rows,
    read_yaml_rows,
)

#: Built-in file.
OPINIONS_FILE = DATA_DIR / "opinions.yaml"
#: Environment variable naming the user's opinions file.
OPINIONS_ENV = "SHOCKBOOK_OPINIONS_FILE"

STANCES = ("positive", "negative")
#: Korean labels of the stances, as in the report (구분 column).
STANCE_KO = {"positive": "긍정", "negative": "부정"}
SOURCE_TYPES = ("sell-side", "company", "government", "media", "research")

_FIELDS = (
    "id", "stance", "source", "source_en", "source_type", "points_ko", "points_en",
    "tickers", "report_table", "report_page", "note", "note_ko",
)


@dataclass(frozen=True)
class Opinion(Bilingual):
    """One row of the opinions table.

    ``origin`` is ``"built-in"`` or the path of the user file the row came from.
    ``report_table`` / ``report_page`` are ``None`` when unknown (always for user rows unless
    given).
    """

    id: str
    stance: str
    source: str
    source_en: str
    source_type: str
    points_ko: tuple[str, ...]
    points_en: tuple[str, ...]
    tickers: tuple[str, ...]
    report_table: int | None
    report_page: int | None
    note: str
    origin: str
    note_ko: str = ""

    def source_in(self, lang: str) -> str:
        """The source name in ``lang`` ('ko' as printed, 'en' translated where needed)."""
        return self.source if lang == "ko" else (self.source_en or self.source)

    def points_in(self, lang: str) -> tuple[str, ...]:
        return self.points_ko if lang == "ko" else self.points_en


def _optional_int(reader: RowReader, field: str) -> int | None:
    value = reader.get(field)
    if value in (None, "", "null"):
        return None
    number = reader.number(field, minimum=1)
    if number is None:
        return None
    if number != int(number):
        reader.fail(field, value, "must be a whole number")
        return None
    return int(number)


def _parse(origin: str, taken: set[str]):
    def parse(reader: RowReader) -> Opinion | None:
        reader.unknown_fields(_FIELDS)
        row = dict(
            id=reader.text("id"),
            stance=reader.choice("stance", STANCES, aliases={v: k for k, v in STANCE_KO.items()}),
            source=reader.text("source"),
            source_en=reader.text("source_en", required=False),
            source_type=reader.choice(
                "source_type", SOURCE_TYPES, aliases={"sellside": "sell-side", "sell side": "sell-side"}
            ),
            points_ko=reader.text_list("points_ko", required=False),
            points_en=reader.text_list("points_en", required=False),
            tickers=reader.tickers("tickers"),
            report_table=_optional_int(reader, "report_table"),
            report_page=_optional_int(reader, "report_page"),
            note=reader.text("note", required=False),
        )
        row["note_ko"] = reader.korean("note", row["note"], bilingual=origin == "built-in")
        if row["points_ko"] == () and row["points_en"] == ():
            reader.fail("points_ko", "", "and points_en are both missing (give the points in at least one language)")
        elif row["points_ko"] == () or row["points_en"] == ():  # one language: show it in both
            row["points_ko"] = row["points_ko"] or row["points_en"]
            row["points_en"] = row["points_en"] or row["points_ko"]
        if row["id"] is not None and row["id"] in taken:
            reader.fail("id", row["id"], "is already used by another row; give this row a new id")
        if reader.errors:
            return None
        taken.add(row["id"])
        return Opinion(origin=origin, **row)

    return parse


def _read_file(path: Path, origin: str, taken: set[str]) -> Loaded[Opinion]:
    if path.suffix.lower() == ".csv":
        raws = read_csv_rows(path, required_columns=("id", "stance", "source"))
    else:
        raws = read_yaml_rows(path)
    return collect(raws, _parse(origin, taken))


def user_opinions_path(user_file: str | os.PathLike | None = None) -> Path | None:
    """The user file to merge: ``user_file`` if given, else ``$SHOCKBOOK_OPINIONS_FILE``."""
    chosen = user_file if user_file not in (None, "") else os.environ.get(OPINIONS_ENV) or None
    return Path(chosen).expanduser() if chosen is not None else None


def load_opinions(
    user_file: str | os.PathLike | None = None, *, strict: bool = False, builtin: bool = True
) -> Loaded[Opinion]:
    """Load the report's opinions (table 1), then the user's rows.

    Parameters
    ----------
    user_file:
        Optional YAML/CSV file of extra rows; defaults to ``$SHOCKBOOK_OPINIONS_FILE``.
    strict:
        Raise the first :class:`ContentError` instead of returning it in ``errors``.
    builtin:
        Include the 14 built-in rows (False: only the user file, e.g. to check it).

    Returns
    -------
    Loaded
        ``rows`` (built-in first, then user rows in file order) and ``errors`` (one per
        rejected field, naming file, row, line and field; a missing user file is one error).

    Raises
    ------
    ContentError
        The built-in file is invalid (always), or ``strict`` and any user error.
    """
    taken: set[str] = set()
    parts: list[Loaded[Opinion]] = []
    if builtin:
        parts.append(_read_file(OPINIONS_FILE, "built-in", taken).raise_if_errors())
    path = user_opinions_path(user_file)
    if path is not None:
        try:
            user = _read_file(path, str(path), taken)
        except ContentError as exc:  # missing / unparsable file: one error, rows still load
            user = Loaded((), (exc,))
        parts.append(user)
    loaded = merge(*parts)
    if strict and loaded.errors:
        raise_first(loaded.errors)
    return loaded

"""The workbook's labels in Korean and English, from one translation table.

Every sheet title, block title, column header, button caption and note the workbook shows
is a *key* in ``data/labels.csv`` (``key,ko,en``); :func:`label` looks it up. A missing key
or a missing translation is an error naming the key, never a silent fallback, so a label can
only be added with both languages.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from ..errors import ContentError, ShockbookError, UnknownNameError, shorten

LANGS = ("ko", "en")
LABELS_FILE = "labels.csv"
PUBLISHED_FILE = "published.csv"


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("shockbook.workbook").joinpath("data", name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def labels() -> dict[str, dict[str, str]]:
    """``{key: {"ko": text, "en": text}}`` from ``data/labels.csv``.

    Raises
    ------
    ContentError
        A duplicate key or an empty translation (the message names the key and line).
    """
    out: dict[str, dict[str, str]] = {}
    for number, row in enumerate(_rows(LABELS_FILE), start=1):
        key = (row.get("key") or "").strip()
        if key in out:
            raise ContentError(f"{LABELS_FILE}: key {key!r} appears twice", file=LABELS_FILE, row=number)
        texts = {lang: (row.get(lang) or "").strip() for lang in LANGS}
        empty = [lang for lang, text in texts.items() if not text]
        if not key or empty:
            raise ContentError(f"{LABELS_FILE} row {number} ({key or 'no key'}): missing "
                               f"{', '.join(empty) or 'key'}", file=LABELS_FILE, row=number)
        out[key] = texts
    return out


def check_lang(lang: str) -> str:
    key = str(lang).strip().lower()
    if key not in LANGS:
        raise UnknownNameError(f"unknown language {lang!r}; valid: ko, en", name=lang, valid=list(LANGS))
    return key


def label(key: str, lang: str) -> str:
    """The text of ``key`` in ``lang`` (``ko`` or ``en``).

    Raises
    ------
    UnknownNameError
        ``key`` is not in the table (the message says which file to add it to).
    """
    table = labels()
    if key not in table:
        raise UnknownNameError(f"no label {key!r} in workbook/data/{LABELS_FILE}; add a ko and "
                               "an en text for it", name=key)
    return table[key][check_lang(lang)]


def has_label(key: str) -> bool:
    return key in labels()


def table_name(block: str, lang: str) -> str:
    """The name of table ``block`` where a list of tables names it (the Sources sheet): its
    ``table.<block>`` label when the block's title is not a name (the dip screen's title is its
    score formula), else the title ``block.<block>``."""
    return label(f"table.{block}" if has_label(f"table.{block}") else f"block.{block}", lang)


@cache
def published_values() -> tuple[dict[str, str], ...]:
    """The report's key numbers as printed (``data/published.csv``), in file order."""
    return tuple(_rows(PUBLISHED_FILE))


def render_notes(text, lang: str):
    """``text`` with its coded analysis notes (:mod:`shockbook.notes`) said in ``lang``.

    Each code ``c`` is the label ``analysis.c`` of the translation table; list parameters are
    joined with ``analysis.joiner`` ("a and b", "a, b"). Free text and non-text values are
    returned as they are.

    Raises
    ------
    UnknownNameError
        A code has no label (add ``analysis.<code>`` with a ko and an en text).
    """
    from ..notes import has_codes, render

    if not has_codes(text):
        return text
    word = label("analysis.joiner", lang)
    joiner = f" {word} " if word.isalpha() else f"{word} "
    return render(text, lambda code: label(f"analysis.{code}", lang), joiner,
                  kind=lambda kind: error_kind(kind, lang))


def coded_columns(frame) -> list:
    """The text columns of ``frame`` (a DataFrame) holding a coded note (:mod:`shockbook.notes`)."""
    import pandas as pd

    from ..notes import has_codes

    return [c for c in frame.columns if (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c]))
            and any(has_codes(v) for v in frame[c].tolist())]


def render_frame_notes(frame, lang: str, columns: list | None = None):
    """``frame`` (a DataFrame, or ``None``) with the coded analysis notes of its text columns
    (``columns``, default :func:`coded_columns`) said in ``lang`` (:func:`render_notes`); the
    same frame when it has none, else a copy."""
    if frame is None:
        return frame
    columns = coded_columns(frame) if columns is None else columns
    if not columns:
        return frame
    out = frame.copy()
    for col in columns:
        out[col] = [render_notes(v, lang) for v in frame[col].tolist()]
    return out


def error_kind(kind: str, lang: str) -> str:
    """The name of an error kind (:attr:`ShockbookError.error_kind`) in ``lang``: the label
    ``error.<kind>`` ("데이터 없음" / "no data"); an unknown kind is named as the base kind."""
    return label(f"error.{kind}" if has_label(f"error.{kind}") else "error.error", lang)


def error_text(error, lang: str) -> str:
    """``<kind>: <message>``: an error's kind in ``lang`` and its one-line message as raised
    (names, dates, URLs stay as they are), e.g. ``데이터 없음: no prices for XYZ``.

    ``error`` is a :class:`ShockbookError`, or a text already said (returned as it is, without
    a leading ``#SB!`` mark).
    """
    text = error.one_line() if isinstance(error, ShockbookError) else " ".join(str(error).split())
    if isinstance(error, ShockbookError) and not text.startswith(ShockbookError.cell_prefix):
        return f"{error_kind(error.error_kind, lang)}: {text}"
    return text[len(ShockbookError.cell_prefix):].strip() if text.startswith(ShockbookError.cell_prefix) else text


def error_cell(error, lang: str) -> str:
    """The cell text of an error in a book (or a UDF) in ``lang``: ``#SB! <kind>: <message>``,
    at most 255 characters (Excel's limit for a UDF's text). A text already said as a cell
    (``#SB! ...``) is returned as it is (shortened)."""
    text = error.one_line() if isinstance(error, ShockbookError) else " ".join(str(error).split())
    if text.startswith(ShockbookError.cell_prefix):
        return shorten(text)
    return shorten(f"{ShockbookError.cell_prefix} {error_text(error, lang)}")

"""The report's own facts, read from ``data/report.yaml``: its event date, its month, the
watchlist it discusses, the indices and the pairs of figures 6-11.

Every default that names the report (the build's ``--event``, ``calendar --month``, the
watchlist, the "as published" fallback's date) reads it from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ..errors import ContentError
from ..data.symbols import yahoo_symbol

DATA_FILE = Path(__file__).with_name("data") / "report.yaml"


@dataclass(frozen=True)
class ReportFacts:
    """What the report is about (see ``data/report.yaml``)."""

    event: dt.date  # the session its published figures describe
    calendar_month: str  # table 4's month, ``YYYY-MM``
    watchlist: tuple[str, ...]  # the names it discusses, indices included
    indices: dict[str, str]  # index ticker -> name, in display order
    path_pairs: tuple[tuple[str, str], ...]  # figures 6-11
    source: str
    names: dict[str, str] = field(default_factory=dict)  # non-US ticker -> name (figure 5's global names)

    @property
    def path_tickers(self) -> tuple[str, ...]:
        return tuple(t for pair in self.path_pairs for t in pair)


def _tickers(value, field: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(t, str) and t.strip() for t in value):
        raise ContentError(f"{path.name}: {field} must be a list of tickers (quote one YAML reads as "
                           f"a number or yes/no), not {value!r}", file=str(path), field=field)
    return tuple(yahoo_symbol(t, strict=False) for t in value)


@cache
def report_facts(path: str | Path | None = None) -> ReportFacts:
    """The report's facts (read once).

    Raises
    ------
    ContentError
        The file is missing, not YAML, or a field is malformed (the message names the field).
    """
    p = Path(path) if path else DATA_FILE
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"report file {p} cannot be read: {exc}", file=str(p)) from exc
    try:
        event = dt.date.fromisoformat(str(doc.get("event_date", "")))
    except ValueError:
        raise ContentError(f"{p.name}: event_date must be YYYY-MM-DD, not {doc.get('event_date')!r}",
                           file=str(p), field="event_date") from None
    month = str(doc.get("calendar_month", ""))
    try:
        dt.date.fromisoformat(month + "-01")
    except ValueError:
        raise ContentError(f"{p.name}: calendar_month must be YYYY-MM, not {month!r}",
                           file=str(p), field="calendar_month") from None
    indices = doc.get("indices")
    if not isinstance(indices, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in indices.items()):
        raise ContentError(f"{p.name}: indices must map index tickers to names", file=str(p), field="indices")
    names = doc.get("names") or {}
    if not isinstance(names, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
        raise ContentError(f"{p.name}: names must map tickers to names", file=str(p), field="names")
    pairs = doc.get("path_pairs")
    if not isinstance(pairs, list) or not all(isinstance(x, list) and len(x) == 2 for x in pairs):
        raise ContentError(f"{p.name}: path_pairs must be a list of [ticker, ticker] pairs",
                           file=str(p), field="path_pairs")
    return ReportFacts(
        event=event, calendar_month=month, watchlist=_tickers(doc.get("watchlist"), "watchlist", p),
        indices={yahoo_symbol(k, strict=False): v for k, v in indices.items()},
        path_pairs=tuple(tuple(_tickers(x, "path_pairs", p)) for x in pairs),
        source=str(doc.get("source", "")),
        names={yahoo_symbol(k, strict=False): v for k, v in names.items()},
    )

"""What the Sources sheet says about a price table: its source, its price basis and its as-of.

A price table's provenance is ``{ticker: Provenance}`` (:class:`shockbook.data.types.Provenance`,
one per series served). :func:`describe` turns it into the two cells of a Sources row, in the
book's language:

* source: where the prices came from and on which basis, e.g. ``snapshot file prices.csv.gz
  (23 tickers) · price basis: adjusted close (split- and dividend-adjusted), as of 2025-12-31:
  20 tickers; index level (not adjusted): 3 tickers``;
* as-of: the latest stamp of the series (a snapshot's last session in the data, 21:00Z on that
  day; Yahoo's fetch time), ``YYYY-MM-DD HH:MMZ``.

Labels come from the translation table (``prov.*``); a basis no rule knows is shown as the
snapshot file states it. Pure: no I/O, no Excel.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..data.types import BASIS_SPLIT, BASIS_SPLIT_DIV, Provenance
from .i18n import label

_ASOF_BASIS = re.compile(r"^yahoo_adj_split_div_asof_(\d{4}-\d{2}-\d{2})$")
_READJUSTED = re.compile(r"re-adjusted on (\d{4}-\d{2}-\d{2})")
_KNOWN = {BASIS_SPLIT: "prov.basis_split", "index_level_unadjusted": "prov.basis_index",
          "index level": "prov.basis_index", "fx rate": "prov.basis_fx", "unadjusted": "prov.basis_unadjusted",
          "": "prov.basis_unknown"}
#: The as-of stamp format of the Sources sheet (and of the price tables' ``as_of`` column).
STAMP = "%Y-%m-%d %H:%MZ"


def _count(n: int, lang: str) -> str:
    return label("prov.count_one" if n == 1 else "prov.count", lang).format(n=n)


def source_of(p: Provenance, lang: str) -> str:
    """``snapshot file prices.csv.gz``, ``Yahoo Finance``, ``Yahoo Finance (cached)``; a
    stale Yahoo or cache series is marked (a snapshot is a recording: its as-of says where it
    ends, so "stale" would be on every row)."""
    if p.source == "snapshot":
        name = p.detail.split(",", 1)[0].strip() or "?"
        return label("prov.snapshot", lang).format(file=name)
    text = label(f"prov.{p.source}", lang) if p.source in ("yahoo", "cache") else p.source
    return f"{text} [{label('prov.stale', lang)}]" if p.stale else text


def basis_kind(basis: str, as_of) -> tuple[str, str]:
    """``(kind, date)`` of a price basis (a :class:`Provenance` basis, a snapshot's
    ``price_basis``): ``kind`` is a ``prov.basis_*`` label key, or the basis as the snapshot file
    states it when no rule knows it; ``date`` is the day dividends are adjusted to (for Yahoo's
    adjusted close the fetch, ``as_of``), ``""`` when it does not apply."""
    found = _ASOF_BASIS.match(basis or "")
    if found:
        return "prov.basis_split_div", found.group(1)
    if basis == BASIS_SPLIT_DIV:
        return "prov.basis_split_div", as_of.strftime("%Y-%m-%d") if as_of is not None else ""
    return _KNOWN.get(basis or "", basis), ""


def basis_text(kinds: list[tuple[str, str]], lang: str) -> str:
    """The price bases of a table's series (``(kind, date)`` pairs, see :func:`basis_kind`) in
    words, most series first, e.g. ``adjusted close (split- and dividend-adjusted), as of
    2025-12-31: 482 tickers, as of 2025-07-08: 21 tickers; index level (not adjusted): 1
    ticker``; counts only when the bases differ."""
    by_kind: dict[str, dict[str, int]] = {}
    for kind, day in kinds:
        dates = by_kind.setdefault(kind, {})
        dates[day] = dates.get(day, 0) + 1
    several = len(by_kind) > 1 or any(len(d) > 1 for d in by_kind.values())
    parts = []
    for kind, dates in sorted(by_kind.items(), key=lambda kv: -sum(kv[1].values())):
        name = label(kind, lang) if kind.startswith("prov.") else kind
        stamped = [(label("prov.as_of_date", lang).format(date=d), n)
                   for d, n in sorted(dates.items(), key=lambda kv: -kv[1]) if d]
        if not several:
            parts.append(", ".join([name, *(d for d, _ in stamped)]))
        elif stamped and len(stamped) == len(dates):
            parts.append(", ".join([name, *(f"{d}: {_count(n, lang)}" for d, n in stamped)]))
        else:
            parts.append(f"{name}: {_count(sum(dates.values()), lang)}")
    return "; ".join(parts)


def describe(provenance: Mapping[str, Any], field: str, lang: str) -> tuple[str, str]:
    """``(source, as_of)`` of a table whose provenance is ``provenance``.

    Parameters
    ----------
    provenance:
        ``{ticker or part: Provenance or text}``; a text value (e.g. ``"published"``) is
        listed as its first word with a count, a trailing ``...Z`` stamp as its as-of.
    field:
        The price field the table used (``"close"`` or ``"adj_close"``): it picks the basis.
    lang:
        ``"ko"`` or ``"en"``.

    Returns
    -------
    The source cell (the sources with ticker counts, then the price basis, and the dates a
    cached series was re-adjusted) and the as-of cell (the latest stamp, ``""`` when none);
    ``("", "")`` for an empty provenance.
    """
    series = [p for p in provenance.values() if isinstance(p, Provenance)]
    others = [str(v) for v in provenance.values() if not isinstance(v, Provenance)]
    parts, stamps = [], []
    if series:
        counts: dict[str, int] = {}
        for s in (source_of(p, lang) for p in series):
            counts[s] = counts.get(s, 0) + 1
        where = "; ".join(f"{s} ({_count(n, lang)})" for s, n in counts.items())
        field = field if field in ("close", "adj_close") else "close"
        bases = basis_text([basis_kind(p.basis(field), p.as_of) for p in series], lang)
        readjusted = sorted({m.group(1) for p in series for m in _READJUSTED.finditer(p.detail)})
        text = f"{where} · {label('prov.basis', lang)}: {bases}"
        if readjusted:
            text += " (" + ", ".join(label("prov.readjusted", lang).format(date=d) for d in readjusted) + ")"
        parts.append(text)
        stamps += [p.as_of.strftime(STAMP) for p in series if p.as_of is not None]
    if others:
        names = [v.split(" ")[0] for v in others]
        parts.append(", ".join(f"{n} ({names.count(n)})" for n in dict.fromkeys(names)))
        stamps += [v.split(" ", 1)[1].replace("(stale) ", "") for v in others if " " in v and v.endswith("Z")]
    return "; ".join(parts), (max(stamps) if stamps else "")

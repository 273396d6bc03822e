"""Earnings-call notes after DeepSeek R1 (report table 3): MSFT, META, TSLA, NOW, IBM, GLW.

Revenue is kept as printed in 억 달러 (1억 = USD 100 million) and also converted to USD;
EPS is in USD per share. The report's beat/miss marks (상회/하회) are kept and mapped to
``beat``/``miss``. Suspicious printed figures are flagged in ``flags``/``note``, never fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._rows import DATA_DIR, Bilingual, Loaded, RowReader, collect, read_yaml_rows

#: Built-in file.
CALLS_FILE = DATA_DIR / "earnings_calls.yaml"
#: USD in one 억 (the report's revenue unit).
USD_PER_EOK = 100_000_000
#: The report's consensus marks and their English meaning.
MARKS = {"상회": "beat", "하회": "miss"}
CALL_FLAGS = ("SUSPECT", "CHECK", "SIC")

_EOK = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*억\s*$")
_FIELDS = (
    "ticker", "company_ko", "company_en", "group_ko", "group_en", "revenue", "revenue_mark",
    "eps", "eps_mark", "guidance_ko", "guidance_en", "comments_ko", "comments_en",
    "deepseek_ko", "deepseek_en", "flags", "note", "note_ko", "source", "source_ko",
)


@dataclass(frozen=True)
class EarningsCall(Bilingual):
    """One row of table 3.

    ``revenue_printed`` is the report's text (e.g. ``"696억"``) and ``revenue_usd`` the same
    amount in USD (69.6e9). ``revenue_vs_consensus`` / ``eps_vs_consensus`` are ``"beat"`` or
    ``"miss"`` as marked by the report.
    """

    ticker: str
    company_ko: str
    company_en: str
    group_ko: str
    group_en: str
    revenue_printed: str
    revenue_usd: float
    revenue_vs_consensus: str
    eps_printed: str
    eps_usd: float
    eps_vs_consensus: str
    guidance_ko: tuple[str, ...]
    guidance_en: tuple[str, ...]
    comments_ko: tuple[str, ...]
    comments_en: tuple[str, ...]
    deepseek_ko: str
    deepseek_en: str
    flags: tuple[str, ...]
    note: str
    source: str
    note_ko: str = ""
    source_ko: str = ""


def eok_to_usd(text: str) -> float:
    """Convert a printed amount in 억 달러 (e.g. ``"696억"``, ``"698.1억"``) to USD.

    Raises
    ------
    ValueError
        ``text`` is not a number followed by 억.
    """
    match = _EOK.match(str(text))
    if not match:
        raise ValueError(f"'{text}' is not an amount written like '696억'")
    return float(match.group(1)) * USD_PER_EOK


def _parse(reader: RowReader) -> EarningsCall | None:
    reader.unknown_fields(_FIELDS)
    revenue = reader.text("revenue")
    revenue_usd = None
    if revenue is not None:
        try:
            revenue_usd = eok_to_usd(revenue)
        except ValueError:
            reader.fail("revenue", revenue, "is not an amount in 억 달러 written like '696억'")
    eps = reader.number("eps")
    values = dict(
        ticker=(reader.tickers("ticker") or (None,))[0],
        company_ko=reader.text("company_ko"),
        company_en=reader.text("company_en"),
        group_ko=reader.text("group_ko"),
        group_en=reader.text("group_en"),
        revenue_printed=revenue,
        revenue_usd=revenue_usd,
        revenue_vs_consensus=MARKS.get(reader.choice("revenue_mark", tuple(MARKS)) or ""),
        eps_printed=str(reader.get("eps")).strip(),
        eps_usd=eps,
        eps_vs_consensus=MARKS.get(reader.choice("eps_mark", tuple(MARKS)) or ""),
        guidance_ko=reader.text_list("guidance_ko", required=False),
        guidance_en=reader.text_list("guidance_en", required=False),
        comments_ko=reader.text_list("comments_ko"),
        comments_en=reader.text_list("comments_en"),
        deepseek_ko=reader.text("deepseek_ko", required=False),
        deepseek_en=reader.text("deepseek_en", required=False),
        flags=reader.flags("flags", CALL_FLAGS),
        note=reader.text("note", required=False),
        source=reader.text("source"),
    )
    values["note_ko"] = reader.korean("note", values["note"])
    values["source_ko"] = reader.korean("source", values["source"])
    if values["ticker"] is None and not reader.errors:
        reader.fail("ticker", "", "is missing (required)")
    for kind in ("guidance", "comments"):
        ko, en = values[f"{kind}_ko"], values[f"{kind}_en"]
        if ko is not None and en is not None and len(ko) != len(en):
            reader.fail(f"{kind}_en", len(en), f"items do not match {kind}_ko ({len(ko)} items)")
    if bool(values["deepseek_ko"]) != bool(values["deepseek_en"]):
        reader.fail("deepseek_en", values["deepseek_en"], "must be given exactly when deepseek_ko is")
    return None if reader.errors else EarningsCall(**values)


def load_calls(*, strict: bool = True) -> Loaded[EarningsCall]:
    """Load table 3 (six companies, in the report's order).

    Built-in file only; strict by default (an error raises
    :class:`~shockbook.errors.ContentError` naming file, row, line and field).
    """
    loaded = collect(read_yaml_rows(CALLS_FILE), _parse)
    return loaded.raise_if_errors() if strict else loaded

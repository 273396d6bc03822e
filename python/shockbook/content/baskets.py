"""Theme baskets (AI infrastructure vs AI usage), read from ``data/baskets.yaml``.

A user may point ``path`` at a file of their own with the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ContentError, UnknownNameError
from ..data.symbols import yahoo_symbol
from ._rows import Bilingual

DATA_FILE = Path(__file__).with_name("data") / "baskets.yaml"
THEMES = ("infrastructure", "usage")


@dataclass(frozen=True)
class Basket(Bilingual):
    key: str
    theme: str
    label_ko: str
    label_en: str
    members: tuple[str, ...]
    source: str
    note: str = ""
    source_ko: str = ""

    def label(self, lang: str) -> str:
        return self.label_ko if lang == "ko" else self.label_en


def load_baskets(path: str | Path | None = None) -> list[Basket]:
    """All baskets; a malformed entry raises :class:`ContentError` naming the entry and field."""
    p = Path(path) if path else DATA_FILE
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"basket file {p} cannot be read: {exc}", file=str(p)) from exc
    default_source = doc.get("source_default", "")
    default_source_ko = doc.get("source_default_ko", "")
    builtin = p.resolve() == DATA_FILE.resolve()  # the shipped file must give both languages
    out = []
    for i, raw in enumerate(doc.get("baskets") or [], start=1):
        where = f"{p.name} basket {i}"
        for field in ("key", "theme", "members"):
            if not raw.get(field):
                raise ContentError(f"{where}: missing {field}", file=str(p), row=i, field=field)
        if raw["theme"] not in THEMES:
            raise ContentError(
                f"{where}: theme {raw['theme']!r} is not one of {', '.join(THEMES)}",
                file=str(p), row=i, field="theme",
            )
        source = str(raw.get("source") or default_source)
        source_ko = str(raw.get("source_ko") or ("" if raw.get("source") else default_source_ko))
        if builtin and bool(source) != bool(source_ko):
            raise ContentError(f"{where}: source_ko is missing: every source needs its Korean text",
                               file=str(p), row=i, field="source_ko")
        out.append(
            Basket(
                key=str(raw["key"]), theme=raw["theme"],
                label_ko=str(raw.get("label_ko") or raw["key"]),
                label_en=str(raw.get("label_en") or raw["key"]),
                members=tuple(yahoo_symbol(str(m), strict=False) for m in raw["members"]),
                source=source, note=str(raw.get("note") or ""), source_ko=source_ko or source,
            )
        )
    if not out:
        raise ContentError(f"basket file {p} defines no baskets", file=str(p))
    return out


def basket(key: str, path: str | Path | None = None) -> Basket:
    found = {b.key: b for b in load_baskets(path)}
    if key not in found:
        raise UnknownNameError(f"unknown basket {key!r}; valid: {', '.join(found)}", name=key, valid=list(found))
    return found[key]


def all_members(baskets: list[Basket]) -> list[str]:
    return list(dict.fromkeys(m for b in baskets for m in b.members))

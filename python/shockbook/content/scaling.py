"""Training-time vs test-time scaling (report table 2): five aspects x two laws, ko + en."""

from __future__ import annotations

from dataclasses import dataclass

from ._rows import DATA_DIR, Bilingual, Loaded, RowReader, collect, file_error, read_yaml, read_yaml_rows

#: Built-in file.
SCALING_FILE = DATA_DIR / "scaling.yaml"
#: The two laws (columns of table 2), in the report's order.
LAWS = ("training", "test_time")
LANGS = ("ko", "en")


@dataclass(frozen=True)
class ScalingAspect(Bilingual):
    """One row of table 2: an aspect (focus, gist...) and its points for each law/language.

    ``points[law][lang]`` is a tuple of texts, e.g. ``points["test_time"]["en"]``.
    """

    id: str
    label_ko: str
    label_en: str
    points: dict[str, dict[str, tuple[str, ...]]]
    note: str
    source: str
    note_ko: str = ""
    source_ko: str = ""

    def label(self, lang: str) -> str:
        return self.label_ko if lang == "ko" else self.label_en


def _law_points(reader: RowReader, law: str) -> dict[str, tuple[str, ...]] | None:
    block = reader.get(law)
    if not isinstance(block, dict):
        reader.fail(law, block, "must be a mapping with 'ko' and 'en' lists")
        return None
    out = {}
    for lang in LANGS:
        items = block.get(lang)
        if not isinstance(items, list) or not items or not all(
            isinstance(i, str) and i.strip() for i in items
        ):
            reader.fail(f"{law}.{lang}", items, "must be a non-empty list of texts")
            return None
        out[lang] = tuple(i.strip() for i in items)
    return out


def load_scaling(*, strict: bool = True) -> Loaded[ScalingAspect]:
    """Load table 2 (built-in file only; strict by default since it ships with the package).

    Returns
    -------
    Loaded
        Five :class:`ScalingAspect` rows in the report's order (focus, gist, industry
        impact, technical examples, direction of travel).
    """
    doc = read_yaml(SCALING_FILE)
    source = doc.get("source") if isinstance(doc, dict) else None
    if not source:
        raise file_error(SCALING_FILE, "lacks the top-level 'source:'")
    source_ko = doc.get("source_ko")
    if not source_ko:
        raise file_error(SCALING_FILE, "lacks the top-level 'source_ko:' (the source in Korean)")

    def parse(reader: RowReader) -> ScalingAspect | None:
        reader.unknown_fields(("id", "label_ko", "label_en", *LAWS, "note", "note_ko"))
        values = dict(
            id=reader.text("id"),
            label_ko=reader.text("label_ko"),
            label_en=reader.text("label_en"),
            points={law: _law_points(reader, law) for law in LAWS},
            note=reader.text("note", required=False),
        )
        values["note_ko"] = reader.korean("note", values["note"])
        return None if reader.errors else ScalingAspect(source=source, source_ko=source_ko, **values)

    loaded = collect(read_yaml_rows(SCALING_FILE), parse)
    return loaded.raise_if_errors() if strict else loaded


def law_names(lang: str = "en") -> dict[str, str]:
    """The two laws' display names in ``lang``, keyed ``training`` / ``test_time``."""
    doc = read_yaml(SCALING_FILE)
    return {law: doc["laws"][law][lang] for law in LAWS}

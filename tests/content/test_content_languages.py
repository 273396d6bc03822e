"""Curated content in both languages: every English text of the built-in data files has its
Korean twin (``<field>_ko``), so the Korean book never shows an English note or source; the
loaders refuse a built-in text without it; a user's own rows may give one language."""

from __future__ import annotations

import re
import shutil

import pytest

from shockbook.content import baskets, calls, metrics, opinions, report_calendar, scaling
from shockbook.errors import ContentError

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _pairs():
    """(where, english, korean) for every bilingual text of every built-in row."""
    for o in opinions.load_opinions(user_file="").rows:
        yield f"opinions {o.id} note", o.note, o.note_ko
    for c in calls.load_calls().rows:
        yield f"calls {c.ticker} note", c.note, c.note_ko
        yield f"calls {c.ticker} source", c.source, c.source_ko
    for e in report_calendar.load_calendar().rows:
        for field in ("ai_theme", "note", "source", "external_confirmation"):
            yield f"calendar {e.ticker} {field}", getattr(e, field), getattr(e, f"{field}_ko")
    for a in scaling.load_scaling().rows:
        yield f"scaling {a.id} note", a.note, a.note_ko
        yield f"scaling {a.id} source", a.source, a.source_ko
    for b in baskets.load_baskets():
        yield f"basket {b.key} source", b.source, b.source_ko
    for m in metrics.load_metrics("").rows:
        where = f"metrics {m.model}/{m.metric}/{m.valid_from}"
        yield f"{where} source", m.source, m.source_ko
        yield f"{where} note", m.note, m.note_ko


PAIRS = list(_pairs())


def test_every_curated_text_has_both_languages():
    missing = [w for w, en, ko in PAIRS if bool(en) != bool(ko)]
    assert not missing, missing[:10]
    assert len(PAIRS) > 400  # every row of every file is walked


def test_the_korean_text_is_korean_unless_it_is_a_name():
    """A Korean twin is written in Korean; only a proper name or a paper's title (Stanford AI
    Index Report 2024, 'On DeepSeek and Export Controls') is the same in both languages."""
    same = {en for w, en, ko in PAIRS if en and ko == en}
    assert not [ko for w, en, ko in PAIRS if ko and ko != en and not HANGUL.search(ko)
                and not ko.startswith("AgentOps")]
    for text in same:
        assert not re.search(r"\b[a-z]{2,}\b[ ,;:-]+\b[a-z]{2,}\b[ ,;:-]+\b[a-z]{2,}\b",
                             re.sub(r"'[^']*'", "", text)), text


@pytest.mark.parametrize("name, field, english", [
    ("opinions.yaml", "note_ko", "Name as printed; the firm behind it is not identified further in the report."),
    ("earnings_calls.yaml", "note_ko", "The report prints no guidance ('-') and no DeepSeek comment for Tesla."),
    ("scaling.yaml", "note_ko", "'Hundreds of millions of dollars' for GPT-4"),
])
def test_a_built_in_yaml_row_without_its_korean_note_is_refused(tmp_path, monkeypatch, name, field, english):
    """Delete one Korean note from a copy of the built-in file: the loader names the row and
    the ``note_ko`` field."""
    source = metrics.DATA_DIR / name
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"{field}:")
              and any(english[:30] in x for x in lines[max(0, i - 6):i]))
    end = at + 1
    while end < len(lines) and lines[end].startswith("      ") and ":" not in lines[end].split()[0]:
        end += 1  # a folded (>-) note continues on more-indented lines
    copy = tmp_path / name
    copy.write_text("".join(lines[:at] + lines[end:]), encoding="utf-8")
    module = {"opinions.yaml": opinions, "earnings_calls.yaml": calls, "scaling.yaml": scaling}[name]
    constant = {"opinions.yaml": "OPINIONS_FILE", "earnings_calls.yaml": "CALLS_FILE", "scaling.yaml": "SCALING_FILE"}[name]
    monkeypatch.setattr(module, constant, copy)
    load = {"opinions.yaml": lambda: opinions.load_opinions(user_file=""),
            "earnings_calls.yaml": calls.load_calls, "scaling.yaml": scaling.load_scaling}[name]
    with pytest.raises(ContentError, match="note_ko.*is missing: every note needs its Korean text"):
        load()


def test_a_built_in_csv_row_without_its_korean_source_is_refused(tmp_path, monkeypatch):
    lines = metrics.METRICS_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("OpenAI o1,,aa_quality_index"))
    lines[at] = lines[at].replace(",Artificial Analysis Quality Index (AA 표의 2차 사본),", ",,")
    copy = tmp_path / "model_metrics.csv"
    copy.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(metrics, "METRICS_FILE", copy)
    with pytest.raises(ContentError, match=r"source_ko.*is missing: every source needs its Korean text"):
        metrics.load_metrics("")


def test_a_users_opinion_in_one_language_is_shown_as_typed(tmp_path):
    """A user's own row may carry only an English note: both books show it as typed."""
    path = tmp_path / "mine.yaml"
    path.write_text("rows:\n  - id: my-view\n    stance: positive\n    source: My desk\n"
                    "    source_type: research\n    points_en: [Cheaper models widen AI use.]\n"
                    "    tickers: []\n    note: My own note.\n", encoding="utf-8")
    loaded = opinions.load_opinions(user_file=path)
    mine = [o for o in loaded.rows if o.id == "my-view"]
    assert not loaded.errors and mine[0].text_in("note", "ko") == mine[0].text_in("note", "en") == "My own note."


def test_the_shipped_basket_file_needs_its_korean_sources(tmp_path, monkeypatch):
    text = baskets.DATA_FILE.read_text(encoding="utf-8")
    copy = tmp_path / "baskets.yaml"
    copy.write_text(re.sub(r"\n    source_ko: [^\n]*", "", text, count=1), encoding="utf-8")
    monkeypatch.setattr(baskets, "DATA_FILE", copy)
    with pytest.raises(ContentError, match="basket 1: source_ko is missing"):
        baskets.load_baskets()
    mine = tmp_path / "mine.yaml"  # a user's own basket file (any other path) may give one language
    shutil.copy(copy, mine)
    assert baskets.load_baskets(mine)[0].text_in("source", "ko") == baskets.load_baskets(mine)[0].source

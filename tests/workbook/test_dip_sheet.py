"""The Dip screen sheet as a file (zipfile + lxml, python-calamine): worst hit first, the score
and rank as formulas over the weight cells, a labelled scatter of drop vs recovery."""

from __future__ import annotations

import posixpath
import re
import zipfile

from lxml import etree
from ooxml import NS, _rels, sheet_parts

from shockbook.workbook import layout as L
from shockbook.workbook.dipsheet import weight_cells
from shockbook.workbook.i18n import label

from test_build import _table

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def test_rows_are_worst_hit_first_with_names_and_earnings_dates(built_values):
    _, rows = _table(built_values, "sb_dip_screen")
    drops = [r["event_return"] for r in rows]
    assert rows[0]["ticker"] == "VST" and drops == sorted(drops)
    assert not [r for r in rows if str(r["ticker"]).startswith("^")]
    nvda = next(r for r in rows if r["ticker"] == "NVDA")
    assert str(nvda["next_earnings"])[:10] == "2025-02-26"


def _sheet_root(built):
    part = sheet_parts(built)[label("sheet.dip", "ko")]
    with zipfile.ZipFile(built) as z:
        return part, etree.fromstring(z.read(part))


def test_score_and_rank_are_formulas_over_the_weight_cells(built):
    _, root = _sheet_root(built)
    _, block = L.block("sb_dip_screen")
    first = block.origin[0] + 1
    formulas = {c.get("r"): c.findtext("main:f", namespaces=NS) for c in root.iterfind(".//main:c", NS)
                if c.find("main:f", NS) is not None}
    score = formulas[f"B{first}"]
    for cell in weight_cells().values():
        assert cell in score
    assert f"RANK(B{first}" in formulas[f"A{first}"]
    assert len([r for r in formulas if r.startswith("B")]) == block.capacity


def dip_scatter(book, lang="ko"):
    """The Dip screen's scatter chart (lxml root) of a built book."""
    part = sheet_parts(book)[label("sheet.dip", lang)]
    with zipfile.ZipFile(book) as z:
        drawing = [t for t in _rels(z, part).values() if "drawing" in t][0]
        charts = [etree.fromstring(z.read(t)) for t in _rels(z, drawing).values() if "chart" in t]
    scatter = [c for c in charts if c.find(f".//{{{C}}}scatterChart") is not None]
    assert len(scatter) == 1
    return scatter[0]


def scatter_axes(chart) -> dict[str, tuple[float | None, float | None]]:
    """``{"x": (min, max), "y": (min, max)}`` as the chart XML fixes them (None: automatic)."""
    ids = [a.get("val") for a in chart.findall(f".//{{{C}}}scatterChart/{{{C}}}axId")]
    axes = {a.find(f"{{{C}}}axId").get("val"): a
            for a in chart.findall(f".//{{{C}}}valAx")}
    out = {}
    for name, ax_id in zip(("x", "y"), ids):
        scaling = axes[ax_id].find(f"{{{C}}}scaling")
        bound = [scaling.find(f"{{{C}}}{k}") for k in ("min", "max")]
        out[name] = tuple(float(b.get("val")) if b is not None else None for b in bound)
    return out


def assert_every_point_inside(chart, rows):
    """Every row with both numbers is a labelled point, strictly inside both axes (a fixed
    -100%..200% axis hid 7 of 19 names), and the axes show 0."""
    points = [(r["event_return"], r["since_event"]) for r in rows
              if isinstance(r["event_return"], float) and isinstance(r["since_event"], float)]
    assert len(chart.findall(f".//{{{C}}}ser")) == len(points)
    axes = scatter_axes(chart)
    for i, name in enumerate(("x", "y")):
        low, high = axes[name]
        values = [p[i] for p in points]
        assert low is not None and high is not None, (name, axes)  # fitted, not left to the reader
        assert low < min(values) and max(values) < high and low <= 0 <= high, (name, axes, min(values), max(values))
        assert high - low <= 3 * (max(max(values), 0) - min(min(values), 0)) + 0.1, (name, axes)  # not needlessly wide


def test_the_scatter_plots_every_name_inside_axes_fitted_to_the_data(built, built_values):
    _, rows = _table(built_values, "sb_dip_screen")
    assert len(rows) >= 19
    assert_every_point_inside(dip_scatter(built), rows)


def test_the_scatter_labels_each_point_with_its_ticker(built, built_values):
    _, rows = _table(built_values, "sb_dip_screen")
    scatter = [dip_scatter(built)]
    series = scatter[0].findall(f".//{{{C}}}ser")
    plotted = [r for r in rows if isinstance(r["since_event"], float)]
    assert len(series) == len(plotted) > 10
    names = [s.findtext(f"{{{C}}}tx/{{{C}}}strRef/{{{C}}}f") for s in series]
    assert all(re.search(r"!\$C\$\d+$", n) for n in names)
    assert all(s.find(f"{{{C}}}dLbls/{{{C}}}showSerName").get("val") in ("1", "true") for s in series)


def test_the_notes_are_in_the_books_language(built_values):
    _, rows = _table(built_values, "sb_dip_screen")
    notes = [r["note"] for r in rows if r["note"]]
    assert notes and all(not re.search(r"\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b", n) for n in notes), notes
    assert any("이벤트일에 하락하지 않음" in n for n in notes)


def test_the_earnings_source_is_in_the_books_language(built_values):
    # the Korean book showed "report table 4" beside its Korean notes
    _, rows = _table(built_values, "sb_dip_screen")
    sources = {r["earnings_source"] for r in rows if r["earnings_source"]}
    assert sources == {"보고서 표4"}


def test_libreoffice_computes_the_score_and_rank_the_table_layer_computes(built, built_values, tmp_path, prices_path):
    """The sheet's formulas (over the weight cells) agree with the Python score at the default
    weights, and rank 1 is the row with the highest score."""
    import pytest
    from render import recalc_values, require_soffice

    require_soffice()
    values = recalc_values(built, tmp_path)[label("sheet.dip", "ko")]
    _, block = L.block("sb_dip_screen")
    header, _ = block.origin
    from shockbook.config import Settings
    from shockbook.tables.dip import dip_screen_table
    from shockbook.workbook.producers import REPORT

    _, rows = _table(built_values, "sb_dip_screen")
    settings = Settings(offline=True, snapshot=prices_path, cache_dir=tmp_path / "cache")
    want = dip_screen_table([r["ticker"] for r in rows], REPORT.event, settings).frame.set_index("ticker")
    scored = []
    for i, row in enumerate(rows):
        rank, score = values[header + i][0], values[header + i][1]
        assert score == pytest.approx(want.loc[row["ticker"], "score"], abs=1e-9), row["ticker"]
        scored.append((score, rank, row["ticker"]))
    assert max(scored)[1] == 1


def test_the_share_recovered_follows_the_screens_rule(built_values):
    """A share only for drops of 3% or more, shown within -100%..+300% with the raw value in the
    note (the event table's cap), and the rule written above the table."""
    from shockbook.analytics.dip import DIP_MIN_DROP, SHARE_BOUNDS

    _, rows = _table(built_values, "sb_dip_screen")
    small = [r for r in rows if -DIP_MIN_DROP < r["event_return"] < 0]
    assert small and all(r["recovered_share"] in ("", None) for r in small)  # MSFT -2.1%: was "682%"
    assert all("낙폭 3% 미만" in r["note"] for r in small)
    shares = [r["recovered_share"] for r in rows if isinstance(r["recovered_share"], float)]
    assert shares and all(SHARE_BOUNDS[0] <= v <= SHARE_BOUNDS[1] for v in shares)
    capped = [r for r in rows if isinstance(r["recovered_share"], float) and r["recovered_share"] in SHARE_BOUNDS]
    assert capped and all(re.search(r"회복 비율 [+-]\d+%: 표시는 [+-]\d+%로 제한", r["note"]) for r in capped)
    sheet = built_values[label("sheet.dip", "ko")]
    header = [v for row in sheet[:12] for v in row if isinstance(v, str)]
    assert any(label("dip.share_rule", "ko") in v for v in header)


def test_the_score_formula_is_written_above_the_table_not_in_its_title(built_values):
    """The ranking is transparent: the score's formula is in the sheet's header (with the share
    rule), and the table's title stays short enough to print on the page."""
    sheet = built_values[label("sheet.dip", "ko")]
    header = [v for row in sheet[:12] for v in row if isinstance(v, str)]
    assert any(v.startswith(label("dip.score_formula", "ko")) for v in header)
    assert "w낙폭×" in label("dip.score_formula", "ko") and "w_drop×" in label("dip.score_formula", "en")
    assert len(label("block.sb_dip_screen", "ko")) < 60 and len(label("block.sb_dip_screen", "en")) < 80

"""The report's figure tables in the built book (read with python-calamine): complete, sourced,
dated, flagged, one label per bar."""

from __future__ import annotations

import pytest

from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label

from test_build import _table

FIGURES = ["sb_fig1_quality", "sb_fig2_api_price", "sb_fig3_benchmarks", "sb_fig4_training_cost",
           "sb_fig15_speed", "sb_fig16_latency"]


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_table_shows_its_source_date_and_flags_on_each_row(built_values, name):
    header, rows = _table(built_values, name)
    assert label("col.source", "ko") in header and label("col.flags", "ko") in header
    assert label("col.source_date", "ko") in header or label("col.valid_from", "ko") in header
    assert rows and all(str(r["source"]).strip() for r in rows), name


@pytest.mark.parametrize("name", FIGURES)
def test_no_two_bars_of_a_figure_share_a_label(built_values, name):
    _, rows = _table(built_values, name)
    first = L.block(name)[1].columns[0].key
    labels = [r[first] for r in rows]
    assert len(labels) == len(set(labels)), labels


@pytest.mark.parametrize("name", ["sb_fig15_speed", "sb_fig16_latency"])
def test_speed_and_latency_include_deepseek_r1_and_v3_as_not_published(built_values, name):
    _, rows = _table(built_values, name)
    by_label = {r["label"]: r for r in rows}
    for model in ("DeepSeek R1", "DeepSeek V3"):  # an empty bar names why it is empty on the chart
        row = by_label[f"{model} (미공개)"]
        assert row["value"] in ("", None) and row["qualifier_text"] == "미공개"
    dated = [r for r in rows if r["value"] not in ("", None)]
    assert dated and all(r["source_date"] == "2025-04" and "DATE" in r["flags"] for r in dated)
    assert {"OpenAI o3-mini", "OpenAI o3-mini (high)"} <= set(by_label)


def test_figure_4_shows_both_gpt4_estimates_with_their_sources(built_values):
    _, rows = _table(built_values, "sb_fig4_training_cost")
    gpt4 = {r["source"]: r for r in rows if r["label"].startswith("GPT-4")}
    assert gpt4["Stanford AI Index Report 2024"]["value_musd"] == pytest.approx(78.4)
    altman = gpt4["Sam Altman (Wired 보도)"]  # the Korean book names the source in Korean
    assert altman["value_musd"] == pytest.approx(100.0) and altman["qualifier_text"] == "이상"


def test_figure_3_names_benchmarks_not_metric_ids(built_values):
    _, rows = _table(built_values, "sb_fig3_benchmarks")
    assert [r["benchmark"] for r in rows][:2] == ["AIME 2024 (pass@1)", "Codeforces 백분위"]
    assert not any("_" in r["benchmark"] for r in rows)


def test_the_sources_sheet_names_a_real_source_and_as_of_for_every_table(built_values):
    _, rows = _table(built_values, "sb_sources")
    assert len(rows) >= 25
    for row in rows:
        assert row["source"] and row["source"] not in ("shockbook", "content"), row
        assert row["as_of"] and row["as_of"] != "content", row


def test_every_opinion_has_its_report_page(built_values):
    _, rows = _table(built_values, "sb_opinions")
    assert len(rows) == 14 and {r["report_page"] for r in rows} == {4}


def _sheet_charts(path, title):
    """The chart parts drawn on sheet ``title`` (sheet -> drawing -> charts, by relationships)."""
    import posixpath
    import zipfile

    from lxml import etree
    from ooxml import NS, sheet_parts

    def rels(z, part):
        folder, name = posixpath.split(part)
        root = etree.fromstring(z.read(posixpath.join(folder, "_rels", name + ".rels")))
        return [posixpath.normpath(posixpath.join(folder, r.get("Target"))) if not r.get("Target").startswith("/")
                else r.get("Target")[1:] for r in root.iterfind("rel:Relationship", NS)]

    with zipfile.ZipFile(path) as z:
        part = sheet_parts(path)[title]
        drawings = [p for p in rels(z, part) if "/drawings/" in p and p.endswith(".xml")]
        return [etree.fromstring(z.read(c)) for d in drawings for c in rels(z, d) if "/charts/" in c]


C_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
        "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def test_the_figure_charts_value_axes_count_in_whole_units(built):
    """Figure 2's axis read 0.00, 10.00, ... 70.00 (the labels ran into each other) and figures
    3, 15 and 16 took their tables' decimals; every figure's value axis is in whole units."""
    charts = _sheet_charts(built, label("sheet.scaling", "ko"))
    assert len(charts) == len(FIGURES)
    for chart in charts:
        fmt = chart.find(".//c:valAx/c:numFmt", C_NS)
        assert fmt is not None and fmt.get("formatCode") in ("0", "#,##0") and fmt.get("sourceLinked") == "0"


def test_every_model_of_a_figure_is_named_beside_its_bar(built):
    """LibreOffice showed every other model of figure 1 (13 bars in 9 cm): the category axis asks
    for every label (tickLblSkip 1) in a font small enough for them to fit (8 pt)."""
    for chart in _sheet_charts(built, label("sheet.scaling", "ko")):
        axis = chart.find(".//c:catAx", C_NS)
        assert axis.find("c:tickLblSkip", C_NS).get("val") == "1"
        size = axis.find("c:txPr//a:defRPr", C_NS).get("sz")
        assert int(size) <= 800


#: A4 landscape (points), the book's side margins (inches) and LibreOffice's text width factor
#: over Excel's column-width characters (see styling.RENDER_WIDTH).
A4_LANDSCAPE_WIDTH, SIDE_MARGIN, RENDERED = 842.0, 0.4, 1.2


@pytest.mark.parametrize("book", ["built", "built_english"])
@pytest.mark.parametrize("name", [n for n in FIGURES if n != "sb_fig2_api_price"])
def test_a_figure_table_prints_whole_on_one_page_across(request, book, name):
    """The English figure 1 printed its Source column on the next page, beside the chart, away
    from its rows (the model column was 44 characters wide for the longest label): the label
    column wraps at its width and a six-column figure table fits one page across. (Figure 2 has
    seven columns: its Source still follows on the next page.)"""
    import zipfile

    from lxml import etree
    from ooxml import NS, sheet_parts

    path = request.getfixturevalue(book)
    parts = sheet_parts(path)
    title = next(t for t in (label("sheet.scaling", "ko"), label("sheet.scaling", "en")) if t in parts)
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(parts[title]))
    scale = int(root.find("main:pageSetup", NS).get("scale")) / 100
    widths = {}
    for c in root.iterfind("main:cols/main:col", NS):
        for i in range(int(c.get("min")), int(c.get("max")) + 1):
            widths[i] = float(c.get("width"))
    _, block = L.block(name)
    left = block.origin[1]
    points = sum(int(widths.get(i, 8.43) * 7 + 5) * 0.75 for i in range(1, left + len(block.columns)))
    page = (A4_LANDSCAPE_WIDTH - 2 * SIDE_MARGIN * 72) / scale / RENDERED
    assert points <= page, (name, points, page)


def test_a_figure_of_one_series_has_no_legend(built):
    """Figures 1, 4, 15 and 16 carried a legend box reading only "값" (value) or "백만달러"; the
    chart's title says what the bars are. Figures 2 and 3 (two series) keep theirs."""
    legends = {len(chart.findall(".//c:ser", C_NS)): [] for chart in _sheet_charts(built, label("sheet.scaling", "ko"))}
    for chart in _sheet_charts(built, label("sheet.scaling", "ko")):
        legends[len(chart.findall(".//c:ser", C_NS))].append(chart.find(".//c:legend", C_NS) is not None)
    assert legends[1] and not any(legends[1]) and legends[2] and all(legends[2]), legends

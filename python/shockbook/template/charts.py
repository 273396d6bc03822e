"""The layout's charts, re-created on every save over the rows each table now has (openpyxl
drops charts when it loads a file)."""

from __future__ import annotations

import math

from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.axis import DateAxis
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.utils.cell import range_boundaries

from ..workbook import layout as L
from ..workbook.axes import LABEL_ROOM, padded_bounds
from ..workbook.i18n import label
from .buttons import column_points, row_points


def chart_bottom(ws, chart: L.Chart) -> int:
    """The row under a chart's bottom edge."""
    row = range_boundaries(chart.anchor + ":" + chart.anchor)[1]
    points, target = 0.0, chart.height / 2.54 * 72
    while points < target:
        points += row_points(ws, row)
        row += 1
    return row


def chart_right(ws, chart: L.Chart) -> int:
    """The column under a chart's right edge (charts are in cm; a point is 1/72 inch)."""
    col, _ = range_boundaries(chart.anchor + ":" + chart.anchor)[:2]
    points, target = 0.0, chart.width / 2.54 * 72
    while points < target:
        points += column_points(ws, col)
        col += 1
    return col



#: Windows up to this many days tick once a week (else once a month), so no label is skipped.
WEEKLY_UP_TO_DAYS = 92


def _date_ticks(axis, dates) -> None:
    """One tick per month (``yy-mm``), or per week (``mm-dd``) for a window of at most
    :data:`WEEKLY_UP_TO_DAYS` days."""
    stamps = [d for d in dates if hasattr(d, "year")]
    span = (max(stamps) - min(stamps)).days if stamps else 0
    if stamps and span <= WEEKLY_UP_TO_DAYS:
        axis.number_format, axis.majorTimeUnit, axis.majorUnit = "mm-dd", "days", 7
    else:
        axis.number_format, axis.majorTimeUnit, axis.majorUnit = "yy-mm", "months", 1
    axis.baseTimeUnit = "days"


def _shows_error(ws, block: L.Block) -> bool:
    """Whether the block's first data row is its error text (``#SB! ...``) instead of data."""
    header_row, left = block.origin
    value = ws.cell(row=header_row + 1, column=left).value
    return isinstance(value, str) and value.startswith("#SB!")


def add_charts(ws, sheet: L.Sheet, lang: str, rows_by_block: dict[str, int],
               titles: dict[str, str] | None = None) -> int:
    """Create the layout's charts on ``ws`` over the rows each table now has; returns how many.
    ``titles``: chart name -> title, for charts whose title depends on the book (the pairs)."""
    made = 0
    for block in sheet.blocks:
        n = rows_by_block.get(block.name, 0)
        if not block.charts or n == 0 or _shows_error(ws, block):
            continue  # no chart over an error row: the block's heading and first row say why
        header_row, left = block.origin
        keys = [c.key for c in block.columns]
        for spec in block.charts:
            if spec.kind == "scatter":
                ws.add_chart(_scatter(ws, block, spec, lang, n), spec.anchor)
                made += 1
                continue
            chart = LineChart() if spec.kind == "line" else BarChart()
            if spec.kind in ("bar", "hbar"):
                chart.type = "bar" if spec.kind == "hbar" else "col"
                chart.gapWidth = 60
                chart.x_axis.tickLblPos = "low"  # category labels below negative bars
                if spec.kind == "hbar":  # every model's name beside its bar (readers skip some when crowded)
                    chart.x_axis.tickLblSkip = 1
                    chart.x_axis.txPr = _font_size(CATEGORY_POINTS)
            chart.title = (titles or {}).get(spec.name) or label(spec.title, lang)
            chart.width, chart.height = spec.width, spec.height
            chart.display_blanks = "span"
            for key in spec.series:
                col = left + keys.index(key)
                chart.add_data(Reference(ws, min_col=col, min_row=header_row, max_row=header_row + n),
                               titles_from_data=True)
            x = left + keys.index(spec.x)
            categories = Reference(ws, min_col=x, min_row=header_row + 1, max_row=header_row + n)
            if spec.kind == "line":
                values = [v for key in spec.series for (v,) in ws.iter_rows(
                    min_row=header_row + 1, max_row=header_row + n, min_col=left + keys.index(key),
                    max_col=left + keys.index(key), values_only=True) if isinstance(v, (int, float))]
                if not values:
                    continue  # an unused pair slot: no empty chart
                chart.x_axis = DateAxis(crossAx=100)
                _date_ticks(chart.x_axis, [d for (d,) in ws.iter_rows(
                    min_row=header_row + 1, max_row=header_row + n, min_col=x, max_col=x, values_only=True)])
                if values:
                    chart.y_axis.scaling.min = math.floor(min(values) / 20) * 20
                    chart.y_axis.scaling.max = math.ceil(max(values) / 20) * 20
                for series in chart.series:
                    series.smooth = False
                    series.marker.symbol = "none"
                    series.graphicalProperties.line.width = 15000
            chart.set_categories(categories)
            for key in ((spec.marker,) if isinstance(spec.marker, str) else spec.marker or ()):
                col = left + keys.index(key)
                chart.add_data(Reference(ws, min_col=col, min_row=header_row, max_row=header_row + n),
                               titles_from_data=True)
                marker = chart.series[-1]
                marker.marker.symbol = "triangle"
                marker.marker.size = 10
                marker.marker.graphicalProperties = GraphicalProperties(solidFill="C00000")
                marker.marker.graphicalProperties.line.solidFill = "C00000"
                marker.graphicalProperties.line.noFill = True
                marker.smooth = False
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            if spec.y_format:
                chart.y_axis.number_format = spec.y_format
                chart.y_axis.numFmt.sourceLinked = False
            chart.legend.position = "b"
            if spec.kind == "hbar" and len(chart.series) == 1:  # a figure of one series: its title names it
                chart.legend = None
            ws.add_chart(chart, spec.anchor)
            made += 1
    return made


def _scatter(ws, block: L.Block, spec: L.Chart, lang: str, n: int) -> ScatterChart:
    """x = ``spec.x`` against y = ``spec.series[0]``, one series per row so that each point is
    labelled with its row's ``spec.labels`` text (the series name), markers only."""
    header_row, left = block.origin
    keys = [c.key for c in block.columns]
    x_col, y_col = left + keys.index(spec.x), left + keys.index(spec.series[0])
    name_col = left + keys.index(spec.labels or spec.x)
    chart = ScatterChart()
    chart.title = label(spec.title, lang)
    chart.style = 13
    chart.width, chart.height = spec.width, spec.height
    chart.x_axis.title = block.column(spec.x).header(lang)
    chart.y_axis.title = block.column(spec.series[0]).header(lang)
    xs, ys = [], []
    for r in range(header_row + 1, header_row + n + 1):
        x, y = ws.cell(row=r, column=x_col).value, ws.cell(row=r, column=y_col).value
        if not isinstance(x, (int, float)) or not isinstance(y, (int, float)):
            continue
        xs.append(x)
        ys.append(y)
        series = Series(Reference(ws, min_col=y_col, min_row=r), Reference(ws, min_col=x_col, min_row=r),
                        title_from_data=False)
        series.tx = None
        from openpyxl.chart.series import SeriesLabel
        from openpyxl.chart.data_source import StrRef

        series.tx = SeriesLabel(strRef=StrRef(f"'{ws.title}'!${L.column_letter(name_col)}${r}"))
        series.marker.symbol = "circle"
        series.marker.size = 7
        series.marker.graphicalProperties = GraphicalProperties(solidFill=MARKER_COLOUR)  # drawn by every reader
        series.marker.graphicalProperties.line.solidFill = MARKER_COLOUR
        series.graphicalProperties.line.noFill = True
        series.dLbls = DataLabelList(showSerName=True, showVal=False, showLegendKey=False, showCatName=False,
                                     showPercent=False, dLblPos="r")
        chart.series.append(series)
    chart.legend = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for axis, fmt in ((chart.x_axis, spec.x_format), (chart.y_axis, spec.y_format)):
        if fmt:
            axis.number_format = fmt
            axis.numFmt.sourceLinked = False
    chart.x_axis.axPos = "b"
    chart.x_axis.tickLblPos = "low"
    chart.y_axis.tickLblPos = "low"
    if spec.fit and xs:  # every point and its label inside the plot, whatever the event
        for axis, values, right in ((chart.x_axis, xs, LABEL_ROOM), (chart.y_axis, ys, 0.0)):
            axis.scaling.min, axis.scaling.max, axis.majorUnit = padded_bounds(values, extra_high=right)
    return chart


#: Category labels of a horizontal bar chart (points): small enough that LibreOffice shows all
#: 13 models of figure 1 in its 9 cm (at its default 10 pt it hides every other one).
CATEGORY_POINTS = 8


def _font_size(points: float) -> RichText:
    size = int(points * 100)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(sz=size)),
                                 endParaRPr=CharacterProperties(sz=size))])


#: The scatter's marker colour (a filled circle: a marker without a fill is invisible in LibreOffice).
MARKER_COLOUR = "2E75B6"

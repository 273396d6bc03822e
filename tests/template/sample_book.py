"""A small named workbook with every feature the macro-enabled package must keep.

``event_book()`` builds it with openpyxl only: a Korean sheet title and text, an Excel table
with an autofilter, number formats, native formulas with known answers, a line chart, and a
second sheet with its own chart. ``KNOWN`` lists what independent readers must find in it.
"""

from __future__ import annotations

import openpyxl
from openpyxl.chart import LineChart, Reference
from openpyxl.worksheet.table import Table, TableStyleInfo

from shockbook.template import ButtonSpec

SUMMARY = "요약"
PATHS = "Paths"
#: Sample rows (not sourced data): ticker, Korean name, event-day return, weight in %.
ROWS = [
    ("NVDA", "엔비디아", -0.17, 10.0),
    ("AVGO", "브로드컴", -0.17, 20.0),
    ("TSM", "TSMC", -0.13, 30.0),
    ("AAPL", "애플", 0.03, 40.0),
    ("META", "메타", 0.02, 50.0),
]
#: Rebased price paths on the second sheet: day, NVDA, AAPL.
PATH_ROWS = [(day, 100.0 - 3 * day, 100.0 + day) for day in range(0, 11)]
TITLE = "딥시크 쇼크 이벤트 수익률"
BUTTON_TEXT = "전체 새로고침"
KNOWN = {
    "weight_sum": 150.0,  # =SUM(D4:D8)
    "mean_return": -0.084,  # =AVERAGE(C4:C8)
}
BUTTONS = [
    ButtonSpec(sheet=SUMMARY, macro="RefreshAll", text=BUTTON_TEXT, cells="F2:G3"),
    ButtonSpec(sheet=PATHS, macro="ShockbookMacros.RefreshActiveSheet", text="Refresh sheet", cells="E2:F3"),
]


def event_book() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SUMMARY
    ws["A1"] = TITLE
    ws.append([])
    ws.append(["티커", "종목", "수익률", "비중"])
    for row in ROWS:
        ws.append(list(row))
    for cell in ws["C"][3:8]:
        cell.number_format = "0.0%"
    for cell in ws["D"][3:8]:
        cell.number_format = "#,##0.0"
    ws["A10"], ws["C10"], ws["D10"] = "합계", "=AVERAGE(C4:C8)", "=SUM(D4:D8)"
    ws["C10"].number_format = "0.0%"
    table = Table(displayName="EventReturns", ref="A3:D8")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.column_dimensions["B"].width = 14
    chart = LineChart()
    chart.title = "비중"
    chart.add_data(Reference(ws, min_col=4, min_row=3, max_row=8), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=4, max_row=8))
    chart.width, chart.height = 12, 6
    ws.add_chart(chart, "F5")

    paths = wb.create_sheet(PATHS)
    paths.append(["day", "NVDA", "AAPL"])
    for row in PATH_ROWS:
        paths.append(list(row))
    line = LineChart()
    line.title = "Rebased (day 0 = 100)"
    line.add_data(Reference(paths, min_col=2, max_col=3, min_row=1, max_row=12), titles_from_data=True)
    line.width, line.height = 12, 6
    paths.add_chart(line, "E5")

    for sheet in wb.worksheets:  # one landscape page per sheet, so a render is one PDF page each
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 1
    return wb


"""The parts of a new book the refresh never rewrites: sheet titles, the calculators (native
formulas), the xlwings.conf sheet, the refresh buttons and the Run-main module."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.cell import get_column_letter

from ..workbook import layout as L
from ..workbook.eventtext import sheet_title
from ..workbook.i18n import label
from ..workbook.producers import Context
from .buttons import ButtonSpec, column_points, row_points
from .styling import (BUTTON_FONT, BUTTON_GAP, BUTTON_ROW, BUTTONS, FONT_NAME, INPUT_FILL,
                      NO_ALIGN, NOTE_ROW, NUMBER_ALIGN, NUMBER_HEADER_ALIGN, TOP_ALIGN, button_box)


def write_static(wb: Workbook, ctx: Context) -> None:
    """Sheet titles and headings, the calculators, the xlwings.conf sheet (the refresh never
    rewrites these; the calculator inputs are the user's)."""
    for sheet in L.LAYOUT:
        title = label(sheet.title_key, ctx.lang)
        ws = wb[title] if title in wb.sheetnames else wb.create_sheet(title)
        ws["A1"] = sheet_title(sheet, ctx)
        ws["A1"].font = Font(name=FONT_NAME, bold=True, size=14, color="1F4E78")
        ws.sheet_view.showGridLines = False
    write_calculators(wb[label("sheet.scaling", ctx.lang)], ctx)
    write_dip_formulas(wb[label("sheet.dip", ctx.lang)], ctx)
    for sheet in L.LAYOUT:
        ws = wb[label(sheet.title_key, ctx.lang)]
        if sheet.key in SHEET_NOTES:  # under the buttons, never covered by them
            cell = ws.cell(row=NOTE_ROW, column=1 if sheet.key != "dashboard" else 2,
                           value=label(SHEET_NOTES[sheet.key], ctx.lang))
            cell.font = Font(name=FONT_NAME, italic=True, color="595959")
    write_xlwings_conf(wb)


def write_dip_formulas(ws, ctx: Context) -> None:
    """The dip screen's score and rank as native formulas left of the screen (columns A:B),
    one per row the screen owns: re-weighting in the weight cells re-ranks at once, and a
    refresh (which rewrites only the screen's own columns) leaves them alone."""
    from ..workbook.dipsheet import score_formula

    _, block = L.block("sb_dip_screen")
    header, _ = block.origin
    first, last = header + 1, header + block.capacity
    # the share-recovered rule (why 3%, the cap, what the chart plots), wrapped in the two rows
    # above the table's heading over the columns up to the return since the event: the first
    # printed page's width in both books (the sheet prints several pages wide, and a merged
    # text wider than its page is cut), on up to five lines (the English text's: formula + rule)
    top = header - 3
    right = L.column_letter(block.origin[1] + [c.key for c in block.columns].index("since_event"))
    # the score's formula heads the rule: the ranking is transparent where the table starts
    text = label("dip.score_formula", ctx.lang) + "\n" + label("dip.share_rule", ctx.lang)
    rule = ws.cell(row=top, column=1, value=text)
    rule.font = Font(name=FONT_NAME, italic=True, color="595959")
    rule.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A{top}:{right}{top + 1}")
    ws.row_dimensions[top].height, ws.row_dimensions[top + 1].height = 55, 15
    for col, key in ((1, "col.rank"), (2, "col.score")):
        cell = ws.cell(row=header, column=col, value=label(key, ctx.lang))
        cell.font = Font(name=FONT_NAME, bold=True, size=10)
        cell.alignment = Alignment(horizontal="right", vertical="center", wrap_text=True)
    for r in range(first, last + 1):
        score = ws.cell(row=r, column=2, value=score_formula(r))
        # numbers keep the layout's room before the next column ("+34.7%VST" ran together)
        score.number_format, score.alignment = "+0.0%;-0.0%;0.0%", NUMBER_ALIGN[TOP_ALIGN]
        rank = ws.cell(row=r, column=1, value=f'=IF(ISNUMBER(B{r}),RANK(B{r},$B${first}:$B${last}),"")')
        rank.alignment = NUMBER_ALIGN[TOP_ALIGN]


#: Models in the API cost calculator (looked up by name in the figure 2 table).
CALC_MODELS = ("DeepSeek R1", "DeepSeek V3", "OpenAI o1", "OpenAI o1-mini", "GPT-4o", "Claude 3.5 Sonnet")


def write_calculators(ws, ctx: Context) -> dict[str, str]:
    """Native-formula calculators on the Scaling sheet; returns their named cells (for tests).

    The API calculator looks prices up by model name in the figure 2 table with INDEX/MATCH,
    so it stays right when a refresh reorders that table.
    """
    t = ctx.t
    _, fig2 = L.block("sb_fig2_api_price")
    header, left = fig2.origin
    first, last = header + 1, header + fig2.capacity
    models = f"$A${first}:$A${last}"
    prices_in = f"$B${first}:$B${last}"
    prices_out = f"$C${first}:$C${last}"
    row = int(L.CALCULATOR_ANCHOR[1:])
    ws.cell(row=row, column=1, value=t("calc.title")).font = Font(name=FONT_NAME, bold=True, size=12, color="1F4E78")
    ws.cell(row=row + 1, column=1, value=t("calc.note")).font = Font(name=FONT_NAME, italic=True, color="595959")
    r = row + 3
    ws.cell(row=r, column=1, value=t("calc.api")).font = Font(name=FONT_NAME, bold=True)
    inputs = {"input_tokens": (r + 1, 1_000_000), "output_tokens": (r + 2, 1_000_000)}
    for key, (rr, value) in inputs.items():
        ws.cell(row=rr, column=1, value=t(f"calc.{key}"))
        cell = ws.cell(row=rr, column=2, value=value)
        cell.fill, cell.number_format = INPUT_FILL, L.THOUSANDS
    head = r + 3
    for i, key in enumerate(("model", "input_price", "output_price", "cost", "vs_reference")):
        cell = ws.cell(row=head, column=1 + i, value=t(f"calc.{key}"))
        cell.font = Font(name=FONT_NAME, bold=True)
        if i:  # a numeric column's header over its numbers, as the layout's tables have them
            cell.alignment = NUMBER_HEADER_ALIGN
    named = {"input_tokens": f"B{r + 1}", "output_tokens": f"B{r + 2}"}
    o1_row = head + 1 + CALC_MODELS.index("OpenAI o1")
    for i, model in enumerate(CALC_MODELS):
        rr = head + 1 + i
        ws.cell(row=rr, column=1, value=model)
        ws.cell(row=rr, column=2, value=f'=IFERROR(INDEX({prices_in},MATCH($A{rr},{models},0)),"")').number_format = L.USD
        ws.cell(row=rr, column=3, value=f'=IFERROR(INDEX({prices_out},MATCH($A{rr},{models},0)),"")').number_format = L.USD
        ws.cell(row=rr, column=4, value=f'=IFERROR(($B${r + 1}*B{rr}+$B${r + 2}*C{rr})/1000000,"")').number_format = L.USD
        ws.cell(row=rr, column=5, value=f'=IFERROR($D${o1_row}/D{rr},"")').number_format = '0.0"x"'
        for col in range(2, 6):
            ws.cell(row=rr, column=col).alignment = NUMBER_ALIGN[NO_ALIGN]
        named[f"cost:{model}"] = f"D{rr}"
        named[f"multiple:{model}"] = f"E{rr}"
    r = head + len(CALC_MODELS) + 2
    ws.cell(row=r, column=1, value=t("calc.training")).font = Font(name=FONT_NAME, bold=True)
    for i, (key, value) in enumerate((("model_cost", 5.576), ("reference_cost", 78.4))):
        ws.cell(row=r + 1 + i, column=1, value=t(f"calc.{key}"))
        cell = ws.cell(row=r + 1 + i, column=2, value=value)
        cell.fill, cell.number_format = INPUT_FILL, L.NUM2
    ws.cell(row=r + 3, column=1, value=t("calc.ratio"))
    ws.cell(row=r + 3, column=2, value=f'=IFERROR(B{r + 2}/B{r + 1},"")').number_format = '"1/"0.0'
    named.update(model_cost=f"B{r + 1}", reference_cost=f"B{r + 2}", training_one_in=f"B{r + 3}")
    r += 5
    ws.cell(row=r, column=1, value=t("calc.split")).font = Font(name=FONT_NAME, bold=True)
    ws.cell(row=r + 1, column=1, value=t("calc.k"))
    cell = ws.cell(row=r + 1, column=2, value=1.0)
    cell.fill, cell.number_format = INPUT_FILL, L.NUM2
    ws.cell(row=r + 2, column=1, value=t("calc.training_share"))
    ws.cell(row=r + 2, column=2, value=f'=IFERROR(B{r + 1}/(1+B{r + 1}),"")').number_format = L.PCT
    ws.cell(row=r + 3, column=1, value=t("calc.inference_share"))
    ws.cell(row=r + 3, column=2, value=f'=IFERROR(1-B{r + 2},"")').number_format = L.PCT
    named.update(k=f"B{r + 1}", training_share=f"B{r + 2}", inference_share=f"B{r + 3}")
    return named


#: The xlwings.conf sheet: keys in column A, values in column B, no blank rows.
XLWINGS_SETTINGS = (
    ("Interpreter_Win", ""),
    ("Interpreter_Mac", ""),
    ("PYTHONPATH", ""),
    ("UDF Modules", "shockbook.excel.udfs"),
    ("Show Console", "False"),
)


def write_xlwings_conf(wb: Workbook) -> None:
    ws = wb[L.XLWINGS_CONF] if L.XLWINGS_CONF in wb.sheetnames else wb.create_sheet(L.XLWINGS_CONF)
    for i, (key, value) in enumerate(XLWINGS_SETTINGS, start=1):
        ws.cell(row=i, column=1, value=key)
        ws.cell(row=i, column=2, value=value or None)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40


#: Sheet key -> the label of the note or legend shown in its note row.
SHEET_NOTES = {"opinions": "note.user_rows", "calendar": "legend.calendar", "scaling": "legend.flags",
               "dip": "legend.dip", "dashboard": "legend.marks"}


def buttons_for(wb: Workbook, lang: str) -> list[ButtonSpec]:
    """A "refresh all" and a "refresh this sheet" button on every data sheet, in the reserved
    button row (row 2, nothing else is written there), side by side, each sized to its caption
    at the sheet's print scale (:func:`~shockbook.template.styling.button_box`)."""
    out = []
    for sheet in L.LAYOUT:
        if not sheet.buttons:
            continue
        title = label(sheet.title_key, lang)
        ws = wb[title]
        scale = (ws.page_setup.scale or 100) / 100  # set by styling.page_setup, with the row's height
        left = 4.0
        for macro, text in BUTTONS:
            caption = label(text, lang)
            width, height = button_box(caption, scale)
            top = row_points(ws, 1) + (row_points(ws, BUTTON_ROW) - height) / 2
            cells = _cells_under(ws, left, top, width, height)
            out.append(ButtonSpec(sheet=title, macro=macro, text=caption, cells=cells,
                                  box=(left, top, width, height), font_size=BUTTON_FONT))
            left += width + BUTTON_GAP
    return out


def _cells_under(ws, left: float, top: float, width: float, height: float) -> str:
    """The cell range a box (in points) covers."""
    def index(size_of, points):
        i, start = 1, 0.0
        while start + size_of(i) <= points:
            start += size_of(i)
            i += 1
        return i

    first_col = index(lambda c: column_points(ws, c), left)
    last_col = index(lambda c: column_points(ws, c), left + width)
    first_row = index(lambda r: row_points(ws, r), top)
    last_row = index(lambda r: row_points(ws, r), top + height)
    return f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"



def run_main_module(stem: str) -> str:
    """Source of the module xlwings' "Run main" imports (named after the workbook)."""
    return (
        f'"""xlwings "Run main" for {stem}.xlsm: refresh every table of the workbook.\n\n'
        "xlwings imports the module named after the workbook, from the workbook's folder, and\n"
        "calls main(). The work is done by the shockbook package (installed in the interpreter\n"
        'set on the xlwings.conf sheet); this file only hands over.\n"""\n\n'
        "from shockbook.excel.macros import refresh_all\n\n\n"
        "def main():\n"
        "    refresh_all()\n\n\n"
        'if __name__ == "__main__":\n'
        f'    import xlwings as xw\n\n    xw.Book("{stem}.xlsm").set_mock_caller()\n    main()\n'
    )

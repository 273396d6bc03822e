"""How the built book prints, read as a file (zipfile + lxml): every sheet at a fixed, readable
scale (so manual page breaks are honoured and a button's size can follow the scale), no chart
cut by a page break, buttons large enough for their captions on paper, and wrapped text not
cut by the row-height cap."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from ooxml import NS, _rels, sheet_parts

from shockbook.template.styling import LINE_POINTS, MAX_WRAP_WIDTH, MIN_SCALE, RENDER_WIDTH, text_lines
from shockbook.text import is_wide
from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label

XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A4 = (595.0, 842.0)
EMU_PER_POINT = 12700


class Sheet:
    """One worksheet part: row heights, column widths, page setup, breaks, charts, buttons."""

    def __init__(self, z: zipfile.ZipFile, part: str, shared: list[str], wrap_styles: set[int], titles: dict) -> None:
        self.root = root = etree.fromstring(z.read(part))
        fmt = root.find("main:sheetFormatPr", NS)
        self.default_height = float(fmt.get("defaultRowHeight", 15)) if fmt is not None else 15.0
        self.heights = {int(r.get("r")): float(r.get("ht")) for r in root.iterfind(".//main:row", NS) if r.get("ht")}
        self.widths = {}
        for col in root.iterfind("main:cols/main:col", NS):
            for c in range(int(col.get("min")), int(col.get("max")) + 1):
                self.widths[c] = float(col.get("width"))
        setup = root.find("main:pageSetup", NS)
        self.setup = dict(setup.attrib) if setup is not None else {}
        props = root.find("main:sheetPr/main:pageSetUpPr", NS)
        self.fit_to_page = props is not None and props.get("fitToPage") in ("1", "true")
        margins = root.find("main:pageMargins", NS)
        self.margins = {k: float(v) for k, v in margins.attrib.items()}
        self.breaks = {int(b.get("id")) for b in root.iterfind("main:rowBreaks/main:brk", NS)}
        self.col_breaks = {int(b.get("id")) for b in root.iterfind("main:colBreaks/main:brk", NS)}
        self.title_rows = titles.get("rows")
        self.title_cols = titles.get("cols", 0)
        self.print_rows = titles.get("area", [])
        self.merged = {}  # top-left (row, column) -> (last row, last column) of each merged range
        for m in root.iterfind("main:mergeCells/main:mergeCell", NS):
            first, last = m.get("ref").split(":")
            self.merged[L.cell_position(first)] = L.cell_position(last)
        self.wrapped = []  # (row, column, text) of cells whose style wraps
        for c in root.iterfind(".//main:c", NS):
            if int(c.get("s", 0)) not in wrap_styles:
                continue
            v = c.find("main:v", NS)
            text = shared[int(v.text)] if c.get("t") == "s" and v is not None else \
                "".join(c.itertext()) if c.get("t") == "inlineStr" else None
            if text:
                self.wrapped.append((*L.cell_position(c.get("r")), text))
        rels = _rels(z, part)
        self.charts = []  # (first row, last row), one-based
        self.chart_cols = []  # (first column, last column), one-based
        for d in root.iterfind("main:drawing", NS):
            drawing = etree.fromstring(z.read(rels[d.get(f"{{{NS['r']}}}id")]))
            for anchor in drawing:
                top = int(anchor.find(f"{{{XDR}}}from/{{{XDR}}}row").text) + 1
                left = int(anchor.find(f"{{{XDR}}}from/{{{XDR}}}col").text) + 1
                right = anchor.find(f"{{{XDR}}}to/{{{XDR}}}col")
                self.chart_cols.append((left, int(right.text) + 1 if right is not None else
                                        self._col_at(left, int(anchor.find(f"{{{XDR}}}ext").get("cx")) / EMU_PER_POINT)))
                to = anchor.find(f"{{{XDR}}}to/{{{XDR}}}row")
                if to is not None:
                    self.charts.append((top, int(to.text) + 1))
                else:
                    self.charts.append((top, self._row_at(top, int(anchor.find(f"{{{XDR}}}ext").get("cy")) / EMU_PER_POINT)))
        self.buttons = []  # (width pt, height pt, caption, font pt)
        for d in root.iterfind("main:legacyDrawing", NS):
            vml = etree.fromstring(z.read(rels[d.get(f"{{{NS['r']}}}id")]))
            for shape in vml.iterfind("v:shape", NS):
                style = dict(kv.split(":", 1) for kv in shape.get("style").split(";") if ":" in kv)
                font = shape.find(".//font")
                self.buttons.append((float(style["width"].rstrip("pt")), float(style["height"].rstrip("pt")),
                                     "".join(shape.find("v:textbox", NS).itertext()), float(font.get("size")) / 20))

    def height(self, row: int) -> float:
        return self.heights.get(row, self.default_height)

    def width(self, col: int) -> float:
        """Points of a column as LibreOffice prints it: Excel's pixel rule for the width in
        characters, times RENDER_WIDTH (the book's default font is wider than Calibri)."""
        return int(self.widths.get(col, 8.43) * 7 + 5) * 0.75 * RENDER_WIDTH

    def _col_at(self, left: int, points: float) -> int:
        col, used = left, self.width(left) / RENDER_WIDTH
        while used < points:
            col += 1
            used += self.width(col) / RENDER_WIDTH
        return col

    def strips(self, last: int) -> dict[int, int]:
        """Column -> page strip (pages across), laid out as a printer does."""
        short, long_ = A4
        page = ((long_ if self.setup.get("orientation") == "landscape" else short)
                - 72 * (self.margins["left"] + self.margins["right"])) / self.scale
        repeated = sum(self.width(c) for c in range(1, self.title_cols + 1))
        strip, used, room, out = 1, 0.0, page, {}
        for c in range(1, last + 1):
            if (c - 1 in self.col_breaks or used + self.width(c) > room) and used:
                strip, used, room = strip + 1, 0.0, page - repeated
            used += self.width(c)
            out[c] = strip
        return out

    def _row_at(self, top: int, points: float) -> int:
        row, used = top, self.height(top)
        while used < points:
            row += 1
            used += self.height(row)
        return row

    @property
    def scale(self) -> float:
        assert not self.fit_to_page, "fit-to-page: the print scale is the reader's choice, breaks are ignored"
        return float(self.setup.get("scale", 100)) / 100

    def page_rows(self) -> float:
        """Points of sheet rows one printed page holds."""
        short, long_ = A4
        height = short if self.setup.get("orientation") == "landscape" else long_
        return (height - 72 * (self.margins["top"] + self.margins["bottom"])) / self.scale

    def pages(self, first: int, last: int) -> dict[int, int]:
        """Row -> page number, laid out as a printer does: a manual break after a row, or a
        page full (the repeated header rows take room on every page after the first)."""
        repeated = sum(self.height(r) for r in range(self.title_rows[0], self.title_rows[1] + 1)) if self.title_rows else 0
        page, used, room, out = 1, 0.0, self.page_rows(), {}
        for r in range(first, last + 1):
            if r - 1 in self.breaks and used:
                page, used, room = page + 1, 0.0, self.page_rows() - repeated
            elif used + self.height(r) > room and used:
                page, used, room = page + 1, 0.0, self.page_rows() - repeated
            used += self.height(r)
            out[r] = page
        return out


def _titles(z: zipfile.ZipFile) -> dict[str, dict]:
    """Sheet title -> {"rows": (first, last) repeated rows, "area": [(first, last) printed rows]}."""
    root = etree.fromstring(z.read("xl/workbook.xml"))
    names = [s.get("name") for s in root.iterfind("main:sheets/main:sheet", NS)]
    out: dict[str, dict] = {n: {} for n in names}
    for d in root.iterfind("main:definedNames/main:definedName", NS):
        if d.get("localSheetId") is None:
            continue
        sheet = out[names[int(d.get("localSheetId"))]]
        if d.get("name") == "_xlnm.Print_Titles":
            rows = re.search(r"\$(\d+):\$(\d+)", d.text)
            if rows:
                sheet["rows"] = (int(rows.group(1)), int(rows.group(2)))
            cols = re.search(r"\$([A-Z]+):\$([A-Z]+)", d.text)
            if cols:
                sheet["cols"] = L.cell_position(f"{cols.group(2)}1")[1]
        elif d.get("name") == "_xlnm.Print_Area":
            sheet["area"] = [(int(a), int(b)) for a, b in re.findall(r"\$[A-Z]+\$(\d+):\$[A-Z]+\$(\d+)", d.text)]
    return out


@pytest.fixture(scope="module")
def sheets(built) -> dict[str, Sheet]:
    return _read_sheets(built)


@pytest.fixture(scope="module", params=["ko", "en"])
def book_sheets(request, sheets) -> dict[str, Sheet]:
    """Each book's sheets (Korean, English): both must print without a cut chart."""
    return sheets if request.param == "ko" else _read_sheets(request.getfixturevalue("built_english"))


def _read_sheets(path: Path) -> dict[str, Sheet]:
    parts = sheet_parts(path)
    with zipfile.ZipFile(path) as z:
        shared = ["".join(si.itertext()) for si in etree.fromstring(z.read("xl/sharedStrings.xml"))] \
            if "xl/sharedStrings.xml" in z.namelist() else []
        styles = etree.fromstring(z.read("xl/styles.xml"))
        wrap_styles = {i for i, xf in enumerate(styles.findall("main:cellXfs/main:xf", NS))
                       if xf.find("main:alignment", NS) is not None
                       and xf.find("main:alignment", NS).get("wrapText") in ("1", "true")}
        titles = _titles(z)
        return {t: Sheet(z, p, shared, wrap_styles, titles.get(t, {})) for t, p in parts.items()}


def _layout_sheets():
    return [pytest.param(s, id=s.key) for s in L.LAYOUT]


@pytest.mark.parametrize("spec", _layout_sheets())
def test_every_sheet_prints_at_a_fixed_readable_scale_in_its_orientation(sheets, spec):
    sheet = sheets[label(spec.title_key, "ko")]
    assert sheet.setup.get("orientation") == ("landscape" if spec.landscape else "portrait")
    assert sheet.setup.get("paperSize") == "9"  # A4
    # a one-page sheet (dashboard, price paths) may go smaller to stay on its page
    assert sheet.scale * 100 >= (25 if spec.pages_high else MIN_SCALE), sheet.setup


@pytest.mark.parametrize("spec", [pytest.param(s, id=s.key) for s in L.LAYOUT if s.freeze])
def test_a_sheet_with_a_header_row_repeats_it_on_every_printed_page(sheets, spec):
    row, _ = L.cell_position(spec.freeze)
    assert sheets[label(spec.title_key, "ko")].title_rows == (row - 1, row - 1)


def test_no_chart_is_cut_by_a_page_break(book_sheets):
    cut = []
    for title, sheet in book_sheets.items():
        for first, last in sheet.print_rows:
            pages = sheet.pages(first, last)
            for top, bottom in sheet.charts:
                if first <= top and bottom <= last and pages[top] != pages[bottom]:
                    cut.append((title, top, bottom, pages[top], pages[bottom]))
    assert not cut, cut


def test_no_chart_is_cut_between_two_pages_across(book_sheets):
    cut = []
    for title, sheet in book_sheets.items():
        if not sheet.chart_cols:
            continue
        strips = sheet.strips(max(b for _, b in sheet.chart_cols))
        cut += [(title, a, b) for a, b in sheet.chart_cols if strips[a] != strips[b]]
    assert not cut, cut


def test_no_merged_text_is_cut_between_two_pages_across(book_sheets):
    """A merged note (the Dip screen's share rule) is wrapped to its merged width: on a sheet
    printed several pages wide it must end on the page it starts on, or its lines are cut."""
    cut = []
    for title, sheet in book_sheets.items():
        if not sheet.merged:
            continue
        strips = sheet.strips(max(c for _, c in sheet.merged.values()))
        cut += [(title, top, right) for (top, left), (_, right) in sheet.merged.items() if strips[left] != strips[right]]
    assert not cut, cut


def test_the_figure_16_chart_starts_a_page_with_its_table(sheets):
    _, block = L.block("sb_fig16_latency")
    sheet = sheets[label("sheet.scaling", "ko")]
    title_row = block.origin[0] - 1
    pages = sheet.pages(1, title_row + 40)
    chart = next((t, b) for t, b in sheet.charts if t == title_row)
    assert pages[chart[0]] == pages[chart[1]] == pages[block.origin[0] + 1]


def _caption_points(text: str, size: float) -> float:
    """A generous width of a caption: a wide (CJK) glyph is one em, any other 0.6 em."""
    return sum(size if is_wide(ch) else 0.6 * size for ch in text)


def test_every_button_holds_its_caption_at_full_size_on_the_printed_page(sheets):
    """LibreOffice prints a form control's caption unscaled on a scaled page: the box as
    printed (its size times the scale) must hold the caption at its font size."""
    small = []
    for title, sheet in sheets.items():
        for width, height, caption, font in sheet.buttons:
            printed_w, printed_h = width * sheet.scale, height * sheet.scale
            if printed_w < _caption_points(caption, font) + 8 or printed_h < 1.2 * font + 2:
                small.append((title, caption, round(printed_w, 1), round(printed_h, 1)))
    assert sum(len(s.buttons) for s in sheets.values()) >= 20
    assert not small, small


def test_the_button_row_is_as_tall_as_its_buttons(sheets):
    for title, sheet in sheets.items():
        for _, height, _, _ in sheet.buttons:
            assert sheet.height(2) >= height, title


def test_no_capped_row_cuts_its_wrapped_text(sheets):
    """Every wrapped text is shown whole: its column is widened (up to MAX_WRAP_WIDTH) until
    the text fits a row of at most MAX_ROW_POINTS; lines are counted with the build's rule."""
    cut = []
    for title, sheet in sheets.items():
        for row, col, text in sheet.wrapped:
            last_row, last_col = sheet.merged.get((row, col), (row, col))  # a merged cell spans its range
            width = sum(sheet.widths.get(c, 8.43) for c in range(col, last_col + 1))
            height = sum(sheet.height(r) for r in range(row, last_row + 1))
            assert last_col > col or width <= MAX_WRAP_WIDTH
            if LINE_POINTS * text_lines(text, width) > height:
                cut.append((title, row, col, width, text[:40]))
    assert not cut, cut[:10]


def test_dashboard_panels_are_stacked_so_no_row_is_shared():
    sheet = L.sheet("dashboard")
    spans = sorted((b.owned()[0], b.owned()[2]) for b in sheet.blocks)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])), spans


def _print_setup(path) -> dict[str, list[bytes]]:
    """Per sheet part: its page setup, margins, breaks, repeated rows and VML button parts, as bytes."""
    out: dict[str, list[bytes]] = {}
    with zipfile.ZipFile(path) as z:
        workbook = etree.fromstring(z.read("xl/workbook.xml"))
        out["names"] = sorted(etree.tostring(d) for d in workbook.iterfind("main:definedNames/main:definedName", NS)
                              if d.get("name") == "_xlnm.Print_Titles")
        for title, part in sheet_parts(path).items():
            root = etree.fromstring(z.read(part))
            out[title] = [etree.tostring(e) for tag in ("sheetPr", "pageMargins", "pageSetup", "rowBreaks")
                          for e in root.iterfind(f"main:{tag}", NS)]
            out[title] += [etree.tostring(r, with_tail=False) for r in root.iterfind(".//main:row[@r='2']", NS)
                           if r.get("ht")]
            out[title] += [z.read(p) for p in _rels(z, part).values() if p.endswith(".vml")]
    return out


def test_a_refresh_of_the_package_keeps_the_print_layout(built, tmp_path):
    from workbook_cli import ROOT, run_cli

    path = tmp_path / "book.xlsm"
    path.write_bytes(built.read_bytes())
    prices = str((ROOT / ".." / "shared" / "data" / "prices.csv.gz").resolve())
    code, err = run_cli(["refresh", "--workbook", str(path), "--offline", "--snapshot", prices], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "cache")})
    assert code == 0, err
    before, after = _print_setup(built), _print_setup(path)
    assert before["names"] and any(b"rowBreaks" in x for v in before.values() for x in v)
    assert after == before

"""The package writer: the refresh engine writes into a saved ``.xlsm`` by patching its parts.

:class:`PackageWriter` implements the refresh engine's ``BookWriter`` protocol (``sheet_for``,
``read``, ``write``, ``set_table``, ``set_number_formats``) over a :class:`~.package.ZipPackage`.
What it changes, and nothing else:

* the cells of each owned block -- its title row and its table's range -- found by the table's
  name, wherever the user moved, renamed or shifted it; cells the table grows into only when
  they are empty (else the refresh stops: :attr:`PackageWriter.conflicts`);
* the owned tables' ``ref`` (and their autoFilter's, and header names when the language changes);
* ``xl/styles.xml``, only to append a cell format a written cell needs and none has;
* the series ranges of the layout's own charts (their caches are dropped: readers rebuild them)
  and a sheet's print area when a table grew past it;
* ``calcChain.xml`` is removed (with its content type and relationship) and the workbook set to
  recalculate on load, since cells changed; ``docProps/core.xml`` gets the modified time.

:func:`refresh_package` is the headless refresh of a file: refuse what cannot be kept, read
the Settings sheet, run the engine through this writer, write atomically.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from copy import deepcopy
from pathlib import Path

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel

from ..errors import InputError
from ..limits import check_package
from ..workbook import layout as L
from ..workbook.axes import LABEL_ROOM, padded_bounds
from ..workbook.i18n import label
from .package import (CALC_CHAIN_REL, CONTENT_TYPES, CORE_PART, MAIN_NS, R_NS, REL, WORKBOOK_PART,
                      ZipPackage, rels_part)
from .sheetxml import IS, KeptFormula, SheetData, T, V, F, cell_ref
from .target import check_target

CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
XDR_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
PIVOT_REL = REL + "pivotCacheDefinition"
_NUMBER = re.compile(r"-?\d+")
_SERIES = re.compile(r"^(?P<sheet>'(?:[^']|'')+'|[^!]+)!\$?(?P<c1>[A-Z]+)\$?(?P<r1>\d+)"
                     r"(?::\$?(?P<c2>[A-Z]+)\$?(?P<r2>\d+))?$")
#: Workbook children that come after ``calcPr`` (ECMA-376 CT_Workbook sequence).
_AFTER_CALC_PR = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                  "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")


def _q(tag: str, ns: str = MAIN_NS) -> str:
    return f"{{{ns}}}{tag}"


class Styles:
    """``xl/styles.xml``: the number format of a cell style, and styles with another format."""

    def __init__(self, package: ZipPackage, part: str | None) -> None:
        self.package, self.part = package, part
        self.root = package.tree(part) if part else None
        self._xfs = self.root.find(_q("cellXfs")) if self.root is not None else None
        self._codes = dict(BUILTIN_FORMATS)
        if self.root is not None:
            fmts = self.root.find(_q("numFmts"))
            for fmt in (fmts if fmts is not None else []):
                self._codes[int(fmt.get("numFmtId"))] = fmt.get("formatCode")
        self._dates: dict[int, bool] = {}
        self._made: dict[tuple[int, str], int] = {}

    def _xf(self, style: int):
        if self._xfs is None or style >= len(self._xfs):
            return None
        return self._xfs[style]

    def code(self, style: int) -> str:
        xf = self._xf(style)
        return self._codes.get(int(xf.get("numFmtId", 0)), "General") if xf is not None else "General"

    def is_date(self, style: int) -> bool:
        if style not in self._dates:
            self._dates[style] = is_date_format(self.code(style))
        return self._dates[style]

    def with_format(self, style: int, code: str) -> int:
        """A cell style like ``style`` with number format ``code`` (an existing one, else appended)."""
        if self.code(style) == code or self._xfs is None:
            return style
        key = (style, code)
        if key in self._made:
            return self._made[key]
        fmt_id = self._format_id(code)
        base = self._xf(style)
        new = deepcopy(base) if base is not None else etree.Element(_q("xf"), numFmtId="0", fontId="0",
                                                                      fillId="0", borderId="0")
        new.set("numFmtId", str(fmt_id))
        new.set("applyNumberFormat", "1")
        wanted = etree.tostring(new)
        for i, xf in enumerate(self._xfs):
            if etree.tostring(xf) == wanted:
                self._made[key] = i
                return i
        self._xfs.append(new)
        self._xfs.set("count", str(len(self._xfs)))
        self.package.touch(self.part)
        self._made[key] = len(self._xfs) - 1
        return self._made[key]

    def _format_id(self, code: str) -> int:
        for fid, known in self._codes.items():
            if known == code:
                return fid
        fmts = self.root.find(_q("numFmts"))
        if fmts is None:
            fmts = etree.Element(_q("numFmts"), count="0")
            self.root.insert(0, fmts)
        fid = max([163] + [k for k in self._codes if k >= 164]) + 1
        etree.SubElement(fmts, _q("numFmt"), numFmtId=str(fid), formatCode=code)
        fmts.set("count", str(len(fmts)))
        self._codes[fid] = code
        self.package.touch(self.part)
        return fid


class Table:
    """An Excel table part: its name, sheet and range (header row first)."""

    def __init__(self, package: ZipPackage, part: str, sheet: str) -> None:
        self.part, self.sheet = part, sheet
        self.root = package.tree(part)
        self.name = self.root.get("displayName") or self.root.get("name")
        self.left, self.top, self.right, self.bottom = range_boundaries(self.root.get("ref"))
        self.original = (self.left, self.top, self.right, self.bottom)

    @property
    def columns(self) -> list[etree._Element]:
        found = self.root.find(_q("tableColumns"))
        return list(found) if found is not None else []


class PackageWriter:
    """The refresh engine's writer over a saved package (see the module docstring).

    Rows and columns passed in are the layout's; each block's are shifted to where its table is
    now (a user may have inserted rows or columns above or left of it).
    """

    def __init__(self, package: ZipPackage, *, force: bool = False) -> None:
        self.package, self.force = package, force
        wb = package.tree(WORKBOOK_PART)
        targets = package.targets(WORKBOOK_PART)
        self.sheet_parts: dict[str, str] = {}
        for sheet in wb.iter(_q("sheet")):
            part = targets.get(sheet.get(f"{{{R_NS}}}id"))
            if part:
                self.sheet_parts[sheet.get("name")] = part
        self.tables: dict[str, Table] = {}
        for title, part in self.sheet_parts.items():
            for table_part in package.targets(part, REL + "table").values():
                table = Table(package, table_part, title)
                self.tables[table.name] = table
        strings = list(package.targets(WORKBOOK_PART, REL + "sharedStrings").values())
        self._strings_part = strings[0] if strings else None
        self._strings: list[str] | None = None
        styles = list(package.targets(WORKBOOK_PART, REL + "styles").values())
        self.styles = Styles(package, styles[0] if styles else None)
        self._data: dict[str, SheetData] = {}
        self._shift: dict[str, tuple[int, int]] = {}  # block -> (rows, columns) moved
        self._current: tuple[str, str] | None = None  # (sheet title, block) being written
        #: ``(sheet, cell, value)`` of user cells a growing table would overwrite.
        self.conflicts: list[tuple[str, str, object]] = []
        self.charts = 0

    # --- the BookWriter protocol ----------------------------------------------------------

    def sheet_for(self, block: str, default_title: str) -> str:
        table = self.tables.get(block)
        if table is None:
            raise InputError(f"the workbook has no table {block} (deleted or renamed?); a refresh only "
                             f"patches tables it finds: name a renamed table {block} again (Table Design > Table "
                             "Name), or rebuild with `build --force` to start over; nothing was written", name=block)
        _, spec = L.block(block)
        row, col = spec.origin
        self._shift[block] = (table.original[1] - row, table.original[0] - col)
        self._current = (table.sheet, block)
        return table.sheet

    def _offset(self, sheet: str) -> tuple[int, int]:
        if self._current and self._current[0] == sheet:
            return self._shift[self._current[1]]
        return 0, 0

    def read(self, sheet, top, left, bottom, right):
        dr, dc = self._offset(sheet)
        data = self._sheet(sheet)
        return [[self._value(data.cell(r, c)) for c in range(left + dc, right + dc + 1)]
                for r in range(top + dr, bottom + dr + 1)]

    def write(self, sheet, top, left, rows):
        dr, dc = self._offset(sheet)
        data = self._sheet(sheet)
        owned = self._owned()
        for i, values in enumerate(rows):
            r = top + dr + i
            for j, value in enumerate(values):
                col = left + dc + j
                mine = owned(r, col)
                if value is None:
                    if mine:
                        data.clear(r, col)
                    continue
                if not mine:
                    existing = self._value(data.cell(r, col))
                    if existing not in (None, ""):
                        if _same(existing, value):
                            continue  # e.g. a user row joining the table below it, unchanged
                        if not self.force:
                            self.conflicts.append((sheet, cell_ref(r, col), existing))
                            continue
                data.set(r, col, value, style=self._template_style(data, r, col))

    def set_title(self, sheet, text, ours):
        """A1 is the sheet's title: rewritten when it is shockbook's (for any event), else kept."""
        data = self._sheet(sheet)
        cell = data.cell(1, 1)
        current = self._value(cell)
        if current in (None, "") or (isinstance(current, str) and ours(current)):
            if current != text:
                data.set(1, 1, text, style=int(cell.get("s", 0)) if cell is not None else 0)

    def set_table(self, sheet, name, ref):
        dr, dc = self._offset(sheet)
        left, top, right, bottom = range_boundaries(ref)
        table = self.tables[name]
        table.left, table.top, table.right, table.bottom = left + dc, top + dr, right + dc, bottom + dr
        new = f"{get_column_letter(table.left)}{table.top}:{get_column_letter(table.right)}{table.bottom}"
        changed = table.root.get("ref") != new
        table.root.set("ref", new)
        auto = table.root.find(_q("autoFilter"))
        if auto is not None and auto.get("ref") != new:
            auto.set("ref", new)
            changed = True
        headers = self.read(sheet, top, left, top, right)[0]
        for column, header in zip(table.columns, headers):
            text = "" if header is None else str(header)
            if text and column.get("name") != text:
                column.set("name", text)
                changed = True
        if changed:
            self.package.touch(table.part)

    def set_number_formats(self, sheet, ranges):
        dr, dc = self._offset(sheet)
        data = self._sheet(sheet)
        for top, left, bottom, right, fmt in ranges:
            for r in range(top + dr, bottom + dr + 1):
                for col in range(left + dc, right + dc + 1):
                    c = data.cell(r, col)
                    base = int(c.get("s", 0)) if c is not None else self._template_style(data, r, col)
                    style = self.styles.with_format(base, fmt)
                    if c is None or style != base:
                        data.set_style(r, col, style)

    # --- reading cells --------------------------------------------------------------------

    def _sheet(self, title: str) -> SheetData:
        if title not in self._data:
            if title not in self.sheet_parts:
                raise InputError(f"the workbook has no sheet {title!r}", name=title)
            self._data[title] = SheetData(self.package.tree(self.sheet_parts[title]))
        return self._data[title]

    def _shared(self, index: int) -> str:
        if self._strings is None:
            self._strings = []
            if self._strings_part:
                for si in self.package.tree(self._strings_part).iterchildren(_q("si")):
                    self._strings.append(_text(si))
        return self._strings[index] if 0 <= index < len(self._strings) else ""

    def _value(self, c):
        """A cell's value as the engine expects it (formulas as :class:`KeptFormula`)."""
        if c is None:
            return None
        f = c.find(F)
        if f is not None:
            return KeptFormula("=" + (f.text or ""), c)
        kind = c.get("t", "n")
        if kind == "inlineStr":
            inline = c.find(IS)
            return _text(inline) if inline is not None else ""
        v = c.find(V)
        if v is None or v.text is None:
            return None
        if kind == "s":
            return self._shared(int(v.text))
        if kind == "b":
            return v.text.strip() == "1"
        if kind in ("str", "e"):
            return v.text
        if kind == "d":
            return dt.datetime.fromisoformat(v.text)
        number = int(v.text) if _NUMBER.fullmatch(v.text) else float(v.text)
        style = int(c.get("s", 0))
        if style and self.styles.is_date(style):
            return from_excel(number)
        return number

    # --- ownership ------------------------------------------------------------------------

    def _owned(self):
        """``owned(row, col)`` for the block being written: its title row and its table's range
        as it was before this refresh (the rows a table grows into are the user's until then)."""
        _, block = self._current
        table = self.tables[block]
        left, top, right, bottom = table.original
        _, spec = L.block(block)
        last = left + spec.width - 1

        def owned(r, col):
            if r == top - 1:
                return left <= col <= last
            return top <= r <= bottom and left <= col <= right
        return owned

    def _template_style(self, data: SheetData, r: int, col: int) -> int:
        """The style a new cell of the current block gets: its column's first data cell's."""
        if not self._current:
            return 0
        table = self.tables[self._current[1]]
        top = table.original[1]
        source = data.cell(top + 1 if r > top else r, col)
        if source is None and r > top + 1:
            source = data.cell(r - 1, col)
        return int(source.get("s", 0)) if source is not None else 0

    # --- checks before anything is written ------------------------------------------------

    def check_keepable(self) -> None:
        """Refuse (:class:`InputError`, one line) what a patch cannot keep consistent:
        an owned table that is gone or has its header row turned off, a pivot cache over an owned range, merged cells
        across an owned range, an owned table with columns the layout does not know, a totals row or an external
        data query."""
        missing = [block.name for _, block in L.blocks() if block.name not in self.tables]
        if missing:
            self.sheet_for(missing[0], "")  # raises: one line naming the table
        areas = []
        for _, block in L.blocks():
            table = self.tables[block.name]
            if table.root.get("headerRowCount", "1") == "0":  # the rows would be read and written one off
                raise InputError(f"table {block.name} on sheet {table.sheet!r} has its header row turned off, which "
                                 "a refresh reads and writes; turn it on (Table Design > Header Row) and refresh "
                                 "again; nothing was written", name=block.name)
            if block.role == "input":
                continue
            left, top, _, _ = table.original
            areas.append((block.name, table.sheet, top - 1, left, top + block.capacity, left + block.width - 1))
            if len(table.columns) != block.width:
                raise InputError(f"table {block.name} on sheet {table.sheet!r} has {len(table.columns)} columns, "
                                 f"the layout {block.width}; move your own column out of the table (one column "
                                 "to its right) and refresh again; nothing was written", name=block.name)
            if table.root.get("totalsRowCount", "0") != "0":
                raise InputError(f"table {block.name} on sheet {table.sheet!r} has a totals row, which a refresh "
                                 "cannot move; turn it off (Table Design > Total Row) and put your totals below "
                                 "the table; nothing was written", name=block.name)
            if table.root.get("tableType") == "queryTable":
                raise InputError(f"table {block.name} on sheet {table.sheet!r} is fed by an external query, "
                                 "which a refresh cannot keep; nothing was written", name=block.name)
        self._check_pivots(areas)
        for name, sheet, top, left, bottom, right in areas:
            merged = self.package.tree(self.sheet_parts[sheet]).find(_q("mergeCells"))
            for cell in (merged if merged is not None else []):
                c1, r1, c2, r2 = range_boundaries(cell.get("ref"))
                if r1 <= bottom and r2 >= top and c1 <= right and c2 >= left:
                    raise InputError(f"merged cells {cell.get('ref')} on sheet {sheet!r} cross table {name}, "
                                     "which a refresh rewrites; unmerge them and refresh again; nothing was written",
                                     name=name)

    def _check_pivots(self, areas) -> None:
        for part in self.package.targets(WORKBOOK_PART, PIVOT_REL).values():
            source = self.package.tree(part).find(f"{_q('cacheSource')}/{_q('worksheetSource')}")
            if source is None:
                continue
            named, sheet, ref = source.get("name"), source.get("sheet"), source.get("ref")
            for name, title, top, left, bottom, right in areas:
                hit = named == name
                if not hit and sheet == title and ref:
                    c1, r1, c2, r2 = range_boundaries(ref)
                    hit = r1 <= bottom and r2 >= top and c1 <= right and c2 >= left
                if hit:
                    raise InputError(f"a pivot table's cache ({part}) reads table {name} on sheet {title!r}; "
                                     "a refresh cannot keep a pivot cache consistent; point the pivot table at "
                                     "a copy of the data, or refresh in Excel; nothing was written", name=name)

    def settings_lang(self) -> str:
        table = self.tables.get("sb_settings")
        if table is not None and table.sheet == label("sheet.settings", "en"):
            return "en"
        return "ko"

    # --- finishing ------------------------------------------------------------------------

    def finish(self) -> None:
        """Check the conflicts, then bring charts, calcChain, calcPr, core properties and the
        touched sheets up to date. Raises :class:`InputError` on a conflict (nothing written)."""
        if self.conflicts:
            sheet, ref, value = self.conflicts[0]
            more = f" (and {len(self.conflicts) - 1} more cells)" if len(self.conflicts) > 1 else ""
            raise InputError(f"a table would grow over your cell '{sheet}'!{ref} ({str(value)[:40]!r}){more}; "
                             "move it, or refresh with --force to overwrite it; nothing was written",
                             sheet=sheet, cell=ref)
        self._update_charts()
        self._extend_print_areas()
        changed = False
        for title, data in self._data.items():
            if data.changed:
                data.fit_dimension()
                self.package.touch(self.sheet_parts[title])
                changed = True
        if changed:
            self._drop_calc_chain()
        self._stamp_modified()

    def _extend_print_areas(self) -> None:
        """A sheet's print area (one rectangle) grows to the last row of a table that grew past it."""
        wb = self.package.tree(WORKBOOK_PART)
        titles = [sheet.get("name") for sheet in wb.iter(_q("sheet"))]
        names = wb.find(_q("definedNames"))
        for name in (names if names is not None else []):
            if name.get("name") != "_xlnm.Print_Area" or name.get("localSheetId") is None:
                continue
            index = int(name.get("localSheetId"))
            title = titles[index] if index < len(titles) else None
            bottoms = [t.bottom for t in self.tables.values() if t.sheet == title and t.bottom > t.original[3]]
            m = _SERIES.match(name.text or "")
            if not bottoms or not m or not m.group("r2") or int(m.group("r2")) >= max(bottoms):
                continue
            name.text = (f"{m.group('sheet')}!${m.group('c1')}${m.group('r1')}:${m.group('c2')}${max(bottoms)}")
            self.package.touch(WORKBOOK_PART)

    def _update_charts(self) -> None:
        """The layout's own charts (found by their title on the sheet of their table) follow the
        tables; every other chart is left as it is."""
        by_sheet: dict[str, list[tuple[L.Block, Table]]] = {}
        for _, block in L.blocks():
            table = self.tables.get(block.name)
            if block.charts and table is not None:
                by_sheet.setdefault(table.sheet, []).append((block, table))
        for sheet, blocks in by_sheet.items():
            part = self.sheet_parts[sheet]
            for drawing in self.package.targets(part, REL + "drawing").values():
                for chart in self.package.targets(drawing, REL + "chart").values():
                    root = self.package.tree(chart)
                    found = root.find(f"{_q('chart', CHART_NS)}/{_q('title', CHART_NS)}")
                    title = "".join(found.itertext()) if found is not None else None
                    for block, table in blocks:
                        titles = {label(spec.title, lang) for spec in block.charts for lang in ("ko", "en")}
                        if title in titles:
                            self.charts += 1
                            retargeted = self._retarget(root, table)
                            if self._fit_axes(root, sheet, block, table) or retargeted:
                                self.package.touch(chart)
                            break

    def _fit_axes(self, root, sheet: str, block: L.Block, table: Table) -> bool:
        """A fitted scatter's axes follow the refreshed points (:func:`padded_bounds`, as the
        build fits them), so no point falls outside an axis fitted to the old data."""
        spec = next((s for s in block.charts if s.fit), None)
        scatter = root.find(f".//{_q('scatterChart', CHART_NS)}")
        if spec is None or scatter is None:
            return False
        keys, data = [c.key for c in block.columns], self._sheet(sheet)
        points = []
        for r in range(table.top + 1, table.bottom + 1):
            x = self._value(data.cell(r, table.left + keys.index(spec.x)))
            y = self._value(data.cell(r, table.left + keys.index(spec.series[0])))
            if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y)):
                points.append((x, y))
        if not points:
            return False
        axes = {ax.find(_q("axId", CHART_NS)).get("val"): ax for ax in root.iter(_q("valAx", CHART_NS))}
        ids = [a.get("val") for a in scatter.findall(_q("axId", CHART_NS))]
        changed = False
        for ax_id, values, extra in zip(ids, zip(*points), (LABEL_ROOM, 0.0)):
            low, high, step = padded_bounds(values, extra_high=extra)
            axis = axes.get(ax_id)
            scaling = axis.find(_q("scaling", CHART_NS)) if axis is not None else None
            if scaling is None:
                continue
            for tag, value in (("majorUnit", step), ("max", high), ("min", low)):
                parent = axis if tag == "majorUnit" else scaling
                found = parent.find(_q(tag, CHART_NS))
                if found is None and tag == "majorUnit":
                    continue  # readers choose the ticks
                if found is None:  # max before min, both after orientation (CT_Scaling's order)
                    found = etree.Element(_q(tag, CHART_NS))
                    anchor = scaling.find(_q("max", CHART_NS)) if tag == "min" else None
                    if anchor is None:
                        anchor = scaling.find(_q("orientation", CHART_NS))
                    if anchor is not None:
                        anchor.addnext(found)
                    else:
                        scaling.insert(0, found)
                text = repr(float(value))
                if found.get("val") != text:
                    found.set("val", text)
                    changed = True
        return changed

    def _retarget(self, root, table: Table) -> bool:
        """Make the chart's series ranges over ``table``'s columns end at its last row."""
        changed = False
        for f in root.iter(_q("f", CHART_NS)):
            m = _SERIES.match(f.text or "")
            if not m or not m.group("r2") or m.group("c1") != m.group("c2"):
                continue
            col = range_boundaries(f"{m.group('c1')}1")[0]
            r1, r2 = int(m.group("r1")), int(m.group("r2"))
            if not (table.left <= col <= table.right and r1 in (table.top, table.top + 1)):
                continue
            last = max(table.bottom, r1)
            if r2 == last:
                continue
            f.text = f"{m.group('sheet')}!${m.group('c1')}${r1}:${m.group('c1')}${last}"
            for cache in ("numCache", "strCache"):
                found = f.getparent().find(_q(cache, CHART_NS))
                if found is not None:
                    f.getparent().remove(found)
            changed = True
        return changed

    def _drop_calc_chain(self) -> None:
        for part in self.package.targets(WORKBOOK_PART, CALC_CHAIN_REL).values():
            self.package.remove(part)
            self.package.remove_override(part)
        self.package.remove_relationships(WORKBOOK_PART, CALC_CHAIN_REL)
        wb = self.package.tree(WORKBOOK_PART)
        calc = wb.find(_q("calcPr"))
        if calc is None:
            calc = etree.Element(_q("calcPr"))
            after = next((child for child in wb if etree.QName(child).localname in _AFTER_CALC_PR), None)
            if after is not None:
                after.addprevious(calc)
            else:
                wb.append(calc)
        if calc.get("fullCalcOnLoad") != "1":
            calc.set("fullCalcOnLoad", "1")
            self.package.touch(WORKBOOK_PART)

    def _stamp_modified(self) -> None:
        if not self.package.has(CORE_PART):
            return
        core = self.package.tree(CORE_PART)
        terms = "http://purl.org/dc/terms/"
        modified = core.find(f"{{{terms}}}modified")
        if modified is None:
            modified = etree.SubElement(core, f"{{{terms}}}modified")
            modified.set("{http://www.w3.org/2001/XMLSchema-instance}type", "dcterms:W3CDTF")
        modified.text = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.package.touch(CORE_PART)


def _text(element) -> str:
    """The text of a string item (``<si>``/``<is>``): its ``t`` runs, without phonetic runs."""
    return "".join(t.text or "" for t in element.iter(T) if etree.QName(t.getparent()).localname != "rPh")


def _same(a, b) -> bool:
    if isinstance(a, dt.datetime) and isinstance(b, dt.date) and not isinstance(b, dt.datetime):
        b = dt.datetime(b.year, b.month, b.day)
    try:
        return a == b
    except Exception:  # noqa: BLE001 - incomparable values are different
        return False


# --- the headless refresh of a file ------------------------------------------------------------


def refresh_package(path: str | os.PathLike, *, out: str | os.PathLike | None = None, base=None,
                    progress=None, overrides: dict | None = None, force: bool = False):
    """Refresh the ``.xlsm`` at ``path`` by patching it (to ``out``, default in place).

    Returns the engine's ``BuildReport``.

    Raises
    ------
    InputError
        The file is missing, over the input limits (:func:`shockbook.limits.check_package`), or
        not a shockbook workbook; the target cannot be written
        (:func:`~.target.check_target`: another existing file without ``force``, read-only, open
        in Excel or LibreOffice); something in it cannot be kept
        (:meth:`PackageWriter.check_keepable`); a growing table would overwrite user cells
        (without ``force``); a bad setting. Nothing is written then.
    """
    from ..workbook import engine as E

    source = Path(path)
    if not source.is_file():
        raise InputError(f"workbook {source} does not exist" if not source.exists()
                         else f"workbook {source} is a folder, not a file", path=str(source))
    target = E.check_out_path(Path(out)) if out else source
    check_target(source, target, force=force)
    check_package(source, base)  # a zip bomb is refused from its directory, before a part is read
    try:
        package = ZipPackage(source.read_bytes())
        writer = PackageWriter(package, force=force)
    except InputError as exc:
        raise InputError(f"{source} cannot be read as an Excel workbook ({exc.one_line()}); is it truncated "
                         "or another kind of file?", path=str(source)) from None
    if "sb_settings" not in writer.tables:
        raise InputError(f"{source} is not a shockbook workbook (it has no sb_settings Settings table); "
                         "make one with `python -m shockbook build --out FILE`", path=str(source))
    writer.check_keepable()
    ctx = E.context_from_sheet(writer, base, writer.settings_lang(), folder=source.resolve().parent,
                               overrides=overrides)
    ctx.share_prices = True  # every block is produced, as in the build: one price fetch serves them
    results = E.refresh_blocks(writer, ctx, progress=progress)
    writer.finish()
    E.make_folder(target)
    package.save(target)
    return E.BuildReport(target, results, writer.charts, list(ctx.published), ctx.settings)

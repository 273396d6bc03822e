"""One worksheet part's ``sheetData``: cells read and written in place.

Rows stay sorted by number and cells in a row by column; a cell that is written keeps its
style (``s``) unless a new one is given; rows and cells nobody writes are never touched.
Text is written as an inline string (``t="inlineStr"``, ECMA-376 Part 1 §18.3.1.53 ``is``), so
the shared-string table stays as it was; Excel reads inline strings and stores them as shared
strings when it next saves the file.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from copy import deepcopy

from lxml import etree
from openpyxl.formula.translate import Translator, TranslatorError
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.datetime import to_excel

from .package import MAIN_NS

C = f"{{{MAIN_NS}}}c"
ROW = f"{{{MAIN_NS}}}row"
V, F, IS, T = (f"{{{MAIN_NS}}}{n}" for n in ("v", "f", "is", "t"))
_REF = re.compile(r"([A-Z]+)(\d+)")
#: Characters XML 1.0 cannot hold (openpyxl refuses them too); they are dropped from text.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def split_ref(ref: str) -> tuple[int, int]:
    """``"B7"`` -> ``(7, 2)`` (row, column; one-based)."""
    m = _REF.fullmatch(ref.replace("$", ""))
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), column_index_from_string(m.group(1))


def cell_ref(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _number_text(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _holds(c: etree._Element, value) -> bool:
    """Whether cell ``c`` already holds ``value`` exactly as :meth:`SheetData.set` would write it."""
    if len(c) != 1 or c.get("cm") is not None or c.get("vm") is not None:
        return False
    kind, child = c.get("t"), c[0]
    if isinstance(value, str):
        return kind == "inlineStr" and child.tag == IS and len(child) == 1 and child[0].tag == T and \
            child[0].text == value and not child[0].attrib
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return kind in (None, "n") and child.tag == V and child.text == _number_text(value)


class KeptFormula(str):
    """A user's formula read from a cell: the text (``=...``) and the cell element it came from.

    Written back through :meth:`SheetData.set`, it stays a formula (the element is copied), so a
    formula in a user's own row survives the refresh as a formula.
    """

    element: etree._Element

    def __new__(cls, text: str, element: etree._Element) -> "KeptFormula":
        self = super().__new__(cls, text)
        self.element = element
        return self


class SheetData:
    """The cells of one worksheet tree (``root`` is the parsed ``<worksheet>``)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.data = root.find(f"{{{MAIN_NS}}}sheetData")
        if self.data is None:
            raise ValueError("worksheet without sheetData")
        self._rows: dict[int, etree._Element] = {}
        self._cells: dict[int, dict[int, etree._Element]] = {}
        last = 0
        for row in self.data.iterchildren(ROW):
            r = int(row.get("r") or last + 1)
            self._rows[r] = row
            last = r
        self._keys = sorted(self._rows)
        self.changed = False

    # --- lookup ------------------------------------------------------------------------------

    def _row_cells(self, r: int) -> dict[int, etree._Element]:
        cells = self._cells.get(r)
        if cells is None:
            cells = {}
            row = self._rows.get(r)
            if row is not None:
                col = 0
                for c in row.iterchildren(C):
                    ref = c.get("r")
                    col = split_ref(ref)[1] if ref else col + 1
                    cells[col] = c
            self._cells[r] = cells
        return cells

    def cell(self, r: int, col: int) -> etree._Element | None:
        if r not in self._rows:
            return None
        return self._row_cells(r).get(col)

    def rows_between(self, top: int, bottom: int) -> list[int]:
        lo, hi = bisect.bisect_left(self._keys, top), bisect.bisect_right(self._keys, bottom)
        return self._keys[lo:hi]

    # --- writing -----------------------------------------------------------------------------

    def _row(self, r: int) -> etree._Element:
        row = self._rows.get(r)
        if row is None:
            row = etree.Element(ROW, r=str(r))
            i = bisect.bisect_left(self._keys, r)
            if i < len(self._keys):
                self._rows[self._keys[i]].addprevious(row)
            else:
                self.data.append(row)
            self._keys.insert(i, r)
            self._rows[r] = row
            self._cells[r] = {}
        return row

    def _new_cell(self, r: int, col: int) -> etree._Element:
        row = self._row(r)
        cells = self._row_cells(r)
        c = etree.Element(C, r=cell_ref(r, col))
        later = [k for k in cells if k > col]
        if later:
            cells[min(later)].addprevious(c)
        else:
            row.append(c)
        cells[col] = c
        spans = row.get("spans")
        if spans and ":" in spans:
            lo, hi = (int(x) for x in spans.split(":"))
            row.set("spans", f"{min(lo, col)}:{max(hi, col)}")
        return c

    def set_style(self, r: int, col: int, style: int) -> None:
        c = self.cell(r, col)
        if c is None:
            c = self._new_cell(r, col)
        if style:
            c.set("s", str(style))
        elif "s" in c.attrib:
            del c.attrib["s"]
        self.changed = True

    def clear(self, r: int, col: int) -> None:
        """Empty a cell's value (its style stays)."""
        c = self.cell(r, col)
        if c is None or (len(c) == 0 and c.get("t") is None):
            return
        self._unshare(c, r, col)
        for child in list(c):
            c.remove(child)
        for attr in ("t", "cm", "vm", "ph"):
            c.attrib.pop(attr, None)
        self.changed = True

    def set(self, r: int, col: int, value, style: int | None = None) -> None:
        """Write ``value`` (str, number, bool, date, :class:`KeptFormula`) into a cell.

        Text is always text (an inline string), never a formula.
        """
        c = self.cell(r, col)
        if isinstance(value, KeptFormula):
            if c is value.element:
                return
            if c is not None:
                self._unshare(c, r, col)
            new = deepcopy(value.element)
            new.set("r", cell_ref(r, col))
            f = new.find(F)
            if f is not None and f.get("t") == "shared" and not (f.text or "").strip():
                new.remove(f)  # a shared formula's follower cannot stand alone: keep its last value
            else:
                if f is not None and f.get("t") == "shared":  # the leader becomes a formula of its own
                    for attr in ("t", "ref", "si"):
                        f.attrib.pop(attr, None)
                for v in new.findall(V):
                    new.remove(v)
            if c is None:
                c = self._new_cell(r, col)
            if c.get("s") is not None and new.get("s") is None:
                new.set("s", c.get("s"))
            c.getparent().replace(c, new)
            self._cells[r][col] = new
            self.changed = True
            return
        if c is None:
            c = self._new_cell(r, col)
            if style:
                c.set("s", str(style))
        elif _holds(c, value):
            return  # the same value: the cell's bytes stay as they are
        else:
            self._unshare(c, r, col)
        for child in list(c):
            c.remove(child)
        for attr in ("t", "cm", "vm", "ph"):
            c.attrib.pop(attr, None)
        if isinstance(value, bool):
            c.set("t", "b")
            etree.SubElement(c, V).text = "1" if value else "0"
        elif isinstance(value, (int, float)):
            etree.SubElement(c, V).text = _number_text(value)
        elif isinstance(value, (dt.datetime, dt.date)):
            etree.SubElement(c, V).text = repr(float(to_excel(value)))
        else:
            text = _ILLEGAL.sub("", str(value))
            c.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(c, IS), T)
            t.text = text
            if text != text.strip() or "\n" in text:
                t.set(_XML_SPACE, "preserve")
        self.changed = True

    def _unshare(self, c: etree._Element, r: int, col: int) -> None:
        """If cell ``c`` (at ``r``, ``col``; about to be overwritten) leads a shared formula, give
        every other cell of it a formula of its own, moved to its position as Excel moves it
        (openpyxl's :class:`~openpyxl.formula.translate.Translator`): a follower without its
        leader is a broken file to Excel. A formula that cannot be moved leaves its last value."""
        f = c.find(F)
        if f is None or f.get("t") != "shared" or not f.get("ref") or not (f.text or "").strip():
            return
        si, translator = f.get("si"), Translator("=" + f.text, origin=cell_ref(r, col))
        left, top, right, bottom = range_boundaries(f.get("ref"))
        for row in self.rows_between(top, bottom):
            for k, other in self._row_cells(row).items():
                g = other.find(F)
                if other is c or not left <= k <= right or g is None or g.get("t") != "shared" \
                        or g.get("si") != si or (g.text or "").strip():
                    continue
                try:
                    g.text = translator.translate_formula(cell_ref(row, k))[1:]
                except TranslatorError:
                    other.remove(g)
                    continue
                for attr in ("t", "ref", "si"):
                    g.attrib.pop(attr, None)
        self.changed = True

    def fit_dimension(self) -> None:
        """Make ``<dimension ref>`` cover every cell (it is a hint, but readers trust it)."""
        dim = self.root.find(f"{{{MAIN_NS}}}dimension")
        if dim is None or not self._keys:
            return
        cols = []
        for r in self._keys:
            cells = self._row_cells(r)
            if cells:
                cols.extend((min(cells), max(cells)))
        if not cols:
            return
        rows = [r for r in self._keys if self._row_cells(r)]
        ref = f"{cell_ref(rows[0], min(cols))}:{cell_ref(rows[-1], max(cols))}"
        old = dim.get("ref", "")
        if ":" in old:
            (r1, c1), (r2, c2) = (split_ref(x) for x in old.split(":"))
            (n1, m1), (n2, m2) = (split_ref(x) for x in ref.split(":"))
            ref = f"{cell_ref(min(r1, n1), min(c1, m1))}:{cell_ref(max(r2, n2), max(c2, m2))}"
        if ref != old:
            dim.set("ref", ref)

"""Form Control buttons that run a macro, written as the VML Excel reads them.

A Form Control button ("Button (Form Control)" in Excel's Developer tab) lives in a sheet's
*legacy drawing*: a VML part holding one ``v:shape`` per control, whose ``x:ClientData
ObjectType="Button"`` carries the cell anchor and, in ``x:FmlaMacro``, the macro a click runs.
The sheet points at the part with ``<legacyDrawing r:id=.../>``. Excel 2010+ additionally writes
a ``<controls>`` element and ``ctrlProps`` parts; Excel, LibreOffice and Excel 2007 all accept
the VML alone, which is the smaller and older contract.

openpyxl drops VML it did not write itself, so buttons are added to the saved package by
:func:`add_buttons`, which touches only the sheet XML (one element), the sheet's relationships
(one relationship) and ``[Content_Types].xml``; charts (``drawingN.xml``) and tables are untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree

try:  # no entity expansion in a read part (defusedxml is pinned in requirements.txt)
    from defusedxml.ElementTree import fromstring as _parse_xml
except ImportError:  # pragma: no cover - an environment installed before the pin: expat's own guards
    from xml.etree.ElementTree import fromstring as _parse_xml

from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from shockbook.errors import InputError
from shockbook.text import is_wide
from shockbook.template.package import Package

VML_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
VML_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: Worksheet children that come after ``legacyDrawing`` (ECMA-376 CT_Worksheet sequence).
_AFTER_LEGACY_DRAWING = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                         "webPublishItems", "tableParts", "extLst")
#: Excel's defaults for Calibri 11: a column of 8.43 characters is 64 px, a row is 15 pt.
DEFAULT_COLUMN_CHARS = 8.43
DEFAULT_ROW_POINTS = 15.0
_IDMAP = re.compile(r'<(?:\w+:)?idmap\b[^>]*?\bdata="([^"]*)"')
_MACRO_NAME = re.compile(r"^(?:[A-Za-z]\w*\.)?[A-Za-z]\w*$")


@dataclass(frozen=True)
class ButtonSpec:
    """A Form Control button on a sheet that runs a VBA macro.

    Parameters
    ----------
    sheet:
        Title of the worksheet the button sits on.
    macro:
        The procedure a click runs, ``"RefreshAll"`` or ``"ShockbookMacros.RefreshAll"``.
    text:
        The caption (any Unicode; Korean is fine).
    cells:
        The range the button covers, e.g. ``"H2:I3"``: from the top-left corner of the first
        cell to the bottom-right corner of the last.
    printed:
        Whether the button appears when the sheet is printed or exported to PDF (Excel's
        default for a new button is yes).
    box:
        ``(left, top, width, height)`` in points from the sheet's top-left corner: the button's
        exact place and size (e.g. sized to its caption, see :func:`caption_points`). When
        given it replaces ``cells`` for placing the button.
    font_size:
        The caption's size in points (Excel's default for a button is 10-11 pt).
    """

    sheet: str
    macro: str
    text: str
    cells: str = "A1:B2"
    printed: bool = True
    box: tuple[float, float, float, float] | None = None
    font_size: float = 10.0

    def __post_init__(self) -> None:
        if not _MACRO_NAME.match(self.macro):
            raise InputError(f"Button macro {self.macro!r} is not a VBA procedure name "
                             "('Name' or 'Module.Name').", field="macro", name=self.macro)
        try:
            min_col, min_row, max_col, max_row = range_boundaries(self.cells)
        except (ValueError, TypeError):
            min_col = None
        if min_col is None or None in (min_row, max_col, max_row):
            raise InputError(f"Button cells {self.cells!r} is not a cell range like 'H2:I3'.",
                             field="cells", name=self.cells)

    @property
    def procedure(self) -> str:
        """The macro's procedure name without its module."""
        return self.macro.rpartition(".")[2]

    def anchor(self) -> tuple[int, int, int, int]:
        """``(left_column, top_row, right_column, bottom_row)``: zero-based edges of the range.

        The right and bottom edges are those of the cell *after* the range, which is how a VML
        anchor names the bottom-right corner of the last cell.
        """
        min_col, min_row, max_col, max_row = range_boundaries(self.cells)
        return min_col - 1, min_row - 1, max_col, max_row


def column_points(sheet: Worksheet, column: int) -> float:
    """Width in points of a one-based column, from openpyxl's width in characters.

    Excel's pixel width for a width ``w`` of Calibri 11 (7 px per digit, 5 px padding) is
    ``trunc(w * 7 + 5)``; a pixel is 0.75 pt at 96 dpi. Hidden columns are 0 pt wide.
    """
    dimension = sheet.column_dimensions.get(get_column_letter(column))
    if dimension is not None and dimension.hidden:
        return 0.0
    return int(column_chars(sheet, column) * 7 + 5) * 0.75


def column_chars(sheet: Worksheet, column: int) -> float:
    """A one-based column's width in characters as set on the sheet (Excel's default 8.43 when unset)."""
    dimension = sheet.column_dimensions.get(get_column_letter(column))
    return dimension.width if dimension is not None and dimension.width else DEFAULT_COLUMN_CHARS


def row_points(sheet: Worksheet, row: int) -> float:
    """Height in points of a one-based row (15 pt unless set); hidden rows are 0 pt."""
    dimension = sheet.row_dimensions.get(row)
    if dimension is not None and dimension.hidden:
        return 0.0
    return dimension.height if dimension is not None and dimension.height else DEFAULT_ROW_POINTS


def caption_points(text: str, font_size: float = 10.0) -> float:
    """Approximate width in points of ``text`` at ``font_size``: wide (CJK) characters are one
    em, others about 0.55 em."""
    return sum(font_size if is_wide(ch) else 0.55 * font_size for ch in text)


def _locate(size_of, points: float) -> tuple[int, int]:
    """``(zero-based index, offset in pixels)`` of the column or row holding ``points`` from the
    sheet's edge, where ``size_of(i)`` is the size in points of the one-based column/row ``i``."""
    index, start = 1, 0.0
    while index < 16384:
        size = size_of(index)
        if start + size > points:
            break
        start += size
        index += 1
    return index - 1, round((points - start) / 0.75)


def _ascii_xml(text: str) -> str:
    """``text`` escaped for XML with every non-ASCII character as a character reference.

    VML parts are read by Excel with the legacy VML parser; a pure-ASCII part cannot be
    misread whatever encoding it assumes.
    """
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return "".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in escaped)


def vml_drawing(sheet: Worksheet, buttons: list[ButtonSpec], *, block: int) -> str:
    """The VML part for ``buttons`` on ``sheet``.

    ``block`` is the part's shape-id block (``o:idmap``): shape ids are ``1024 * block + n``,
    and each VML part of a workbook needs its own block.
    """
    shapes = []
    for number, button in enumerate(buttons, start=1):
        if button.box is not None:
            left, top, width, height = button.box
            left_col, left_px = _locate(lambda c: column_points(sheet, c), left)
            right_col, right_px = _locate(lambda c: column_points(sheet, c), left + width)
            top_row, top_px = _locate(lambda r: row_points(sheet, r), top)
            bottom_row, bottom_px = _locate(lambda r: row_points(sheet, r), top + height)
        else:
            left_col, top_row, right_col, bottom_row = button.anchor()
            left_px = top_px = right_px = bottom_px = 0
            left = sum(column_points(sheet, c) for c in range(1, left_col + 1))
            top = sum(row_points(sheet, r) for r in range(1, top_row + 1))
            width = sum(column_points(sheet, c) for c in range(left_col + 1, right_col + 1))
            height = sum(row_points(sheet, r) for r in range(top_row + 1, bottom_row + 1))
        font_size = round(button.font_size * 20)  # VML font sizes are in twentieths of a point
        print_object = "" if button.printed else "<x:PrintObject>False</x:PrintObject>"
        shapes.append(
            f'<v:shape id="ShockbookButton{number}" o:spid="_x0000_s{1024 * block + number}"'
            ' type="#_x0000_t201"'
            f" style='position:absolute;margin-left:{left:g}pt;margin-top:{top:g}pt;"
            f"width:{width:g}pt;height:{height:g}pt;z-index:{number};mso-wrap-style:tight'"
            ' o:button="t" fillcolor="buttonFace [67]" strokecolor="windowText [64]" o:insetmode="auto">'
            '<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/>'
            '<o:lock v:ext="edit" rotation="t"/>'
            "<v:textbox style='mso-direction-alt:auto' o:singleclick='f'>"
            f"<div style='text-align:center'><font face=\"Calibri\" size=\"{font_size}\" color=\"#000000\">"
            f"{_ascii_xml(button.text)}</font></div></v:textbox>"
            '<x:ClientData ObjectType="Button">'
            f"<x:Anchor>{left_col}, {left_px}, {top_row}, {top_px}, {right_col}, {right_px}, {bottom_row}, {bottom_px}</x:Anchor>"
            f"{print_object}<x:AutoFill>False</x:AutoFill>"
            f"<x:FmlaMacro>[0]!{_ascii_xml(button.macro)}</x:FmlaMacro>"
            "<x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center</x:TextVAlign>"
            "</x:ClientData></v:shape>"
        )
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
        ' xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/>'
        '<v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
        '<o:lock v:ext="edit" shapetype="t"/></v:shapetype>'
        + "".join(shapes)
        + "</xml>"
    )


def with_legacy_drawing(sheet_xml: str, relationship_id: str, *, sheet: str = "?") -> str:
    """The worksheet XML with ``<legacyDrawing r:id=.../>`` in its schema place.

    Raises
    ------
    InputError
        If the sheet already has a legacy drawing (openpyxl writes one for cell comments):
        comments and buttons on one sheet would have to share a VML part, which is not done.
    """
    names = [child.tag.rpartition("}")[2] for child in _sheet_children(sheet_xml)]
    if "legacyDrawing" in names:
        raise InputError(f"Sheet {sheet!r} has cell comments (a legacy drawing); put its buttons "
                         "on a sheet without comments.", sheet=sheet)
    element = f'<legacyDrawing xmlns:r="{_R_NS}" r:id="{relationship_id}"/>'
    successor = next((name for name in names if name in _AFTER_LEGACY_DRAWING), None)
    if successor is None:
        at = sheet_xml.rindex("</")  # the root's closing tag
    elif successor == "extLst":
        at = sheet_xml.rindex("<extLst")  # the worksheet's own extLst is its last child
    else:
        at = re.search(rf"<(?:\w+:)?{successor}\b", sheet_xml).start()
    result = sheet_xml[:at] + element + sheet_xml[at:]
    children = [child.tag for child in _sheet_children(result)]
    if f"{{{_MAIN_NS}}}legacyDrawing" not in children:  # pragma: no cover - guards the splice
        raise InputError(f"Could not place the button drawing in sheet {sheet!r}.", sheet=sheet)
    return result


_SHEET_DATA = re.compile(r"<(?:\w+:)?sheetData\b(?:[^>]*/>|.*?</(?:\w+:)?sheetData>)", re.DOTALL)


def _sheet_children(sheet_xml: str) -> ElementTree.Element:
    """The worksheet's root element, parsed without the cells: ``sheetData`` (most of the
    text) is cut out first, since only the root's other children are looked at."""
    found = _SHEET_DATA.search(sheet_xml)
    if found is not None:
        sheet_xml = sheet_xml[:found.start()] + sheet_xml[found.end():]
    return _parse_xml(sheet_xml)


def used_shape_blocks(package: Package) -> set[int]:
    """The shape-id blocks (``o:idmap data``) the package's VML parts already use.

    openpyxl writes its comment VML with generated prefixes (``ns0:idmap``), so the prefix is
    not assumed; ``data`` may list several blocks (``"1,2"``).
    """
    blocks: set[int] = set()
    for part in package.names():
        if part.lower().endswith(".vml"):
            for data in _IDMAP.findall(package.read(part).decode("utf-8", "replace")):
                blocks.update(int(n) for n in re.findall(r"\d+", data))
    return blocks


def add_buttons(package: Package, sheets: dict[str, Worksheet], buttons: list[ButtonSpec]) -> None:
    """Add ``buttons`` to a saved workbook package, one VML part per sheet that has any.

    ``sheets`` maps sheet titles to the openpyxl worksheets the package was saved from (their
    column widths and row heights place the buttons).

    Raises
    ------
    InputError
        A button names a sheet that is not in the workbook (the message lists the sheets), or
        a sheet with cell comments (see :func:`with_legacy_drawing`).
    """
    by_sheet: dict[str, list[ButtonSpec]] = {}
    for button in buttons:
        if button.sheet not in sheets:
            raise InputError(f"Button {button.text!r} is on sheet {button.sheet!r}, which is not "
                             f"a worksheet of the workbook; valid: {', '.join(sheets)}.",
                             sheet=button.sheet, valid=list(sheets))
        by_sheet.setdefault(button.sheet, []).append(button)
    parts = package.sheet_parts()
    taken_blocks = used_shape_blocks(package)
    for title, specs in by_sheet.items():
        part = parts[title]
        block = max(taken_blocks | {0}) + 1
        taken_blocks.add(block)
        number = 1
        while f"xl/drawings/vmlDrawing{number}.vml" in package.names():
            number += 1
        vml_part = f"xl/drawings/vmlDrawing{number}.vml"
        package.write(vml_part, vml_drawing(sheets[title], specs, block=block))
        relationship_id = package.add_relationship(part, VML_RELATIONSHIP, "/" + vml_part)
        package.write(part, with_legacy_drawing(package.text(part), relationship_id, sheet=title))
    if by_sheet:
        package.add_default_content_type("vml", VML_CONTENT_TYPE)

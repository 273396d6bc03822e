"""A structural check of a saved OOXML spreadsheet package (the kind of error that makes Excel
offer to "repair" a file), read with zipfile and lxml only.

``problems(path_or_bytes)`` returns a list of one-line problems (empty: the package is sound):

* every part is well-formed XML (except binary parts) and has a content type (an Override or
  its extension's Default), and every Override names a part that exists;
* every relationship part belongs to a part that exists, its ids are unique, and every
  internal relationship target exists;
* every worksheet's children come in the order CT_Worksheet requires (markup-compatibility
  blocks aside), its ``r:id`` attributes name relationships it has, its rows are sorted and
  unique and each row's cells are sorted by column and sit in that row, and every shared-formula
  follower has its leader over it;
* every table's ``tableColumns`` count equals its ref's width, its autoFilter covers its ref,
  and its column names equal the header cells' text.

Usage: ``assert not problems(path)``.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
#: ECMA-376 Part 1, CT_Worksheet: the order of a worksheet's child elements.
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
    "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
    "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
    "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
    "extLst",
)
#: The only worksheet children that may occur more than once.
_REPEATABLE = ("conditionalFormatting",)
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """``A5:N28`` -> (left, top, right, bottom)."""
    a, _, b = ref.partition(":")
    ma, mb = _CELL.fullmatch(a), _CELL.fullmatch(b or a)
    return _col(ma.group(1)), int(ma.group(2)), _col(mb.group(1)), int(mb.group(2))


def _rels_of(rels_name: str) -> str:
    folder, _, name = rels_name.rpartition("_rels/")
    return (folder + name[: -len(".rels")]).lstrip("/")


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _rels_name(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{MAIN}t")
                   if etree.QName(t.getparent()).localname != "rPh")


def problems(package: str | Path | bytes) -> list[str]:
    """Structural problems of the package (see the module docstring); ``[]`` when sound."""
    data = package if isinstance(package, bytes) else Path(package).read_bytes()
    out: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    trees = {}
    for name, raw in parts.items():
        if name.endswith((".xml", ".rels", ".vml")) or name == "[Content_Types].xml":
            try:
                trees[name] = etree.fromstring(raw, PARSER)
            except etree.XMLSyntaxError as exc:
                out.append(f"{name}: not well-formed XML ({exc})")
    types = trees.get("[Content_Types].xml")
    if types is None:
        return out + ["no [Content_Types].xml"]
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types.iter(f"{CT}Default")}
    overrides = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
    for name in overrides:
        if name not in parts:
            out.append(f"[Content_Types].xml: Override for missing part /{name}")
    for name in parts:
        if name != "[Content_Types].xml" and name not in overrides and \
                name.rpartition(".")[2].lower() not in defaults:
            out.append(f"{name}: no content type")
    for name, tree in trees.items():
        if not name.endswith(".rels"):
            continue
        source = _rels_of(name)
        if source and source not in parts:
            out.append(f"{name}: relationships of a missing part {source}")
        ids = [r.get("Id") for r in tree.iter(f"{RELS}Relationship")]
        if len(ids) != len(set(ids)):
            out.append(f"{name}: duplicate relationship ids")
        for rel in tree.iter(f"{RELS}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = _resolve(source, rel.get("Target"))
            if target not in parts:
                out.append(f"{name}: {rel.get('Id')} targets missing part {target}")
    for name, tree in trees.items():
        if overrides.get(name) == WORKSHEET_TYPE:
            out += _worksheet_problems(name, tree, trees, parts)
    return out


def _worksheet_problems(name: str, tree, trees, parts) -> list[str]:
    out = []
    order = [etree.QName(child).localname for child in tree  # markup-compatibility blocks may go anywhere
             if isinstance(child.tag, str) and etree.QName(child).namespace != MC]
    ranks = [WORKSHEET_ORDER.index(tag) if tag in WORKSHEET_ORDER else -1 for tag in order]
    if -1 in ranks:
        out.append(f"{name}: unknown worksheet child {order[ranks.index(-1)]}")
    elif ranks != sorted(ranks) or any(a == b and order[i] not in _REPEATABLE
                                       for i, (a, b) in enumerate(zip(ranks, ranks[1:]))):
        out.append(f"{name}: worksheet children out of schema order: {order}")
    rels_tree = trees.get(_rels_name(name))
    rel_ids = {r.get("Id"): r for r in rels_tree.iter(f"{RELS}Relationship")} if rels_tree is not None else {}
    for element in tree.iter():
        rid = element.get(R_ID) if isinstance(element.tag, str) else None
        if rid is not None and rid not in rel_ids:
            out.append(f"{name}: {etree.QName(element).localname} names missing relationship {rid}")
    cells: dict[tuple[int, int], etree._Element] = {}
    last_row = 0
    leaders: dict[str, list] = {}
    followers: dict[str, list] = {}
    spans: dict[str, tuple[int, int, int, int]] = {}
    data = tree.find(f"{MAIN}sheetData")
    for row in (data if data is not None else []):
        r = int(row.get("r"))
        if r <= last_row:
            out.append(f"{name}: row {r} after row {last_row}")
        last_row, last_col = r, 0
        for c in row.iter(f"{MAIN}c"):
            m = _CELL.fullmatch(c.get("r", ""))
            if not m or int(m.group(2)) != r:
                out.append(f"{name}: cell {c.get('r')} in row {r}")
                continue
            col = _col(m.group(1))
            if col <= last_col:
                out.append(f"{name}: cell {c.get('r')} out of column order")
            last_col = col
            cells[(r, col)] = c
            f = c.find(f"{MAIN}f")
            if f is not None and f.get("t") == "shared":
                (leaders if f.get("ref") else followers).setdefault(f.get("si"), []).append((r, col, c.get("r")))
                if f.get("ref"):
                    spans[f.get("si")] = _bounds(f.get("ref"))
    for si, cells_of in followers.items():
        for r, col, ref in cells_of:
            left, top, right, bottom = spans.get(si, (0, 0, -1, -1))
            if si not in leaders or not (left <= col <= right and top <= r <= bottom):
                out.append(f"{name}: cell {ref} shares formula si={si}, which no leader cell holds over it")
    for rel in rel_ids.values():
        if rel.get("Type") != TABLE_REL:
            continue
        part = _resolve(name, rel.get("Target"))
        table = trees.get(part)
        if table is None:
            continue
        left, top, right, bottom = _bounds(table.get("ref"))
        columns = table.find(f"{MAIN}tableColumns")
        names = [c.get("name") for c in columns] if columns is not None else []
        if len(names) != right - left + 1 or (columns is not None and columns.get("count") not in (None, str(len(names)))):
            out.append(f"{part}: {len(names)} columns for ref {table.get('ref')}")
        auto = table.find(f"{MAIN}autoFilter")
        if auto is not None and auto.get("ref") != table.get("ref"):
            out.append(f"{part}: autoFilter {auto.get('ref')} differs from ref {table.get('ref')}")
        if table.get("headerRowCount", "1") != "0":
            for i, column in enumerate(names):
                c = cells.get((top, left + i))
                text = None
                if c is not None:
                    if c.get("t") == "inlineStr":
                        text = _text(c)
                    elif c.get("t") == "s":
                        text = _shared(trees, parts, int(c.findtext(f"{MAIN}v")))
                    else:
                        text = c.findtext(f"{MAIN}v")
                if text != column:
                    out.append(f"{part}: header {column!r} but cell holds {text!r}")
    return out


def _shared(trees, parts, index: int) -> str | None:
    for name, tree in trees.items():
        if name.endswith("sharedStrings.xml"):
            items = tree.findall(f"{MAIN}si")
            return _text(items[index]) if index < len(items) else None
    return None

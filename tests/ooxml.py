"""Read generated workbooks as files, with zipfile and lxml only (never the writer's own code).

:func:`buttons_in` finds each sheet's Form Control buttons the way Excel does: workbook.xml
names the sheets, the workbook's relationships give each sheet's part, the sheet's
``<legacyDrawing r:id>`` and its relationships give the VML part, and the VML's shapes with
``x:ClientData ObjectType="Button"`` are the buttons (caption from the text box, macro from
``x:FmlaMacro``).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path

from lxml import etree

NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "v": "urn:schemas-microsoft-com:vml",
    "x": "urn:schemas-microsoft-com:office:excel",
}


def _archive(source) -> zipfile.ZipFile:
    if isinstance(source, (str, Path)):
        return zipfile.ZipFile(source)
    data = source if isinstance(source, bytes) else source.to_bytes()
    return zipfile.ZipFile(io.BytesIO(data))


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part (absolute inside the package) of ``part``."""
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", name + ".rels")
    if path not in archive.namelist():
        return {}
    root = etree.fromstring(archive.read(path))
    return {r.get("Id"): _resolve(folder, r.get("Target")) for r in root.iterfind("rel:Relationship", NS)}


def _resolve(folder: str, target: str) -> str:
    """A relationship target as a package part name (targets may be relative or start with /)."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(folder, target))


def sheet_parts(source) -> dict[str, str]:
    """Sheet title -> worksheet part, from xl/workbook.xml and its relationships."""
    with _archive(source) as archive:
        rels = _rels(archive, "xl/workbook.xml")
        root = etree.fromstring(archive.read("xl/workbook.xml"))
        return {s.get("name"): rels[s.get(f"{{{NS['r']}}}id")] for s in root.iterfind("main:sheets/main:sheet", NS)}


def buttons_in(source) -> dict[str, list[tuple[str, str]]]:
    """Sheet title -> ``[(caption, macro), ...]`` of its Form Control buttons, in shape order.

    ``source``: a path, the file's bytes, or anything with ``to_bytes()``.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    with _archive(source) as archive:
        wb_rels = _rels(archive, "xl/workbook.xml")
        workbook = etree.fromstring(archive.read("xl/workbook.xml"))
        for sheet in workbook.iterfind("main:sheets/main:sheet", NS):
            part = wb_rels[sheet.get(f"{{{NS['r']}}}id")]
            root = etree.fromstring(archive.read(part))
            legacy = root.find("main:legacyDrawing", NS)
            if legacy is None:
                continue
            vml_part = _rels(archive, part)[legacy.get(f"{{{NS['r']}}}id")]
            vml = etree.fromstring(archive.read(vml_part))
            for shape in vml.iterfind(".//v:shape", NS):
                data = shape.find("x:ClientData", NS)
                if data is None or data.get("ObjectType") != "Button":
                    continue
                box = shape.find("v:textbox", NS)
                caption = "".join(box.itertext()).strip() if box is not None else ""
                macro = data.findtext("x:FmlaMacro", default="", namespaces=NS)
                found.setdefault(sheet.get("name"), []).append((caption, macro))
    return found


def cells_in(source) -> dict[str, list[tuple[str, str, str | None, str | None]]]:
    """Sheet title -> ``[(ref, type, formula, text), ...]`` for every cell that has content.

    ``type`` is the cell's ``t`` attribute (``s`` shared string, ``inlineStr``, ``str`` a
    formula's text result, ``n`` when absent); ``formula`` the text of its ``<f>`` (``None`` for
    a value cell); ``text`` the cell's string (shared strings resolved) or its ``<v>`` text.
    """
    out: dict[str, list[tuple[str, str, str | None, str | None]]] = {}
    parts = sheet_parts(source)
    with _archive(source) as archive:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in archive.namelist():
            root = etree.fromstring(archive.read("xl/sharedStrings.xml"))
            shared = ["".join(si.itertext()) for si in root.iterfind("main:si", NS)]
        for title, part in parts.items():
            root = etree.fromstring(archive.read(part))
            rows = []
            for c in root.iterfind("main:sheetData/main:row/main:c", NS):
                kind = c.get("t", "n")
                f, v, inline = c.find("main:f", NS), c.find("main:v", NS), c.find("main:is", NS)
                text = None
                if inline is not None:
                    text = "".join(inline.itertext())
                elif v is not None:
                    text = shared[int(v.text)] if kind == "s" else v.text
                if f is None and text is None:
                    continue
                rows.append((c.get("r"), kind, None if f is None else (f.text or ""), text))
            out[title] = rows
    return out

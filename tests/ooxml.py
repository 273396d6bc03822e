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

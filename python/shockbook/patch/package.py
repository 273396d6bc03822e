"""A saved ``.xlsm`` as the zip package it is, edited part by part.

Parts are kept as the bytes read from the zip; only the parts an edit touches are parsed
(lxml, no entity resolution, no network) and written back. Every other member is copied
unchanged, in its original order, with its original compression, so whatever the user or Excel
put there -- charts, pictures, VBA, extensions this code has never heard of -- survives.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from shockbook.errors import InputError
from shockbook.fileio import atomic_path

CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK_PART = "xl/workbook.xml"
CORE_PART = "docProps/core.xml"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CALC_CHAIN_REL = REL + "calcChain"

#: lxml parser for package parts: no DTD/entity expansion, no network, big trees allowed.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


def parse(data: bytes) -> etree._Element:
    """The root element of an XML part (raises :class:`InputError` when it is not XML)."""
    try:
        return etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"a part of the workbook is not well-formed XML ({exc})") from None


def serialize(root: etree._Element, original: bytes) -> bytes:
    """``root`` as bytes, with the XML declaration the part had (or a standard one)."""
    declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    if original.startswith(b"<?xml"):
        end = original.index(b"?>") + 2
        declaration = original[:end] + (b"\n" if original[end:end + 1] == b"\n" else b"")
        if original[end:end + 2] == b"\r\n":
            declaration = original[:end] + b"\r\n"
    return declaration + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


def rels_part(part: str) -> str:
    """``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels`` (``""`` -> ``_rels/.rels``)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source: str, target: str) -> str:
    """A relationship target as a part name (no leading slash), relative to ``source``."""
    return target[1:] if target.startswith("/") else posixpath.normpath(
        posixpath.join(posixpath.dirname(source), target))


class ZipPackage:
    """The members of a zip package: raw bytes, their zip entries, and the edits made.

    Parameters
    ----------
    data:
        The file's bytes.

    Raises
    ------
    InputError
        Not a zip file.
    """

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            self._infos = {info.filename: info for info in self._zip.infolist()}
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"not a zip package ({exc})") from None
        self._order = list(self._infos)
        self._changed: dict[str, bytes] = {}
        self._removed: set[str] = set()
        self._trees: dict[str, etree._Element] = {}

    # --- parts -------------------------------------------------------------------------------

    def names(self) -> list[str]:
        return [n for n in self._order if n not in self._removed]

    def has(self, part: str) -> bool:
        return part in self._infos and part not in self._removed or part in self._changed

    def read(self, part: str) -> bytes:
        if part in self._changed:
            return self._changed[part]
        if part not in self._infos or part in self._removed:
            raise InputError(f"the workbook has no part {part!r}", name=part)
        return self._zip.read(self._infos[part])

    def tree(self, part: str) -> etree._Element:
        """The parsed part (parsed once); call :meth:`touch` after editing it."""
        if part not in self._trees:
            self._trees[part] = parse(self.read(part))
        return self._trees[part]

    def touch(self, part: str) -> None:
        """Mark a parsed part as edited: it is serialized when the package is written."""
        self._changed[part] = b""  # placeholder; filled from the tree in :meth:`to_bytes`
        if part not in self._order:
            self._order.append(part)

    def changed(self) -> list[str]:
        return list(self._changed) + sorted(self._removed)

    def remove(self, part: str) -> None:
        self._removed.add(part)
        self._changed.pop(part, None)
        self._trees.pop(part, None)

    # --- relationships and content types ---------------------------------------------------

    def relationships(self, part: str) -> list[etree._Element]:
        name = rels_part(part)
        if not self.has(name):
            return []
        return list(self.tree(name).iter(f"{{{RELS_NS}}}Relationship"))

    def targets(self, part: str, rel_type: str | None = None) -> dict[str, str]:
        """``rId -> part name`` of ``part``'s internal relationships (of ``rel_type`` if given)."""
        return {rel.get("Id"): resolve(part, rel.get("Target")) for rel in self.relationships(part)
                if rel.get("TargetMode") != "External" and (rel_type is None or rel.get("Type") == rel_type)}

    def remove_relationships(self, part: str, rel_type: str) -> None:
        for rel in self.relationships(part):
            if rel.get("Type") == rel_type:
                rel.getparent().remove(rel)
                self.touch(rels_part(part))

    def remove_override(self, part: str) -> None:
        types = self.tree(CONTENT_TYPES)
        for element in types.findall(f"{{{CT_NS}}}Override"):
            if element.get("PartName") == "/" + part:
                types.remove(element)
                self.touch(CONTENT_TYPES)

    # --- writing -----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The package with the edits; untouched members are copied byte for byte."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
            for name in self.names():
                if name in self._changed:
                    data = serialize(self._trees[name], self._zip.read(self._infos[name])
                                     if name in self._infos else b"") if name in self._trees else self._changed[name]
                    info = self._infos.get(name)
                    entry = zipfile.ZipInfo(name, date_time=dt.datetime.now().timetuple()[:6])
                    entry.compress_type = info.compress_type if info else zipfile.ZIP_DEFLATED
                    entry.external_attr = info.external_attr if info else 0o600 << 16
                    out.writestr(entry, data)
                else:
                    info = self._infos[name]
                    out.writestr(info, self._zip.read(info))  # same name, date, compression
        return buffer.getvalue()

    def save(self, path: str | os.PathLike) -> Path:
        """Write the package to ``path`` atomically (the old file or the whole new one)."""
        data = self.to_bytes()
        target = Path(path)
        with atomic_path(target, suffix=".tmp.xlsm") as temporary:
            temporary.write_bytes(data)
        return target

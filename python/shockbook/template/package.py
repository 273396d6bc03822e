"""A saved workbook as an in-memory OPC package: parts, relationships, content types.

Just enough of Open Packaging Conventions to post-process what openpyxl wrote: read and
replace parts, follow and add relationships, and edit ``[Content_Types].xml``. Edits are
textual splices (never a re-serialisation through ElementTree, which would rename namespace
prefixes), checked by parsing the result.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

try:  # no entity expansion in a read part (defusedxml is pinned in requirements.txt)
    from defusedxml.ElementTree import fromstring as _parse_xml
except ImportError:  # pragma: no cover - an environment installed before the pin: expat's own guards
    from xml.etree.ElementTree import fromstring as _parse_xml

from shockbook.errors import InputError

CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK_PART = "xl/workbook.xml"
#: Content type of the workbook part of an ``.xlsx`` and of an ``.xlsm``.
XLSX_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ELEMENT = re.compile(r"<(Override|Default)\b[^>]*?/>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def rels_part(part: str) -> str:
    """The relationships part of ``part``: ``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def resolve(source_part: str, target: str) -> str:
    """A relationship target as a part name (no leading slash), relative to its source part."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


class Package:
    """The parts of a zip package, editable in memory, written back in their original order."""

    def __init__(self, data: bytes) -> None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                self._parts = {info.filename: archive.read(info) for info in archive.infolist()}
        except zipfile.BadZipFile as exc:
            raise InputError(f"Not a zip package: {exc}.") from None

    def names(self) -> list[str]:
        return list(self._parts)

    def read(self, part: str) -> bytes:
        try:
            return self._parts[part]
        except KeyError:
            raise InputError(f"The package has no part {part!r}.", name=part) from None

    def text(self, part: str) -> str:
        return self.read(part).decode("utf-8")

    def write(self, part: str, data: str | bytes) -> None:
        self._parts[part] = data.encode("utf-8") if isinstance(data, str) else data

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self._parts.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    # --- relationships ---------------------------------------------------------------------

    def relationships(self, part: str) -> list[dict[str, str]]:
        """The relationships of ``part`` as attribute dicts (``Id``, ``Type``, ``Target``...)."""
        name = rels_part(part)
        if name not in self._parts:
            return []
        root = _parse_xml(self.read(name))
        return [dict(element.attrib) for element in root.iter(f"{{{_PACKAGE_RELS_NS}}}Relationship")]

    def related(self, part: str, relationship_type: str) -> list[str]:
        """Part names ``part`` relates to with ``relationship_type`` (internal targets only)."""
        return [resolve(part, rel["Target"]) for rel in self.relationships(part)
                if rel.get("Type") == relationship_type and rel.get("TargetMode") != "External"]

    def add_relationship(self, part: str, relationship_type: str, target: str) -> str:
        """Relate ``part`` to ``target``; returns the new relationship's id (``rIdN``)."""
        name = rels_part(part)
        taken = {rel["Id"] for rel in self.relationships(part)}
        number = len(taken) + 1
        while f"rId{number}" in taken:
            number += 1
        element = (f'<Relationship Id="rId{number}" Type="{_escape(relationship_type)}" '
                   f'Target="{_escape(target)}"/>')
        if name in self._parts:
            text = self.text(name)
            if "</Relationships>" in text:
                text = text.replace("</Relationships>", element + "</Relationships>", 1)
            else:  # an empty self-closed root
                text = re.sub(r"<Relationships\b([^>]*)/>", rf"<Relationships\1>{element}</Relationships>", text)
        else:
            text = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<Relationships xmlns="{_PACKAGE_RELS_NS}">{element}</Relationships>')
        _parse_xml(text)  # still well formed
        self.write(name, text)
        return f"rId{number}"

    # --- content types ---------------------------------------------------------------------

    def content_type(self, part: str) -> str | None:
        """The content type of ``part``: its Override, else its extension's Default."""
        overrides, defaults = {}, {}
        for kind, element in ((m.group(1), m.group()) for m in _ELEMENT.finditer(self.text(CONTENT_TYPES))):
            attributes = dict(_ATTRIBUTE.findall(element))
            if kind == "Override":
                overrides[attributes.get("PartName", "")] = attributes.get("ContentType")
            else:
                defaults[attributes.get("Extension", "").casefold()] = attributes.get("ContentType")
        found = overrides.get("/" + part)
        return found if found is not None else defaults.get(part.rpartition(".")[2].casefold())

    def set_override(self, part: str, content_type: str) -> None:
        """Give ``part`` an Override with ``content_type``, replacing any it has."""
        text = self.text(CONTENT_TYPES)
        element = f'<Override PartName="/{_escape(part)}" ContentType="{_escape(content_type)}"/>'
        for match in _ELEMENT.finditer(text):
            if dict(_ATTRIBUTE.findall(match.group())).get("PartName") == "/" + part:
                text = text[:match.start()] + element + text[match.end():]
                break
        else:
            text = text.replace("</Types>", element + "</Types>", 1)
        _parse_xml(text)
        self.write(CONTENT_TYPES, text)

    def add_default_content_type(self, extension: str, content_type: str) -> None:
        """Declare a Default content type for ``extension`` unless one is declared."""
        text = self.text(CONTENT_TYPES)
        for match in _ELEMENT.finditer(text):
            attributes = dict(_ATTRIBUTE.findall(match.group()))
            if match.group(1) == "Default" and attributes.get("Extension", "").casefold() == extension.casefold():
                return
        root = re.search(r"<Types\b[^>]*>", text)
        element = f'<Default Extension="{_escape(extension)}" ContentType="{_escape(content_type)}"/>'
        text = text[:root.end()] + element + text[root.end():]  # Defaults come first in Excel's files
        _parse_xml(text)
        self.write(CONTENT_TYPES, text)

    # --- spreadsheet -----------------------------------------------------------------------

    def sheet_parts(self) -> dict[str, str]:
        """Sheet titles, in workbook order, mapped to their part names."""
        root = _parse_xml(self.read(WORKBOOK_PART))
        targets = {rel["Id"]: resolve(WORKBOOK_PART, rel["Target"])
                   for rel in self.relationships(WORKBOOK_PART)}
        return {sheet.get("name"): targets[sheet.get(f"{{{_R_NS}}}id")]
                for sheet in root.iter(f"{{{_MAIN_NS}}}sheet")}

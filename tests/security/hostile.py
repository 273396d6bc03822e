"""Hostile files, crafted at test time and small on disk.

Zip bombs are deflate streams of zeros written chunk by chunk (a 60 MB part is about 60 KB on
disk); nothing here ever expands one. Oversized user files are sparse (their size is a number
in the directory, not blocks on disk).
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

MB = 1024 * 1024

#: A YAML "billion laughs": 342 bytes that expand to 9**9 strings when walked.
ALIAS_BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *[f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]" for p, n in zip("abcdefg", "bcdefgh")],
        f"rows: [{','.join(['*h'] * 9)}]",
    ]
) + "\n"

#: YAML that PyYAML's unsafe loader would run (os.system): the safe loader must refuse the tag.
PYTHON_TAG = 'rows:\n  - !!python/object/apply:os.system ["echo SHOCKBOOK_PWNED > pwned.txt"]\n'

#: A field value nested 200 deep: an error must quote only a short excerpt of it.
DEEP_VALUE = "rows:\n  - id: deep\n    stance: " + "[" * 200 + "x" + "]" * 200 + "\n"

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/content-types"></Types>')


def zeros_zip(path: Path, parts: dict[str, int], *, extra_parts: int = 0) -> Path:
    """A package whose ``parts`` (name -> uncompressed MB) are deflated zeros, plus
    ``extra_parts`` empty parts; written in 1 MB chunks (never held in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        chunk = b"\0" * MB
        for name, mb in parts.items():
            with archive.open(name, "w", force_zip64=True) as fh:
                for _ in range(mb):
                    fh.write(chunk)
        for i in range(extra_parts):
            archive.writestr(f"xl/media/p{i}.bin", b"")
    return path


def lying_zip(path: Path, declared: int = 100, actual_mb: int = 5) -> Path:
    """A package whose first part declares ``declared`` bytes uncompressed but holds
    ``actual_mb`` MB: the size is patched in its local header and in the central directory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"\0" * (actual_mb * MB))
    data = bytearray(path.read_bytes())
    assert data[:4] == b"PK\x03\x04"
    struct.pack_into("<I", data, 22, declared)  # local header: uncompressed size
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)  # central directory: uncompressed size
    path.write_bytes(bytes(data))
    return path


def with_part(source: Path, target: Path, part: str, text: str) -> Path:
    """A copy of the package ``source`` with ``part`` replaced by ``text``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, text.encode() if info.filename == part else src.read(info.filename))
    return target


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no space on disk."""
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


#: Entity attacks on a workbook part: expansion (billion laughs) and an external file.
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi"))
          + ']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheets><sheet name="&i;" sheetId="1"/></sheets></workbook>')
XXE = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
       '<sheets><sheet name="&x;" sheetId="1"/></sheets></workbook>')

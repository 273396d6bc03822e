"""The workbook's VBA: module sources kept as data, and the reference to xlwings.

The macros themselves are plain ``.bas`` files in ``template/vba/`` (exported-module form,
``Attribute VB_Name`` first), so a person edits them in any editor and the VBE can import them.
This module loads them, checks what can be checked without Excel (the names of the procedures,
the ``RunPython`` commands they send to Python, the code page), and puts them in a workbook's
VBA project with pyOpenVBA.

``RunPython`` is not a VBA built-in: it is a public function of the xlwings add-in, whose VBA
project is named ``xlwings``. Like the workbook ``xlwings quickstart`` creates (without
``--standalone``), ours declares a *project reference* to that add-in. With the add-in installed
(``xlwings addin install`` copies ``xlwings.xlam`` to Excel's XLSTART folder, so it is open
whenever Excel is) the reference binds to the open add-in, and the macros call ``RunPython``
directly. The alternative, ``Application.Run "xlwings.xlam!RunPython", ...``, avoids the
reference but is flagged by macro scanners (olevba reports ``Run`` as "may run an executable
file or a system command") and hides a missing add-in until run time.
"""

from __future__ import annotations

import importlib.util
import re
import struct
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from pyopenvba import ExcelFile
from pyopenvba.vba import VBAReference, encoding_for_codepage

from shockbook.errors import InputError

#: The VBA project name of the xlwings add-in, which the reference names.
XLWINGS_PROJECT = "xlwings"
#: Where ``xlwings addin install`` puts the add-in. VBA first binds a project reference to an
#: open workbook of the same file name (the installed add-in); this path is only the fallback
#: shown in Tools > References, since the user's profile folder cannot be known here.
XLWINGS_ADDIN_PATH = r"%APPDATA%\Microsoft\Excel\XLSTART\xlwings.xlam"
#: The macro module every shockbook workbook carries.
MACROS_MODULE = "ShockbookMacros"
#: VBA keeps module source in the project's code page; pyOpenVBA's template uses Western.
VBA_CODEC = "cp1252"

_VB_NAME = re.compile(r'^Attribute\s+VB_Name\s*=\s*"([^"]+)"', re.MULTILINE | re.IGNORECASE)
_PROCEDURE = re.compile(
    r"^[ \t]*(?:(?:Public|Private|Friend)[ \t]+)?(?:Static[ \t]+)?(Sub|Function)[ \t]+(\w+)",
    re.MULTILINE | re.IGNORECASE,
)
_RUNPYTHON = re.compile(r'\bRunPython\b[ \t(]*"((?:[^"]|"")*)"', re.IGNORECASE)
_IDENTIFIER = r"[A-Za-z_]\w*"
_DOTTED = rf"{_IDENTIFIER}(?:\.{_IDENTIFIER})*"
_COMMAND = re.compile(
    rf"^\s*import\s+(?P<module>{_DOTTED})(?:\s+as\s+(?P<alias>{_IDENTIFIER}))?\s*;"
    rf"\s*(?P<target>{_DOTTED})\.(?P<function>{_IDENTIFIER})\(\)\s*$"
)


@dataclass(frozen=True)
class RunPythonCall:
    """One ``RunPython "import pkg.mod as m; m.func()"`` command, parsed.

    Attributes
    ----------
    module:
        The dotted module imported, e.g. ``"shockbook.excel.macros"``.
    function:
        The function called on it, e.g. ``"refresh_all"``.
    command:
        The command text exactly as VBA passes it to Python.
    """

    module: str
    function: str
    command: str


@dataclass(frozen=True)
class VbaModule:
    """A standard VBA module: its name and its source (CRLF line ends, header included)."""

    name: str
    source: str

    @property
    def procedures(self) -> list[str]:
        """Names of the ``Sub`` and ``Function`` procedures, in source order."""
        return [match.group(2) for match in _PROCEDURE.finditer(self.source)]

    @property
    def runpython_calls(self) -> list[RunPythonCall]:
        """Every ``RunPython`` command in the module, parsed (see :func:`parse_runpython`)."""
        return [parse_runpython(text.replace('""', '"'), module=self.name)
                for text in _RUNPYTHON.findall(self.source)]


def parse_runpython(command: str, *, module: str = "?") -> RunPythonCall:
    """Parse an xlwings ``RunPython`` command of the form ``import a.b [as m]; m.func()``.

    Raises
    ------
    InputError
        If the command is not one import followed by one call without arguments on the
        imported module (or its alias): anything else is a typo Excel would only report when
        a user clicks the button.
    """
    found = _COMMAND.match(command)
    if found is None:
        raise InputError(
            f"RunPython command {command!r} in VBA module {module} is not of the form "
            "'import package.module as m; m.function()'.",
            module=module, command=command)
    imported = found["alias"] or found["module"]
    if found["target"] != imported:
        raise InputError(
            f"RunPython command {command!r} in VBA module {module} calls {found['target']}."
            f"{found['function']}() but imports {imported}.",
            module=module, command=command)
    return RunPythonCall(module=found["module"], function=found["function"], command=command)


def module_from_source(source: str, *, origin: str = "<string>") -> VbaModule:
    """Make a :class:`VbaModule` from exported ``.bas`` text and check it.

    The name comes from the ``Attribute VB_Name`` line. Line ends become CRLF, as VBA stores
    them. Every ``RunPython`` command is parsed, so a malformed one fails here.

    Raises
    ------
    InputError
        No ``VB_Name``, characters outside code page 1252 (VBA would turn them into ``?``), or
        a malformed ``RunPython`` command. ``origin`` names the file in the message.
    """
    text = source.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    named = _VB_NAME.search(text)
    if named is None:
        raise InputError(f"VBA source {origin} has no 'Attribute VB_Name = \"...\"' line.",
                         file=origin)
    try:
        text.encode(VBA_CODEC)
    except UnicodeEncodeError as exc:
        line = text[: exc.start].count("\n") + 1
        raise InputError(
            f"VBA source {origin} line {line} has {text[exc.start:exc.end]!r}, which code page "
            f"1252 cannot hold; keep VBA ASCII and put other text in cells.",
            file=origin, row=line) from None
    module = VbaModule(name=named.group(1), source=text if text.endswith("\r\n") else text + "\r\n")
    module.runpython_calls  # parse now: a bad command fails at build time, not at click time
    return module


@cache
def load_module(name: str = MACROS_MODULE) -> VbaModule:
    """Load a module shipped in ``shockbook/template/vba/<name>.bas``.

    Raises
    ------
    InputError
        If no such file is shipped (the message lists those that are), or it fails the checks
        of :func:`module_from_source`.
    """
    folder = resources.files("shockbook.template") / "vba"
    shipped = sorted(Path(str(entry)).stem for entry in folder.iterdir() if entry.name.endswith(".bas"))
    if name not in shipped:
        raise InputError(f"No VBA module {name!r} is shipped; valid: {', '.join(shipped)}.",
                         name=name, valid=shipped)
    entry = folder / f"{name}.bas"
    module = module_from_source(entry.read_bytes().decode("utf-8"), origin=entry.name)
    if module.name != name:
        raise InputError(f"{entry.name} declares VB_Name {module.name!r}; it must match the file name.",
                         file=entry.name)
    return module


# --- the project reference to the xlwings add-in ---------------------------------------------
# [MS-OVBA] 2.3.4.2.2: a reference is a REFERENCENAME (0x0016, with its Unicode twin 0x003E)
# followed by a body; a REFERENCEPROJECT body (0x000E) holds an absolute and a relative libid
# ("*\C" + path, [MS-OVBA] 2.1.1.12) and the referenced project's version. References sit
# between the project information records and PROJECTMODULES (0x000F) in the dir stream.

def _record(record_id: int, body: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(body)) + body


def project_reference_record(name: str, absolute_path: str, relative_path: str, *,
                             version: tuple[int, int] = (0, 0), codec: str = VBA_CODEC) -> bytes:
    """The dir-stream bytes of a reference to another VBA project (an add-in), uncompressed."""
    absolute = ("*\\C" + absolute_path).encode(codec)
    relative = ("*\\C" + relative_path).encode(codec)
    body = (struct.pack("<I", len(absolute)) + absolute + struct.pack("<I", len(relative)) + relative
            + struct.pack("<IH", *version))
    return (_record(0x0016, name.encode(codec)) + _record(0x003E, name.encode("utf-16-le"))
            + _record(0x000E, body))


def _records(raw: bytes):
    """Yield ``(offset, id, payload)`` for each record of a decompressed dir stream."""
    at = 0
    while at + 6 <= len(raw):
        record_id, size = struct.unpack_from("<HI", raw, at)
        # PROJECTVERSION's size field is a constant 4 followed by 6 bytes ([MS-OVBA] 2.3.4.2.1.11).
        end = at + (12 if record_id == 0x0009 else 6 + size)
        yield at, record_id, raw[at + 6:end]
        at = end


def modules_offset(raw: bytes) -> int:
    """Offset of the PROJECTMODULES record (0x000F) in a decompressed dir stream."""
    for at, record_id, _ in _records(raw):
        if record_id == 0x000F:
            return at
    raise InputError("The VBA dir stream has no PROJECTMODULES record.")


def project_version(raw: bytes) -> tuple[int, int]:
    """The ``(major, minor)`` PROJECTVERSION of a decompressed dir stream."""
    for _, record_id, payload in _records(raw):
        if record_id == 0x0009:
            major, minor = struct.unpack_from("<IH", payload, 0)
            return major, minor
    return (0, 0)


@cache
def xlwings_addin_version() -> tuple[int, int]:
    """The VBA project version of the add-in shipped with the installed xlwings, or (0, 0).

    The version in a project reference is informative (Excel rewrites it when it saves), so a
    missing xlwings is not an error here.
    """
    spec = importlib.util.find_spec("xlwings")  # located, not imported: no Excel needed
    if spec is None or spec.origin is None:
        return (0, 0)
    addin = Path(spec.origin).parent / "addin" / "xlwings.xlam"
    if not addin.is_file():
        return (0, 0)
    with ExcelFile(addin) as book:
        return project_version(book.vba_project().dir_raw)


def add_xlwings_reference(project, *, absolute_path: str = XLWINGS_ADDIN_PATH) -> None:
    """Declare a reference to the xlwings add-in in a pyOpenVBA ``VBAProject``, in memory.

    pyOpenVBA 6.5's ``add_reference`` writes registered type libraries only, so the
    REFERENCEPROJECT record is spliced into the project's dir stream here, before
    PROJECTMODULES, the way pyOpenVBA splices its own references. A project that already
    references ``xlwings`` is left alone. Save the host file to persist it.
    """
    if any(ref.name.casefold() == XLWINGS_PROJECT for ref in project.references):
        return
    raw = project.dir_raw
    at = modules_offset(raw)
    if project.dir_modules_offset != at:  # pyOpenVBA's own bookkeeping must agree with the bytes
        raise InputError(f"The VBA dir stream's PROJECTMODULES record is at {at}, not at "
                         f"{project.dir_modules_offset} as pyOpenVBA recorded; refusing to splice.")
    block = project_reference_record(XLWINGS_PROJECT, absolute_path, "xlwings.xlam",
                                     version=xlwings_addin_version(),
                                     codec=encoding_for_codepage(project.code_page))
    project.dir_raw = raw[:at] + block + raw[at:]
    project.dir_modules_offset = at + len(block)
    project.references.append(VBAReference(
        name=XLWINGS_PROJECT, name_unicode=XLWINGS_PROJECT, kind="project",
        libid="*\\C" + absolute_path, libid_secondary="*\\Cxlwings.xlam"))
    project.dir_references_dirty = True

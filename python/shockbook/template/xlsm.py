"""Write an openpyxl workbook as a real macro-enabled ``.xlsm``: VBA project and buttons.

The three steps, each done by the tool that owns it:

1. openpyxl writes the workbook (sheets, tables, formats, charts) into memory;
2. the package is post-processed: the workbook part gets the macro-enabled content type and
   each sheet with buttons gets a VML legacy drawing (:mod:`shockbook.template.buttons`);
3. pyOpenVBA gives the file a VBA project as Excel makes one (``ThisWorkbook`` and a document
   module per sheet, code names, ``vbaProject.bin`` related from ``workbook.xml.rels``), adds
   our modules and the reference to the xlwings add-in (:mod:`shockbook.template.vba`).

The result is written to a temporary file beside the target and moved over it with
:func:`os.replace`, so a reader never sees half a workbook and a failure leaves the old one.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter
from pyopenvba import ExcelFile

from shockbook.errors import InputError
from shockbook.fileio import atomic_path
from shockbook.template.buttons import ButtonSpec, add_buttons
from shockbook.template.package import WORKBOOK_PART, XLSM_WORKBOOK, Package
from shockbook.template.vba import VbaModule, add_xlwings_reference, load_module


def _check_macros(modules: Sequence[VbaModule], buttons: Iterable[ButtonSpec]) -> None:
    """Every button's macro must be a procedure of one of ``modules``."""
    names = [module.name for module in modules]
    if len({name.casefold() for name in names}) != len(names):
        raise InputError(f"VBA module names must be unique; got {', '.join(names)}.", valid=names)
    for button in buttons:
        owner, _, procedure = button.macro.rpartition(".")
        candidates = [m for m in modules if not owner or m.name.casefold() == owner.casefold()]
        if not any(procedure.casefold() == p.casefold() for m in candidates for p in m.procedures):
            valid = [f"{m.name}.{p}" for m in modules for p in m.procedures]
            raise InputError(f"Button {button.text!r} runs macro {button.macro!r}, which no VBA "
                             f"module defines; valid: {', '.join(valid) or 'none'}.",
                             name=button.macro, valid=valid)


def xlsm_bytes(wb: Workbook, *, buttons: Sequence[ButtonSpec] = ()) -> bytes:
    """The workbook as openpyxl writes it, made macro-enabled and given its buttons; no VBA yet."""
    if getattr(wb, "vba_archive", None) is not None:
        raise InputError("The workbook was loaded with keep_vba=True; its old VBA would be "
                         "written beside ours. Load it without keep_vba.")
    buffer = io.BytesIO()
    # openpyxl's own save deflates every part, and the package below is deflated again when it
    # is written: write it stored (uncompressed) here so the parts are compressed once.
    wb.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True)).save()
    package = Package(buffer.getvalue())
    package.set_override(WORKBOOK_PART, XLSM_WORKBOOK)
    add_buttons(package, {sheet.title: sheet for sheet in wb.worksheets}, list(buttons))
    return package.to_bytes()


def add_vba(path: Path, modules: Sequence[VbaModule], *, xlwings_reference: bool = True) -> None:
    """Give the ``.xlsm`` at ``path`` (which has no VBA project) ``modules``, in place."""
    with ExcelFile(path) as book:
        project = book.add_vba_project()
        for module in modules:
            project.add_module(module.name, module.source)
        if xlwings_reference:
            add_xlwings_reference(project)
        book.save()


def save_xlsm(wb: Workbook, path: str | os.PathLike[str], *,
              modules: Sequence[VbaModule] | None = None,
              buttons: Sequence[ButtonSpec] = (),
              xlwings_reference: bool = True) -> Path:
    """Write ``wb`` to ``path`` as a macro-enabled workbook, atomically.

    Parameters
    ----------
    wb:
        The openpyxl workbook (not modified).
    path:
        Target file; must end in ``.xlsm``. Its folder must exist. An existing file is replaced
        only once the new one is complete.
    modules:
        Standard VBA modules to embed; default: the shipped ``ShockbookMacros``
        (:func:`shockbook.template.vba.load_module`).
    buttons:
        Form Control buttons; each macro must be defined by one of ``modules``.
    xlwings_reference:
        Declare the VBA reference to the xlwings add-in that ``RunPython`` needs (default).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InputError
        Wrong extension, missing folder, unknown sheet or macro for a button, duplicate module
        names, a workbook loaded with ``keep_vba=True``.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsm":
        raise InputError(f"A macro-enabled workbook must be saved as .xlsm, not {target.name!r}.",
                         path=str(target))
    if not target.parent.is_dir():
        raise InputError(f"Folder {str(target.parent)!r} does not exist.", path=str(target))
    modules = [load_module()] if modules is None else list(modules)
    _check_macros(modules, buttons)
    data = xlsm_bytes(wb, buttons=buttons)
    # pyOpenVBA picks the format by extension, so the temporary file is an .xlsm too.
    with atomic_path(target, suffix=".tmp.xlsm") as temporary:
        temporary.write_bytes(data)
        if modules:
            add_vba(temporary, modules, xlwings_reference=xlwings_reference)
    return target

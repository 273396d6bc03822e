"""LibreOffice as an independent reader of the workbooks we write (test helper).

Opening a generated file in another spreadsheet program is the check that the library that
wrote it cannot make: LibreOffice parses the package, recalculates the formulas, draws the
charts and form controls and binds buttons to the VBA it finds. The helpers:

* :func:`convert` -- ``soffice --headless --convert-to <format>``, with a private profile;
* :func:`render_pdf` -- a workbook to PDF, every sheet;
* :func:`pdf_to_images` / :func:`pdf_to_pngs` -- PDF pages to PPM (for tests) or PNG (to look at);
* :func:`page_is_blank` / :func:`ink_fraction` -- pixel statistics of a PPM page, no Pillow needed;
* :func:`recalc_values` -- every sheet's values after LibreOffice recalculated the formulas.

Each needs ``soffice`` (and ``pdftoppm`` for images); tests that use them are skipped with the
reason when missing (Debian: ``apt-get install libreoffice-calc poppler-utils fonts-noto-cjk``).

The profile: LibreOffice refuses to start twice on one user profile, so each process gets its
own under the temp folder, created once and pre-seeded to *always recalculate* formulas when
loading OOXML and ODF files (LibreOffice's default is to trust cached values, and openpyxl
writes none).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

#: Seconds one conversion may take before it is killed (a cold start here takes a few seconds).
TIMEOUT = 120

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """Path of the LibreOffice binary, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The soffice path, or skip the calling test with the reason."""
    found = soffice()
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc")
    return found


def require_pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        pytest.skip("pdftoppm is not installed: apt-get install poppler-utils")
    return found


def profile_dir() -> Path:
    """This process's private LibreOffice profile, seeded to recalculate on load."""
    folder = Path(tempfile.gettempdir()) / f"shockbook-lo-profile-{os.getpid()}"
    settings = folder / "user" / "registrymodifications.xcu"
    if not settings.exists():
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(_RECALC_ALWAYS, encoding="utf-8")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@dataclass(frozen=True)
class Conversion:
    """What one ``soffice --convert-to`` produced, the command line, and how long it took."""

    output: Path
    command: list[str]
    seconds: float


#: Every conversion of this process, for timing reports (``conftest`` may print them).
CONVERSIONS: list[Conversion] = []


def convert(source: Path, fmt: str, outdir: Path, *, timeout: float = TIMEOUT) -> Conversion:
    """Convert ``source`` with LibreOffice to ``fmt`` (``"pdf"``, ``"xlsx"``, ``"ods"``...).

    ``fmt`` may carry a filter (``"csv:Text - txt - csv (StarCalc):44,34,76"``); the output
    file is ``outdir / (source.stem + "." + extension)``.

    Raises
    ------
    AssertionError
        LibreOffice failed, timed out, or wrote nothing; the message has its stderr.
    """
    binary = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    command = [binary, f"-env:UserInstallation={profile_dir().as_uri()}", "--headless",
               "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               "--convert-to", fmt, "--outdir", str(outdir), str(source)]
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
    except subprocess.TimeoutExpired:
        raise AssertionError(f"LibreOffice took over {timeout} s converting {source.name} to {fmt}") from None
    seconds = time.monotonic() - started
    output = outdir / f"{source.stem}.{fmt.split(':', 1)[0]}"
    if done.returncode != 0 or not output.exists():
        raise AssertionError(f"LibreOffice could not convert {source.name} to {fmt} "
                             f"(exit {done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    result = Conversion(output=output, command=command, seconds=seconds)
    CONVERSIONS.append(result)
    return result


def render_pdf(workbook: Path, outdir: Path) -> Path:
    """``workbook`` printed to PDF by LibreOffice (every sheet, in order); returns the PDF path."""
    return convert(workbook, "pdf", outdir).output


def pdf_to_images(pdf: Path, outdir: Path, *, dpi: int = 50, png: bool = False) -> list[Path]:
    """Each page of ``pdf`` as an image (PPM by default, PNG with ``png=True``), in page order."""
    binary = require_pdftoppm()
    outdir.mkdir(parents=True, exist_ok=True)
    prefix = outdir / pdf.stem
    command = [binary, "-r", str(dpi), *(["-png"] if png else []), str(pdf), str(prefix)]
    subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT)
    suffix = ".png" if png else ".ppm"
    pages = [p for p in outdir.iterdir() if p.name.startswith(pdf.stem + "-") and p.suffix == suffix]
    return sorted(pages, key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def pdf_to_pngs(pdf: Path, outdir: Path, *, dpi: int = 80) -> list[Path]:
    """Each page of ``pdf`` as a PNG, for a person to look at."""
    return pdf_to_images(pdf, outdir, dpi=dpi, png=True)


def read_ppm(path: Path) -> tuple[int, int, bytes]:
    """``(width, height, rgb_bytes)`` of a binary PPM (P6, maxval 255) as pdftoppm writes it."""
    data = path.read_bytes()
    fields: list[bytes] = []
    at = 0
    while len(fields) < 4:  # magic, width, height, maxval; '#' comments are not written by pdftoppm
        while data[at:at + 1].isspace():
            at += 1
        end = at
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path.name} is not an 8-bit binary PPM")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[at + 1:at + 1 + width * height * 3]
    return width, height, pixels


def ink_fraction(path: Path, *, threshold: int = 240) -> float:
    """Share of a PPM page's pixels that are not near-white (any channel below ``threshold``)."""
    width, height, pixels = read_ppm(path)
    inked = sum(1 for i in range(0, len(pixels), 3) if min(pixels[i], pixels[i + 1], pixels[i + 2]) < threshold)
    return inked / (width * height)


def page_is_blank(path: Path, *, min_ink: float = 0.001) -> bool:
    """Whether a PPM page is (nearly) all white: under ``min_ink`` of its pixels carry ink."""
    return ink_fraction(path) < min_ink


def recalc_values(workbook: Path, outdir: Path) -> dict[str, list[list[object]]]:
    """Each sheet's cell values after LibreOffice loaded, recalculated and re-saved ``workbook``.

    The round trip goes through ``.xlsx`` (LibreOffice writes the computed value of every
    formula) and is read back with python-calamine, so no library of ours reads it.
    """
    from python_calamine import CalamineWorkbook  # noqa: PLC0415 - test-only dependency

    roundtrip = convert(workbook, "xlsx", outdir / "recalc").output
    book = CalamineWorkbook.from_path(str(roundtrip))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}

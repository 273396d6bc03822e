"""LibreOffice opens the .xlsm: it renders, recalculates, draws the charts and binds the buttons.

LibreOffice is a second, independent implementation of the file formats and of VBA import:
a button it binds to ``VBAProject.ShockbookMacros.RefreshAll`` proves it parsed our VBA
project, found the module and the procedure, and resolved the button's ``[0]!RefreshAll``.
It never runs the macros (conversion does not execute document code).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from render import (
    convert,
    ink_fraction,
    page_is_blank,
    pdf_to_images,
    read_ppm,
    recalc_values,
    render_pdf,
    require_soffice,
)
from sample_book import BUTTON_TEXT, KNOWN, PATHS, ROWS, SUMMARY, TITLE


@pytest.fixture(scope="module")
def outdir(tmp_path_factory):
    require_soffice()
    return tmp_path_factory.mktemp("lo")


@pytest.fixture(scope="module")
def pdf(built, outdir):
    return render_pdf(built, outdir / "pdf")


@pytest.fixture(scope="module")
def ods_content(built, outdir) -> dict[str, str]:
    """The text parts of LibreOffice's .ods round trip of the workbook."""
    ods = convert(built, "ods", outdir / "ods").output
    with zipfile.ZipFile(ods) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.endswith(".xml")}


# --- rendering -------------------------------------------------------------------------------


def test_pdf_has_one_page_per_sheet_and_none_is_blank(pdf, outdir):
    pages = pdf_to_images(pdf, outdir / "pages", dpi=40)
    assert len(pages) == 2
    for page in pages:
        assert not page_is_blank(page), page.name


def test_pdf_text_has_the_korean_title_button_caption_and_computed_total(pdf):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert TITLE in text
    assert BUTTON_TEXT in text  # printed=True buttons appear on paper
    # The total row: =AVERAGE(C4:C8) computed and formatted 0.0%, =SUM(D4:D8) computed (General).
    assert re.search(r"합계\s+-8\.4%\s+150\b", text)


# --- recalculation ---------------------------------------------------------------------------


def test_native_formulas_compute_in_libreoffice(built, outdir):
    values = recalc_values(built, outdir)
    total_row = values[SUMMARY][9]
    assert total_row[0] == "합계"
    assert total_row[2] == pytest.approx(KNOWN["mean_return"])
    assert total_row[3] == pytest.approx(KNOWN["weight_sum"])
    assert [tuple(row) for row in values[SUMMARY][3:8]] == ROWS


# --- charts, table, buttons, VBA as LibreOffice understood them ----------------------------


def test_both_charts_survive_as_line_charts(ods_content):
    charts = [text for name, text in ods_content.items() if re.match(r"Object \d+/content\.xml", name)]
    assert len(charts) == 2
    assert all('chart:class="chart:line"' in text for text in charts)


def test_table_autofilter_survives(ods_content):
    assert re.search(r'<table:database-range [^>]*table:display-filter-buttons="true"', ods_content["content.xml"])


def test_buttons_are_bound_to_the_vba_procedures(ods_content):
    content = ods_content["content.xml"]
    buttons = re.findall(r'<form:button [^>]*form:label="([^"]*)".*?xlink:href="([^"]*)"', content, re.DOTALL)
    assert buttons == [
        (BUTTON_TEXT, "vnd.sun.star.script:VBAProject.ShockbookMacros.RefreshAll?language=Basic&amp;location=document"),
        ("Refresh sheet",
         "vnd.sun.star.script:VBAProject.ShockbookMacros.RefreshActiveSheet?language=Basic&amp;location=document"),
    ]


def test_libreoffice_reads_the_vba_source(ods_content):
    module = ods_content["Basic/VBAProject/ShockbookMacros.xml"]
    assert "RunPython &quot;import shockbook.excel.macros as m; m.refresh_all()&quot;" in module


def test_sheet_names_survive(ods_content):
    assert re.findall(r'<table:table table:name="([^"]*)"', ods_content["content.xml"]) == [SUMMARY, PATHS]


# --- the pixel helpers themselves ------------------------------------------------------------


def _ppm(tmp_path, pixels: list[tuple[int, int, int]], width: int):
    path = tmp_path / "page.ppm"
    height = len(pixels) // width
    path.write_bytes(f"P6\n{width} {height}\n255\n".encode() + bytes(v for p in pixels for v in p))
    return path


@pytest.mark.parametrize(
    ("pixels", "fraction", "blank"),
    [
        ([(255, 255, 255)] * 100, 0.0, True),
        ([(255, 255, 255)] * 99 + [(0, 0, 0)], 0.01, False),
        ([(250, 250, 250)] * 100, 0.0, True),  # paper tone is not ink
        ([(255, 0, 255)] * 50 + [(255, 255, 255)] * 50, 0.5, False),  # one dark channel is ink
    ],
    ids=["white", "one-dot", "off-white", "magenta-half"],
)
def test_ink_fraction_and_blankness(tmp_path, pixels, fraction, blank):
    page = _ppm(tmp_path, pixels, width=10)
    assert ink_fraction(page) == pytest.approx(fraction)
    assert page_is_blank(page) is blank


def test_read_ppm_refuses_other_formats(tmp_path):
    path = tmp_path / "x.pgm"
    path.write_bytes(b"P5\n1 1\n255\n\x00")
    with pytest.raises(ValueError, match="not an 8-bit binary PPM"):
        read_ppm(path)

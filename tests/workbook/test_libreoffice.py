"""LibreOffice opens the built workbook: every sheet renders, charts draw, calculators compute."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from render import page_is_blank, pdf_to_images, recalc_values, render_pdf, require_soffice

from shockbook.tables import content as ct
from shockbook.workbook import layout as L
from shockbook.template.static import CALC_MODELS, write_calculators
from shockbook.workbook.i18n import label


@pytest.fixture(scope="module")
def pdf(built, tmp_path_factory):
    require_soffice()
    return render_pdf(built, tmp_path_factory.mktemp("lo-pdf"))


def _pdf_text(pdf) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def test_every_page_has_ink(pdf, tmp_path):
    pages = pdf_to_images(pdf, tmp_path / "pages", dpi=30)
    assert len(pages) >= len(L.LAYOUT) + 1
    assert [p.name for p in pages if page_is_blank(p)] == []


def test_every_sheet_title_and_no_hash_marks_are_printed(pdf):
    text = _pdf_text(pdf)
    for sheet in L.LAYOUT:
        assert label(f"title.{sheet.key}", "ko") in text, sheet.key
    assert "###" not in text  # every number fits its column
    assert "전체 새로고침" in text  # the buttons are drawn


def test_calculators_compute_natively(built, tmp_path):
    values = recalc_values(built, tmp_path)
    sheet = values[label("sheet.scaling", "ko")]
    from shockbook.workbook.producers import make_context
    from shockbook.config import Settings
    import openpyxl

    named = write_calculators(openpyxl.Workbook().active, make_context(Settings.from_env(environ={})))

    def at(ref):
        col = ord(ref[0]) - ord("A")
        return sheet[int(ref[1:]) - 1][col]

    costs = ct.api_cost_table(1e6, 1e6).frame.set_index("model")
    for model in CALC_MODELS:
        assert at(named[f"cost:{model}"]) == pytest.approx(costs.loc[model, "cost_usd"]), model
    assert at(named["multiple:DeepSeek R1"]) == pytest.approx(27.372, abs=1e-3)
    assert at(named["training_one_in"]) == pytest.approx(78.4 / 5.576)
    assert at(named["training_share"]) == pytest.approx(0.5)

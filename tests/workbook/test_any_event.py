"""Any event: the book built for an event other than the report's names that event everywhere,
never shows the report's 1/27 panel, and never shows "nan" (read back with python-calamine).

Table-driven over events chosen for what they stress: the report's own, a tariff shock, a
volatility shock, an FOMC day, a day near the data's start (2024-01-02: no previous year-end in
the data) and a Sunday (mapped to the next session).
"""

from __future__ import annotations

import re

import pytest

from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label
from workbook_cli import BUILD_ARGS, ROOT, block_rows, run_cli

#: (event asked, session it maps to)
EVENTS = [
    ("2025-01-27", "2025-01-27"),
    ("2025-04-07", "2025-04-07"),
    ("2024-08-05", "2024-08-05"),
    ("2024-12-18", "2024-12-18"),
    ("2024-01-10", "2024-01-10"),
    ("2025-01-26", "2025-01-27"),
]
REPORT_SESSION = "2025-01-27"
EVENT_SHEETS = ("dashboard", "event_returns", "breadth", "price_paths", "abnormal", "baskets")
NAN = re.compile(r"(?<![A-Za-z])nan(?![A-Za-z])|\binf\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def books(tmp_path_factory, prices_path, constituents_path):
    """Build lazily, once per (event, extra flags) for this module."""
    made: dict = {}

    def build(event: str, *extra: str, lang: str = "ko"):
        key = (event, extra, lang)
        if key not in made:
            folder = tmp_path_factory.mktemp("event")
            out = folder / "book.xlsm"
            code, err = run_cli(BUILD_ARGS + ["--event", event, "--lang", lang, *extra, "--out", str(out)], cwd=ROOT,
                                env={"SHOCKBOOK_CACHE_DIR": str(folder / "cache")})
            assert code in (0, 1), err
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(out))
            made[key] = (out, {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}, err)
        return made[key]

    return build


def _cells(values):
    for sheet, rows in values.items():
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                yield sheet, r, c, value


def _block_rows(values, name, lang="ko"):
    sheet, _ = L.block(name)
    return block_rows(values[label(sheet.title_key, lang)], name)


@pytest.mark.parametrize("event,session", EVENTS)
def test_no_cell_shows_nan(books, event, session):
    _, values, _ = books(event)
    bad = [(s, r, c, v) for s, r, c, v in _cells(values) if isinstance(v, str) and NAN.search(v)]
    assert not bad, bad[:5]


@pytest.mark.parametrize("event,session", EVENTS)
def test_every_event_sheet_title_names_the_session(books, event, session):
    _, values, _ = books(event)
    for key in EVENT_SHEETS:
        title = values[label(f"sheet.{key}", "ko")][0][0]
        if session == REPORT_SESSION:
            assert title == label(f"title.{key}", "ko")
        else:
            assert session in title, (key, title)
            assert "2025-01-27" not in title and "1/27" not in title, (key, title)


@pytest.mark.parametrize("event,session", EVENTS)
def test_priced_block_headings_carry_the_event(books, event, session):
    _, values, _ = books(event)
    for sheet, block in L.blocks():
        if block.prices:
            heading = values[label(sheet.title_key, "ko")][block.origin[0] - 2][block.origin[1] - 1]
            assert f"{session} " in heading, (block.name, heading)
            if event != session:
                assert event in heading, (block.name, heading)  # the date asked, and where it went


@pytest.mark.parametrize("event,session", EVENTS)
def test_the_published_panel_only_for_the_reports_event(books, event, session):
    _, values, _ = books(event)
    heading, rows = _block_rows(values, "sb_key_numbers")
    items = [r["item"] for r in rows]
    if session == REPORT_SESSION:
        assert heading.startswith(label("block.sb_key_numbers", "ko"))
        assert "엔비디아 1/27 수익률" in items
    else:
        assert heading.startswith(label("block.sb_key_numbers.event", "ko").format(session=session))
        assert not any("1/27" in str(i) or "1/24" in str(i) for i in items), items
        kinds = {r["mark"] for r in rows}
        assert {label(f"panel.kind.{k}", "ko") for k in ("index", "breadth", "names", "basket")} <= kinds
        marks = {label(f"mark.{m}", "ko") for m in ("match", "mismatch", "approx", "na")}
        assert not kinds & marks
        spx = next(r for r in rows if r["item"].startswith("S&P 500"))
        assert isinstance(spx["published_value"], float)


def test_this_event_panel_equals_the_breadth_and_index_sheets(books):
    _, values, _ = books("2025-04-07")
    _, panel = _block_rows(values, "sb_key_numbers")
    _, counts = _block_rows(values, "sb_breadth_counts")
    _, moves = _block_rows(values, "sb_index_moves")
    breadth = next(r for r in panel if r["mark"] == label("panel.kind.breadth", "ko"))
    assert breadth["published"] == f"{int(counts[0]['up'])} / {int(counts[0]['down'])} / {int(counts[0]['total'])}"
    spx = next(r for r in panel if r["item"].startswith("S&P 500"))
    assert spx["published_value"] == pytest.approx(next(m for m in moves if m["ticker"] == "^GSPC")["event_return"])


def test_the_english_book_names_the_event_too(books):
    _, values, _ = books("2025-04-07", lang="en")
    assert values["Dashboard"][0][0] == "Event (2025-04-07) dashboard"
    heading, rows = _block_rows(values, "sb_key_numbers", lang="en")
    assert heading.startswith("This event (2025-04-07)")


# --- as of a date ----------------------------------------------------------------------------


def _close(prices_path, ticker, day):
    import pandas as pd

    frame = pd.read_csv(prices_path)
    return float(frame[(frame["ticker"] == ticker) & (frame["date"] == day)]["close"].iloc[0])


def test_as_of_the_1_30_close_gives_figure_5s_basis(books, prices_path):
    """The report's figure 5 is "as of the 1/30 close": NVDA from the 1/24 close (the session
    before the event) to the 1/30 close, computed here from the snapshot file itself."""
    _, values, _ = books("2025-01-27", "--as-of", "2025-01-30")
    heading, rows = _block_rows(values, "sb_event_returns")
    assert "~2025-01-30" in heading
    nvda = next(r for r in rows if r["ticker"] == "NVDA")
    expected = _close(prices_path, "NVDA", "2025-01-30") / _close(prices_path, "NVDA", "2025-01-24") - 1
    assert nvda["since_pre_event"] == pytest.approx(expected, abs=1e-12)
    assert nvda["since_pre_event"] == pytest.approx(-0.1260, abs=5e-5)
    since = _close(prices_path, "NVDA", "2025-01-30") / _close(prices_path, "NVDA", "2025-01-27") - 1
    assert nvda["since_event"] == pytest.approx(since, abs=1e-12)
    assert str(nvda["since_asof"])[:10] == "2025-01-30"
    assert nvda["return_5"] == "" and nvda["return_20"] == ""  # not known on 1/30
    assert isinstance(nvda["return_1"], float)


def test_as_of_ends_the_paths_and_is_on_the_dashboard(books):
    _, values, _ = books("2025-01-27", "--as-of", "2025-01-30")
    _, paths = _block_rows(values, "sb_price_paths")
    assert str(paths[-1]["date"])[:10] == "2025-01-30"
    _, summary = _block_rows(values, "sb_summary")
    assert {"item": label("summary.as_of", "ko"), "value": "2025-01-30"} in summary
    _, settings = _block_rows(values, "sb_settings")
    assert {r["key"]: r["value"] for r in settings}["as_of"] == "2025-01-30"


def test_an_as_of_before_the_event_is_refused_before_writing(tmp_path, prices_path):
    out = tmp_path / "book.xlsm"
    code, err = run_cli(BUILD_ARGS + ["--as-of", "2025-01-20", "--out", str(out)], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "cache")})
    assert code == 2 and not out.exists()
    assert "--as-of" in err and "before the event 2025-01-27" in err

"""The Sources sheet: one row per table, naming its real source, its price basis and its as-of,
the same after any number of refreshes (headless or through the refresh macros) as after the
build. Books are read with python-calamine; the expected as-of is recomputed from the snapshot
file with pandas."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
import xlwings as xw
from python_calamine import CalamineWorkbook
from xlharness import BookStandIn

from shockbook.data.types import BASIS_SPLIT, BASIS_SPLIT_DIV, Provenance
from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label, table_name
from shockbook.workbook.provenance import describe

from test_build import _table
from test_any_event import books  # noqa: F401  (books of other events, built once for this module)
from test_no_data import no_data  # noqa: F401  (the book built without any price data)
from workbook_cli import BUILD_ARGS, ROOT, run_cli

STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}Z")
#: Every table whose numbers come from prices (the key numbers are recomputed from them too).
PRICE_BLOCKS = [b.name for _, b in L.blocks() if b.prices] + ["sb_key_numbers"]
#: Every table of the layout but the two that describe the others (the summary, Sources itself).
LISTED = [b.name for _, b in L.blocks() if b.name not in L.LAST]


def _values(path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _sources(path_or_values, lang="ko") -> list[dict]:
    values = path_or_values if isinstance(path_or_values, dict) else _values(path_or_values)
    return _table(values, "sb_sources", lang)[1]


def _modulo_stamps(rows: list[dict]) -> list[tuple]:
    """The rows with their as-of timestamps blanked (a refresh may read newer prices)."""
    return [tuple(STAMP.sub("<stamp>", str(v)) for v in r.values()) for r in rows]


def _refreshed(source, folder, times: int, *args: str, lang: str = "ko"):
    """``source`` copied into ``folder`` and refreshed ``times`` times by the CLI (the package
    patch); the rows of its Sources table after each refresh."""
    folder.mkdir()
    path = folder / "deepseek_shock.xlsm"
    shutil.copy(source, path)
    out = []
    for _ in range(times):
        code, err = run_cli(["refresh", "--workbook", str(path), *args], cwd=ROOT,
                            env={"SHOCKBOOK_CACHE_DIR": str(folder / "cache")})
        assert code == 0, err
        out.append(_sources(path, lang))
    return out


@pytest.fixture(scope="module")
def refreshed_twice(built, tmp_path_factory, prices_path):
    """The built book refreshed twice headless: the first refresh names the snapshot, as a
    nightly job would; the second reads it back from the Settings sheet."""
    folder = tmp_path_factory.mktemp("sources") / "ko"
    first = _refreshed(built, folder, 1, "--snapshot", str(prices_path))
    return first + _refreshed(folder / "deepseek_shock.xlsm", folder.parent / "ko2", 1)


def test_a_refresh_keeps_every_sources_row_of_the_build(built, built_values, refreshed_twice):
    """Nothing lost: the tables a refresh does not rewrite (Settings, watchlist, dip weights:
    the user's input) keep their rows, and every row reads as after the build."""
    built_rows = _sources(built_values)
    assert [r["block"] for r in built_rows] == [table_name(n, "ko") for n in LISTED]
    want = _modulo_stamps(built_rows)
    for rows in refreshed_twice:
        assert _modulo_stamps(rows) == want


def test_the_refresh_macro_keeps_every_sources_row_of_the_build(built, built_values, tmp_path, monkeypatch):
    from shockbook.excel import macros

    stand_in = _stand_in(built, tmp_path, monkeypatch, "dashboard")
    want = _modulo_stamps(_sources(built_values))
    for n in range(2):
        macros.refresh_all()
        saved = tmp_path / f"after_{n}.xlsx"
        stand_in.wb.save(saved)
        assert _modulo_stamps(_sources(saved)) == want


def _stand_in(built, tmp_path, monkeypatch, active_key: str) -> BookStandIn:
    path = tmp_path / "deepseek_shock.xlsm"
    shutil.copy(built, path)
    stand_in = BookStandIn(path, active=label(L.sheet(active_key).title_key, "ko"))
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: stand_in))
    return stand_in


def _mark_as_of(stand_in, name: str, text: str) -> None:
    """Type ``text`` over the as-of cell of table ``name``'s Sources row (as the user could)."""
    sheet, block = L.block("sb_sources")
    ws = stand_in.wb[label(sheet.title_key, "ko")]
    header, left = block.origin
    row = next(r for r in range(header + 1, header + block.capacity + 1)
               if ws.cell(row=r, column=left).value == table_name(name, "ko"))
    ws.cell(row=row, column=left + 3, value=text)


def test_refreshing_one_sheet_rewrites_its_sources_rows_and_keeps_the_others(built, built_values, tmp_path,
                                                                             monkeypatch):
    from shockbook.excel import macros

    stand_in = _stand_in(built, tmp_path, monkeypatch, "event_returns")
    _mark_as_of(stand_in, "sb_event_returns", "an old as-of")
    _mark_as_of(stand_in, "sb_index_moves", "not refreshed")
    macros.refresh_active_sheet()
    saved = tmp_path / "after.xlsx"
    stand_in.wb.save(saved)
    rows = _sources(saved)
    want = _sources(built_values)
    by_block = {(r["block"], r["sheet"]): r for r in rows}
    moves = by_block[(label("block.sb_index_moves", "ko"), label("sheet.dashboard", "ko"))]
    assert moves["as_of"] == "not refreshed"  # a row of a sheet not refreshed stays as it was
    moves["as_of"] = next(r for r in want if r["block"] == moves["block"])["as_of"]
    assert _modulo_stamps(rows) == _modulo_stamps(want)  # every row there, the refreshed one rewritten


def test_refreshing_the_sources_sheet_itself_keeps_every_row(built, built_values, tmp_path, monkeypatch):
    from shockbook.excel import macros

    stand_in = _stand_in(built, tmp_path, monkeypatch, "sources")
    macros.refresh_active_sheet()
    saved = tmp_path / "after.xlsx"
    stand_in.wb.save(saved)
    assert _modulo_stamps(_sources(saved)) == _modulo_stamps(_sources(built_values))


def _last_session_stamp(prices_path) -> str:
    """The snapshot's last session, stamped as its close (21:00Z), read with pandas."""
    dates = pd.read_csv(prices_path, usecols=["date"])["date"]
    return f"{max(dates)} 21:00Z"


@pytest.mark.parametrize("name", PRICE_BLOCKS)
def test_every_price_table_names_its_file_price_basis_and_last_session(built_values, prices_path, name):
    row = next(r for r in _sources(built_values) if r["block"] == table_name(name, "ko"))
    assert f"스냅샷 파일 {prices_path.name}" in row["source"], row
    basis = row["source"].partition(" · 가격 기준: ")[2]
    assert "수정종가 (분할·배당 조정)" in basis and "2025-12-31 기준" in basis, row
    assert row["as_of"] == _last_session_stamp(prices_path), row


@pytest.fixture(scope="module")
def english_built_and_refreshed(tmp_path_factory):
    """The Sources rows of an English book after its build and after a headless refresh."""
    folder = tmp_path_factory.mktemp("sources_en")
    out = folder / "deepseek_shock.xlsm"
    code, err = run_cli(BUILD_ARGS + ["--lang", "en", "--out", str(out)], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(folder / "cache")})
    assert code == 0, err
    return [_sources(out, "en"), *_refreshed(out, folder / "en", 1, lang="en")]


def test_the_english_book_gives_the_price_basis_in_english(english_built_and_refreshed, prices_path):
    rows = {r["block"]: r for r in english_built_and_refreshed[0]}
    row = rows[label("block.sb_event_returns", "en")]
    assert row["source"].startswith(f"snapshot file {prices_path.name} (")
    assert "price basis: adjusted close (split- and dividend-adjusted), as of 2025-12-31" in row["source"]
    assert "index level (not adjusted)" in row["source"]


def _no_tool_names(rows):
    bad = [r for r in rows for key in ("source", "as_of")
           if re.search(r"shockbook|\bcontent\b", str(r[key]), re.IGNORECASE) or not str(r[key]).strip()]
    assert not bad, bad


def test_no_sources_row_names_shockbook_or_content_in_the_korean_book(built_values, refreshed_twice):
    for rows in [_sources(built_values), *refreshed_twice]:
        _no_tool_names(rows)


def test_another_events_summary_panel_names_its_prices_not_shockbook(books):
    """For any event but the report's, the Dashboard's key-number panel is a "this event"
    summary recomputed from the prices: its Sources row says which."""
    _, values, _ = books("2025-04-07")
    rows = _sources(values)
    _no_tool_names(rows)
    row = next(r for r in rows if r["block"] == label("block.sb_key_numbers", "ko"))
    assert "스냅샷 파일 prices.csv.gz" in row["source"] and " · 가격 기준: " in row["source"], row


def test_no_sources_row_names_shockbook_or_content_in_the_english_book(english_built_and_refreshed):
    for rows in english_built_and_refreshed:
        _no_tool_names(rows)


# --- the wording, from provenance values (the live path's bases) ------------------------------

AS_OF = pd.Timestamp("2026-11-30 14:05", tz="UTC").to_pydatetime()


def _yahoo(source="yahoo", stale=False, detail=""):
    return Provenance(source, AS_OF, stale, detail, BASIS_SPLIT, BASIS_SPLIT_DIV)


def test_yahoo_close_is_split_adjusted_with_dividends_not():
    source, as_of = describe({"NVDA": _yahoo(), "AAPL": _yahoo()}, "close", "en")
    assert source == "Yahoo Finance (2 tickers) · price basis: close (split-adjusted, dividends not adjusted)"
    assert as_of == "2026-11-30 14:05Z"


def test_yahoo_adjusted_close_is_dividend_adjusted_as_of_the_fetch():
    source, _ = describe({"NVDA": _yahoo()}, "adj_close", "ko")
    assert source == "Yahoo Finance (1종목) · 가격 기준: 수정종가 (분할·배당 조정), 2026-11-30 기준"


def test_a_stale_cache_and_a_re_adjusted_series_say_so():
    source, _ = describe({"NVDA": _yahoo("cache", stale=True), "AVGO": _yahoo(detail="re-adjusted on 2026-11-29")},
                         "close", "en")
    assert source.startswith("Yahoo Finance (cached) [stale] (1 ticker); Yahoo Finance (1 ticker)")
    assert source.endswith("(re-adjusted on 2026-11-29)")


def test_a_basis_no_rule_knows_is_shown_as_the_file_states_it():
    p = Provenance("snapshot", AS_OF, False, "intl.csv, data to 2025-06-30", "close = adj close", "close = adj close")
    assert describe({"X": p}, "close", "en")[0] == "snapshot file intl.csv (1 ticker) · price basis: close = adj close"


def test_without_price_data_every_row_still_says_where_its_numbers_came_from(no_data):
    """No prices at all (offline, no snapshot): the price tables say they show the report's
    published values, a table with no values says so, and nothing reads "shockbook"."""
    code, err, out = no_data
    assert code == 0, err
    rows = _sources(out, "en")
    _no_tool_names(rows)
    by_block = {r["block"]: r for r in rows}
    assert by_block[label("block.sb_event_returns", "en")]["source"] == label("prov.published", "en")
    empty = [r for r in rows if r["source"] == label("prov.none", "en")]
    assert empty and all(r["note"] for r in empty), empty

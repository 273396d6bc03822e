"""Universes: a members CSV, and the current list rolled back through its change history."""

import pandas as pd
import pytest

from shockbook.data.universe import load_universe_file, members_as_of, parse_wikipedia
from shockbook.errors import InputError, SourceFormatError


def test_the_recorded_member_list_has_503_names_in_yahoo_form(constituents_path):
    members = load_universe_file(constituents_path)
    assert len(members) == 503
    assert {"BRK-B", "BF-B", "NVDA", "VST"} <= set(members["ticker"])
    assert members.set_index("ticker").loc["VST", "gics_sector"] == "Utilities"


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "is empty"),
        ("name,sector\nNvidia,IT\n", "has no ticker column; found name, sector"),
        ("ticker,name\n,\n", "lists no tickers"),
    ],
)
def test_bad_universe_files(tmp_path, content, message):
    path = tmp_path / "u.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_universe_file(path)


CURRENT = pd.DataFrame(
    {"ticker": ["AAA", "NEW", "KEEP"], "name": ["A", "New Co", "Keep"],
     "gics_sector": ["IT", "IT", "Energy"], "gics_sub_industry": ["", "", ""]}
)
CHANGES = pd.DataFrame(
    {"date": ["2025-03-24", "2024-12-23"], "added": ["NEW", "AAA"],
     "removed": ["OLD", "GONE"], "removed_name": ["Old Co", "Gone Co"]}
)


@pytest.mark.parametrize(
    "date, expected",
    [
        ("2025-06-30", ["AAA", "KEEP", "NEW"]),  # after every change: today's list
        ("2025-01-27", ["AAA", "KEEP", "OLD"]),  # the March change undone
        ("2024-12-01", ["GONE", "KEEP", "OLD"]),  # both undone
    ],
)
def test_members_as_of_undoes_later_changes(date, expected):
    assert members_as_of(CURRENT, CHANGES, date)["ticker"].tolist() == expected


PAGE = """
<table><tr><th>Symbol</th><th>Security</th><th>GICS Sector</th><th>GICS Sub-Industry</th></tr>
<tr><td>BRK.B</td><td>Berkshire Hathaway</td><td>Financials</td><td>Multi-Sector Holdings</td></tr>
<tr><td>NVDA</td><td>Nvidia</td><td>Information Technology</td><td>Semiconductors</td></tr></table>
<table><tr><th rowspan=2>Effective Date</th><th colspan=2>Added</th><th colspan=2>Removed</th><th rowspan=2>Reason</th></tr>
<tr><th>Ticker</th><th>Security</th><th>Ticker</th><th>Security</th></tr>
<tr><td>March 24, 2025</td><td>NVDA</td><td>Nvidia</td><td>QRVO</td><td>Qorvo</td><td>x</td></tr></table>
"""


def test_parse_the_member_and_change_tables():
    current, changes = parse_wikipedia(PAGE)
    assert current["ticker"].tolist() == ["BRK-B", "NVDA"]
    assert changes.iloc[0][["added", "removed", "removed_name"]].tolist() == ["NVDA", "QRVO", "Qorvo"]
    assert members_as_of(current, changes, "2025-01-27")["ticker"].tolist() == ["BRK-B", "QRVO"]


def test_a_changed_page_layout_is_a_clear_error():
    with pytest.raises(SourceFormatError, match="two tables"):
        parse_wikipedia("<table><tr><th>x</th></tr><tr><td>1</td></tr></table>")

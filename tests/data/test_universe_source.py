"""The S&P 500 list from the public pages, in the layout before 2026-08 (members and changes on
"List of S&P 500 companies") and after (changes on "Historical components of the S&P 500",
with a Refs column): read by header meaning, the last good copy kept, one clear way out.

The pages in ``pages/`` are hand-written in the public pages' structure; the HTTP call is the
only thing replaced (``get``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shockbook.data.universe import (
    HISTORY_URL,
    WIKIPEDIA_URL,
    fetch_sp500_as_of,
    parse_changes,
    parse_wikipedia,
)
from shockbook.errors import SourceUnavailableError

PAGES = Path(__file__).parent / "pages"
OLD = (PAGES / "list_old_layout.html").read_text()
NEW = (PAGES / "list_new_layout.html").read_text()
HISTORY = (PAGES / "history_page.html").read_text()

#: members on the date, rolled back from the sample pages' four current members
KNOWN = {
    "2025-06-30": ["BRK-B", "DASH", "MMM", "NVDA"],
    "2025-01-27": ["BRK-B", "BWA", "MMM", "NVDA"],  # DoorDash in for BorgWarner on 2025-03-24
    "2024-11-25": ["BRK-B", "BWA", "MMM", "QRVO"],  # ... and Apollo for Qorvo, Nvidia's sample add
}


class Web:
    """``get(url, timeout)`` answering from a dict; a value that is an exception is raised."""

    def __init__(self, pages: dict):
        self.pages = dict(pages)
        self.asked: list[str] = []

    def __call__(self, url: str, timeout: float) -> str:
        self.asked.append(url)
        answer = self.pages.get(url, ConnectionError(f"no route to {url}"))
        if isinstance(answer, BaseException):
            raise answer
        return answer


def members(web: Web, folder: Path, date: str, **kwargs) -> list[str]:
    return fetch_sp500_as_of(date, folder, get=web, **kwargs)["ticker"].tolist()


@pytest.mark.parametrize("date", sorted(KNOWN))
@pytest.mark.parametrize("layout", ["old", "new"])
def test_both_layouts_give_the_same_members(tmp_path, layout, date):
    web = Web({WIKIPEDIA_URL: OLD} if layout == "old" else {WIKIPEDIA_URL: NEW, HISTORY_URL: HISTORY})
    assert members(web, tmp_path, date) == KNOWN[date]
    assert web.asked == ([WIKIPEDIA_URL] if layout == "old" else [WIKIPEDIA_URL, HISTORY_URL])


def test_changes_are_read_by_header_meaning_not_position():
    # another order of the header groups, "Date" for "Effective date", no Reason, no Refs
    page = """<table><tr><th rowspan=2>Date</th><th colspan=2>Removed</th><th colspan=2>Added</th></tr>
    <tr><th>Security</th><th>Ticker</th><th>Security</th><th>Ticker</th></tr>
    <tr><td>March 24, 2025</td><td>BorgWarner</td><td>BWA</td><td>DoorDash</td><td>DASH</td></tr></table>"""
    changes = parse_changes(page)
    assert changes.iloc[0][["added", "removed", "removed_name"]].tolist() == ["DASH", "BWA", "BorgWarner"]
    assert str(changes.iloc[0]["date"].date()) == "2025-03-24"


def test_the_history_page_with_refs_and_footnotes_parses():
    changes = parse_changes(HISTORY)
    assert [str(d.date()) for d in changes["date"]] == ["2025-03-24", "2024-12-23", "2024-11-26"]
    assert changes["removed"].tolist() == ["BWA", "QRVO", ""]


def test_the_old_single_page_parse_still_works():
    current, changes = parse_wikipedia(OLD)
    assert current["ticker"].tolist() == ["MMM", "BRK-B", "NVDA", "DASH"]
    assert len(changes) == 3


def test_the_last_good_copy_serves_when_the_pages_break(tmp_path):
    members(Web({WIKIPEDIA_URL: NEW, HISTORY_URL: HISTORY}), tmp_path, "2025-01-27")
    broken = Web({WIKIPEDIA_URL: "<html><p>Page moved</p><table><tr><th>x</th></tr></table></html>",
                  HISTORY_URL: ConnectionError("timed out")})
    warnings: list[str] = []
    got = members(broken, tmp_path, "2025-01-27", max_age_hours=0, warnings=warnings)
    assert got == KNOWN["2025-01-27"]
    [warning] = warnings
    assert "last good cached copy" in warning and "members table" in warning and "timed out" in warning
    assert "GICS Sector" in (tmp_path / "sp500_wikipedia.html").read_text()  # not overwritten


def test_when_everything_fails_the_message_says_what_to_do(tmp_path):
    broken = Web({WIKIPEDIA_URL: NEW})  # members, but the history page is unreachable
    with pytest.raises(SourceUnavailableError) as info:
        members(broken, tmp_path, "2025-01-27")
    text = info.value.one_line()
    assert "cannot read the S&P 500 change history" in text and "--universe-file" in text
    assert "sp500_constituents_2025-01-27.csv" in text


def test_offline_reads_only_the_cached_copies(tmp_path):
    members(Web({WIKIPEDIA_URL: NEW, HISTORY_URL: HISTORY}), tmp_path, "2025-01-27")
    nothing = Web({})
    assert members(nothing, tmp_path, "2025-01-27", offline=True) == KNOWN["2025-01-27"]
    assert nothing.asked == []


def test_a_build_without_a_universe_says_why_and_what_to_do(tmp_path):
    from shockbook.config import Settings
    from shockbook.workbook.engine import load_universe

    notes: list[str] = []
    settings = Settings.from_env(environ={}, cache_dir=tmp_path, offline=True)
    assert load_universe(settings, None, notes) == (None, "")
    [note] = notes
    assert note.startswith("no universe, the breadth tables are left empty") and "--universe-file" in note
